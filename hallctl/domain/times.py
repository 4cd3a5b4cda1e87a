"""Moments and durations as the hall keeps them: aware UTC datetimes, seconds, ISO 8601 with a Z."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current moment, timezone-aware in UTC (the hall's default clock)."""
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """``value`` as ISO 8601 in UTC with a ``Z`` (how times appear in API replies and exports); None stays None."""
    return value.isoformat().replace("+00:00", "Z") if value else None


def seconds_between(later: datetime | None, earlier: datetime | None) -> float | None:
    """``later − earlier`` in seconds, or None when either moment is missing (e.g. a ticket never called)."""
    return None if later is None or earlier is None else (later - earlier).total_seconds()
