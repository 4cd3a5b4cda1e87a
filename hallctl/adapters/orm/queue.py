"""The queue's tables: services, windows and their sessions and pauses, tickets, their events, the day counters."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from .base import UTCDateTime, metadata

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
