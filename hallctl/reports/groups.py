"""What the KPI report and its daily roll-ups share: the ticket columns a report groups by, and a group's
additive figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func

from hallctl.adapters import orm
from hallctl.domain.model import Outcome

T, R = orm.tickets, orm.ratings
GROUPS = {
    "service": T.c.service,
    "window": T.c.window,
    "staff": T.c.staff,
    "hour": T.c.issue_hour,
    "day": T.c.business_day,
    "weekday": T.c.issue_weekday,
}


def count_if(condition: ColumnElement[bool]) -> Any:
    """SQL: how many rows of the group meet ``condition``."""
    return func.sum(case((condition, 1), else_=0))


def in_range(hall_id: str, first: date, last: date) -> ColumnElement[bool]:
    """Tickets of the hall issued on business days ``first``..``last``."""
    return and_(T.c.hall_id == hall_id, T.c.business_day >= first, T.c.business_day <= last)


OUTCOMES = tuple(f"outcome_{o.value}" for o in Outcome)
COUNTS = (
    "issued",
    "served",
    "no_show",
    "transferred",
    "held",
    "called",
    "within_target",
    "walk_n",
    "service_n",
    *OUTCOMES,
)
SUMS = ("wait_sum", "walk_sum", "service_sum")


@dataclass
class Group:
    """The additive figures of one group (counts, sums, max) and its wait and service times."""

    figures: dict[str, float | None]
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)

    def add(self, other: Group) -> None:
        """Merge another group's figures into this one (sums and counts added, the larger maximum kept)."""
        for name in COUNTS + SUMS:
            self.figures[name] = (self.figures.get(name) or 0) + (other.figures.get(name) or 0)
        maxima = [m for m in (self.figures.get("wait_max"), other.figures.get("wait_max")) if m is not None]
        self.figures["wait_max"] = max(maxima) if maxima else None
        self.waits.extend(other.waits)
        self.services.extend(other.services)
