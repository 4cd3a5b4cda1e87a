"""Read models: what screens, consoles and kiosks show. Read-only transactions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hallctl.domain import model
from hallctl.domain.errors import NotFound
from hallctl.domain.times import iso

from .context import Hall
from .ports import Json, RecentCall, UnitOfWork
from .tickets import estimate
from .views import queue_row, ticket_dto, window_dto

RECENT_CALLS = 8
"""Calls the hall screen lists (today's, newest first)."""


def services_list(hall: Hall) -> list[Json]:
    """Services for the kiosk: open, waiting count and a wait range for a ticket taken now."""
    now = hall.now()
    day = model.business_day(now, hall.config.hall.zone)
    open_now = hall.is_open(now)
    with hall.uow(write=False) as uow:
        waiting = uow.tickets.waiting_by_service()
        open_windows = uow.windows.open_numbers()
        out = []
        for s in hall.config.services:
            count = waiting.get(s.code, (0, None))[0]
            under_cap = not s.daily_cap or uow.tickets.issued_today(s.code, day) < s.daily_cap
            out.append(
                {
                    "code": s.code,
                    "name": s.name,
                    "name_en": s.name_en,
                    "prefix": s.prefix,
                    "category": s.category,
                    "open": open_now and under_cap,
                    "cap_reached": not under_cap,
                    "waiting": count,
                    "est_wait_min": estimate(hall, s.code, count, open_windows),
                }
            )
        return out


SLOT_MIN = 30
"""Appointment slots the kiosk offers: every half hour of today's opening spans."""


def appointment_slots(hall: Hall) -> list[Json]:
    """Today's appointment slots in the hall's time zone: ``[{label: "09:00", slot: UTC ISO}]``."""
    zone = hall.config.hall.zone
    today = model.business_day(hall.now(), zone)
    slots = []
    for start, end in hall.config.hall.spans():
        moment = datetime.combine(today, start, tzinfo=zone)
        stop = (
            datetime.combine(today, end, tzinfo=zone)
            if end
            else datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)
        )
        while moment < stop:
            slots.append({"label": moment.strftime("%H:%M"), "slot": iso(moment.astimezone(UTC))})
            moment += timedelta(minutes=SLOT_MIN)
    return slots


def hall_state(hall: Hall) -> Json:
    """The whole hall: windows, queues, longest waits, devices."""
    now = hall.now()
    day_start = model.day_start(now, hall.config.hall.zone)
    with hall.uow(write=False) as uow:
        waiting = uow.tickets.waiting_by_service()
        calls = [_call_dto(c) for c in uow.tickets.recent_calls(day_start, RECENT_CALLS)]
        windows = []
        for window in uow.windows.all():
            if window.number not in hall.profiles:
                continue
            current = uow.tickets.get(window.current_ticket_id) if window.current_ticket_id else None
            dto = window_dto(window)
            dto["services"] = list(hall.profiles[window.number].service_weights)
            dto["current"] = _current_dto(current)
            windows.append(dto)
    services: list[Json] = []
    for s in hall.config.services:
        count, oldest = waiting.get(s.code, (0, None))
        longest = (now - oldest).total_seconds() if oldest else 0.0
        services.append(
            {
                "code": s.code,
                "name": s.name,
                "name_en": s.name_en,
                "waiting": count,
                "longest_wait_s": round(max(longest, 0.0), 1),
                "target_wait_min": s.target_wait_min,
                "over_target": longest > s.target_wait_min * 60,
            }
        )
    return {
        "hall": {
            "id": hall.hall_id,
            "name": hall.config.hall.name,
            "open": hall.is_open(now),
            "now": iso(now),
            "day": model.business_day(now, hall.config.hall.zone).isoformat(),
            "notice": hall.config.hall.notice,
        },
        "windows": windows,
        "services": services,
        "calls": calls,
        "waiting": sum(s["waiting"] for s in services),
        "longest_wait_s": max((s["longest_wait_s"] for s in services), default=0.0),
        "devices": hall.devices.snapshot(),
    }


def _window_with_current(uow: UnitOfWork, number: int) -> tuple[model.Window, model.Ticket | None]:
    window, current = uow.windows.with_current(number)
    if window is None:
        raise NotFound(f"there is no window {number} in this hall", field="window")
    return window, current


def _call_dto(call: RecentCall) -> Json:
    return {
        "number": call.number,
        "service": call.service,
        "window": call.window,
        "recall": call.recall,
        "at": iso(call.at),
    }


def _current_dto(ticket: model.Ticket | None) -> Json | None:
    if ticket is None:
        return None
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service": ticket.service,
        "status": ticket.status,
        "called_at": iso(ticket.last_called_at),
        "started_at": iso(ticket.started_at),
    }


def window_summary(hall: Hall, number: int) -> Json:
    """A window and its current ticket (the ``window_changed`` event), without its queue."""
    hall.profile(number)
    with hall.uow(write=False) as uow:
        window, current = _window_with_current(uow, number)
        return {**window_dto(window), "current": ticket_dto(current) if current else None}


def window_view(hall: Hall, number: int) -> Json:
    """A staff console's view: the window, its current ticket, its queue and held tickets."""
    profile = hall.profile(number)
    now = hall.now()
    with hall.uow(write=False) as uow:
        window, current = _window_with_current(uow, number)
        queue = uow.tickets.waiting_list(list(profile.service_weights), number)
        held = uow.tickets.held()
        return {
            "window": window_dto(window),
            "current": ticket_dto(current) if current else None,
            "queue": [{**queue_row(t), "wait_s": round((now - t.arrival_at).total_seconds(), 1)} for t in queue],
            "held": [queue_row(t) for t in held],
            "services": list(profile.service_weights),
        }
