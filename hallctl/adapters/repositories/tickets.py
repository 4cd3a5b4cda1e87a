"""The tickets table: issue, call-next's candidates and claim, queue counts, the hall screen's calls."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, func, select, update
from sqlalchemy.orm import make_transient_to_detached

from hallctl.domain import model
from hallctl.services.ports import Candidates, RecentCall, UnratedTicket

from .. import orm
from . import ticket_statements as sql
from .base import Repository, dialect_of

T = orm.tickets


class TicketRepository(Repository):
    """The hall's tickets (implements :class:`hallctl.services.ports.TicketRepository`)."""

    def insert(self, tickets: list[model.Ticket]) -> None:
        """Insert new tickets with one statement and set their ids. They are not attached to this unit of work:
        their events are collected, but a later change to them needs a unit of work of its own."""
        rows = [
            {c.name: getattr(ticket, c.name) for c in sql.TICKET_INSERT_COLUMNS} | {"version": 1} for ticket in tickets
        ]
        # track token → id (rows come unordered)
        ids: dict[str, int] = dict(self.session.execute(sql.INSERT_TICKETS, rows).all())
        for ticket in tickets:
            ticket.id = ids[ticket.track_token]
            ticket.version = 1  # type: ignore[attr-defined]  # the ORM's version counter, not a domain field
        self.seen.update(tickets)

    def add(self, ticket: model.Ticket) -> None:
        """Insert a new ticket now (its id is set) and attach it for later versioned updates."""
        self.insert([ticket])
        make_transient_to_detached(ticket)
        self.session.add(ticket)

    def get(self, ticket_id: int) -> model.Ticket | None:
        """The hall's ticket with this id, kept for later versioned updates; None if there is none."""
        ticket = self.session.get(model.Ticket, ticket_id)
        if ticket is None or ticket.hall_id != self.hall_id:
            return None
        self.seen.add(ticket)
        return ticket

    def reserve_seqs(self, service: str, day: date, count: int) -> int:
        """Advance the (service, business day) counter by ``count`` in this transaction and return its new
        value: the numbers ``value - count + 1 … value`` are this transaction's. Unique under concurrency."""
        stmt = sql.RESERVE_SEQS[dialect_of(self.session)]
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
        return [(ticket_id, kiosk, issued_at) for ticket_id, kiosk, issued_at in self.session.execute(stmt)]

    def issued_today(self, service: str, day: date) -> int:
        """How many tickets of ``service`` were issued on the business day ``day``."""
        return (
            self.session.execute(sql.ISSUED_TODAY, {"hall": self.hall_id, "service": service, "day": day}).scalar() or 0
        )

    def _waiting(self) -> ColumnElement[bool]:
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
        statement = sql.candidates_statement(dialect_of(self.session), tuple(services), tuple(classes))
        for row in self.session.execute(statement, params):
            getattr(found, row.source).append(sql.candidate(row))
        return found

    def claim(self, ticket_id: int) -> model.Ticket | None:
        """Lock a waiting ticket for this transaction and load it; None if it is no longer waiting or another
        transaction holds it (PostgreSQL ``FOR UPDATE SKIP LOCKED``; SQLite's write lock already excludes
        every other writer)."""
        ticket = self.session.execute(sql.claim(), {"id": ticket_id}).scalars().first()
        if ticket is not None:
            self.seen.add(ticket)
        return ticket

    def ahead_of(self, ticket: model.Ticket) -> int:
        """Waiting tickets of the same service that arrived before this one."""
        params = {"hall": self.hall_id, "service": ticket.service, "arrival": ticket.arrival_at, "id": ticket.id}
        return self.session.execute(sql.AHEAD, params).scalar_one()

    def ahead_of_each(self, tickets: list[model.Ticket]) -> dict[int, int]:
        """``ahead_of`` for tickets just inserted (waiting, ids in insertion order): one count per service and
        arrival time — within such a group each ticket has the group's earlier tickets before it."""
        groups: dict[tuple[str, datetime], list[model.Ticket]] = {}
        for ticket in sorted(tickets, key=lambda t: t.stored_id):
            groups.setdefault((ticket.service, ticket.arrival_at), []).append(ticket)
        ahead: dict[int, int] = {}
        for (service, arrival), group in groups.items():
            params = {"hall": self.hall_id, "service": service, "arrival": arrival, "id": group[-1].id}
            before_last = self.session.execute(sql.AHEAD_OF_NEW, params).scalar_one()
            for behind, ticket in enumerate(reversed(group)):
                ahead[ticket.stored_id] = before_last - behind
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
            .order_by(*sql.QUEUE_ORDER)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def held(self, limit: int = 100) -> list[model.Ticket]:
        """The hall's held tickets, longest held first."""
        stmt = (
            select(model.Ticket)
            .where(T.c.hall_id == self.hall_id, T.c.status == model.Status.HELD)
            .order_by(T.c.held_at)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def recent_calls(self, since: datetime, limit: int = 8) -> list[RecentCall]:
        """The latest calls and recalls since ``since``, newest first."""
        e = orm.events
        stmt = (
            select(e.c.at, e.c.window, e.c.data)
            .where(e.c.hall_id == self.hall_id, e.c.at >= since, e.c.kind == "ticket_called")
            .order_by(e.c.at.desc(), e.c.id.desc())
            .limit(limit)
        )
        return [
            RecentCall(
                number=data["number"], service=data["service"], window=window, recall=bool(data.get("recall")), at=at
            )
            for at, window, data in self.session.execute(stmt)
        ]

    def find_active_by_number(self, number: str, day: date) -> model.Ticket | None:
        """The latest hop of the ticket numbered ``number`` on ``day``, kept for later updates."""
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

    def drop_citizen_hashes(self, issued_before: datetime) -> int:
        """Forget the citizen hashes of tickets issued before ``issued_before``; returns how many."""
        result = self.session.execute(
            update(T)
            .where(T.c.hall_id == self.hall_id, T.c.citizen_hash.is_not(None), T.c.issued_at < issued_before)
            .values(citizen_hash=None)
        )
        return cast(CursorResult[Any], result).rowcount

    def finished_unrated(self, ended_before: datetime) -> list[UnratedTicket]:
        """Finished tickets that ended before ``ended_before`` and have no rating."""
        r = orm.ratings
        stmt = (
            select(T.c.id, T.c.window, T.c.staff, T.c.service)
            .outerjoin(r, r.c.ticket_id == T.c.id)
            .where(
                T.c.hall_id == self.hall_id,
                T.c.status == model.Status.FINISHED.value,
                T.c.ended_at < ended_before,
                r.c.id.is_(None),
            )
        )
        return [UnratedTicket(*row) for row in self.session.execute(stmt)]
