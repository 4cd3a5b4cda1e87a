"""Past-tense domain events, recorded by entities and published after commit."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cache
from typing import Any

_COMMON = frozenset({"at", "window", "staff", "ticket_id"})


@dataclass(frozen=True)
class Event:
    """Base event: when it happened and where."""

    at: datetime
    window: int | None = None
    staff: str | None = None

    @property
    def kind(self) -> str:
        """snake_case name stored in the timeline, e.g. ``ticket_called``."""
        return _kind_of(type(self))

    def data(self) -> dict[str, Any]:
        """Event-specific fields, JSON-ready (times as ISO 8601)."""
        out = {}
        for f in fields(self):
            if f.name in _COMMON:
                continue
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, datetime) else value
        return out


@dataclass(frozen=True)
class TicketEvent(Event):
    """Something that happened to a ticket: its id, number (e.g. ``A012``) and service code."""

    ticket_id: int | None = None
    number: str = ""
    service: str = ""


@dataclass(frozen=True)
class TicketIssued(TicketEvent):
    """A ticket was issued (at a kiosk, by a transfer, or from an appointment); ``kiosk`` None when not at one."""

    priority: str = ""
    kiosk: str | None = None


@dataclass(frozen=True)
class TicketCalled(TicketEvent):
    """A window called the ticket; ``recall`` when it called it again."""

    recall: bool = False


@dataclass(frozen=True)
class TicketNoShow(TicketEvent):
    """The called citizen did not come (过号); ``requeued`` when the ticket went back to the queue."""

    requeued: bool = False


@dataclass(frozen=True)
class ServiceStarted(TicketEvent):
    """The citizen arrived at the window and service began."""


@dataclass(frozen=True)
class TicketFinished(TicketEvent):
    """Service ended (办结) with an ``Outcome`` value; ``service_s`` is the service time in seconds."""

    outcome: str = ""
    service_s: float | None = None


@dataclass(frozen=True)
class TicketTransferred(TicketEvent):
    """The ticket was ended as transferred; ``child_id`` keeps its number in ``to_service`` (at ``to_window``)."""

    to_service: str = ""
    to_window: int | None = None
    child_id: int | None = None


@dataclass(frozen=True)
class TicketHeld(TicketEvent):
    """The ticket was put on hold (挂起) with a ``HoldKind`` value."""

    hold_kind: str = ""


@dataclass(frozen=True)
class TicketResumed(TicketEvent):
    """A held ticket went back to waiting; ``target_window`` is where it must return to (None: any)."""

    target_window: int | None = None


@dataclass(frozen=True)
class TicketCancelled(TicketEvent):
    """A waiting or held ticket was cancelled, for ``reason``."""

    reason: str = ""


@dataclass(frozen=True)
class TicketPrintChanged(TicketEvent):
    """The ticket's print status changed (a ``PrintStatus`` value); ``reason`` says why a print failed."""

    print_status: str = ""
    reason: str = ""


@dataclass(frozen=True)
class WindowOpened(Event):
    """Staff logged in at the window."""


@dataclass(frozen=True)
class WindowClosed(Event):
    """Staff logged out of the window."""


@dataclass(frozen=True)
class WindowPaused(Event):
    """The window paused (暂停服务) for ``reason``."""

    reason: str = ""


@dataclass(frozen=True)
class WindowUnpaused(Event):
    """The window resumed service after ``paused_s`` seconds."""

    paused_s: float = 0.0


@dataclass(frozen=True)
class EvaluatorInvited(Event):
    """The window's evaluator invites a rating of ``ticket_id`` until ``until``."""

    ticket_id: int | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class RatingRecorded(Event):
    """A 好差评 rating was stored: ``level`` 1 (very satisfied) to 5; ``bound`` when it rates a ticket."""

    ticket_id: int | None = None
    rating_id: int | None = None
    level: int = 0
    channel: str = ""
    service: str | None = None
    bound: bool = True
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TicketPrintRequested(TicketEvent):
    """The ticket is to be printed (again, when ``reprint``) on the printer named ``printer``."""

    printer: str = ""
    reprint: bool = False


@dataclass(frozen=True)
class DeviceChanged(Event):
    """A device (named ``device``, of ``device_kind``) went to ``state``, with a human-readable ``detail``."""

    device: str = ""
    device_kind: str = ""
    state: str = ""
    detail: str = ""


def _kind_of(cls: type) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in cls.__name__).lstrip("_")


def to_wire(event: Event) -> dict[str, Any]:
    """The event as JSON-ready data with its ``kind``, for the other server processes of the hall."""
    out = {"kind": event.kind}
    for f in fields(event):
        value = getattr(event, f.name)
        out[f.name] = value.isoformat() if isinstance(value, datetime) else value
    return out


@cache
def _classes() -> dict[str, type[Event]]:
    """Every event class by kind (walked once: every relayed event is looked up here)."""
    classes, todo = {}, [Event]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        classes[_kind_of(cls)] = cls
    return classes


def from_wire(data: dict[str, Any]) -> Event:
    """The event :func:`to_wire` described.

    Raises:
        ValueError: an unknown kind, or fields that do not fit it.
    """
    cls = _classes().get(str(data.get("kind")))
    if cls is None:
        raise ValueError(f"unknown event kind {data.get('kind')!r}")
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name in data:
            value = data[f.name]
            values[f.name] = datetime.fromisoformat(value) if "datetime" in str(f.type) and value else value
    try:
        return cls(**values)
    except TypeError as exc:
        raise ValueError(f"event {data['kind']}: {exc}") from None
