"""kpi day roll-ups

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 14:38:56.712992
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kpi_days',
    sa.Column('hall_id', sa.String(length=16), nullable=False),
    sa.Column('grouping', sa.String(length=8), nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('targets', sa.String(length=400), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('waits', sa.LargeBinary(), nullable=False),
    sa.Column('services', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('hall_id', 'grouping', 'business_day', 'key', name=op.f('pk_kpi_days'))
    )


def downgrade() -> None:
    op.drop_table('kpi_days')
