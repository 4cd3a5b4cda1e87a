"""What every SQL repository shares: its session, its hall, the entities whose events it collects."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hallctl.domain.events import Event

from .. import orm

_INSERT_EVENT = insert(orm.events)  # built once: the hot path stores events with every change


class Repository:
    """Queries scoped to one hall; ``seen`` holds the entities whose events the unit of work collects."""

    def __init__(self, session: Session, hall_id: str) -> None:
        self.session = session
        self.hall_id = hall_id
        self.seen: set[Any] = set()


def dialect_of(session: Session) -> str:
    """``sqlite`` or ``postgresql``: the database behind ``session``."""
    return session.get_bind().dialect.name


def upsert(session: Session, table: Table, keys: dict[str, Any], values: dict[str, Any]) -> None:
    """INSERT, or UPDATE ``values`` where a row with ``keys`` exists (SQLite and PostgreSQL)."""
    builder = pg_insert if dialect_of(session) == "postgresql" else sqlite_insert
    stmt = builder(table).values(**keys, **values)
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
