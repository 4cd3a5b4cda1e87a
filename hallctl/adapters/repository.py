"""Repositories: the queries the services need, and nothing else."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import (
    Integer,
    String,
    TypeDecorator,
    all_,
    and_,
    bindparam,
    cast,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, make_transient_to_detached

from hallctl.domain import model
from hallctl.domain.events import Event
from hallctl.domain.followup import FollowUp
from hallctl.domain.routing import Candidate

from . import orm

T = orm.tickets


def _candidate(row) -> Candidate:
    return Candidate(
        id=row.id,
        service=row.service,
        priority=row.priority,
        arrival_at=row.arrival_at,
        issued_at=row.issued_at,
        appointment_at=row.appointment_at,
    )


_CANDIDATE_COLUMNS = (T.c.id, T.c.service, T.c.priority, T.c.arrival_at, T.c.issued_at, T.c.appointment_at)
_QUEUE_ORDER = (T.c.arrival_at, T.c.issued_at, T.c.id)
_WAITING = and_(T.c.hall_id == bindparam("hall"), T.c.status == model.Status.WAITING.value)

# Hot-path statements are built once; building expressions costs more than running them.
_AHEAD = (
    select(func.count())
    .select_from(T)
    .where(
        _WAITING,
        T.c.service == bindparam("service"),
        (T.c.arrival_at < bindparam("arrival", type_=orm.UTCDateTime))
        | and_(T.c.arrival_at == bindparam("arrival", type_=orm.UTCDateTime), T.c.id < bindparam("id")),
    )
)
_SAME_QUEUE = and_(_WAITING, T.c.service == bindparam("service"))
_AT_OR_AFTER = and_(
    T.c.arrival_at >= bindparam("arrival", type_=orm.UTCDateTime),
    (T.c.arrival_at > bindparam("arrival", type_=orm.UTCDateTime)) | (T.c.id >= bindparam("id")),
)
# everyone waiting minus those at or after the ticket: two index counts with no per-row test, and the second
# reads only the back of the queue, where a new ticket stands — twice as fast as _AHEAD for a new ticket
_AHEAD_OF_NEW = select(
    select(func.count()).select_from(T).where(_SAME_QUEUE).scalar_subquery()
    - select(func.count()).select_from(T).where(_SAME_QUEUE, _AT_OR_AFTER).scalar_subquery()
)
_TICKET_INSERT_COLUMNS = [c for c in T.c if c.name not in ("id", "version")]
_INSERT_TICKETS = (
    insert(T)
    .values(
        {c.name: bindparam(c.name, type_=c.type) for c in _TICKET_INSERT_COLUMNS} | {"version": bindparam("version")}
    )
    .returning(T.c.track_token, T.c.id)
)
_OPEN_WINDOWS = select(orm.windows.c.number, orm.windows.c.paused, orm.windows.c.current_ticket_id).where(
    orm.windows.c.hall_id == bindparam("hall"), orm.windows.c.staff.is_not(None)
)
_INSERT_EVENT = insert(orm.events)
_ISSUED_TODAY = select(orm.counters.c.last_seq).where(
    orm.counters.c.hall_id == bindparam("hall"),
    orm.counters.c.service == bindparam("service"),
    orm.counters.c.business_day == bindparam("day"),
)
_RESERVE_SEQS = {
    dialect: builder(orm.counters)
    .values(
        hall_id=bindparam("hall"),
        service=bindparam("service"),
        business_day=bindparam("day"),
        last_seq=bindparam("count"),
    )
    .on_conflict_do_update(
        index_elements=["hall_id", "service", "business_day"],
        set_={"last_seq": orm.counters.c.last_seq + bindparam("count")},
    )
    .returning(orm.counters.c.last_seq)
    for dialect, builder in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}


class Candidates(NamedTuple):
    targeted: list[Candidate]
    heads: list[Candidate]
    appointments: list[Candidate]


class _IdArray(TypeDecorator):
    """Ticket ids sent as one PostgreSQL array literal (``{1,2,3}``) in a text parameter: its type is the same
    however many ids and however large (psycopg would send ``smallint[]`` or ``integer[]`` by the values, and a
    prepared statement is kept per parameter type)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return "{" + ",".join(str(int(i)) for i in value) + "}"


def _not_skipped(dialect: str):
    """The ticket is not among the ``skip`` ids. On PostgreSQL one array parameter, so the statement — and
    its prepared plan — is the same however many tickets were skipped: an expanding IN is another statement
    for each count, planned afresh on each connection (3–7 ms for the candidates query)."""
    if dialect == "postgresql":
        return T.c.id != all_(cast(bindparam("skip", type_=_IdArray()), ARRAY(Integer)))
    return T.c.id.not_in(bindparam("skip", expanding=True))


@functools.cache
def _candidates_statement(dialect: str, services: tuple[str, ...], classes: tuple[str, ...]):
    """UNION ALL of the LIMIT 1 probes (each an index range scan), built once per window profile."""
    waiting = and_(_WAITING, _not_skipped(dialect))
    branches = [
        select(*_CANDIDATE_COLUMNS, literal("targeted").label("source"))
        .where(waiting, T.c.target_window == bindparam("window"))
        .order_by(*_QUEUE_ORDER)
        .limit(1)
    ]
    for service in services:
        for cls in classes:
            branches.append(
                select(*_CANDIDATE_COLUMNS, literal("heads").label("source"))
                .where(waiting, T.c.service == service, T.c.priority == cls, T.c.target_window.is_(None))
                .order_by(*_QUEUE_ORDER)
                .limit(1)
            )
    branches.append(
        select(*_CANDIDATE_COLUMNS, literal("appointments").label("source"))
        .where(
            waiting,
            T.c.service.in_(services),
            T.c.target_window.is_(None),
            T.c.appointment_at.is_not(None),
            T.c.appointment_at <= bindparam("now", type_=orm.UTCDateTime),
        )
        .order_by(T.c.appointment_at, T.c.issued_at, T.c.id)
        .limit(1)
    )
    subqueries = [branch.subquery() for branch in branches]
    return union_all(*(select(*sq.c) for sq in subqueries))


@functools.cache
def _claim():
    """Built on first use: the mappers exist only once the hall has started."""
    return (
        select(model.Ticket)
        .where(T.c.id == bindparam("id"), T.c.status == model.Status.WAITING.value)
        .with_for_update(skip_locked=True)
    )


@functools.cache
def _window_with_current():
    """Built on first use: the mappers exist only once the hall has started."""
    w = orm.windows
    return (
        select(model.Window, model.Ticket)
        .outerjoin(T, T.c.id == w.c.current_ticket_id)
        .where(w.c.hall_id == bindparam("hall"), w.c.number == bindparam("number"))
    )


class _Repository:
    """Queries scoped to one hall; ``seen`` holds the entities whose events the unit of work collects."""

    def __init__(self, session: Session, hall_id: str) -> None:
        self.session = session
        self.hall_id = hall_id
        self.seen: set = set()


class TicketRepository(_Repository):
    def insert(self, tickets: list[model.Ticket]) -> None:
        """Insert new tickets with one statement and set their ids. They are not attached to this unit of work:
        their events are collected, but a later change to them needs a unit of work of its own."""
        rows = [
            {c.name: getattr(ticket, c.name) for c in _TICKET_INSERT_COLUMNS} | {"version": 1} for ticket in tickets
        ]
        ids = dict(self.session.execute(_INSERT_TICKETS, rows).all())  # track token → id (rows come unordered)
        for ticket in tickets:
            ticket.id, ticket.version = ids[ticket.track_token], 1
        self.seen.update(tickets)

    def add(self, ticket: model.Ticket) -> None:
        """Insert a new ticket now (its id is set) and attach it for later versioned updates."""
        self.insert([ticket])
        make_transient_to_detached(ticket)
        self.session.add(ticket)

    def get(self, ticket_id: int) -> model.Ticket | None:
        ticket = self.session.get(model.Ticket, ticket_id)
        if ticket is None or ticket.hall_id != self.hall_id:
            return None
        self.seen.add(ticket)
        return ticket

    def reserve_seqs(self, service: str, day: date, count: int) -> int:
        """Advance the (service, business day) counter by ``count`` in this transaction and return its new
        value: the numbers ``value - count + 1 … value`` are this transaction's. Unique under concurrency."""
        stmt = _RESERVE_SEQS[self.session.get_bind().dialect.name]
        params = {"hall": self.hall_id, "service": service, "day": day, "count": count}
        return self.session.execute(stmt, params).scalar_one()

    def pending_prints(self, kiosks: list[str], since: datetime) -> list[tuple[int, str, datetime]]:
        """(id, kiosk, issued at) of tickets from these kiosks issued since ``since`` and not yet printed."""
        stmt = (
            select(T.c.id, T.c.kiosk, T.c.issued_at)
            .where(
                T.c.hall_id == self.hall_id,
                T.c.issued_at >= since,
                T.c.kiosk.in_(kiosks),
                T.c.print_status == model.PrintStatus.PENDING.value,
            )
            .order_by(T.c.issued_at, T.c.id)
        )
        return [tuple(row) for row in self.session.execute(stmt)]

    def issued_today(self, service: str, day: date) -> int:
        return self.session.execute(_ISSUED_TODAY, {"hall": self.hall_id, "service": service, "day": day}).scalar() or 0

    def _waiting(self):
        return and_(T.c.hall_id == self.hall_id, T.c.status == model.Status.WAITING)

    def candidates(
        self, window: int, services: list[str], classes: list[str], now: datetime, skip: Iterable[int] = ()
    ) -> Candidates:
        """What call-next chooses from, in one query: the oldest waiting ticket sent to ``window``, the oldest
        untargeted one of each (service, class), and the earliest due appointment of the services.

        Args:
            skip: ticket ids to leave out (another window is taking them).
        """
        params = {"hall": self.hall_id, "window": window, "now": now, "skip": list(skip)}
        found = Candidates([], [], [])
        statement = _candidates_statement(self.session.get_bind().dialect.name, tuple(services), tuple(classes))
        for row in self.session.execute(statement, params):
            getattr(found, row.source).append(_candidate(row))
        return found

    def claim(self, ticket_id: int) -> model.Ticket | None:
        """Lock a waiting ticket for this transaction and load it; None if it is no longer waiting or another
        transaction holds it (PostgreSQL ``FOR UPDATE SKIP LOCKED``; SQLite's write lock already excludes
        every other writer)."""
        ticket = self.session.execute(_claim(), {"id": ticket_id}).scalars().first()
        if ticket is not None:
            self.seen.add(ticket)
        return ticket

    def ahead_of(self, ticket: model.Ticket) -> int:
        """Waiting tickets of the same service that arrived before this one."""
        params = {"hall": self.hall_id, "service": ticket.service, "arrival": ticket.arrival_at, "id": ticket.id}
        return self.session.execute(_AHEAD, params).scalar_one()

    def ahead_of_each(self, tickets: list[model.Ticket]) -> dict[int, int]:
        """``ahead_of`` for tickets just inserted (waiting, ids in insertion order): one count per service and
        arrival time — within such a group each ticket has the group's earlier tickets before it."""
        groups: dict[tuple[str, datetime], list[model.Ticket]] = {}
        for ticket in sorted(tickets, key=lambda t: t.id):
            groups.setdefault((ticket.service, ticket.arrival_at), []).append(ticket)
        ahead = {}
        for (service, arrival), group in groups.items():
            params = {"hall": self.hall_id, "service": service, "arrival": arrival, "id": group[-1].id}
            before_last = self.session.execute(_AHEAD_OF_NEW, params).scalar_one()
            for behind, ticket in enumerate(reversed(group)):
                ahead[ticket.id] = before_last - behind
        return ahead

    def waiting_by_service(self) -> dict[str, tuple[int, datetime | None]]:
        """service → (waiting count, earliest effective arrival)."""
        stmt = select(T.c.service, func.count(), func.min(T.c.arrival_at)).where(self._waiting()).group_by(T.c.service)
        return {service: (count, oldest) for service, count, oldest in self.session.execute(stmt)}

    def waiting_counts(self, services: list[str]) -> dict[str, int]:
        """Waiting tickets per service, for just these services."""
        stmt = select(T.c.service, func.count()).where(self._waiting(), T.c.service.in_(services)).group_by(T.c.service)
        return dict(self.session.execute(stmt).all())

    def waiting_list(self, services: list[str], window: int, limit: int = 50) -> list[model.Ticket]:
        """Waiting tickets a window may call: its services, or sent to it."""
        stmt = (
            select(model.Ticket)
            .where(
                self._waiting(),
                (T.c.target_window == window) | (T.c.service.in_(services) & T.c.target_window.is_(None)),
            )
            .order_by(*_QUEUE_ORDER)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def held(self, limit: int = 100) -> list[model.Ticket]:
        stmt = (
            select(model.Ticket)
            .where(T.c.hall_id == self.hall_id, T.c.status == model.Status.HELD)
            .order_by(T.c.held_at)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def recent_calls(self, since: datetime, limit: int = 8) -> list[dict]:
        """The latest calls and recalls since ``since``, newest first: number, service, window, recall, at."""
        e = orm.events
        stmt = (
            select(e.c.at, e.c.window, e.c.data)
            .where(e.c.hall_id == self.hall_id, e.c.at >= since, e.c.kind == "ticket_called")
            .order_by(e.c.at.desc(), e.c.id.desc())
            .limit(limit)
        )
        return [
            {
                "number": data["number"],
                "service": data["service"],
                "window": window,
                "recall": bool(data.get("recall")),
                "at": at,
            }
            for at, window, data in self.session.execute(stmt)
        ]

    def find_active_by_number(self, number: str, day: date) -> model.Ticket | None:
        stmt = (
            select(model.Ticket)
            .where(T.c.hall_id == self.hall_id, T.c.business_day == day, T.c.number == number)
            .order_by(T.c.hop.desc())
            .limit(1)
        )
        ticket = self.session.scalars(stmt).first()
        if ticket is not None:
            self.seen.add(ticket)
        return ticket


class WindowRepository(_Repository):
    def get(self, number: int) -> model.Window | None:
        window = self.session.get(model.Window, (self.hall_id, number))
        if window is not None:
            self.seen.add(window)
        return window

    def with_current(self, number: int) -> tuple[model.Window | None, model.Ticket | None]:
        """A window and the ticket it is serving (or None), in one query."""
        row = self.session.execute(_window_with_current(), {"hall": self.hall_id, "number": number}).first()
        return (row[0], row[1]) if row else (None, None)

    def all(self) -> list[model.Window]:
        stmt = select(model.Window).where(orm.windows.c.hall_id == self.hall_id).order_by(orm.windows.c.number)
        return list(self.session.scalars(stmt))

    def open_numbers(self) -> tuple[set[int], set[int]]:
        """Windows with somebody logged in, and those of them that are free (not paused, no ticket)."""
        rows = self.session.execute(_OPEN_WINDOWS, {"hall": self.hall_id}).all()
        return (
            {n for n, _paused, _current in rows},
            {n for n, paused, current in rows if not paused and current is None},
        )

    def staffed_by(self, staff: str) -> model.Window | None:
        stmt = select(model.Window).where(orm.windows.c.hall_id == self.hall_id, orm.windows.c.staff == staff)
        return self.session.scalars(stmt).first()

    def open_session(self, window: int, staff: str, now: datetime) -> None:
        self.session.execute(
            insert(orm.window_sessions).values(hall_id=self.hall_id, window=window, staff=staff, started_at=now)
        )

    def close_session(self, window: int, now: datetime) -> None:
        s = orm.window_sessions
        self.session.execute(
            update(s)
            .where(s.c.hall_id == self.hall_id, s.c.window == window, s.c.ended_at.is_(None))
            .values(ended_at=now)
        )

    def open_pause(self, window: int, staff: str, reason: str, now: datetime) -> None:
        self.session.execute(
            insert(orm.window_pauses).values(
                hall_id=self.hall_id, window=window, staff=staff, reason=reason, started_at=now
            )
        )

    def close_pause(self, window: int, now: datetime) -> None:
        p = orm.window_pauses
        self.session.execute(
            update(p)
            .where(p.c.hall_id == self.hall_id, p.c.window == window, p.c.ended_at.is_(None))
            .values(ended_at=now)
        )


class RatingRepository(_Repository):
    def add(self, rating: model.Rating) -> None:
        self.session.add(rating)
        self.seen.add(rating)

    def for_ticket(self, ticket_id: int) -> model.Rating | None:
        stmt = select(model.Rating).where(orm.ratings.c.ticket_id == ticket_id)
        return self.session.scalars(stmt).first()


def _insert(session: Session, table):
    """INSERT with ON CONFLICT support (SQLite and PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


def upsert(session: Session, table, keys: dict, values: dict) -> None:
    stmt = _insert(session, table).values(**keys, **values)
    session.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=values))


def store_events(session: Session, hall_id: str, events: list[Event]) -> None:
    """Append events to the timeline (one row per transition)."""
    if not events:
        return
    session.execute(
        _INSERT_EVENT,
        [
            {
                "hall_id": hall_id,
                "kind": e.kind,
                "at": e.at,
                "ticket_id": getattr(e, "ticket_id", None),
                "window": e.window,
                "staff": e.staff,
                "data": e.data(),
            }
            for e in events
        ],
    )


class FollowUpRepository(_Repository):
    def add(self, case) -> None:
        self.session.add(case)

    def get(self, case_id: int):
        case = self.session.get(FollowUp, case_id)
        return case if case is not None and case.hall_id == self.hall_id else None

    def listed(self, states: list[str] | None, limit: int = 500) -> list:
        f = orm.followups
        stmt = select(FollowUp).where(f.c.hall_id == self.hall_id).order_by(f.c.opened_at.desc()).limit(limit)
        if states:
            stmt = stmt.where(f.c.state.in_(states))
        return list(self.session.scalars(stmt))

    def add_step(self, case_id: int, action: str, actor: str, at: datetime, moved: tuple[str, str], note: str) -> None:
        self.session.execute(
            insert(orm.followup_steps).values(
                followup_id=case_id,
                action=action,
                actor=actor,
                at=at,
                from_state=moved[0],
                to_state=moved[1],
                note=note,
            )
        )

    def steps(self, case_id: int) -> list:
        s = orm.followup_steps
        return self.session.execute(select(s).where(s.c.followup_id == case_id).order_by(s.c.id)).all()

    def exclude_rating(self, rating_id: int) -> None:
        self.session.execute(update(orm.ratings).where(orm.ratings.c.id == rating_id).values(excluded=True))
