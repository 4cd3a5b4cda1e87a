"""The in-memory repositories of tests/fakes.py: each implements its protocol in hallctl/services/ports.py
over the plain collections of a :class:`Store`."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hallctl.domain.events import Event, TicketCalled
from hallctl.domain.followup import FollowUp
from hallctl.domain.model import Rating, Status, Ticket, Window
from hallctl.domain.routing import Candidate
from hallctl.services.account_ports import AuditEntry, StoredResult, StoredToken, StoredUser
from hallctl.services.ports import Candidates, CaseStep, RecentCall, UnratedTicket


@dataclass
class Store:
    """Every table of the hall, in memory; writers take ``lock`` like SQLite's one writer."""

    tickets: dict[int, Ticket] = field(default_factory=dict)
    counters: dict[tuple[str, date], int] = field(default_factory=dict)
    windows: dict[int, Window] = field(default_factory=dict)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    pauses: list[dict[str, Any]] = field(default_factory=list)
    ratings: dict[int, Rating] = field(default_factory=dict)
    followups: dict[int, FollowUp] = field(default_factory=dict)
    steps: list[tuple[int, CaseStep]] = field(default_factory=list)
    users: dict[str, tuple[StoredUser, bool]] = field(default_factory=dict)
    login_failures: dict[tuple[str, str], tuple[int, datetime]] = field(default_factory=dict)
    tokens: dict[int, tuple[StoredToken, str, int | None, bool]] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    idempotency: dict[tuple[str, str], StoredResult] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    services: dict[str, tuple[str, str, str, float]] = field(default_factory=dict)
    timeline: list[Event] = field(default_factory=list)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    lock: threading.RLock = field(default_factory=threading.RLock)

    def append(self, entry: AuditEntry) -> None:
        """The audit log's append, outside any unit of work."""
        self.audit.append(entry)

    def dispose(self) -> None:
        """Nothing to release."""


def _queue_order(ticket: Ticket) -> tuple[datetime, datetime, int]:
    return (ticket.arrival_at, ticket.issued_at, ticket.id or 0)


def _candidate(ticket: Ticket) -> Candidate:
    assert ticket.id is not None
    return Candidate(
        ticket.id, ticket.service, ticket.priority, ticket.arrival_at, ticket.issued_at, ticket.appointment_at
    )


class FakeTickets:
    """The tickets table in memory (ports.TicketRepository)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _waiting(self) -> list[Ticket]:
        return sorted((t for t in self.store.tickets.values() if t.status == Status.WAITING), key=_queue_order)

    def insert(self, tickets: list[Ticket]) -> None:
        for ticket in tickets:
            ticket.id = next(self.store.ids)
            self.store.tickets[ticket.id] = ticket

    def add(self, ticket: Ticket) -> None:
        self.insert([ticket])

    def get(self, ticket_id: int) -> Ticket | None:
        return self.store.tickets.get(ticket_id)

    def reserve_seqs(self, service: str, day: date, count: int) -> int:
        value = self.store.counters.get((service, day), 0) + count
        self.store.counters[service, day] = value
        return value

    def pending_prints(self, kiosks: list[str], since: datetime) -> list[tuple[int, str, datetime]]:
        return [
            (t.id, t.kiosk, t.issued_at)
            for t in self.store.tickets.values()
            if t.id is not None and t.kiosk in kiosks and t.issued_at >= since and t.print_status == "pending"
        ]

    def issued_today(self, service: str, day: date) -> int:
        return self.store.counters.get((service, day), 0)

    def candidates(
        self, window: int, services: list[str], classes: list[str], now: datetime, skip: Iterable[int] = ()
    ) -> Candidates:
        waiting = [t for t in self._waiting() if t.id not in set(skip)]
        untargeted = [t for t in waiting if t.target_window is None and t.service in services]
        heads = [
            next(t for t in untargeted if (t.service, t.priority) == group)
            for group in itertools.product(services, classes)
            if any((t.service, t.priority) == group for t in untargeted)
        ]
        due = sorted(
            (t for t in untargeted if t.appointment_at is not None and t.appointment_at <= now),
            key=lambda t: (t.appointment_at, t.issued_at, t.id),
        )
        targeted = [t for t in waiting if t.target_window == window]
        return Candidates(
            [_candidate(t) for t in targeted[:1]], [_candidate(t) for t in heads], [_candidate(t) for t in due[:1]]
        )

    def claim(self, ticket_id: int) -> Ticket | None:
        ticket = self.store.tickets.get(ticket_id)
        return ticket if ticket is not None and ticket.status == Status.WAITING else None

    def ahead_of(self, ticket: Ticket) -> int:
        return sum(
            1
            for t in self._waiting()
            if t.service == ticket.service and (t.arrival_at, t.id or 0) < (ticket.arrival_at, ticket.id or 0)
        )

    def ahead_of_each(self, tickets: list[Ticket]) -> dict[int, int]:
        return {t.id: self.ahead_of(t) for t in tickets if t.id is not None}

    def waiting_by_service(self) -> dict[str, tuple[int, datetime | None]]:
        out: dict[str, tuple[int, datetime | None]] = {}
        for t in self._waiting():
            count, oldest = out.get(t.service, (0, None))
            out[t.service] = (count + 1, min(oldest, t.arrival_at) if oldest else t.arrival_at)
        return out

    def waiting_counts(self, services: list[str]) -> dict[str, int]:
        return {s: n for s, (n, _oldest) in self.waiting_by_service().items() if s in services}

    def waiting_list(self, services: list[str], window: int, limit: int = 50) -> list[Ticket]:
        mine = [
            t
            for t in self._waiting()
            if t.target_window == window or (t.target_window is None and t.service in services)
        ]
        return mine[:limit]

    def held(self, limit: int = 100) -> list[Ticket]:
        held = [t for t in self.store.tickets.values() if t.status == Status.HELD]
        return sorted(held, key=lambda t: t.held_at or datetime.min)[:limit]

    def recent_calls(self, since: datetime, limit: int = 8) -> list[RecentCall]:
        calls = [e for e in self.store.timeline if isinstance(e, TicketCalled) and e.at >= since]
        return [RecentCall(e.number, e.service, e.window, e.recall, e.at) for e in reversed(calls)][:limit]

    def find_active_by_number(self, number: str, day: date) -> Ticket | None:
        same = [t for t in self.store.tickets.values() if t.number == number and t.business_day == day]
        return max(same, key=lambda t: t.hop, default=None)

    def drop_citizen_hashes(self, issued_before: datetime) -> int:
        old = [t for t in self.store.tickets.values() if t.citizen_hash and t.issued_at < issued_before]
        for ticket in old:
            ticket.citizen_hash = None
        return len(old)

    def finished_unrated(self, ended_before: datetime) -> list[UnratedTicket]:
        rated = {r.ticket_id for r in self.store.ratings.values()}
        return [
            UnratedTicket(t.id, t.window, t.staff, t.service)
            for t in self.store.tickets.values()
            if t.id is not None
            and t.status == Status.FINISHED
            and t.ended_at is not None
            and t.ended_at < ended_before
            and t.id not in rated
        ]


class FakeWindows:
    """The windows, staff sessions and pauses in memory (ports.WindowRepository)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, window: Window) -> None:
        self.store.windows[window.number] = window

    def get(self, number: int) -> Window | None:
        return self.store.windows.get(number)

    def with_current(self, number: int) -> tuple[Window | None, Ticket | None]:
        window = self.store.windows.get(number)
        current = window.current_ticket_id if window else None
        return window, (self.store.tickets.get(current) if current is not None else None)

    def all(self) -> list[Window]:
        return [self.store.windows[n] for n in sorted(self.store.windows)]

    def open_numbers(self) -> tuple[set[int], set[int]]:
        staffed = [w for w in self.store.windows.values() if w.staff is not None]
        free = {w.number for w in staffed if not w.paused and w.current_ticket_id is None}
        return {w.number for w in staffed}, free

    def staffed_by(self, staff: str) -> Window | None:
        return next((w for w in self.store.windows.values() if w.staff == staff), None)

    def open_session(self, window: int, staff: str, now: datetime) -> None:
        self.store.sessions.append({"window": window, "staff": staff, "started_at": now, "ended_at": None})

    def close_session(self, window: int, now: datetime) -> None:
        _close(self.store.sessions, window, now)

    def open_pause(self, window: int, staff: str, reason: str, now: datetime) -> None:
        self.store.pauses.append(
            {"window": window, "staff": staff, "reason": reason, "started_at": now, "ended_at": None}
        )

    def close_pause(self, window: int, now: datetime) -> None:
        _close(self.store.pauses, window, now)


def _close(spans: list[dict[str, Any]], window: int, now: datetime) -> None:
    for span in spans:
        if span["window"] == window and span["ended_at"] is None:
            span["ended_at"] = now


class FakeRatings:
    """Ratings in memory (ports.RatingRepository); an added rating gets its id at once."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, rating: Rating) -> None:
        rating.id = next(self.store.ids)
        self.store.ratings[rating.id] = rating

    def for_ticket(self, ticket_id: int) -> Rating | None:
        return next((r for r in self.store.ratings.values() if r.ticket_id == ticket_id), None)


class FakeFollowUps:
    """Follow-up cases and their steps in memory (ports.FollowUpRepository)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, case: FollowUp) -> None:
        case.id = next(self.store.ids)
        self.store.followups[case.id] = case

    def get(self, case_id: int) -> FollowUp | None:
        return self.store.followups.get(case_id)

    def listed(self, states: list[str] | None, limit: int = 500) -> list[FollowUp]:
        cases = [c for c in self.store.followups.values() if not states or c.state in states]
        return sorted(cases, key=lambda c: c.opened_at, reverse=True)[:limit]

    def add_step(self, case_id: int, action: str, actor: str, at: datetime, moved: tuple[str, str], note: str) -> None:
        self.store.steps.append((case_id, CaseStep(action, actor, at, moved[0], moved[1], note)))

    def steps(self, case_id: int) -> list[CaseStep]:
        return [step for case, step in self.store.steps if case == case_id]

    def exclude_rating(self, rating_id: int) -> None:
        self.store.ratings[rating_id].excluded = True
