"""Choosing the next ticket for a window (PRODUCT.md §3).

The repository fetches a few candidates (the oldest waiting ticket of each
service × priority class the window serves, tickets sent to this window, due
appointments); :func:`choose` decides among them. Within one service and class
the oldest ticket always has the highest score, so the heads suffice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Candidate:
    """What routing needs to know about a waiting ticket."""

    id: int
    service: str
    priority: str
    arrival_at: datetime
    issued_at: datetime
    appointment_at: datetime | None = None

    @property
    def order(self) -> tuple[datetime, datetime, int]:
        """The queue order: effective arrival, then issue time, then id."""
        return (self.arrival_at, self.issued_at, self.id)


@dataclass(frozen=True)
class WorkProfile:
    """A window's services with weights, and the hall's routing settings."""

    window: int
    service_weights: dict[str, float]
    class_weights: dict[str, float]
    max_wait: dict[str, timedelta | None]
    interleave: int = 0
    """After this many priority calls in a row, the next call takes a normal ticket (0 = off)."""


@dataclass(frozen=True)
class Choice:
    """The ticket routing chose and the rule that chose it."""

    candidate: Candidate
    rule: str  # "targeted" | "max_wait" | "appointment" | "score" | "interleave"


def is_priority(profile: WorkProfile, candidate: Candidate) -> bool:
    """Whether the candidate's class weighs more than normal in this window's profile."""
    return profile.class_weights.get(candidate.priority, 1.0) > 1.0


def score(profile: WorkProfile, candidate: Candidate, now: datetime) -> float:
    """class weight × service weight × seconds since effective arrival."""
    age = (now - candidate.arrival_at).total_seconds()
    return (
        profile.class_weights.get(candidate.priority, 1.0) * profile.service_weights.get(candidate.service, 1.0) * age
    )


def choose(
    profile: WorkProfile,
    now: datetime,
    *,
    targeted: list[Candidate],
    heads: list[Candidate],
    appointments: list[Candidate],
    streak: int = 0,
) -> Choice | None:
    """Pick the next ticket, or None when nothing waits.

    Args:
        targeted: tickets transferred to this window or held here and resumed.
        heads: the oldest untargeted waiting ticket of each (service, class).
        appointments: checked-in appointments of the window's services.
        streak: priority calls in a row at this window so far.
    """
    if targeted:
        return Choice(min(targeted, key=lambda c: c.order), "targeted")
    overdue = [c for c in heads if _overdue(profile, c, now)]
    if overdue:
        return Choice(min(overdue, key=lambda c: c.order), "max_wait")
    due = [c for c in appointments if c.appointment_at is not None and c.appointment_at <= now]
    if due:
        return Choice(min(due, key=lambda c: (c.appointment_at, c.issued_at, c.id)), "appointment")
    if not heads:
        return None
    pool, rule = heads, "score"
    if profile.interleave and streak >= profile.interleave:
        normal = [c for c in heads if not is_priority(profile, c)]
        if normal:
            pool, rule = normal, "interleave"
    best = min(pool, key=lambda c: (-score(profile, c, now), c.issued_at, c.id))
    return Choice(best, rule)


def next_streak(profile: WorkProfile, chosen: Candidate, streak: int) -> int:
    """The window's priority streak after calling ``chosen``."""
    return streak + 1 if is_priority(profile, chosen) else 0


def _overdue(profile: WorkProfile, candidate: Candidate, now: datetime) -> bool:
    limit = profile.max_wait.get(candidate.service)
    return limit is not None and now - candidate.arrival_at > limit
