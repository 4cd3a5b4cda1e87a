"""derived ticket times for reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 13:00:17.041040
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issue_hour', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('issue_weekday', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('wait_s', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('walk_s', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('service_s', sa.Float(), nullable=True))
        batch_op.create_index('ix_tickets_report', ['hall_id', 'business_day', 'service'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_report')
        batch_op.drop_column('service_s')
        batch_op.drop_column('walk_s')
        batch_op.drop_column('wait_s')
        batch_op.drop_column('issue_weekday')
        batch_op.drop_column('issue_hour')

