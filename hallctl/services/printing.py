"""Printing use cases: what a ticket says on paper, recording the printer's result, reprints."""

from __future__ import annotations

from datetime import datetime

from hallctl.domain import model
from hallctl.domain.errors import Invalid, NotFound
from hallctl.domain.printed import TicketContent
from hallctl.labels.printed import TICKET_WORDS

from .context import Hall
from .ports import Json
from .tickets import estimate
from .views import ticket_dto


def print_order(hall: Hall, ticket_id: int) -> TicketContent | None:
    """Read what the ticket should say, or None if it no longer exists."""
    with hall.uow(write=False) as uow:
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            return None
        service = hall.service(ticket.service)
        waiting = ticket.status == model.Status.WAITING
        ahead = uow.tickets.ahead_of(ticket) if waiting else 0
        priority = next(p for p in hall.config.priorities if p.code == ticket.priority)
        return TicketContent(
            hall_name=hall.config.hall.name,
            number=ticket.number,
            service_name=service.name,
            service_name_en=service.name_en,
            priority_name=priority.name if priority.weight > 1 else "",
            priority_name_en=(priority.name_en or priority.code) if priority.weight > 1 else "",
            ahead=ahead,
            est_wait_min=_pair(estimate(hall, ticket.service, ahead, uow.windows.open_numbers())) if waiting else None,
            issued_local=ticket.issued_at.astimezone(hall.config.hall.zone).strftime("%Y-%m-%d %H:%M"),
            track_url=f"{hall.config.hall.public_url.rstrip('/')}/t/{ticket.id}?token={ticket.track_token}",
            words_zh=TICKET_WORDS["zh"],
            words_en=TICKET_WORDS["en"],
        )


def _pair(values: list[int]) -> tuple[int, int]:
    low, high = values
    return low, high


def record_print(hall: Hall, ticket_id: int, ok: bool, reason: str = "") -> None:
    """The printer's answer for a ticket: printed, or failed with a reason."""
    with hall.uow() as uow:
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            return
        status = model.PrintStatus.PRINTED if ok else model.PrintStatus.FAILED
        ticket.set_print_status(status, hall.now(), reason)
        uow.commit()


def request_reprint(hall: Hall, ticket_id: int, printer: str | None = None) -> Json:
    """Print a ticket again, on its kiosk's printer or the one named.

    Raises:
        NotFound: no such ticket. Invalid: no printer given and its kiosk has none, or an unknown printer.
    """
    printers = {d.name for d in hall.config.devices if d.kind == "printer"}
    with hall.uow() as uow:
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(f"no ticket {ticket_id}", field="id")
        kiosk = next((k for k in hall.config.kiosks if k.id == ticket.kiosk), None)
        target = printer or (kiosk.printer if kiosk else None)
        if target is None:
            raise Invalid(f"ticket {ticket.number} was not issued at a kiosk with a printer; name one", field="printer")
        if target not in printers:
            raise Invalid(
                f"unknown printer {target!r}; this hall has {', '.join(sorted(printers)) or 'none'}", field="printer"
            )
        ticket.request_print(target, hall.now(), reprint=True)
        uow.commit()
        return ticket_dto(ticket)


def pending_prints(hall: Hall, since: datetime) -> list[tuple[int, str, datetime]]:
    """``(ticket id, printer, issued at)`` of the tickets issued since ``since`` at a kiosk with a printer
    whose print is still pending — nobody printed them (the process that would have stopped)."""
    printer_of = {k.id: k.printer for k in hall.config.kiosks if k.printer}
    if not printer_of:
        return []
    with hall.uow(write=False) as uow:
        rows = uow.tickets.pending_prints(list(printer_of), since)
    return [(ticket_id, printer_of[kiosk], issued_at) for ticket_id, kiosk, issued_at in rows]
