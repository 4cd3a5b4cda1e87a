"""citizen hashes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 13:40:09.293842
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('citizen_hash', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_tickets_citizen', ['hall_id', 'citizen_hash'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_citizen')
        batch_op.drop_column('citizen_hash')

