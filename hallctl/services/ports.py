"""The ports: what the use cases need from the world, as protocols. Adapters implement them (SQLAlchemy in
``hallctl.adapters``, in-memory ones in ``tests/fakes.py``); services import nothing else of theirs.

A unit of work is one transaction with a repository per table the services touch; ``commit()`` stores the
events the entities recorded and publishes them once committed. Leaving it uncommitted rolls it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Any, NamedTuple, Protocol, Self

from hallctl.domain.events import DeviceChanged, Event
from hallctl.domain.followup import FollowUp
from hallctl.domain.model import Rating, Ticket, Window
from hallctl.domain.routing import Candidate

from .account_ports import AuditLog as AuditLog
from .account_ports import AuditRepository as AuditRepository
from .account_ports import IdempotencyRepository as IdempotencyRepository
from .account_ports import Json as Json  # re-exported: the unit of work below carries them
from .account_ports import ServiceRepository as ServiceRepository
from .account_ports import SettingsRepository as SettingsRepository
from .account_ports import TokenRepository as TokenRepository
from .account_ports import UserRepository as UserRepository


class Clock(Protocol):
    """The hall's clock: an aware UTC ``datetime`` of now."""

    def __call__(self) -> datetime:
        """The current instant, timezone-aware in UTC."""


class EventPublisher(Protocol):
    """Hands committed domain events to whoever subscribed."""

    def publish(self, events: Iterable[Event]) -> None:
        """Deliver committed events to the subscribers that want them."""


EventHandler = Callable[[list[Any]], None]
"""Receives a batch of the events it wants (annotated with the event class it asks for)."""


class EventBus(EventPublisher, Protocol):
    """The process's event bus: subscribers by name, each told only of the events it wants."""

    def subscribe(
        self, name: str, handler: EventHandler, remote: bool = False, wants: Callable[[Event], bool] = ...
    ) -> None:
        """Deliver events to ``handler`` under ``name``.

        Args:
            remote: also deliver the events the hall's other server processes committed.
            wants: the events ``handler`` acts on (default: all); it never sees the others.
        """

    def unsubscribe(self, name: str) -> None:
        """Stop delivering to the subscriber ``name`` (after what it already has queued)."""

    def close(self) -> None:
        """Stop every subscriber's delivery thread; nothing is delivered afterwards."""


class Candidates(NamedTuple):
    """What call-next chooses from: tickets sent to the window, the heads of its queues, due appointments."""

    targeted: list[Candidate]
    heads: list[Candidate]
    appointments: list[Candidate]


@dataclass(frozen=True)
class RecentCall:
    """A call or recall the hall screen lists."""

    number: str
    service: str
    window: int | None
    recall: bool
    at: datetime


@dataclass(frozen=True)
class UnratedTicket:
    """A finished ticket nobody rated: who served it, where, what."""

    id: int
    window: int | None
    staff: str | None
    service: str


class TicketRepository(Protocol):
    """The hall's tickets."""

    def insert(self, tickets: list[Ticket]) -> None:
        """Insert new tickets and set their ids (their later changes need a unit of work of their own)."""

    def add(self, ticket: Ticket) -> None:
        """Insert a new ticket now (its id is set) and keep it for later changes in this unit of work."""

    def get(self, ticket_id: int) -> Ticket | None:
        """The ticket with this id (kept for later changes in this unit of work); None if there is none."""

    def reserve_seqs(self, service: str, day: date, count: int) -> int:
        """Advance the (service, day) counter by ``count``; the numbers ``value - count + 1 … value`` are ours."""

    def pending_prints(self, kiosks: list[str], since: datetime) -> list[tuple[int, str, datetime]]:
        """(id, kiosk, issued at) of tickets from these kiosks issued since ``since`` and not yet printed."""

    def issued_today(self, service: str, day: date) -> int:
        """How many tickets of ``service`` were issued on ``day`` (the hall's local date)."""

    def candidates(
        self, window: int, services: list[str], classes: list[str], now: datetime, skip: Iterable[int] = ()
    ) -> Candidates:
        """The heads call-next chooses from, leaving out ``skip`` (tickets another window is taking)."""

    def claim(self, ticket_id: int) -> Ticket | None:
        """Lock a waiting ticket for this transaction; None if it is no longer waiting or another has it."""

    def ahead_of(self, ticket: Ticket) -> int:
        """Waiting tickets of the same service that arrived before this one."""

    def ahead_of_each(self, tickets: list[Ticket]) -> dict[int, int]:
        """``ahead_of`` for tickets just inserted, by ticket id."""

    def waiting_by_service(self) -> dict[str, tuple[int, datetime | None]]:
        """service → (waiting count, earliest effective arrival)."""

    def waiting_counts(self, services: list[str]) -> dict[str, int]:
        """Waiting tickets per service, for just these services (services with none are left out)."""

    def waiting_list(self, services: list[str], window: int, limit: int = 50) -> list[Ticket]:
        """Waiting tickets a window may call: its services, or sent to it."""

    def held(self, limit: int = 100) -> list[Ticket]:
        """Held tickets, longest held first."""

    def recent_calls(self, since: datetime, limit: int = 8) -> list[RecentCall]:
        """The latest calls and recalls since ``since``, newest first."""

    def find_active_by_number(self, number: str, day: date) -> Ticket | None:
        """The latest hop of the ticket numbered ``number`` on ``day``."""

    def drop_citizen_hashes(self, issued_before: datetime) -> int:
        """Forget the citizen hashes of tickets issued before ``issued_before``; returns how many."""

    def finished_unrated(self, ended_before: datetime) -> list[UnratedTicket]:
        """Finished tickets that ended before ``ended_before`` and have no rating."""


class WindowRepository(Protocol):
    """The hall's windows and their staff sessions and pauses."""

    def add(self, window: Window) -> None:
        """Store a new window."""

    def get(self, number: int) -> Window | None:
        """The window numbered ``number`` (kept for later changes in this unit of work); None if there is none."""

    def with_current(self, number: int) -> tuple[Window | None, Ticket | None]:
        """A window and the ticket it is serving (or None)."""

    def all(self) -> list[Window]:
        """Every window of the hall, by number."""

    def open_numbers(self) -> tuple[set[int], set[int]]:
        """Windows with somebody logged in, and those of them that are free (not paused, no ticket)."""

    def staffed_by(self, staff: str) -> Window | None:
        """The window ``staff`` is logged in at; None if at none."""

    def open_session(self, window: int, staff: str, now: datetime) -> None:
        """Record that ``staff`` logged in at ``window`` at ``now``."""

    def close_session(self, window: int, now: datetime) -> None:
        """End the window's open staff session at ``now`` (no-op when none is open)."""

    def open_pause(self, window: int, staff: str, reason: str, now: datetime) -> None:
        """Record that ``staff`` paused ``window`` for ``reason`` at ``now``."""

    def close_pause(self, window: int, now: datetime) -> None:
        """End the window's open pause at ``now`` (no-op when none is open)."""


class RatingRepository(Protocol):
    """Citizens' ratings of the tickets they were served on."""

    def add(self, rating: Rating) -> None:
        """Store a new rating."""

    def for_ticket(self, ticket_id: int) -> Rating | None:
        """The rating given for this ticket; None if it was not rated."""


@dataclass(frozen=True)
class CaseStep:
    """One step of a follow-up case: who moved it from which state to which, when, with what note."""

    action: str
    actor: str
    at: datetime
    from_state: str
    to_state: str
    note: str


class FollowUpRepository(Protocol):
    """差评整改 cases and their steps."""

    def add(self, case: FollowUp) -> None:
        """Store a new case (its id is set at the next flush)."""

    def get(self, case_id: int) -> FollowUp | None:
        """The case with this id; None if there is none in this hall."""

    def listed(self, states: list[str] | None, limit: int = 500) -> list[FollowUp]:
        """Cases in ``states`` (all when None), newest first."""

    def add_step(self, case_id: int, action: str, actor: str, at: datetime, moved: tuple[str, str], note: str) -> None:
        """Record a step that ``moved`` a case (from state, to state)."""

    def steps(self, case_id: int) -> list[CaseStep]:
        """The case's steps, oldest first."""

    def exclude_rating(self, rating_id: int) -> None:
        """Leave the rating out of satisfaction (an approved appeal)."""


class UnitOfWork(Protocol):
    """``with hall.uow() as uow: ...; uow.commit()`` — one transaction; rolled back unless committed."""

    @property
    def tickets(self) -> TicketRepository:
        """The hall's tickets in this transaction."""

    @property
    def windows(self) -> WindowRepository:
        """The hall's windows, staff sessions and pauses in this transaction."""

    @property
    def ratings(self) -> RatingRepository:
        """The hall's ratings in this transaction."""

    @property
    def followups(self) -> FollowUpRepository:
        """The hall's follow-up cases in this transaction."""

    @property
    def users(self) -> UserRepository:
        """Staff accounts in this transaction."""

    @property
    def tokens(self) -> TokenRepository:
        """Bearer tokens in this transaction."""

    @property
    def audit(self) -> AuditRepository:
        """The hall's audit log, for reading."""

    @property
    def idempotency(self) -> IdempotencyRepository:
        """Idempotency keys and their stored replies in this transaction."""

    @property
    def settings(self) -> SettingsRepository:
        """Values the database keeps (generated secrets) in this transaction."""

    @property
    def services(self) -> ServiceRepository:
        """The services' rows in this transaction."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...

    def flush(self) -> None:
        """Assign ids; a concurrent change to the same row raises ConcurrencyConflict."""

    def commit(self) -> list[Event]:
        """Store the recorded events with the changes, commit, then publish the events."""


class UnitOfWorkFactory(Protocol):
    """Opens a unit of work; ``write=False`` for a read-only one."""

    def __call__(self, write: bool = True) -> UnitOfWork:
        """Open a unit of work: ``write=False`` for a read-only one."""


class DeviceStates(Protocol):
    """The hall's devices as the hall screen shows them."""

    def snapshot(self) -> list[Json]:
        """Every device as the hall screen lists it: name, kind, state, detail, since, counters."""

    def get(self, name: str) -> Json:
        """One device as :meth:`snapshot` lists it.

        Raises:
            KeyError: no device is named ``name``.
        """

    def states(self) -> list[DeviceChanged]:
        """Every device's current state, as the events that set it (for the hall's other processes)."""

    def mirror(self, event: DeviceChanged) -> None:
        """Take a state another server process (the device leader) reported, without publishing it again."""


class Storage(Protocol):
    """The database a hall runs on, as the hall holds it: released at close."""

    def dispose(self) -> None:
        """Close the database's connections."""


class Announcer(Protocol):
    """The voice announcer this process runs (when ``[voice] enabled`` and it drives the devices)."""

    def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest announcements first: tokens, clip files, state."""
        ...

    def stop(self) -> None:
        """Stop the player thread once it has played the announcements already queued."""


class DeviceHost(Protocol):
    """Runs the device workers in the one process holding the hall's device leader lock."""

    @property
    def leading(self) -> bool:
        """Whether this process holds the leader lock and runs the device workers."""

    def stop(self) -> None:
        """Stop the device workers (if running) and release the leader lock."""
