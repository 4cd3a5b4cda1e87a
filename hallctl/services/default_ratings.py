"""The optional rule that rates finished tickets nobody rated after N days (channel ``default``).

Off unless ``[ratings] default_after_days`` is set. Such ratings open no
follow-up and are counted apart from real ones in every report.
"""

from __future__ import annotations

from datetime import timedelta

from hallctl.domain import model

from .context import Hall

CHANNEL = "default"


def apply_default_ratings(hall: Hall) -> int:
    """Rate every finished, unrated ticket that ended more than N days ago; returns how many."""
    days = hall.config.ratings.default_after_days
    if not days:
        return 0
    cutoff = hall.now() - timedelta(days=days)
    now = hall.now()
    with hall.uow() as uow:
        unrated = uow.tickets.finished_unrated(cutoff)
        for ticket in unrated:
            uow.ratings.add(
                model.Rating(
                    hall_id=hall.hall_id,
                    level=hall.config.ratings.default_level,
                    channel=CHANNEL,
                    at=now,
                    ticket_id=ticket.id,
                    window=ticket.window,
                    staff=ticket.staff,
                    service=ticket.service,
                )
            )
        uow.commit()
    return len(unrated)
