"""The rolled-up days (``kpi_days``) as the KPI report reads them: one closed day's figures per group, kept
with the service targets they were computed with."""

from __future__ import annotations

import array
import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hallctl.adapters import orm

from .groups import Group

K = orm.kpi_days


def targets_key(targets_s: dict[str, float]) -> str:
    """The service targets as stored beside a roll-up (a row computed with other targets is not used)."""
    return json.dumps(targets_s, sort_keys=True, separators=(",", ":"))


def _decode_key(text: str, by: str):
    key = json.loads(text)
    return date.fromisoformat(key) if by == "day" and key is not None else key


def _unpack(blob: bytes) -> list[float]:
    values = array.array("d")
    values.frombytes(blob)
    return values.tolist()


def load(
    session: Session, hall_id: str, by: str, first: date, last: date, targets_s: dict[str, float], into: dict
) -> list[date]:
    """Add the rolled-up groups of ``first``..``last`` to ``into`` (key → Group); returns the days covered."""
    stmt = select(K.c.business_day, K.c.key, K.c.figures, K.c.waits, K.c.services).where(
        K.c.hall_id == hall_id,
        K.c.grouping == by,
        K.c.business_day >= first,
        K.c.business_day <= last,
        K.c.targets == targets_key(targets_s),
    )
    days = set()
    for day, key, figures, waits, services in session.execute(stmt):
        days.add(day)
        group = Group(dict(figures), _unpack(waits), _unpack(services))
        into.setdefault(_decode_key(key, by), Group({})).add(group)
    return sorted(days)
