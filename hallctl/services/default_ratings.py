"""The optional rule that rates finished tickets nobody rated after N days (channel ``default``).

Off unless ``[ratings] default_after_days`` is set. Such ratings open no
follow-up and are counted apart from real ones in every report.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hallctl.adapters import orm
from hallctl.domain import model

CHANNEL = "default"


def apply_default_ratings(hall) -> int:
    """Rate every finished, unrated ticket that ended more than N days ago; returns how many."""
    days = hall.config.ratings.default_after_days
    if not days:
        return 0
    t, r = orm.tickets, orm.ratings
    cutoff = hall.now() - timedelta(days=days)
    now = hall.now()
    with hall.uow() as uow:
        rows = uow.session.execute(
            select(t.c.id, t.c.window, t.c.staff, t.c.service)
            .outerjoin(r, r.c.ticket_id == t.c.id)
            .where(
                t.c.hall_id == hall.hall_id,
                t.c.status == model.Status.FINISHED.value,
                t.c.ended_at < cutoff,
                r.c.id.is_(None),
            )
        ).all()
        for ticket_id, window, staff, service in rows:
            uow.ratings.add(
                model.Rating(
                    hall_id=hall.hall_id,
                    level=hall.config.ratings.default_level,
                    channel=CHANNEL,
                    at=now,
                    ticket_id=ticket_id,
                    window=window,
                    staff=staff,
                    service=service,
                )
            )
        uow.commit()
    return len(rows)
