"""hardening: idempotency request fingerprints and retention, per (account, address) log-in failures, a health probe row

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Keys stored before the hardening have no fingerprint, may be anonymous and may hold session tokens in
    # clear: none of them may ever be replayed, so none is kept.
    op.execute("DELETE FROM idempotency_keys")
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_hash', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_idempotency_keys_created_at', ['created_at'], unique=False)
    op.create_table('login_failures',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('username', 'address', name=op.f('pk_login_failures'))
    )
    op.create_table('health_probes',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_health_probes'))
    )


def downgrade() -> None:
    op.drop_table('health_probes')
    op.drop_table('login_failures')
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_idempotency_keys_created_at')
        batch_op.drop_column('request_hash')
