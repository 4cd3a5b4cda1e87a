"""rating follow-ups

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 13:33:59.628593
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('followups',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('hall_id', sa.String(length=16), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('staff', sa.String(length=64), nullable=True),
    sa.Column('service', sa.String(length=16), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('appealed_by', sa.String(length=64), nullable=True),
    sa.Column('appeal_from', sa.String(length=16), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('excluded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], name=op.f('fk_followups_rating_id_ratings')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_followups_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followups')),
    sa.UniqueConstraint('rating_id', name=op.f('uq_followups_rating_id'))
    )
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index('ix_followups_state', ['hall_id', 'state'], unique=False)

    op.create_table('followup_steps',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('followup_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['followup_id'], ['followups.id'], name=op.f('fk_followup_steps_followup_id_followups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_steps'))
    )
    with op.batch_alter_table('followup_steps', schema=None) as batch_op:
        batch_op.create_index('ix_followup_steps_case', ['followup_id'], unique=False)

    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('excluded', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_column('excluded')

    with op.batch_alter_table('followup_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_followup_steps_case')

    op.drop_table('followup_steps')
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index('ix_followups_state')

    op.drop_table('followups')
