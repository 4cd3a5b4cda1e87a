"""好差评: one rating of the hall's service, from a window's evaluator, the phone page or a paper form."""

from __future__ import annotations

from datetime import datetime

from . import events as ev
from .entity import Stored
from .errors import Refused

RATING_LEVELS = range(1, 6)
"""1 非常满意 … 5 非常不满意 (names in :mod:`hallctl.labels`)."""
BAD_LEVELS = frozenset({4, 5})


class Rating(Stored):
    """One 好差评 press or form; ``ticket_id`` None for a press bound to no ticket."""

    def __init__(
        self,
        *,
        hall_id: str,
        level: int,
        channel: str,
        at: datetime,
        ticket_id: int | None,
        window: int | None,
        staff: str | None,
        service: str | None,
        reasons: list[str] | None = None,
        comment: str = "",
    ) -> None:
        if level not in RATING_LEVELS:
            raise Refused(f"rating level must be 1..5 (1 非常满意 … 5 非常不满意), got {level}", field="level")
        self.id: int | None = None
        self.hall_id = hall_id
        self.level = level
        self.channel = channel
        self.at = at
        self.ticket_id = ticket_id
        self.window = window
        self.staff = staff
        self.service = service
        self.reasons = list(reasons or [])
        self.comment = comment
        self.bound = ticket_id is not None
        self.excluded = False  # an approved appeal (申诉) keeps the rating but leaves it out of satisfaction
        self.events: list[ev.Event] = []

    def recorded(self) -> None:
        """Record the rating event once the rating has an id."""
        self.events.append(
            ev.RatingRecorded(
                at=self.at,
                window=self.window,
                staff=self.staff,
                ticket_id=self.ticket_id,
                rating_id=self.id,
                level=self.level,
                channel=self.channel,
                service=self.service,
                bound=self.bound,
                reasons=self.reasons,
            )
        )
