"""好差评 from a window's evaluator: a press binds to the ticket the window just finished, once."""

from __future__ import annotations

from hallctl.domain import model
from hallctl.domain.errors import Invalid, NotFound

from .context import Hall
from .followups import open_case
from .ports import Json
from .views import rating_dto


def record_rating(hall: Hall, window_number: int, level: int, channel: str = "evaluator") -> Json:
    """Record an evaluator press at a window.

    While the window is inviting a rating (after finish, for ``rating_timeout_s``)
    the press is bound to that ticket and the invitation is consumed, so a
    repeated press or a repeated poll cannot rate it twice. Otherwise the press
    is stored unbound (counted, rating no ticket).

    Raises:
        Invalid: level outside 1..5. NotFound: no such window.
    """
    if level not in model.RATING_LEVELS:
        raise Invalid("level must be 1..5 (1 非常满意 … 5 非常不满意)", field="level")
    hall.profile(window_number)
    now = hall.now()
    with hall.uow() as uow:
        window = uow.windows.get(window_number)
        if window is None:
            raise NotFound(f"there is no window {window_number}", field="window")
        ticket_id = window.take_invitation(now)
        ticket = uow.tickets.get(ticket_id) if ticket_id is not None else None
        if ticket is not None and uow.ratings.for_ticket(ticket.stored_id) is not None:
            ticket = None  # already rated on another channel: count the press, bind nothing
        rating = model.Rating(
            hall_id=hall.hall_id,
            level=level,
            channel=channel,
            at=now,
            ticket_id=ticket.id if ticket else None,
            window=window_number,
            staff=ticket.staff if ticket else window.staff,
            service=ticket.service if ticket else None,
        )
        uow.ratings.add(rating)
        uow.flush()
        rating.recorded()
        open_case(hall, uow, rating)
        uow.commit()
    return rating_dto(rating, ticket.number if ticket else None)
