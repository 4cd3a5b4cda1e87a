"""差评整改 use cases: open a case for each bad rating, work it, list it."""

from __future__ import annotations

from datetime import date, datetime

from hallctl.domain import model
from hallctl.domain.errors import NotFound
from hallctl.domain.followup import MOVES, TIMED, CaseState, FollowUp
from hallctl.domain.times import iso
from hallctl.labels import FOLLOW_UP_STATE, RATING_LEVEL, zh

from .context import Hall
from .ports import Json, UnitOfWork
from .workdays import add_working_days


def _due(hall: Hall, state: str, now: datetime) -> date | None:
    days = {
        "verify": hall.config.ratings.verify_days,
        "rectify": hall.config.ratings.rectify_days,
        "revisit": hall.config.ratings.revisit_days,
    }.get(state)
    return add_working_days(model.business_day(now, hall.config.hall.zone), days) if days else None


def open_case(hall: Hall, uow: UnitOfWork, rating: model.Rating) -> None:
    """In the rating's own transaction: a bound level 4-5 rating opens a case, due for 核实."""
    if rating.level not in model.BAD_LEVELS or rating.ticket_id is None:
        return
    uow.followups.add(
        FollowUp(
            hall_id=hall.hall_id,
            rating_id=rating.stored_id,
            ticket_id=rating.ticket_id,
            window=rating.window,
            staff=rating.staff,
            service=rating.service,
            level=rating.level,
            opened_at=rating.at,
            due_on=_due(hall, "verify", rating.at),
        )
    )


def act(hall: Hall, case_id: int, action: str, actor: str, note: str) -> Json:
    """A manager works a case: verify, rectify, revisit, close, appeal, approve_appeal, reject_appeal."""
    now = hall.now()
    with hall.uow() as uow:
        case = uow.followups.get(case_id)
        if case is None:
            raise NotFound(f"no follow-up case {case_id}", field="id")
        moved = case.act(action, actor, now, note)
        case.due_on = _due(hall, case.state, now) if case.state in TIMED else None
        uow.followups.add_step(case.stored_id, action, actor, now, moved, note)
        if case.excluded:
            uow.followups.exclude_rating(case.rating_id)
        uow.flush()
        result = case_dto(hall, uow, case)
        uow.commit()
        return result


def listed(hall: Hall, which: str = "open") -> list[Json]:
    """``open`` (not closed), ``overdue``, ``closed`` or ``all`` cases, newest first."""
    states = {
        "open": [s.value for s in CaseState if s != CaseState.CLOSED],
        "overdue": list(TIMED),
        "closed": ["closed"],
    }
    with hall.uow(write=False) as uow:
        cases = uow.followups.listed(states.get(which))
        rows = [case_dto(hall, uow, case) for case in cases]
    return [r for r in rows if r["overdue"]] if which == "overdue" else rows


def case_dto(hall: Hall, uow: UnitOfWork, case: FollowUp) -> Json:
    """The case as the follow-up page lists it: state, rating, ticket, the actions its state allows, whether overdue."""
    ticket = uow.tickets.get(case.ticket_id)
    rating = uow.ratings.for_ticket(case.ticket_id)
    today = model.business_day(hall.now(), hall.config.hall.zone)
    return {
        "id": case.id,
        "state": case.state,
        "state_name": zh(FOLLOW_UP_STATE, case.state),
        "level": case.level,
        "actions": [action for action, (allowed, _target) in MOVES.items() if case.state in allowed],
        "level_name": zh(RATING_LEVEL, case.level),
        "ticket_id": case.ticket_id,
        "number": ticket.number if ticket else None,
        "service": case.service,
        "window": case.window,
        "staff": case.staff,
        "reasons": rating.reasons if rating else [],
        "comment": rating.comment if rating else "",
        "opened_at": iso(case.opened_at),
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "overdue": case.overdue(today),
        "excluded": case.excluded,
        "closed_at": iso(case.closed_at),
        "steps": [
            {
                "action": s.action,
                "actor": s.actor,
                "at": iso(s.at),
                "from": s.from_state,
                "to": s.to_state,
                "note": s.note,
            }
            for s in uow.followups.steps(case.stored_id)
        ],
    }
