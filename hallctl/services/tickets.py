"""Ticket use cases: issue (取号), rate from the phone page, and the ticket's public view."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hallctl.config import ServiceConfig
from hallctl.domain import model
from hallctl.domain.errors import Forbidden, Invalid, NotFound, Refused
from hallctl.domain.estimates import wait_range
from hallctl.domain.times import iso

from .citizens import citizen_hash
from .context import Hall
from .followups import open_case
from .ports import Json, UnitOfWork
from .views import print_dto, rating_dto, ticket_dto


@dataclass(frozen=True)
class Appointment:
    """A booking made elsewhere, checked in at the kiosk: its code and slot (UTC)."""

    code: str
    slot: datetime


@dataclass(frozen=True)
class IssueTicket:
    """A request to issue a ticket of ``service`` (``priority`` None: the normal class)."""

    service: str
    priority: str | None = None
    kiosk: str | None = None
    appointment: Appointment | None = None
    citizen_id: str | None = None
    """An ID number or phone for repeat-visit counting; only its keyed hash is stored."""
    enforce_hours: bool = True
    """Kiosks obey opening hours and daily caps; staff issuing for a citizen do not."""


@dataclass(frozen=True)
class RateTicket:
    """A citizen's rating of their ticket, proven by the ticket's tracking token (``level`` 1 to 5)."""

    ticket_id: int
    token: str
    level: int
    reasons: list[str] = field(default_factory=list)
    comment: str = ""
    channel: str = "phone"
    entered_by: str | None = None
    """Who typed a paper form in (a staff user name); never the one who served the ticket."""


class OwnTicket(Forbidden):
    """Staff entering a rating of a ticket they served themselves (403)."""

    code = "own_ticket"


def estimate(hall: Hall, service: str, ahead: int, windows: tuple[set[int], set[int]]) -> list[int]:
    """Wait range ``[lo, hi]`` in minutes for a ticket of ``service`` with ``ahead`` tickets before it.

    Args:
        windows: ``uow.windows.open_numbers()``: open windows and free ones. When none of the
            service's windows is open, all of them are assumed to open (busy).
    """
    staffed, free = windows
    serving = [n for n in hall.windows_serving(service) if n in staffed]
    idle = sum(1 for n in serving if n in free)
    return list(
        wait_range(ahead, len(serving) or len(hall.windows_serving(service)), hall.mean_service_min(service), idle)
    )


@dataclass(frozen=True)
class _Issue:
    """An issue request checked by the request thread, for the writer's batch."""

    hall: Hall
    cmd: IssueTicket
    service: ServiceConfig
    priority: str
    printer: str | None
    track_token: str
    citizen: str | None


def issue_ticket(hall: Hall, cmd: IssueTicket) -> Json:
    """Issue a numbered ticket; it exists (and is durable) before anything is printed.

    Raises:
        Invalid: unknown service, priority, kiosk, or an appointment on another day.
        Refused: outside opening hours or past the service's daily cap (kiosks only).
    """
    service = hall.service(cmd.service)
    priority = cmd.priority or hall.config.normal_priority
    if priority not in {p.code for p in hall.config.priorities}:
        raise Invalid(f"unknown priority {priority!r}", field="priority")
    kiosk = next((k for k in hall.config.kiosks if k.id == cmd.kiosk), None)
    if cmd.kiosk is not None and kiosk is None:
        raise Invalid(f"unknown kiosk {cmd.kiosk!r}", field="kiosk")
    zone = hall.config.hall.zone
    if cmd.appointment and model.business_day(cmd.appointment.slot, zone) != model.business_day(hall.now(), zone):
        raise Invalid("the appointment slot is not today", field="appointment.slot")
    if cmd.enforce_hours and not hall.is_open(hall.now()):
        hours = ", ".join(hall.config.hall.hours)
        raise Refused(f"the hall is closed now; tickets are issued {hours} / 现在不是取号时间")
    request = _Issue(
        hall=hall,
        cmd=cmd,
        service=service,
        priority=priority,
        printer=kiosk.printer if kiosk else None,
        track_token=secrets.token_urlsafe(16),
        citizen=citizen_hash(hall.citizen_key, cmd.citizen_id) if cmd.citizen_id else None,
    )
    issued: Json = hall.writer.submit(issue_batch, request)
    return issued


def issue_batch(uow: UnitOfWork, requests: list[_Issue]) -> list[Json | Refused | None]:
    """The writer's handler for issue requests: one counter update and one count per service, one INSERT
    for all tickets and one look at the windows for the whole batch (instead of four statements a ticket)."""
    hall = requests[0].hall
    zone = hall.config.hall.zone
    day = model.business_day(hall.now(), zone)
    outcomes: list[Json | Refused | None] = [None] * len(requests)
    accepted: dict[str, list[int]] = {}  # service → indexes of the requests it numbers, in arrival order
    issued: dict[str, int] = {}
    for i, req in enumerate(requests):
        service = req.service
        if req.cmd.enforce_hours and service.daily_cap:
            if service.code not in issued:
                issued[service.code] = uow.tickets.issued_today(service.code, day)
            if issued[service.code] + len(accepted.get(service.code, [])) >= service.daily_cap:
                outcomes[i] = Refused(
                    f"{service.name} has reached today's limit of {service.daily_cap} tickets / 今日号源已满",
                    field="service",
                )
                continue
        accepted.setdefault(service.code, []).append(i)
    reserved = {code: uow.tickets.reserve_seqs(code, day, len(indexes)) for code, indexes in accepted.items()}
    # the issue time is read once the counters are locked: in another process a later number of the same service
    # waits for this commit, so it cannot carry an earlier time and be called first
    now = hall.now()
    tickets: dict[int, model.Ticket] = {}
    for code, indexes in accepted.items():
        last = reserved[code]
        for seq, i in zip(range(last - len(indexes) + 1, last + 1), indexes, strict=False):
            req = requests[i]
            appointment = req.cmd.appointment
            number = model.format_number(req.service.prefix, seq, req.service.digits)
            tickets[i] = model.Ticket(
                hall_id=hall.hall_id,
                service=code,
                number=number,
                seq=seq,
                business_day=day,
                priority=req.priority,
                issued_at=now,
                track_token=req.track_token,
                kiosk=req.cmd.kiosk,
                appointment_code=appointment.code if appointment else None,
                appointment_at=appointment.slot if appointment else None,
                zone=zone,
                citizen_hash=req.citizen,
                print_status=model.PrintStatus.PENDING if req.printer else model.PrintStatus.NONE,
            )
    if not tickets:
        return outcomes
    uow.tickets.insert([tickets[i] for i in sorted(tickets)])
    ahead = uow.tickets.ahead_of_each(list(tickets.values()))
    windows = uow.windows.open_numbers()
    for i, ticket in sorted(tickets.items()):
        ticket.issued()
        printer = requests[i].printer
        if printer:
            ticket.request_print(printer, now)
        outcomes[i] = {
            **ticket_dto(ticket),
            "ahead": ahead[ticket.stored_id],
            "est_wait_min": estimate(hall, ticket.service, ahead[ticket.stored_id], windows),
            "track_token": ticket.track_token,
        }
    return outcomes


def _tracked(uow: UnitOfWork, ticket_id: int, token: str) -> model.Ticket:
    ticket = uow.tickets.get(ticket_id)
    if ticket is None or not secrets.compare_digest(ticket.track_token, token or ""):
        raise NotFound(f"no ticket {ticket_id} with that tracking token", field="token")
    return ticket


def public_view(hall: Hall, ticket_id: int, token: str | None, trusted: bool = False) -> Json:
    """What the citizen's phone page shows: status, people ahead, window when called, estimate.

    Args:
        trusted: staff or manager asking; no track token needed.
    """
    with hall.uow(write=False) as uow:
        ticket = uow.tickets.get(ticket_id) if trusted else _tracked(uow, ticket_id, token or "")
        if ticket is None:
            raise NotFound(f"no ticket {ticket_id}", field="id")
        waiting = ticket.status == model.Status.WAITING
        ahead = uow.tickets.ahead_of(ticket) if waiting else 0
        rated = uow.ratings.for_ticket(ticket.stored_id) is not None
        out = {
            "id": ticket.id,
            "number": ticket.number,
            "service": ticket.service,
            "service_name": hall.service(ticket.service).name,
            "service_name_en": hall.service(ticket.service).name_en,
            "priority": ticket.priority,
            "status": ticket.status,
            "issued_at": iso(ticket.issued_at),
            "ahead": ahead,
            "est_wait_min": estimate(hall, ticket.service, ahead, uow.windows.open_numbers()) if waiting else None,
            "window": ticket.window if ticket.status in (model.Status.CALLED, model.Status.SERVING) else None,
            "outcome": ticket.outcome,
            "rated": rated,
            "print": print_dto(ticket),
            "can_rate": _can_rate(hall, ticket, rated),
        }
        if trusted:
            out.update(ticket_dto(ticket))
        return out


def _can_rate(hall: Hall, ticket: model.Ticket, rated: bool) -> bool:
    return (
        ticket.status == model.Status.FINISHED
        and not rated
        and ticket.ended_at is not None
        and hall.now() - ticket.ended_at <= timedelta(days=hall.config.ratings.phone_window_days)
    )


def rate_ticket(hall: Hall, cmd: RateTicket, trusted: bool = False) -> Json:
    """A citizen rates a finished ticket from its QR page (or staff enter a paper form), once.

    Args:
        trusted: staff entering a paper form: no track token needed, but not for a ticket ``cmd.entered_by`` served.

    Raises:
        NotFound: wrong id or token. Refused: not finished, already rated, too late.
        OwnTicket: staff entering a paper form for a ticket they served.
    """
    if cmd.level not in model.RATING_LEVELS:
        raise Invalid("level must be 1..5 (1 非常满意 … 5 非常不满意)", field="level")
    unknown = [r for r in cmd.reasons if r not in hall.config.ratings.reasons]
    if unknown:
        raise Invalid(
            f"unknown reason {unknown[0]!r}; pick from {', '.join(hall.config.ratings.reasons)}", field="reasons"
        )
    now = hall.now()
    with hall.uow() as uow:
        ticket = uow.tickets.get(cmd.ticket_id) if trusted else _tracked(uow, cmd.ticket_id, cmd.token)
        if ticket is None:
            raise NotFound(f"no ticket {cmd.ticket_id}", field="id")
        if trusted and ticket.staff is not None and ticket.staff == cmd.entered_by:
            raise OwnTicket(
                f"you served ticket {ticket.number}; a colleague or a manager enters its paper form"
                " / 本人办理的号，评价表须由同事或管理人员录入"
            )
        if ticket.status != model.Status.FINISHED:
            raise Refused(f"ticket {ticket.number} can be rated once its service is finished (it is {ticket.status})")
        if uow.ratings.for_ticket(ticket.stored_id) is not None:
            raise Refused(f"ticket {ticket.number} has already been rated / 该号已评价", field="level")
        days = hall.config.ratings.phone_window_days
        if ticket.ended_at is None or now - ticket.ended_at > timedelta(days=days):
            raise Refused(f"ratings for ticket {ticket.number} closed {days} days after service")
        window = uow.windows.get(ticket.window) if ticket.window is not None else None
        if window is not None and window.inviting_ticket_id == ticket.id:
            window.take_invitation(now)  # the evaluator may not rate it a second time
        rating = model.Rating(
            hall_id=hall.hall_id,
            level=cmd.level,
            channel=cmd.channel,
            at=now,
            ticket_id=ticket.id,
            window=ticket.window,
            staff=ticket.staff,
            service=ticket.service,
            reasons=cmd.reasons if cmd.level in model.BAD_LEVELS else [],
            comment=cmd.comment,
        )
        uow.ratings.add(rating)
        uow.flush()
        rating.recorded()
        open_case(hall, uow, rating)
        uow.commit()
    return rating_dto(rating, ticket.number)
