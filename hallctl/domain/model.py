"""Tickets and windows: the state machines of PRODUCT.md §2.

Entities are plain classes. The ORM maps them imperatively (adapters/orm.py),
so nothing here knows about storage. Each transition checks the current state,
changes it, and records a past-tense event in ``self.events``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from . import events as ev
from .errors import InvalidTransition, Refused
from .times import seconds_between


class Status(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    HELD = "held"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"


ENDED = frozenset({Status.FINISHED, Status.NO_SHOW, Status.TRANSFERRED, Status.CANCELLED})

STATUS_ZH = {
    Status.WAITING: "等候中",
    Status.CALLED: "已叫号",
    Status.SERVING: "办理中",
    Status.HELD: "挂起",
    Status.FINISHED: "已办结",
    Status.NO_SHOW: "过号",
    Status.TRANSFERRED: "已转移",
    Status.CANCELLED: "已取消",
}


class Outcome(StrEnum):
    """办结类型."""

    COMPLETED = "completed"  # 办结
    ACCEPTED = "accepted"  # 受理(承诺件)
    NEEDS_MATERIALS = "needs_materials"  # 补正告知(一次性告知)
    REJECTED = "rejected"  # 不予受理
    CONSULTED = "consulted"  # 咨询


class HoldKind(StrEnum):
    NOT_HOLDING = "not_holding"  # citizen fetches documents, may return to any window
    HOLDING = "holding"  # documents stay here, comes back to this window
    WAITING = "waiting"  # waiting on something else


class PrintStatus(StrEnum):
    NONE = "none"  # no printer at this kiosk
    PENDING = "pending"
    PRINTED = "printed"
    FAILED = "failed"


def format_number(prefix: str, seq: int, digits: int) -> str:
    """A001: prefix + zero-padded sequence (wider when the day runs past 10**digits - 1)."""
    return f"{prefix}{seq:0{digits}d}"


def business_day(moment: datetime, zone) -> date:
    """The hall's local calendar day of a UTC instant (never a fixed hour offset)."""
    return moment.astimezone(zone).date()


def day_start(moment: datetime, zone) -> datetime:
    """The UTC instant the hall's business day of ``moment`` began (local midnight, DST-safe)."""
    return datetime.combine(business_day(moment, zone), time(), tzinfo=zone).astimezone(UTC)


class Ticket:
    """A citizen's place in a queue, from issue to its end."""

    def __init__(
        self,
        *,
        hall_id: str,
        service: str,
        number: str,
        seq: int,
        business_day: date,
        priority: str,
        issued_at: datetime,
        track_token: str,
        kiosk: str | None = None,
        appointment_code: str | None = None,
        appointment_at: datetime | None = None,
        parent_id: int | None = None,
        hop: int = 0,
        target_window: int | None = None,
        arrival_at: datetime | None = None,
        print_status: PrintStatus = PrintStatus.NONE,
        zone=None,
        citizen_hash: str | None = None,
    ) -> None:
        self.id: int | None = None
        self.hall_id = hall_id
        self.service = service
        self.number = number
        self.seq = seq
        self.business_day = business_day
        self.priority = priority
        self.status = Status.WAITING
        self.issued_at = issued_at
        self.arrival_at = arrival_at or appointment_at or issued_at
        self.track_token = track_token
        self.kiosk = kiosk
        self.appointment_code = appointment_code
        self.appointment_at = appointment_at
        self.parent_id = parent_id
        self.hop = hop
        self.target_window = target_window
        self.window: int | None = None
        self.staff: str | None = None
        self.outcome: str | None = None
        self.first_called_at: datetime | None = None
        self.last_called_at: datetime | None = None
        self.started_at: datetime | None = None
        self.ended_at: datetime | None = None
        self.call_count = 0
        self.no_show_count = 0
        self.hold_kind: str | None = None
        self.held_at: datetime | None = None
        self.print_status = print_status
        self.citizen_hash = citizen_hash  # keyed hash of an ID number or phone, never the number itself
        local = issued_at.astimezone(zone) if zone is not None else None
        self.issue_hour = local.hour if local else None
        self.issue_weekday = local.isoweekday() if local else None
        # derived times kept with the ticket so reports are plain aggregates (PRODUCT.md §2)
        self.wait_s: float | None = None  # first call − issue
        self.walk_s: float | None = None  # start − last call
        self.service_s: float | None = None  # end − start
        self.events: list[ev.Event] = []

    def __repr__(self) -> str:
        return f"<Ticket {self.id} {self.number} {self.status}>"

    # -- helpers ---------------------------------------------------------
    def _event(self, cls, at: datetime, **fields) -> None:
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
            wanted = " or ".join(STATUS_ZH[s] + f" ({s})" for s in allowed)
            raise InvalidTransition(
                f"cannot {action} ticket {self.number}: it is {STATUS_ZH[Status(self.status)]} "
                f"({self.status}), needs {wanted}"
            )

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    # -- transitions -----------------------------------------------------
    def issued(self) -> None:
        """Record the issue event once the ticket has an id."""
        self._event(ev.TicketIssued, self.issued_at, window=None, staff=None, priority=self.priority, kiosk=self.kiosk)

    def call(self, window: int, staff: str, now: datetime) -> None:
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
        self._require("start serving", Status.CALLED)
        self.status = Status.SERVING
        self.started_at = now
        self.walk_s = seconds_between(now, self.last_called_at)
        self._event(ev.ServiceStarted, now)

    def finish(self, outcome: Outcome, now: datetime) -> None:
        self._require("finish", Status.SERVING)
        self.status = Status.FINISHED
        self.outcome = Outcome(outcome).value
        self.ended_at = now
        self.service_s = seconds_between(now, self.started_at)
        self._event(ev.TicketFinished, now, outcome=self.outcome, service_s=self.service_s)

    def hold(self, kind: HoldKind, now: datetime, window: int, staff: str) -> None:
        self._require("hold", Status.WAITING, Status.SERVING)
        self.status = Status.HELD
        self.hold_kind = HoldKind(kind).value
        self.held_at = now
        self.window, self.staff = window, staff
        self._event(ev.TicketHeld, now, hold_kind=self.hold_kind)

    def resume(self, now: datetime, window: int, staff: str) -> None:
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

    def transfer(self, now: datetime, to_service: str, to_window: int | None, zone=None) -> Ticket:
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
            arrival_at=now,
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
        self._require("cancel", Status.WAITING, Status.HELD)
        self.status = Status.CANCELLED
        self.ended_at = now
        self._event(ev.TicketCancelled, now, reason=reason)

    def request_print(self, printer: str, now: datetime, reprint: bool = False) -> None:
        """Ask for the ticket to be printed (again) on ``printer``."""
        self.print_status = PrintStatus.PENDING.value
        self._event(ev.TicketPrintRequested, now, window=None, staff=None, printer=printer, reprint=reprint)

    def set_print_status(self, status: PrintStatus, now: datetime, reason: str = "") -> None:
        if self.print_status != status:
            self.print_status = PrintStatus(status).value
            self._event(
                ev.TicketPrintChanged, now, window=None, staff=None, print_status=self.print_status, reason=reason
            )


class WindowState(StrEnum):
    CLOSED = "closed"  # nobody logged in
    IDLE = "idle"
    CALLING = "calling"
    SERVING = "serving"
    PAUSED = "paused"


WINDOW_STATE_ZH = {
    WindowState.CLOSED: "未开放",
    WindowState.IDLE: "空闲",
    WindowState.CALLING: "叫号中",
    WindowState.SERVING: "办理中",
    WindowState.PAUSED: "暂停服务",
}


class Window:
    """A service window (窗口): who is logged in, what it serves now, its evaluator."""

    def __init__(self, *, hall_id: str, number: int, name: str) -> None:
        self.hall_id = hall_id
        self.number = number
        self.name = name
        self.staff: str | None = None
        self.session_started_at: datetime | None = None
        self.paused = False
        self.pause_reason: str | None = None
        self.paused_at: datetime | None = None
        self.current_ticket_id: int | None = None
        self.current_status: str | None = None
        self.priority_streak = 0
        self.inviting_ticket_id: int | None = None
        self.inviting_until: datetime | None = None
        self.events: list[ev.Event] = []

    def __repr__(self) -> str:
        return f"<Window {self.number} {self.state}>"

    @property
    def state(self) -> WindowState:
        if self.staff is None:
            return WindowState.CLOSED
        if self.paused:
            return WindowState.PAUSED
        if self.current_status == Status.SERVING:
            return WindowState.SERVING
        if self.current_status == Status.CALLED:
            return WindowState.CALLING
        return WindowState.IDLE

    def _event(self, cls, at: datetime, **fields) -> None:
        self.events.append(cls(at=at, window=self.number, staff=fields.pop("staff", self.staff), **fields))

    # -- staff session ---------------------------------------------------
    def login(self, staff: str, now: datetime) -> None:
        if self.staff == staff:
            return
        if self.staff is not None:
            raise InvalidTransition(f"window {self.number} is already open for {self.staff}; they must log out first")
        self.staff = staff
        self.session_started_at = now
        self.paused = False
        self._event(ev.WindowOpened, now)

    def logout(self, now: datetime) -> str:
        if self.staff is None:
            raise InvalidTransition(f"window {self.number} is not open")
        if self.current_ticket_id is not None:
            raise InvalidTransition(
                f"window {self.number} still has a ticket {self.current_status}; finish, transfer or hold it first"
            )
        staff = self.staff
        if self.paused:
            self.unpause(now)
        self._event(ev.WindowClosed, now)
        self.staff = None
        self.session_started_at = None
        return staff

    def require_staff(self, staff: str) -> None:
        if self.staff is None:
            raise InvalidTransition(f"window {self.number} is not open: log in at the window first")
        if self.staff != staff:
            raise InvalidTransition(f"window {self.number} is open for {self.staff}, not {staff}")

    # -- pause -----------------------------------------------------------
    def pause(self, reason: str, now: datetime) -> None:
        if self.staff is None:
            raise InvalidTransition(f"window {self.number} is not open")
        if self.paused:
            raise InvalidTransition(f"window {self.number} is already paused ({self.pause_reason})")
        if self.current_status == Status.CALLED:
            raise InvalidTransition(f"window {self.number} has a called ticket: start it or mark it no-show first")
        self.paused, self.pause_reason, self.paused_at = True, reason, now
        self._event(ev.WindowPaused, now, reason=reason)

    def unpause(self, now: datetime) -> None:
        if not self.paused:
            raise InvalidTransition(f"window {self.number} is not paused")
        paused_s = (now - self.paused_at).total_seconds() if self.paused_at else 0.0
        self.paused, self.pause_reason, self.paused_at = False, None, None
        self._event(ev.WindowUnpaused, now, paused_s=paused_s)

    # -- current ticket --------------------------------------------------
    def require_ready_to_call(self) -> None:
        if self.paused:
            raise InvalidTransition(f"window {self.number} is paused ({self.pause_reason}); unpause to call")
        if self.current_status == Status.CALLED:
            raise InvalidTransition(
                f"window {self.number} has a called ticket waiting to be served: start it or mark it no-show"
            )
        if self.current_status == Status.SERVING:
            raise InvalidTransition(f"window {self.number} is serving a ticket: finish, transfer or hold it first")

    def take(self, ticket: Ticket) -> None:
        self.current_ticket_id, self.current_status = ticket.id, ticket.status

    def track(self, ticket: Ticket) -> None:
        """Follow the current ticket's status; release it once it left the window."""
        if ticket.status in (Status.CALLED, Status.SERVING):
            self.current_ticket_id, self.current_status = ticket.id, ticket.status
        else:
            self.current_ticket_id = self.current_status = None

    def current(self) -> int:
        if self.current_ticket_id is None:
            raise InvalidTransition(f"window {self.number} has no current ticket")
        return self.current_ticket_id

    # -- evaluator (好差评) ----------------------------------------------
    def invite_rating(self, ticket: Ticket, now: datetime, timeout_s: int) -> None:
        self.inviting_ticket_id = ticket.id
        self.inviting_until = now + timedelta(seconds=timeout_s)
        self._event(ev.EvaluatorInvited, now, staff=ticket.staff, ticket_id=ticket.id, until=self.inviting_until)

    def take_invitation(self, now: datetime) -> int | None:
        """The ticket a press at ``now`` rates, consumed so it binds once; None if not inviting."""
        ticket_id = self.inviting_ticket_id
        if ticket_id is None or self.inviting_until is None or now > self.inviting_until:
            self.inviting_ticket_id = self.inviting_until = None
            return None
        self.inviting_ticket_id = self.inviting_until = None
        return ticket_id


RATING_LEVELS = {1: "非常满意", 2: "满意", 3: "基本满意", 4: "不满意", 5: "非常不满意"}
BAD_LEVELS = frozenset({4, 5})


class Rating:
    """One 好差评 press or form; ``ticket_id`` None for a press bound to no ticket."""

    def __init__(
        self,
        *,
        hall_id: str,
        level: int,
        channel: str,
        at: datetime,
        ticket_id: int | None,
        window: int | None,
        staff: str | None,
        service: str | None,
        reasons: list[str] | None = None,
        comment: str = "",
    ) -> None:
        if level not in RATING_LEVELS:
            raise Refused(f"rating level must be 1..5 (1 非常满意 … 5 非常不满意), got {level}", field="level")
        self.id: int | None = None
        self.hall_id = hall_id
        self.level = level
        self.channel = channel
        self.at = at
        self.ticket_id = ticket_id
        self.window = window
        self.staff = staff
        self.service = service
        self.reasons = list(reasons or [])
        self.comment = comment
        self.bound = ticket_id is not None
        self.excluded = False  # an approved appeal (申诉) keeps the rating but leaves it out of satisfaction
        self.events: list[ev.Event] = []

    def recorded(self) -> None:
        self.events.append(
            ev.RatingRecorded(
                at=self.at,
                window=self.window,
                staff=self.staff,
                ticket_id=self.ticket_id,
                rating_id=self.id,
                level=self.level,
                channel=self.channel,
                service=self.service,
                bound=self.bound,
                reasons=self.reasons,
            )
        )
