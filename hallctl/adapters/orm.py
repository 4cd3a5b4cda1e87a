"""SQLAlchemy tables and the imperative mapping of the domain entities.

The domain classes stay plain Python; ``start_mappers()`` instruments them.
Alembic migrations (hallctl/migrations) create exactly these tables; a test
checks that they agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import registry
from sqlalchemy.types import TypeDecorator

from hallctl.domain import followup, model

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python; naive UTC in the database (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if isinstance(value, datetime) else value


services = Table(
    "services",
    metadata,
    Column("hall_id", String(16), primary_key=True),
    Column("code", String(16), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("name_en", String(64), nullable=False, default=""),
    Column("prefix", String(2), nullable=False),
    Column("target_wait_min", Float, nullable=False),
)

windows = Table(
    "windows",
    metadata,
    Column("hall_id", String(16), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("staff", String(64)),
    Column("session_started_at", UTCDateTime),
    Column("paused", Boolean, nullable=False, default=False),
    Column("pause_reason", String(64)),
    Column("paused_at", UTCDateTime),
    Column("current_ticket_id", Integer),
    Column("current_status", String(16)),
    Column("priority_streak", Integer, nullable=False, default=0),
    Column("inviting_ticket_id", Integer),
    Column("inviting_until", UTCDateTime),
    Column("version", Integer, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall_id", String(16), nullable=False),
    Column("service", String(16), nullable=False),
    Column("number", String(8), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("business_day", Date, nullable=False),
    Column("hop", Integer, nullable=False, default=0),
    Column("priority", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("arrival_at", UTCDateTime, nullable=False),
    Column("track_token", String(64), nullable=False),
    Column("kiosk", String(16)),
    Column("appointment_code", String(32)),
    Column("appointment_at", UTCDateTime),
    Column("parent_id", Integer, ForeignKey("tickets.id")),
    Column("target_window", Integer),
    Column("window", Integer),
    Column("staff", String(64)),
    Column("outcome", String(16)),
    Column("first_called_at", UTCDateTime),
    Column("last_called_at", UTCDateTime),
    Column("started_at", UTCDateTime),
    Column("ended_at", UTCDateTime),
    Column("call_count", Integer, nullable=False, default=0),
    Column("no_show_count", Integer, nullable=False, default=0),
    Column("hold_kind", String(16)),
    Column("held_at", UTCDateTime),
    Column("print_status", String(16), nullable=False),
    Column("citizen_hash", String(64)),
    Column("issue_hour", Integer),
    Column("issue_weekday", Integer),
    Column("wait_s", Float),
    Column("walk_s", Float),
    Column("service_s", Float),
    Column("version", Integer, nullable=False),
    UniqueConstraint("hall_id", "business_day", "number", "hop"),
    # the queue orders (arrival or appointment, then issue time, id) are the index orders: a head is the first entry
    Index("ix_tickets_queue", "hall_id", "status", "service", "priority", "arrival_at", "issued_at", "id"),
    Index("ix_tickets_ahead", "hall_id", "status", "service", "arrival_at", "id"),
    Index("ix_tickets_targeted", "hall_id", "status", "target_window", "arrival_at", "issued_at", "id"),
    Index("ix_tickets_appointments", "hall_id", "status", "appointment_at", "issued_at", "id"),
    Index("ix_tickets_day", "hall_id", "business_day"),
    Index("ix_tickets_issued", "hall_id", "issued_at"),
    Index("ix_tickets_report", "hall_id", "business_day", "service"),
    Index("ix_tickets_citizen", "hall_id", "citizen_hash"),
)

counters = Table(
    "counters",
    metadata,
    Column("hall_id", String(16), primary_key=True),
    Column("service", String(16), primary_key=True),
    Column("business_day", Date, primary_key=True),
    Column("last_seq", Integer, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall_id", String(16), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("ticket_id", Integer),
    Column("window", Integer),
    Column("staff", String(64)),
    Column("data", JSON, nullable=False),
    Index("ix_events_ticket", "ticket_id"),
    Index("ix_events_at", "hall_id", "at"),
)

window_sessions = Table(
    "window_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall_id", String(16), nullable=False),
    Column("window", Integer, nullable=False),
    Column("staff", String(64), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    Index("ix_window_sessions_open", "hall_id", "window", "ended_at"),
)

window_pauses = Table(
    "window_pauses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall_id", String(16), nullable=False),
    Column("window", Integer, nullable=False),
    Column("staff", String(64), nullable=False),
    Column("reason", String(64), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    Index("ix_window_pauses_open", "hall_id", "window", "ended_at"),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall_id", String(16), nullable=False),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), unique=True),
    Column("window", Integer),
    Column("staff", String(64)),
    Column("service", String(16)),
    Column("level", Integer, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("at", UTCDateTime, nullable=False),
    Column("bound", Boolean, nullable=False),
    Column("excluded", Boolean, nullable=False, server_default=false()),
    Index("ix_ratings_at", "hall_id", "at"),
)

followups = Table(
    "followups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall_id", String(16), nullable=False),
    Column("rating_id", Integer, ForeignKey("ratings.id"), nullable=False, unique=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
    Column("window", Integer),
    Column("staff", String(64)),
    Column("service", String(16)),
    Column("level", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("due_on", Date),
    Column("appealed_by", String(64)),
    Column("appeal_from", String(16)),
    Column("closed_at", UTCDateTime),
    Column("excluded", Boolean, nullable=False),
    Index("ix_followups_state", "hall_id", "state"),
)

followup_steps = Table(
    "followup_steps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("followup_id", Integer, ForeignKey("followups.id"), nullable=False),
    Column("action", String(16), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("from_state", String(16), nullable=False),
    Column("to_state", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Index("ix_followup_steps_case", "followup_id"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(64), nullable=False, default=""),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked", Boolean, nullable=False, default=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("principal", String(80), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("method", String(8), nullable=False),
    Column("path", String(256), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", JSON),
    Column("created_at", UTCDateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall_id", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("method", String(8), nullable=False),
    Column("path", String(256), nullable=False),
    Column("status", Integer, nullable=False),
    Column("remote_addr", String(64), nullable=False),
    Index("ix_audit_log_at", "hall_id", "at"),
)

kpi_days = Table(
    "kpi_days",
    metadata,  # one closed business day's KPI figures per group (hallctl/reports/rollups.py)
    Column("hall_id", String(16), primary_key=True),
    Column("grouping", String(8), primary_key=True),
    Column("business_day", Date, primary_key=True),
    Column("key", String(80), primary_key=True),
    Column("targets", String(400), nullable=False),
    Column("figures", JSON, nullable=False),
    Column("waits", LargeBinary, nullable=False),
    Column("services", LargeBinary, nullable=False),
)

settings = Table(
    "settings", metadata, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False)
)

_mapper_registry = registry()
_started = False


def start_mappers() -> None:
    """Map Ticket, Window and Rating onto their tables (idempotent)."""
    global _started
    if _started:
        return
    _started = True
    _mapper_registry.map_imperatively(model.Ticket, tickets, version_id_col=tickets.c.version)
    _mapper_registry.map_imperatively(model.Window, windows, version_id_col=windows.c.version)
    _mapper_registry.map_imperatively(model.Rating, ratings)
    _mapper_registry.map_imperatively(followup.FollowUp, followups)
    for cls in (model.Ticket, model.Window, model.Rating):
        event.listen(cls, "load", _init_events)


def _init_events(entity, _context) -> None:
    entity.events = []
