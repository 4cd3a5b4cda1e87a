"""Ratings, their follow-up cases and steps, and the KPI day roll-ups the reports read."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, LargeBinary, String, Table, Text, false

from .base import UTCDateTime, metadata

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
