"""Daily roll-ups: each closed business day's KPI figures per group, so a year's report reads
365 × groups rows instead of every ticket.

A day is *closed* once it is over in the hall's time zone and none of its
tickets is still waiting, called, being served or held: nothing the KPIs count
can change after that. Ratings can (phone ratings come days later, appeals
exclude them), so reports always count ratings from the ratings table. Each
row keeps the additive figures (counts, sums, the maximum wait) and the day's
sorted wait and service times, from which the exact nearest-rank percentiles
of any range are merged. A row remembers the service targets it was computed
with; after a target changes, those days are read from the tickets again until
the nightly job rebuilds them.
"""

from __future__ import annotations

import array
import json
from datetime import date, timedelta

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.orm import Session

from hallctl.adapters import orm
from hallctl.domain.model import business_day

from . import kpis
from .groups import GROUPS, count_if, in_range
from .kpi_days import K, targets_key

T = orm.tickets
ACTIVE = ("waiting", "called", "serving", "held")
CHUNK_DAYS = 31


def _encode_key(key) -> str:
    return json.dumps(key.isoformat() if isinstance(key, date) else key, ensure_ascii=False)


def _pack(values: list[float]) -> bytes:
    return array.array("d", sorted(values)).tobytes()


def closed_days(session: Session, hall_id: str, first: date, last: date) -> list[date]:
    """Days in the range with tickets, none of them still in the queue or at a window."""
    active = count_if(T.c.status.in_(ACTIVE))
    stmt = select(T.c.business_day).where(in_range(hall_id, first, last)).group_by(T.c.business_day).having(active == 0)
    return list(session.scalars(stmt))


def build(session: Session, hall_id: str, by: str, days: list[date], targets_s: dict[str, float]) -> int:
    """(Re)write the roll-ups of ``days`` for one grouping; returns the rows written."""
    if not days:
        return 0
    wanted = set(days)
    scope = and_(in_range(hall_id, min(days), max(days)), T.c.business_day.in_(wanted))
    groups = kpis.accumulate(session, scope, GROUPS[by], targets_s, per_day=True)
    session.execute(delete(K).where(K.c.hall_id == hall_id, K.c.grouping == by, K.c.business_day.in_(wanted)))
    rows = [
        {
            "hall_id": hall_id,
            "grouping": by,
            "business_day": day,
            "key": _encode_key(key),
            "targets": targets_key(targets_s),
            "figures": group.figures,
            "waits": _pack(group.waits),
            "services": _pack(group.services),
        }
        for (day, key), group in groups.items()
    ]
    if rows:
        session.execute(insert(K), rows)
    return len(rows)


def roll_up(hall, years: int = 10) -> int:
    """Roll up every closed day of the last ``years`` not yet rolled up with today's targets (the daily job)."""
    today = business_day(hall.now(), hall.config.hall.zone)
    first, last = today - timedelta(days=366 * years), today - timedelta(days=1)
    targets_s = {s.code: s.target_wait_min * 60 for s in hall.config.services}
    written = 0
    with hall.uow(write=False) as uow:
        closed = closed_days(uow.session, hall.hall_id, first, last)
    for by in GROUPS:
        with hall.uow(write=False) as uow:
            done = set(
                uow.session.scalars(
                    select(K.c.business_day)
                    .distinct()
                    .where(K.c.hall_id == hall.hall_id, K.c.grouping == by, K.c.targets == targets_key(targets_s))
                )
            )
        todo = [day for day in closed if day not in done]
        for start in range(0, len(todo), CHUNK_DAYS):
            with hall.uow() as uow:
                written += build(uow.session, hall.hall_id, by, todo[start : start + CHUNK_DAYS], targets_s)
                uow.commit()
    return written


def forget(session: Session, hall_id: str, first: date, last: date) -> None:
    """Drop the roll-ups of a range whose tickets were rewritten (``hallctl seed``)."""
    session.execute(delete(K).where(K.c.hall_id == hall_id, K.c.business_day >= first, K.c.business_day <= last))
