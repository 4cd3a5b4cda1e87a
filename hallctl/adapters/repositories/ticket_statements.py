"""The ticket queries of the hot path (issue, call-next, counts), built once: building a statement costs
more than running it."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
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
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Row

from hallctl.domain import model
from hallctl.domain.routing import Candidate

from .. import orm

T = orm.tickets


def candidate(row: Row[Any]) -> Candidate:
    """The routing view of a candidates row."""
    return Candidate(
        id=row.id,
        service=row.service,
        priority=row.priority,
        arrival_at=row.arrival_at,
        issued_at=row.issued_at,
        appointment_at=row.appointment_at,
    )


CANDIDATE_COLUMNS = (T.c.id, T.c.service, T.c.priority, T.c.arrival_at, T.c.issued_at, T.c.appointment_at)
QUEUE_ORDER = (T.c.arrival_at, T.c.issued_at, T.c.id)
WAITING = and_(T.c.hall_id == bindparam("hall"), T.c.status == model.Status.WAITING.value)

# Hot-path statements are built once; building expressions costs more than running them.
AHEAD = (
    select(func.count())
    .select_from(T)
    .where(
        WAITING,
        T.c.service == bindparam("service"),
        (T.c.arrival_at < bindparam("arrival", type_=orm.UTCDateTime))
        | and_(T.c.arrival_at == bindparam("arrival", type_=orm.UTCDateTime), T.c.id < bindparam("id")),
    )
)
_SAME_QUEUE = and_(WAITING, T.c.service == bindparam("service"))
_AT_OR_AFTER = and_(
    T.c.arrival_at >= bindparam("arrival", type_=orm.UTCDateTime),
    (T.c.arrival_at > bindparam("arrival", type_=orm.UTCDateTime)) | (T.c.id >= bindparam("id")),
)
# everyone waiting minus those at or after the ticket: two index counts with no per-row test, and the second
# reads only the back of the queue, where a new ticket stands — twice as fast as AHEAD for a new ticket
AHEAD_OF_NEW = select(
    select(func.count()).select_from(T).where(_SAME_QUEUE).scalar_subquery()
    - select(func.count()).select_from(T).where(_SAME_QUEUE, _AT_OR_AFTER).scalar_subquery()
)
TICKET_INSERT_COLUMNS = [c for c in T.c if c.name not in ("id", "version")]
INSERT_TICKETS = (
    insert(T)
    .values(
        {c.name: bindparam(c.name, type_=c.type) for c in TICKET_INSERT_COLUMNS} | {"version": bindparam("version")}
    )
    .returning(T.c.track_token, T.c.id)
)
OPEN_WINDOWS = select(orm.windows.c.number, orm.windows.c.paused, orm.windows.c.current_ticket_id).where(
    orm.windows.c.hall_id == bindparam("hall"), orm.windows.c.staff.is_not(None)
)
ISSUED_TODAY = select(orm.counters.c.last_seq).where(
    orm.counters.c.hall_id == bindparam("hall"),
    orm.counters.c.service == bindparam("service"),
    orm.counters.c.business_day == bindparam("day"),
)
RESERVE_SEQS = {
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


class _IdArray(TypeDecorator):
    """Ticket ids sent as one PostgreSQL array literal (``{1,2,3}``) in a text parameter: its type is the same
    however many ids and however large (psycopg would send ``smallint[]`` or ``integer[]`` by the values, and a
    prepared statement is kept per parameter type)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str:
        return "{" + ",".join(str(int(i)) for i in value) + "}"


def _not_skipped(dialect: str) -> Any:
    """The ticket is not among the ``skip`` ids. On PostgreSQL one array parameter, so the statement — and
    its prepared plan — is the same however many tickets were skipped: an expanding IN is another statement
    for each count, planned afresh on each connection (3–7 ms for the candidates query)."""
    if dialect == "postgresql":
        return T.c.id != all_(cast(bindparam("skip", type_=_IdArray()), ARRAY(Integer)))
    return T.c.id.not_in(bindparam("skip", expanding=True))


@functools.cache
def candidates_statement(dialect: str, services: tuple[str, ...], classes: tuple[str, ...]) -> Any:
    """UNION ALL of the LIMIT 1 probes (each an index range scan), built once per window profile."""
    waiting = and_(WAITING, _not_skipped(dialect))
    branches = [
        select(*CANDIDATE_COLUMNS, literal("targeted").label("source"))
        .where(waiting, T.c.target_window == bindparam("window"))
        .order_by(*QUEUE_ORDER)
        .limit(1)
    ]
    for service in services:
        for cls in classes:
            branches.append(
                select(*CANDIDATE_COLUMNS, literal("heads").label("source"))
                .where(waiting, T.c.service == service, T.c.priority == cls, T.c.target_window.is_(None))
                .order_by(*QUEUE_ORDER)
                .limit(1)
            )
    branches.append(
        select(*CANDIDATE_COLUMNS, literal("appointments").label("source"))
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
def claim() -> Select[Any]:
    """Built on first use: the mappers exist only once the hall has started."""
    return (
        select(model.Ticket)
        .where(T.c.id == bindparam("id"), T.c.status == model.Status.WAITING.value)
        .with_for_update(skip_locked=True)
    )


@functools.cache
def window_with_current() -> Select[model.Window, model.Ticket]:
    """Built on first use: the mappers exist only once the hall has started."""
    w = orm.windows
    return (
        select(model.Window, model.Ticket)
        .outerjoin(T, T.c.id == w.c.current_ticket_id)
        .where(w.c.hall_id == bindparam("hall"), w.c.number == bindparam("number"))
    )
