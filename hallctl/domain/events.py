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
    ticket_id: int | None = None
    number: str = ""
    service: str = ""


@dataclass(frozen=True)
class TicketIssued(TicketEvent):
    priority: str = ""
    kiosk: str | None = None


@dataclass(frozen=True)
class TicketCalled(TicketEvent):
    recall: bool = False


@dataclass(frozen=True)
class TicketNoShow(TicketEvent):
    requeued: bool = False


@dataclass(frozen=True)
class ServiceStarted(TicketEvent):
    pass


@dataclass(frozen=True)
class TicketFinished(TicketEvent):
    outcome: str = ""
    service_s: float | None = None


@dataclass(frozen=True)
class TicketTransferred(TicketEvent):
    to_service: str = ""
    to_window: int | None = None
    child_id: int | None = None


@dataclass(frozen=True)
class TicketHeld(TicketEvent):
    hold_kind: str = ""


@dataclass(frozen=True)
class TicketResumed(TicketEvent):
    target_window: int | None = None


@dataclass(frozen=True)
class TicketCancelled(TicketEvent):
    reason: str = ""


@dataclass(frozen=True)
class TicketPrintChanged(TicketEvent):
    print_status: str = ""
    reason: str = ""


@dataclass(frozen=True)
class WindowOpened(Event):
    pass


@dataclass(frozen=True)
class WindowClosed(Event):
    pass


@dataclass(frozen=True)
class WindowPaused(Event):
    reason: str = ""


@dataclass(frozen=True)
class WindowUnpaused(Event):
    paused_s: float = 0.0


@dataclass(frozen=True)
class EvaluatorInvited(Event):
    ticket_id: int | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class RatingRecorded(Event):
    ticket_id: int | None = None
    rating_id: int | None = None
    level: int = 0
    channel: str = ""
    service: str | None = None
    bound: bool = True
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TicketPrintRequested(TicketEvent):
    printer: str = ""
    reprint: bool = False


@dataclass(frozen=True)
class DeviceChanged(Event):
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
