"""In-memory adapters for the service ports (hallctl/services/ports.py): a hall without a database.

:func:`fake_hall` wires a :class:`~hallctl.services.context.Hall` on them the way
:func:`hallctl.bootstrap.bootstrap` wires the real ones. A fake unit of work changes the shared
:class:`Store` in place and publishes its events on commit; one left uncommitted publishes nothing
(its changes are not undone: the services check before they change anything).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from types import TracebackType
from typing import Any, Self

from hallctl.config import Config
from hallctl.domain.events import DeviceChanged, Event
from hallctl.domain.model import Rating, Ticket, Window
from hallctl.services import citizens
from hallctl.services.context import Hall
from hallctl.services.ports import Clock, Json
from hallctl.services.setup import sync_config

from .fake_accounts import FakeAudit, FakeIdempotency, FakeServices, FakeSettings, FakeTokens, FakeUsers
from .fake_repositories import FakeFollowUps, FakeRatings, FakeTickets, FakeWindows, Store


class RecordingBus:
    """An event bus that keeps every published event (and tells no subscriber)."""

    def __init__(self) -> None:
        self.published: list[Event] = []

    def publish(self, events: Iterable[Event]) -> None:
        self.published.extend(events)

    def subscribe(self, name: str, handler: Any, remote: bool = False, wants: Any = None) -> None:
        """Nobody listens in the fakes."""

    def unsubscribe(self, name: str) -> None:
        """Nobody listens in the fakes."""

    def close(self) -> None:
        """Nothing to stop."""

    def kinds(self) -> list[str]:
        """The kinds of the events published so far, in order."""
        return [event.kind for event in self.published]


class FakeDevices:
    """A hall without devices (ports.DeviceStates)."""

    def snapshot(self) -> list[Json]:
        return []

    def get(self, name: str) -> Json:
        raise KeyError(name)

    def states(self) -> list[DeviceChanged]:
        return []

    def mirror(self, event: DeviceChanged) -> None:
        """No device to mirror."""


class FakeUnitOfWork:
    """One "transaction" on a :class:`Store` (ports.UnitOfWork); writers hold the store's lock throughout."""

    def __init__(self, store: Store, bus: RecordingBus, write: bool = True) -> None:
        self.store = store
        self.bus = bus
        self.write = write
        self.tickets = FakeTickets(store)
        self.windows = FakeWindows(store)
        self.ratings = FakeRatings(store)
        self.followups = FakeFollowUps(store)
        self.users = FakeUsers(store)
        self.tokens = FakeTokens(store)
        self.audit = FakeAudit(store)
        self.idempotency = FakeIdempotency(store)
        self.settings = FakeSettings(store)
        self.services = FakeServices(store)

    def __enter__(self) -> Self:
        if self.write:
            self.store.lock.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._take_events()  # uncommitted: nothing is published
        if self.write:
            self.store.lock.release()

    def flush(self) -> None:
        """Ids are given on add already."""

    def commit(self) -> list[Event]:
        events = sorted(self._take_events(), key=lambda e: e.at)
        self.store.timeline.extend(events)
        self.bus.publish(events)
        return events

    def _take_events(self) -> list[Event]:
        entities: list[Ticket | Window | Rating] = [
            *self.store.tickets.values(),
            *self.store.windows.values(),
            *self.store.ratings.values(),
        ]
        events = [event for entity in entities for event in entity.events]
        for entity in entities:
            entity.events.clear()
        return events


def fake_hall(config: Config, clock: Clock) -> Hall:
    """A hall of ``config`` on in-memory fakes: its services and windows synced, like ``bootstrap()``'s.

    ``hall.database`` is the :class:`Store`, ``hall.bus`` the :class:`RecordingBus`; ``clock`` is typically the
    hand-moved ``FakeClock`` of tests/conftest.py.
    """
    store, bus = Store(), RecordingBus()
    hall = Hall(
        config=config,
        database=store,
        units=lambda write=True: FakeUnitOfWork(store, bus, write),
        bus=bus,
        audit_log=store,
        devices=FakeDevices(),
        clock=clock,
    )
    sync_config(hall)
    hall.citizen_key = secrets.token_bytes(citizens.KEY_BYTES)
    return hall
