"""How tickets, windows and ratings appear in the services' replies (JSON-ready; times ISO 8601 in UTC)."""

from __future__ import annotations

from hallctl.domain import model
from hallctl.domain.times import iso
from hallctl.labels import RATING_LEVEL, WINDOW_STATE, zh

from .account_ports import Json


def queue_row(ticket: model.Ticket) -> Json:
    """A ticket as the console's queue lists show it (the first fields of :func:`ticket_dto`)."""
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service": ticket.service,
        "priority": ticket.priority,
        "status": ticket.status,
        "issued_at": iso(ticket.issued_at),
        "window": ticket.window,
        "target_window": ticket.target_window,
        "hold_kind": ticket.hold_kind,
    }


def ticket_dto(ticket: model.Ticket) -> Json:
    """The ticket as staff and managers see it."""
    return {
        **queue_row(ticket),
        "staff": ticket.staff,
        "parent_id": ticket.parent_id,
        "outcome": ticket.outcome,
        "first_called_at": iso(ticket.first_called_at),
        "last_called_at": iso(ticket.last_called_at),
        "started_at": iso(ticket.started_at),
        "ended_at": iso(ticket.ended_at),
        "call_count": ticket.call_count,
        "appointment_at": iso(ticket.appointment_at),
        "print": print_dto(ticket),
    }


def print_dto(ticket: model.Ticket) -> Json:
    """The print state and what the kiosk tells the citizen about it."""
    message = {
        model.PrintStatus.FAILED: f"请记住您的号码 {ticket.number} / Please note your number {ticket.number}",
        model.PrintStatus.PENDING: "正在打印 / Printing",
    }.get(model.PrintStatus(ticket.print_status), "")
    return {"status": ticket.print_status, "message": message}


def rating_dto(rating: model.Rating, number: str | None) -> Json:
    """A rating as staff and the citizen's phone see it, with its level's name."""
    return {
        "id": rating.id,
        "ticket_id": rating.ticket_id,
        "number": number,
        "level": rating.level,
        "level_name": zh(RATING_LEVEL, rating.level),
        "channel": rating.channel,
        "window": rating.window,
        "staff": rating.staff,
        "service": rating.service,
        "bound": rating.bound,
        "at": iso(rating.at),
        "reasons": rating.reasons,
        "comment": rating.comment,
    }


def window_dto(window: model.Window) -> Json:
    """The window as consoles and the hall screen show it (JSON-ready)."""
    state = window.state
    return {
        "number": window.number,
        "name": window.name,
        "state": state.value,
        "state_name": zh(WINDOW_STATE, state),
        "staff": window.staff,
        "pause_reason": window.pause_reason,
        "current_ticket_id": window.current_ticket_id,
        "inviting_ticket_id": window.inviting_ticket_id,
    }
