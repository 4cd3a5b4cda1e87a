"""A ticket's state machine (PRODUCT.md §2): issued, called, served, held, transferred, ended.

Entities are plain classes. The ORM maps them imperatively (adapters/orm/),
so nothing here knows about storage. Each transition checks the current state,
changes it, and records a past-tense event in ``self.events``.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any

from . import events as ev
from .entity import Stored
from .errors import InvalidTransition
from .times import seconds_between


class Status(StrEnum):
    """Where a ticket is in its life (PRODUCT.md §2); the last four are ends (see ``ENDED``)."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    HELD = "held"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"


ENDED = frozenset({Status.FINISHED, Status.NO_SHOW, Status.TRANSFERRED, Status.CANCELLED})


class Outcome(StrEnum):
    """办结类型."""

    COMPLETED = "completed"  # 办结
    ACCEPTED = "accepted"  # 受理(承诺件)
    NEEDS_MATERIALS = "needs_materials"  # 补正告知(一次性告知)
    REJECTED = "rejected"  # 不予受理
    CONSULTED = "consulted"  # 咨询


class HoldKind(StrEnum):
    """Why a ticket is on hold (挂起), which decides where it may resume."""

    NOT_HOLDING = "not_holding"  # citizen fetches documents, may return to any window
    HOLDING = "holding"  # documents stay here, comes back to this window
    WAITING = "waiting"  # waiting on something else


class PrintStatus(StrEnum):
    """Whether the ticket's paper slip is printed."""

    NONE = "none"  # no printer at this kiosk
    PENDING = "pending"
    PRINTED = "printed"
    FAILED = "failed"


@dataclass(eq=False, kw_only=True)
class Ticket(Stored):
    """A citizen's place in a queue, from issue to its end.

    Compared by identity (the unit of work keeps entities in sets). ``zone`` is the hall's timezone, for the
    local issue hour and weekday the reports group by. The fields after it are the ticket's state: unset ones
    read None.
    """

    hall_id: str
    service: str
    number: str
    seq: int
    business_day: date
    priority: str
    issued_at: datetime
    track_token: str
    kiosk: str | None = None
    appointment_code: str | None = None
    appointment_at: datetime | None = None
    parent_id: int | None = None
    hop: int = 0
    target_window: int | None = None
    print_status: str = PrintStatus.NONE
    citizen_hash: str | None = None
    """Keyed hash of an ID number or phone, never the number itself."""
    zone: InitVar[tzinfo | None] = None

    id: int | None = field(default=None, init=False)
    status: str = field(init=False)
    arrival_at: datetime = field(init=False)
    """When the ticket joined its queue: the appointment, else the issue; a requeued no-show rejoins at the back."""
    window: int | None = field(default=None, init=False)
    staff: str | None = field(default=None, init=False)
    outcome: str | None = field(default=None, init=False)
    first_called_at: datetime | None = field(default=None, init=False)
    last_called_at: datetime | None = field(default=None, init=False)
    started_at: datetime | None = field(default=None, init=False)
    ended_at: datetime | None = field(default=None, init=False)
    call_count: int = field(init=False)
    no_show_count: int = field(init=False)
    hold_kind: str | None = field(default=None, init=False)
    held_at: datetime | None = field(default=None, init=False)
    issue_hour: int | None = field(default=None, init=False)
    issue_weekday: int | None = field(default=None, init=False)
    # derived times kept with the ticket so reports are plain aggregates (PRODUCT.md §2)
    wait_s: float | None = field(default=None, init=False)  # first call − issue
    walk_s: float | None = field(default=None, init=False)  # start − last call
    service_s: float | None = field(default=None, init=False)  # end − start
    events: list[ev.Event] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self, zone: tzinfo | None) -> None:
        # set here, not as field defaults: the ORM's mapping replaces the class attributes that hold those
        self.status = Status.WAITING
        self.call_count = self.no_show_count = 0
        self.arrival_at = self.appointment_at or self.issued_at
        if zone is not None:
            local = self.issued_at.astimezone(zone)
            self.issue_hour, self.issue_weekday = local.hour, local.isoweekday()

    def __repr__(self) -> str:
        return f"<Ticket {self.id} {self.number} {self.status}>"

    # -- helpers ---------------------------------------------------------
    def _event(self, cls: type[ev.TicketEvent], at: datetime, **fields: Any) -> None:
        self.events.append(
            cls(
                at=at,
                ticket_id=self.id,
                number=self.number,
                service=self.service,
                window=fields.pop("window", self.window),
                staff=fields.pop("staff", self.staff),
                **fields,
            )
        )

    def _require(self, action: str, *allowed: Status) -> None:
        if self.status not in allowed:
            wanted = " or ".join(allowed)
            raise InvalidTransition(f"cannot {action} ticket {self.number}: it is {self.status}, needs {wanted}")

    @property
    def ended(self) -> bool:
        """Whether the ticket reached an end (finished, no-show, transferred or cancelled)."""
        return self.status in ENDED

    # -- transitions -----------------------------------------------------
    def issued(self) -> None:
        """Record the issue event once the ticket has an id."""
        self._event(ev.TicketIssued, self.issued_at, window=None, staff=None, priority=self.priority, kiosk=self.kiosk)

    def call(self, window: int, staff: str | None, now: datetime) -> None:
        """Call the waiting ticket to ``window`` and record its wait time.

        Raises:
            InvalidTransition: the ticket is not waiting.
        """
        self._require("call", Status.WAITING)
        self.status = Status.CALLED
        self.window, self.staff = window, staff
        self.target_window = None
        self.first_called_at = self.first_called_at or now
        self.last_called_at = now
        self.wait_s = seconds_between(self.first_called_at, self.issued_at)
        self.call_count += 1
        self._event(ev.TicketCalled, now, recall=False)

    def recall(self, now: datetime) -> None:
        """Call the called ticket again.

        Raises:
            InvalidTransition: the ticket is not called.
        """
        self._require("recall", Status.CALLED)
        self.last_called_at = now
        self.call_count += 1
        self._event(ev.TicketCalled, now, recall=True)

    def no_show(self, now: datetime, requeue_allowed: bool) -> bool:
        """Mark 过号. Returns True when the ticket went back to the queue."""
        self._require("mark no-show", Status.CALLED)
        self.no_show_count += 1
        requeued = requeue_allowed and self.no_show_count == 1
        window, staff = self.window, self.staff
        if requeued:  # back of the line, not straight back to the same window
            self.status = Status.WAITING
            self.arrival_at = now
            self.window = self.staff = None
        else:
            self.status = Status.NO_SHOW
            self.ended_at = now
        self._event(ev.TicketNoShow, now, window=window, staff=staff, requeued=requeued)
        return requeued

    def start(self, now: datetime) -> None:
        """Begin serving the called ticket and record the walk time (last call to start).

        Raises:
            InvalidTransition: the ticket is not called.
        """
        self._require("start serving", Status.CALLED)
        self.status = Status.SERVING
        self.started_at = now
        self.walk_s = seconds_between(now, self.last_called_at)
        self._event(ev.ServiceStarted, now)

    def finish(self, outcome: Outcome, now: datetime) -> None:
        """End service with ``outcome`` and record the service time.

        Raises:
            InvalidTransition: the ticket is not being served.
        """
        self._require("finish", Status.SERVING)
        self.status = Status.FINISHED
        self.outcome = Outcome(outcome).value
        self.ended_at = now
        self.service_s = seconds_between(now, self.started_at)
        self._event(ev.TicketFinished, now, outcome=self.outcome, service_s=self.service_s)

    def hold(self, kind: HoldKind, now: datetime, window: int, staff: str | None) -> None:
        """Put the waiting or served ticket on hold at ``window``.

        Raises:
            InvalidTransition: the ticket is neither waiting nor being served.
        """
        self._require("hold", Status.WAITING, Status.SERVING)
        self.status = Status.HELD
        self.hold_kind = HoldKind(kind).value
        self.held_at = now
        self.window, self.staff = window, staff
        self._event(ev.TicketHeld, now, hold_kind=self.hold_kind)

    def resume(self, now: datetime, window: int, staff: str | None) -> None:
        """Back to waiting; ``holding`` tickets come back to the window that held them."""
        self._require("resume", Status.HELD)
        if self.hold_kind == HoldKind.HOLDING and self.window is not None and self.window != window:
            raise InvalidTransition(
                f"ticket {self.number} is held at window {self.window} with its documents; resume it there"
            )
        self.status = Status.WAITING
        self.target_window = self.window if self.hold_kind == HoldKind.HOLDING else None
        self._event(ev.TicketResumed, now, window=window, staff=staff, target_window=self.target_window)
        self.window = self.staff = None

    def transfer(self, now: datetime, to_service: str, to_window: int | None, zone: tzinfo | None = None) -> Ticket:
        """End this ticket as transferred; return the child that keeps the number."""
        self._require("transfer", Status.CALLED, Status.SERVING)
        self.status = Status.TRANSFERRED
        self.ended_at = now
        self.service_s = seconds_between(now, self.started_at)
        return Ticket(
            hall_id=self.hall_id,
            service=to_service,
            number=self.number,
            seq=self.seq,
            business_day=self.business_day,
            priority=self.priority,
            issued_at=now,
            track_token=self.track_token,
            kiosk=self.kiosk,
            parent_id=self.id,
            hop=self.hop + 1,
            target_window=to_window,
            zone=zone,
        )

    def transferred(self, child: Ticket, now: datetime) -> None:
        """Record the transfer once the child has an id."""
        self._event(
            ev.TicketTransferred, now, to_service=child.service, to_window=child.target_window, child_id=child.id
        )
        child._event(ev.TicketIssued, now, window=None, staff=None, priority=child.priority, kiosk=None)

    def cancel(self, now: datetime, reason: str) -> None:
        """Cancel the waiting or held ticket for ``reason``.

        Raises:
            InvalidTransition: the ticket is neither waiting nor held.
        """
        self._require("cancel", Status.WAITING, Status.HELD)
        self.status = Status.CANCELLED
        self.ended_at = now
        self._event(ev.TicketCancelled, now, reason=reason)

    def request_print(self, printer: str, now: datetime, reprint: bool = False) -> None:
        """Ask for the ticket to be printed (again) on ``printer``."""
        self.print_status = PrintStatus.PENDING.value
        self._event(ev.TicketPrintRequested, now, window=None, staff=None, printer=printer, reprint=reprint)

    def set_print_status(self, status: PrintStatus, now: datetime, reason: str = "") -> None:
        """Record the printer's report on the slip; records an event only when the status changes."""
        if self.print_status != status:
            self.print_status = PrintStatus(status).value
            self._event(
                ev.TicketPrintChanged, now, window=None, staff=None, print_status=self.print_status, reason=reason
            )
