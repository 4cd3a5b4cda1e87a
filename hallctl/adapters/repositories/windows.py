"""The windows table and the staff sessions and pauses kept beside it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from hallctl.domain import model

from .. import orm
from . import ticket_statements as sql
from .base import Repository


class WindowRepository(Repository):
    """The hall's windows, staff sessions and pauses (implements the port of the same name)."""

    def add(self, window: model.Window) -> None:
        """Store a new window."""
        self.session.add(window)
        self.seen.add(window)

    def get(self, number: int) -> model.Window | None:
        """The hall's window numbered ``number``, kept for later updates; None if there is none."""
        window = self.session.get(model.Window, (self.hall_id, number))
        if window is not None:
            self.seen.add(window)
        return window

    def with_current(self, number: int) -> tuple[model.Window | None, model.Ticket | None]:
        """A window and the ticket it is serving (or None), in one query."""
        row = self.session.execute(sql.window_with_current(), {"hall": self.hall_id, "number": number}).first()
        return (row[0], row[1]) if row else (None, None)

    def all(self) -> list[model.Window]:
        """Every window of the hall, by number."""
        stmt = select(model.Window).where(orm.windows.c.hall_id == self.hall_id).order_by(orm.windows.c.number)
        return list(self.session.scalars(stmt))

    def open_numbers(self) -> tuple[set[int], set[int]]:
        """Windows with somebody logged in, and those of them that are free (not paused, no ticket)."""
        rows = self.session.execute(sql.OPEN_WINDOWS, {"hall": self.hall_id}).all()
        return (
            {n for n, _paused, _current in rows},
            {n for n, paused, current in rows if not paused and current is None},
        )

    def staffed_by(self, staff: str) -> model.Window | None:
        """The window ``staff`` is logged in at; None if at none."""
        stmt = select(model.Window).where(orm.windows.c.hall_id == self.hall_id, orm.windows.c.staff == staff)
        return self.session.scalars(stmt).first()

    def open_session(self, window: int, staff: str, now: datetime) -> None:
        """Insert a staff session of ``staff`` at ``window`` starting ``now``."""
        self.session.execute(
            insert(orm.window_sessions).values(hall_id=self.hall_id, window=window, staff=staff, started_at=now)
        )

    def close_session(self, window: int, now: datetime) -> None:
        """End the window's open staff session at ``now``."""
        s = orm.window_sessions
        self.session.execute(
            update(s)
            .where(s.c.hall_id == self.hall_id, s.c.window == window, s.c.ended_at.is_(None))
            .values(ended_at=now)
        )

    def open_pause(self, window: int, staff: str, reason: str, now: datetime) -> None:
        """Insert a pause of ``window`` by ``staff`` for ``reason`` starting ``now``."""
        self.session.execute(
            insert(orm.window_pauses).values(
                hall_id=self.hall_id, window=window, staff=staff, reason=reason, started_at=now
            )
        )

    def close_pause(self, window: int, now: datetime) -> None:
        """End the window's open pause at ``now``."""
        p = orm.window_pauses
        self.session.execute(
            update(p)
            .where(p.c.hall_id == self.hall_id, p.c.window == window, p.c.ended_at.is_(None))
            .values(ended_at=now)
        )
