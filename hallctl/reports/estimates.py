"""The wait estimates' memory: the learned service times seeded from the hall's finished tickets at start.

The estimator itself is pure (:mod:`hallctl.domain.estimates`); this reads its history from the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hallctl.adapters import orm
from hallctl.domain.estimates import ServiceTimes
from hallctl.domain.ticket import Status

HISTORY = timedelta(days=60)
"""How far back the service times are replayed at start."""


def learn_history(session: Session, hall_id: str, since: datetime, times: ServiceTimes) -> int:
    """Replay the hall's finished services since ``since`` into ``times``, in time order; returns how many."""
    t = orm.tickets
    stmt = (
        select(t.c.service, t.c.ended_at, t.c.service_s)
        .where(
            t.c.hall_id == hall_id,
            t.c.status == Status.FINISHED.value,
            t.c.service_s.is_not(None),
            t.c.ended_at >= since,
        )
        .order_by(t.c.ended_at)
    )
    count = 0
    for service, ended_at, seconds in session.execute(stmt):
        if service in times.defaults:
            times.observe(service, ended_at, seconds)
            count += 1
    return count
