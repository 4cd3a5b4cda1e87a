"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 12:37:21.656608
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counters',
    sa.Column('hall_id', sa.String(length=16), nullable=False),
    sa.Column('service', sa.String(length=16), nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('hall_id', 'service', 'business_day', name=op.f('pk_counters'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('hall_id', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('staff', sa.String(length=64), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_at', ['hall_id', 'at'], unique=False)
        batch_op.create_index('ix_events_ticket', ['ticket_id'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('principal', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('path', sa.String(length=256), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('principal', 'key', name=op.f('pk_idempotency_keys'))
    )
    op.create_table('services',
    sa.Column('hall_id', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=2), nullable=False),
    sa.Column('target_wait_min', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('hall_id', 'code', name=op.f('pk_services'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('hall_id', sa.String(length=16), nullable=False),
    sa.Column('service', sa.String(length=16), nullable=False),
    sa.Column('number', sa.String(length=8), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('hop', sa.Integer(), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('arrival_at', sa.DateTime(), nullable=False),
    sa.Column('track_token', sa.String(length=64), nullable=False),
    sa.Column('kiosk', sa.String(length=16), nullable=True),
    sa.Column('appointment_code', sa.String(length=32), nullable=True),
    sa.Column('appointment_at', sa.DateTime(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('target_window', sa.Integer(), nullable=True),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('staff', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('first_called_at', sa.DateTime(), nullable=True),
    sa.Column('last_called_at', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('call_count', sa.Integer(), nullable=False),
    sa.Column('no_show_count', sa.Integer(), nullable=False),
    sa.Column('hold_kind', sa.String(length=16), nullable=True),
    sa.Column('held_at', sa.DateTime(), nullable=True),
    sa.Column('print_status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['tickets.id'], name=op.f('fk_tickets_parent_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('hall_id', 'business_day', 'number', 'hop', name=op.f('uq_tickets_hall_id_business_day_number_hop'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_ahead', ['hall_id', 'status', 'service', 'arrival_at', 'id'], unique=False)
        batch_op.create_index('ix_tickets_appointments', ['hall_id', 'status', 'appointment_at'], unique=False)
        batch_op.create_index('ix_tickets_day', ['hall_id', 'business_day'], unique=False)
        batch_op.create_index('ix_tickets_issued', ['hall_id', 'issued_at'], unique=False)
        batch_op.create_index('ix_tickets_queue', ['hall_id', 'status', 'service', 'priority', 'arrival_at', 'id'], unique=False)
        batch_op.create_index('ix_tickets_targeted', ['hall_id', 'status', 'target_window', 'arrival_at', 'id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('window_pauses',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('hall_id', sa.String(length=16), nullable=False),
    sa.Column('window', sa.Integer(), nullable=False),
    sa.Column('staff', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_window_pauses'))
    )
    with op.batch_alter_table('window_pauses', schema=None) as batch_op:
        batch_op.create_index('ix_window_pauses_open', ['hall_id', 'window', 'ended_at'], unique=False)

    op.create_table('window_sessions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('hall_id', sa.String(length=16), nullable=False),
    sa.Column('window', sa.Integer(), nullable=False),
    sa.Column('staff', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_window_sessions'))
    )
    with op.batch_alter_table('window_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_window_sessions_open', ['hall_id', 'window', 'ended_at'], unique=False)

    op.create_table('windows',
    sa.Column('hall_id', sa.String(length=16), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('staff', sa.String(length=64), nullable=True),
    sa.Column('session_started_at', sa.DateTime(), nullable=True),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('pause_reason', sa.String(length=64), nullable=True),
    sa.Column('paused_at', sa.DateTime(), nullable=True),
    sa.Column('current_ticket_id', sa.Integer(), nullable=True),
    sa.Column('current_status', sa.String(length=16), nullable=True),
    sa.Column('priority_streak', sa.Integer(), nullable=False),
    sa.Column('inviting_ticket_id', sa.Integer(), nullable=True),
    sa.Column('inviting_until', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('hall_id', 'number', name=op.f('pk_windows'))
    )
    op.create_table('ratings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('hall_id', sa.String(length=16), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('staff', sa.String(length=64), nullable=True),
    sa.Column('service', sa.String(length=16), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('bound', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ratings_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_ratings_ticket_id'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index('ix_ratings_at', ['hall_id', 'at'], unique=False)

    op.create_table('tokens',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_tokens_token_hash'))
    )


def downgrade() -> None:
    op.drop_table('tokens')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_ratings_at')

    op.drop_table('ratings')
    op.drop_table('windows')
    with op.batch_alter_table('window_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_window_sessions_open')

    op.drop_table('window_sessions')
    with op.batch_alter_table('window_pauses', schema=None) as batch_op:
        batch_op.drop_index('ix_window_pauses_open')

    op.drop_table('window_pauses')
    op.drop_table('users')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_targeted')
        batch_op.drop_index('ix_tickets_queue')
        batch_op.drop_index('ix_tickets_issued')
        batch_op.drop_index('ix_tickets_day')
        batch_op.drop_index('ix_tickets_appointments')
        batch_op.drop_index('ix_tickets_ahead')

    op.drop_table('tickets')
    op.drop_table('settings')
    op.drop_table('services')
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_ticket')
        batch_op.drop_index('ix_events_at')

    op.drop_table('events')
    op.drop_table('counters')
