"""Window use cases: log in/out, call next, recall, no-show, start, finish, transfer, hold, resume, pause.

Every action is taken by the staff member logged in at the window, inside one
transaction. Call-next is atomic: the chosen ticket is locked before it is
called (PostgreSQL ``FOR UPDATE SKIP LOCKED``; SQLite has one writer at a time),
so windows in any number of processes call at once and never the same ticket —
a window whose choice another window is taking chooses again without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from hallctl.domain import model, routing
from hallctl.domain.errors import ConcurrencyConflict, InvalidTransition, NotFound
from hallctl.domain.window import require_within_reach

from .context import Hall
from .ports import Json, UnitOfWork
from .views import ticket_dto, window_dto

Result = TypeVar("Result")
CALL_ATTEMPTS = 5
CLAIM_ATTEMPTS = 20


@dataclass(frozen=True)
class WindowAction:
    """Who acts at which window."""

    window: int
    staff: str


def _at_window(
    hall: Hall, act: WindowAction, fn: Callable[[UnitOfWork, model.Window, datetime], Result], *, login: bool = False
) -> Result:
    """Run ``fn(uow, window, now)`` in one transaction as the staff member at the window."""
    hall.profile(act.window)  # 404 for a window the hall does not have
    now = hall.now()
    with hall.uow() as uow:
        window = uow.windows.get(act.window)
        if window is None:
            raise NotFound(f"there is no window {act.window} in this hall", field="window")
        if not login:
            window.require_staff(act.staff)
        result = fn(uow, window, now)
        uow.commit()
        return result


def _current(uow: UnitOfWork, window: model.Window) -> model.Ticket:
    ticket = uow.tickets.get(window.current())
    if ticket is None:
        raise NotFound(f"window {window.number}'s current ticket is gone")
    return ticket


def login(hall: Hall, act: WindowAction) -> Json:
    """Log ``act.staff`` in at the window; returns the window as the console shows it.

    Raises:
        NotFound: the hall has no such window.
        InvalidTransition: they are logged in at another window, or someone else is at this one.
    """

    def run(uow: UnitOfWork, window: model.Window, now: datetime) -> Json:
        elsewhere = uow.windows.staffed_by(act.staff)
        if elsewhere is not None and elsewhere.number != window.number:
            raise InvalidTransition(f"{act.staff} is logged in at window {elsewhere.number}; log out there first")
        if window.staff != act.staff:
            window.login(act.staff, now)
            uow.windows.open_session(window.number, act.staff, now)
        return window_dto(window)

    return _at_window(hall, act, run, login=True)


def logout(hall: Hall, act: WindowAction) -> Json:
    """Log the staff member out of the window, ending any pause; returns the window.

    Raises:
        InvalidTransition: the window still has a called or served ticket.
    """

    def run(uow: UnitOfWork, window: model.Window, now: datetime) -> Json:
        if window.paused:
            uow.windows.close_pause(window.number, now)
        window.logout(now)
        uow.windows.close_session(window.number, now)
        return window_dto(window)

    return _at_window(hall, act, run)


def call(hall: Hall, act: WindowAction, ticket_ref: int | str | None = None) -> Json | None:
    """Call the next ticket (or a specific one, by id or number). Returns None when nothing waits.

    Raises:
        NotFound: no such ticket today.
        NotThisWindow: the specific ticket belongs to other windows.
        InvalidTransition: the window is not ready to call, or the specific ticket is not waiting.
    """
    for _attempt in range(CALL_ATTEMPTS):
        try:
            return _at_window(hall, act, lambda uow, window, now: _call_once(hall, uow, window, now, ticket_ref))
        except ConcurrencyConflict:
            if ticket_ref is not None:
                raise
    raise ConcurrencyConflict("other windows kept taking the next ticket first; call again")


def _call_once(
    hall: Hall, uow: UnitOfWork, window: model.Window, now: datetime, ticket_ref: int | str | None
) -> Json | None:
    window.require_ready_to_call()
    profile = hall.profile(window.number)
    if ticket_ref is not None:
        ticket = _specific(hall, uow, window, ticket_ref)
        chosen = routing.Candidate(
            ticket.stored_id, ticket.service, ticket.priority, ticket.arrival_at, ticket.issued_at
        )
    else:
        claimed = _claim_next(uow, window, profile, now)
        if claimed is None:
            return None
        chosen, ticket = claimed
    ticket.call(window.number, window.staff, now)
    window.take(ticket)
    window.priority_streak = routing.next_streak(profile, chosen, window.priority_streak)
    return ticket_dto(ticket)


def _claim_next(
    uow: UnitOfWork, window: model.Window, profile: routing.WorkProfile, now: datetime
) -> tuple[routing.Candidate, model.Ticket] | None:
    """Choose by the routing rules and lock the choice; a ticket another window is taking (locked, or called
    since the candidates were read) is left out and the choice made again."""
    skipped: set[int] = set()
    for _attempt in range(CLAIM_ATTEMPTS):
        found = uow.tickets.candidates(
            window.number, list(profile.service_weights), list(profile.class_weights), now, skipped
        )
        choice = routing.choose(
            profile,
            now,
            targeted=found.targeted,
            heads=found.heads,
            appointments=found.appointments,
            streak=window.priority_streak,
        )
        if choice is None:
            return None
        ticket = uow.tickets.claim(choice.candidate.id)
        if ticket is not None:
            return choice.candidate, ticket
        skipped.add(choice.candidate.id)
    raise ConcurrencyConflict("other windows kept taking the next tickets first; call again")


def _specific(hall: Hall, uow: UnitOfWork, window: model.Window, ref: int | str) -> model.Ticket:
    if isinstance(ref, int):
        ticket = uow.tickets.get(ref)
    else:
        ticket = uow.tickets.find_active_by_number(ref.upper(), model.business_day(hall.now(), hall.config.hall.zone))
    if ticket is None:
        raise NotFound(f"no ticket {ref} today", field="ticket")
    if ticket.status != model.Status.WAITING:
        raise InvalidTransition(f"ticket {ticket.number} is {ticket.status}, not waiting", field="ticket")
    _require_within_reach(hall, window, ticket)
    if uow.tickets.claim(ticket.stored_id) is None:
        raise InvalidTransition(f"ticket {ticket.number} is being called at another window", field="ticket")
    return ticket


def _require_within_reach(hall: Hall, window: model.Window, ticket: model.Ticket) -> None:
    """Refuse a ticket that is neither of the window's services nor sent to it."""
    require_within_reach(window.number, hall.profile(window.number).service_weights, ticket)


def _on_current(
    hall: Hall, act: WindowAction, fn: Callable[[model.Ticket, model.Window, datetime, UnitOfWork], object]
) -> Json:
    """Apply ``fn(ticket, window, now, uow)`` to the window's current ticket."""

    def run(uow: UnitOfWork, window: model.Window, now: datetime) -> Json:
        ticket = _current(uow, window)
        fn(ticket, window, now, uow)
        window.track(ticket)
        return ticket_dto(ticket)

    return _at_window(hall, act, run)


def recall(hall: Hall, act: WindowAction) -> Json:
    """Call the window's current ticket again; returns the ticket."""
    return _on_current(hall, act, lambda t, w, now, uow: t.recall(now))


def no_show(hall: Hall, act: WindowAction) -> Json:
    """Mark the called ticket 过号 (requeued once when the hall allows it); returns the ticket."""
    requeue = hall.config.routing.requeue_no_show
    return _on_current(hall, act, lambda t, w, now, uow: t.no_show(now, requeue))


def start(hall: Hall, act: WindowAction) -> Json:
    """Begin serving the called ticket; returns the ticket."""
    return _on_current(hall, act, lambda t, w, now, uow: t.start(now))


def finish(hall: Hall, act: WindowAction, outcome: model.Outcome) -> Json:
    """Finish serving with ``outcome`` and invite the evaluator to rate it; returns the ticket."""

    def run(ticket: model.Ticket, window: model.Window, now: datetime, uow: UnitOfWork) -> None:
        ticket.finish(outcome, now)
        window.invite_rating(ticket, now, hall.config.routing.rating_timeout_s)

    return _on_current(hall, act, run)


def transfer(hall: Hall, act: WindowAction, to_service: str | None, to_window: int | None) -> Json:
    """转移: the current ticket ends as transferred; a child keeps its number in the target queue."""
    if to_service is None and to_window is None:
        raise InvalidTransition("say where to transfer: a service or a window", field="service")
    if to_service is not None:
        hall.service(to_service)
    if to_window is not None:
        hall.profile(to_window)
        if to_window == act.window:
            raise InvalidTransition("cannot transfer a ticket to its own window", field="window")
    out: Json = {}

    def run(ticket: model.Ticket, window: model.Window, now: datetime, uow: UnitOfWork) -> None:
        child = ticket.transfer(now, to_service or ticket.service, to_window, hall.config.hall.zone)
        uow.tickets.add(child)
        uow.flush()
        ticket.transferred(child, now)
        out["child"] = ticket_dto(child)

    result = _on_current(hall, act, run)
    result["child"] = out["child"]
    return result


def hold(hall: Hall, act: WindowAction, kind: model.HoldKind, ticket_id: int | None = None) -> Json:
    """挂起 the current ticket (or, by id, a waiting one of the window's services or sent to it).

    Raises:
        NotFound: there is no such ticket.
        NotThisWindow: the waiting ticket belongs to other windows.
        InvalidTransition: the ticket is neither the window's current one nor waiting.
    """

    def run(uow: UnitOfWork, window: model.Window, now: datetime) -> Json:
        ticket = _current(uow, window) if ticket_id is None else uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(f"no ticket {ticket_id}", field="ticket")
        if ticket.id != window.current_ticket_id:
            if ticket.status != model.Status.WAITING:
                raise InvalidTransition(
                    f"ticket {ticket.number} is {ticket.status}; only waiting or current tickets can be held",
                    field="ticket",
                )
            _require_within_reach(hall, window, ticket)
        ticket.hold(kind, now, window.number, window.staff)
        if ticket.id == window.current_ticket_id:
            window.track(ticket)
        return ticket_dto(ticket)

    return _at_window(hall, act, run)


def resume(hall: Hall, act: WindowAction, ticket_id: int) -> Json:
    """Put a held ticket back in the queue (to this window if its documents stayed here).

    Raises:
        NotFound: there is no such ticket.
        NotThisWindow: the ticket was held elsewhere and is of a service this window does not serve.
        InvalidTransition: the ticket is not held, or held with its documents at another window.
    """

    def run(uow: UnitOfWork, window: model.Window, now: datetime) -> Json:
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(f"no ticket {ticket_id}", field="ticket")
        _require_within_reach(hall, window, ticket)
        ticket.resume(now, window.number, window.staff)
        return ticket_dto(ticket)

    return _at_window(hall, act, run)


def pause(hall: Hall, act: WindowAction, reason: str) -> Json:
    """Pause the window for ``reason``; returns the window."""

    def run(uow: UnitOfWork, window: model.Window, now: datetime) -> Json:
        window.pause(reason, now)
        uow.windows.open_pause(window.number, act.staff, reason, now)
        return window_dto(window)

    return _at_window(hall, act, run)


def unpause(hall: Hall, act: WindowAction) -> Json:
    """End the window's pause; returns the window."""

    def run(uow: UnitOfWork, window: model.Window, now: datetime) -> Json:
        window.unpause(now)
        uow.windows.close_pause(window.number, now)
        return window_dto(window)

    return _at_window(hall, act, run)
