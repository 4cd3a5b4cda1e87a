"""Ticket numbers and the hall's business days (always in the hall's timezone, never a fixed offset)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo


def format_number(prefix: str, seq: int, digits: int) -> str:
    """A001: prefix + zero-padded sequence (wider when the day runs past 10**digits - 1)."""
    return f"{prefix}{seq:0{digits}d}"


def business_day(moment: datetime, zone: tzinfo) -> date:
    """The hall's local calendar day of a UTC instant (never a fixed hour offset)."""
    return moment.astimezone(zone).date()


def day_start(moment: datetime, zone: tzinfo) -> datetime:
    """The UTC instant the hall's business day of ``moment`` began (local midnight, DST-safe)."""
    return datetime.combine(business_day(moment, zone), time(), tzinfo=zone).astimezone(UTC)
