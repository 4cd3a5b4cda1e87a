"""The SQLAlchemy unit of work: one transaction; events stored with it and published after it commits.

Implements :class:`hallctl.services.ports.UnitOfWork`. Its ``session`` is the SQL adapter's own: the reports
(a read-side adapter) run their queries on it; the services never touch it.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from hallctl.domain.errors import ConcurrencyConflict
from hallctl.domain.events import Event
from hallctl.services.ports import EventPublisher

from .database import Database
from .repositories import (
    AuditRepository,
    FollowUpRepository,
    IdempotencyRepository,
    RatingRepository,
    ServiceRepository,
    SettingsRepository,
    TicketRepository,
    TokenRepository,
    UserRepository,
    WindowRepository,
    store_events,
)


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — rolls back unless committed.

    Args:
        database: engines to use.
        bus: receives the events after commit.
        hall_id: the hall every repository is scoped to.
        write: begin a write transaction (SQLite: takes the write lock first).
    """

    def __init__(self, database: Database, bus: EventPublisher, hall_id: str, write: bool = True) -> None:
        self.database = database
        self.bus = bus
        self.hall_id = hall_id
        self.write = write
        self.published: list[Event] = []

    def __enter__(self) -> Self:
        if self.write:
            self.database.write_lock.__enter__()
        self.session = (self.database.write_session if self.write else self.database.read_session)()
        self.tickets = TicketRepository(self.session, self.hall_id)
        self.windows = WindowRepository(self.session, self.hall_id)
        self.ratings = RatingRepository(self.session, self.hall_id)
        self.followups = FollowUpRepository(self.session, self.hall_id)
        self.users = UserRepository(self.session, self.hall_id)
        self.tokens = TokenRepository(self.session, self.hall_id)
        self.audit = AuditRepository(self.session, self.hall_id)
        self.idempotency = IdempotencyRepository(self.session, self.hall_id)
        self.settings = SettingsRepository(self.session, self.hall_id)
        self.services = ServiceRepository(self.session, self.hall_id)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            self.session.rollback()
            self.session.close()
        finally:
            if self.write:
                self.database.write_lock.__exit__(None, None, None)

    def flush(self) -> None:
        """Assign ids; a concurrent change to the same row raises ConcurrencyConflict."""
        try:
            self.session.flush()
        except StaleDataError:
            self.session.rollback()
            raise ConcurrencyConflict("another request changed this ticket or window first; try again") from None

    def commit(self) -> list[Event]:
        """Store pending events in the timeline, commit, then publish them."""
        self.flush()
        pending = self._collect()
        store_events(self.session, self.hall_id, pending)
        try:
            self.session.commit()
        except (StaleDataError, IntegrityError) as exc:
            self.session.rollback()
            raise ConcurrencyConflict(
                f"the change collided with another one; try again ({type(exc).__name__})"
            ) from None
        self.published.extend(pending)
        self.bus.publish(pending)
        return pending

    def _collect(self) -> list[Event]:
        out: list[Event] = []
        for repo in (self.tickets, self.windows, self.ratings):
            for entity in repo.seen:
                out.extend(entity.events)
                entity.events.clear()
        out.sort(key=lambda e: e.at)
        return out
