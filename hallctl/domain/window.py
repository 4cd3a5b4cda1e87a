"""A service window (窗口): the staff session, pauses, the current ticket and the evaluator's invitation.

Like tickets, windows are plain classes mapped by the ORM; each change records an event in ``self.events``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from . import events as ev
from .errors import InvalidTransition
from .ticket import Status, Ticket


class NotThisWindow(InvalidTransition):
    """The ticket belongs to other windows: neither of this window's services nor sent to it (409)."""

    code = "not_this_window"


def within_reach(window: int, services: Collection[str], ticket: Ticket) -> bool:
    """Whether ``window``, serving ``services``, may call, hold or resume ``ticket``.

    A ticket sent to a window (transferred there, or held there with its documents and resumed) belongs to that
    window alone; a ticket held at a window may be resumed there; any other ticket belongs to the windows that serve
    its service.
    """
    if ticket.target_window is not None:
        return ticket.target_window == window
    if ticket.status == Status.HELD and ticket.window == window:
        return True
    return ticket.service in services


def require_within_reach(window: int, services: Collection[str], ticket: Ticket) -> None:
    """Check that ``window`` may act on ``ticket`` (see :func:`within_reach`).

    Raises:
        NotThisWindow: the ticket was sent to another window, or is of a service this window does not serve.
    """
    if within_reach(window, services, ticket):
        return
    if ticket.target_window is not None:
        raise NotThisWindow(
            f"ticket {ticket.number} was sent to window {ticket.target_window}, not window {window}"
            f" / {ticket.number} 号已转至 {ticket.target_window} 号窗口，本窗口不能办理",
            field="ticket",
        )
    raise NotThisWindow(
        f"window {window} does not serve {ticket.service} and ticket {ticket.number} was not sent to it"
        f" / {window} 号窗口不办理该号的业务（{ticket.service}）",
        field="ticket",
    )


class WindowState(StrEnum):
    """What a window is doing, as consoles and the hall screen show it."""

    CLOSED = "closed"  # nobody logged in
    IDLE = "idle"
    CALLING = "calling"
    SERVING = "serving"
    PAUSED = "paused"


class Window:
    """A service window (窗口): who is logged in, what it serves now, its evaluator."""

    def __init__(self, *, hall_id: str, number: int, name: str) -> None:
        self.hall_id = hall_id
        self.number = number
        self.name = name
        self.staff: str | None = None
        self.session_started_at: datetime | None = None
        self.paused = False
        self.pause_reason: str | None = None
        self.paused_at: datetime | None = None
        self.current_ticket_id: int | None = None
        self.current_status: str | None = None
        self.priority_streak = 0
        self.inviting_ticket_id: int | None = None
        self.inviting_until: datetime | None = None
        self.events: list[ev.Event] = []

    def __repr__(self) -> str:
        return f"<Window {self.number} {self.state}>"

    @property
    def state(self) -> WindowState:
        """The window's state, derived from its staff, pause and current ticket."""
        if self.staff is None:
            return WindowState.CLOSED
        if self.paused:
            return WindowState.PAUSED
        if self.current_status == Status.SERVING:
            return WindowState.SERVING
        if self.current_status == Status.CALLED:
            return WindowState.CALLING
        return WindowState.IDLE

    def _event(self, cls: type[ev.Event], at: datetime, **fields: Any) -> None:
        self.events.append(cls(at=at, window=self.number, staff=fields.pop("staff", self.staff), **fields))

    # -- staff session ---------------------------------------------------
    def login(self, staff: str, now: datetime) -> None:
        """Open the window for ``staff`` (nothing happens if they are already logged in here).

        Raises:
            InvalidTransition: someone else is logged in at the window.
        """
        if self.staff == staff:
            return
        if self.staff is not None:
            raise InvalidTransition(f"window {self.number} is already open for {self.staff}; they must log out first")
        self.staff = staff
        self.session_started_at = now
        self.paused = False
        self._event(ev.WindowOpened, now)

    def logout(self, now: datetime) -> str:
        """Close the window, ending any pause; returns who was logged in.

        Raises:
            InvalidTransition: the window is not open, or still has a called or served ticket.
        """
        if self.staff is None:
            raise InvalidTransition(f"window {self.number} is not open")
        if self.current_ticket_id is not None:
            raise InvalidTransition(
                f"window {self.number} still has a ticket {self.current_status}; finish, transfer or hold it first"
            )
        staff = self.staff
        if self.paused:
            self.unpause(now)
        self._event(ev.WindowClosed, now)
        self.staff = None
        self.session_started_at = None
        return staff

    def require_staff(self, staff: str) -> None:
        """Check that ``staff`` is the one logged in at this window.

        Raises:
            InvalidTransition: the window is not open, or open for someone else.
        """
        if self.staff is None:
            raise InvalidTransition(f"window {self.number} is not open: log in at the window first")
        if self.staff != staff:
            raise InvalidTransition(f"window {self.number} is open for {self.staff}, not {staff}")

    # -- pause -----------------------------------------------------------
    def pause(self, reason: str, now: datetime) -> None:
        """Pause the open window for ``reason``.

        Raises:
            InvalidTransition: the window is not open, already paused, or has a called ticket.
        """
        if self.staff is None:
            raise InvalidTransition(f"window {self.number} is not open")
        if self.paused:
            raise InvalidTransition(f"window {self.number} is already paused ({self.pause_reason})")
        if self.current_status == Status.CALLED:
            raise InvalidTransition(f"window {self.number} has a called ticket: start it or mark it no-show first")
        self.paused, self.pause_reason, self.paused_at = True, reason, now
        self._event(ev.WindowPaused, now, reason=reason)

    def unpause(self, now: datetime) -> None:
        """Resume service after a pause, recording how long it lasted.

        Raises:
            InvalidTransition: the window is not paused.
        """
        if not self.paused:
            raise InvalidTransition(f"window {self.number} is not paused")
        paused_s = (now - self.paused_at).total_seconds() if self.paused_at else 0.0
        self.paused, self.pause_reason, self.paused_at = False, None, None
        self._event(ev.WindowUnpaused, now, paused_s=paused_s)

    # -- current ticket --------------------------------------------------
    def require_ready_to_call(self) -> None:
        """Check that the window may call a ticket now.

        Raises:
            InvalidTransition: the window is paused, or has a called or served ticket.
        """
        if self.paused:
            raise InvalidTransition(f"window {self.number} is paused ({self.pause_reason}); unpause to call")
        if self.current_status == Status.CALLED:
            raise InvalidTransition(
                f"window {self.number} has a called ticket waiting to be served: start it or mark it no-show"
            )
        if self.current_status == Status.SERVING:
            raise InvalidTransition(f"window {self.number} is serving a ticket: finish, transfer or hold it first")

    def take(self, ticket: Ticket) -> None:
        """Make ``ticket`` (just called here) the window's current one."""
        self.current_ticket_id, self.current_status = ticket.id, ticket.status

    def track(self, ticket: Ticket) -> None:
        """Follow the current ticket's status; release it once it left the window."""
        if ticket.status in (Status.CALLED, Status.SERVING):
            self.current_ticket_id, self.current_status = ticket.id, ticket.status
        else:
            self.current_ticket_id = self.current_status = None

    def current(self) -> int:
        """The id of the ticket the window is calling or serving.

        Raises:
            InvalidTransition: the window has no current ticket.
        """
        if self.current_ticket_id is None:
            raise InvalidTransition(f"window {self.number} has no current ticket")
        return self.current_ticket_id

    # -- evaluator (好差评) ----------------------------------------------
    def invite_rating(self, ticket: Ticket, now: datetime, timeout_s: int) -> None:
        """Let the window's evaluator rate ``ticket`` for the next ``timeout_s`` seconds."""
        self.inviting_ticket_id = ticket.id
        self.inviting_until = now + timedelta(seconds=timeout_s)
        self._event(ev.EvaluatorInvited, now, staff=ticket.staff, ticket_id=ticket.id, until=self.inviting_until)

    def take_invitation(self, now: datetime) -> int | None:
        """The ticket a press at ``now`` rates, consumed so it binds once; None if not inviting."""
        ticket_id = self.inviting_ticket_id
        if ticket_id is None or self.inviting_until is None or now > self.inviting_until:
            self.inviting_ticket_id = self.inviting_until = None
            return None
        self.inviting_ticket_id = self.inviting_until = None
        return ticket_id
