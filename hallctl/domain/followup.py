"""差评整改: the follow-up case every bad rating (level 4-5) opens.

verify 核实 → rectify 整改 → revisit 回访 → revisited → closed, each step with who,
when and a note. An appeal (申诉复核) from verify or rectify needs a reason and a
second manager's approval; an approved appeal excludes the rating from
satisfaction (it is kept) and closes the case.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from .entity import Stored
from .errors import Forbidden, Invalid, InvalidTransition


class CaseState(StrEnum):
    """Where a case stands (names in :mod:`hallctl.labels`)."""

    VERIFY = "verify"  # 待核实
    RECTIFY = "rectify"  # 待整改
    REVISIT = "revisit"  # 待回访
    REVISITED = "revisited"  # 已回访
    APPEALED = "appealed"  # 申诉待复核
    CLOSED = "closed"  # 已办结


MOVES: dict[str, tuple[set[str], str | None]] = {
    "verify": ({"verify"}, "rectify"),
    "rectify": ({"rectify"}, "revisit"),
    "revisit": ({"revisit"}, "revisited"),
    "close": ({"revisited"}, "closed"),
    "appeal": ({"verify", "rectify"}, "appealed"),
    "approve_appeal": ({"appealed"}, "closed"),
    "reject_appeal": ({"appealed"}, None),  # back to where the appeal came from
}
TIMED = ("verify", "rectify", "revisit")  # states with a due date in working days


class FollowUp(Stored):
    """A bad rating's case, from 核实 to its close, with who appealed and whether the rating counts."""

    def __init__(
        self,
        *,
        hall_id: str,
        rating_id: int,
        ticket_id: int,
        window: int | None,
        staff: str | None,
        service: str | None,
        level: int,
        opened_at: datetime,
        due_on: date | None,
    ) -> None:
        self.id: int | None = None
        self.hall_id = hall_id
        self.rating_id = rating_id
        self.ticket_id = ticket_id
        self.window = window
        self.staff = staff
        self.service = service
        self.level = level
        self.state: str = CaseState.VERIFY
        self.opened_at = opened_at
        self.due_on = due_on
        self.appealed_by: str | None = None
        self.appeal_from: str | None = None
        self.closed_at: datetime | None = None
        self.excluded = False

    def act(self, action: str, actor: str, now: datetime, note: str) -> tuple[str, str]:
        """Apply an action; returns ``(from_state, to_state)``.

        Raises:
            Invalid: unknown action, or an appeal without a reason.
            InvalidTransition: the action does not fit the current state.
            Forbidden: the manager who appealed tries to approve their own appeal.
        """
        if action not in MOVES:
            raise Invalid(f"unknown action {action!r}; use {', '.join(MOVES)}", field="action")
        allowed, target = MOVES[action]
        if self.state not in allowed:
            raise InvalidTransition(f"cannot {action} a case that is {self.state}")
        if action == "appeal" and not note.strip():
            raise Invalid("an appeal needs the reason in note", field="note")
        if action in ("approve_appeal", "reject_appeal") and actor == self.appealed_by:
            raise Forbidden("a second manager must review an appeal, not the one who made it")
        before = self.state
        if action == "appeal":
            self.appealed_by, self.appeal_from = actor, self.state
        if action == "reject_appeal":
            target = self.appeal_from
        if action == "approve_appeal":
            self.excluded = True
        self.state = target or before
        if target == CaseState.CLOSED:
            self.closed_at = now
        return before, self.state

    def overdue(self, today: date) -> bool:
        """Past its due date in a timed state."""
        return self.state in TIMED and self.due_on is not None and today > self.due_on
