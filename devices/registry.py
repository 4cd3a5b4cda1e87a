"""Every configured device's state, as the dashboard and /api/v1/devices show it.

A state change is logged once and published as a ``DeviceChanged`` event
(→ Socket.IO ``device_changed``); repeated reports of the same state are silent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from hallctl.domain.events import DeviceChanged
from hallctl.domain.times import iso, utcnow

from .printer_status import STATE_ZH

log = logging.getLogger(__name__)

STATE_NAMES: dict[str, str] = {state.value: name for state, name in STATE_ZH.items()}
"""Every device state's Chinese name (a printer's states include every worker's); the same names as the label
catalogue's (``hallctl.labels.DEVICE_STATE``, which devices may not import: a unit test compares them)."""


@dataclass
class DeviceStatus:
    """One device's current state, where it is (bus address or url) and its counters (polls, replies, printed…)."""

    name: str
    kind: str
    address: int | None
    url: str | None
    since: datetime
    state: str = "unknown"
    detail: str = ""
    last_error: str | None = None
    counters: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The device as the hall screen and ``/devices`` list it, JSON-ready (with the state's Chinese name)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "address": self.address,
            "url": self.url,
            "state": self.state,
            "state_name": STATE_NAMES.get(self.state, self.state),
            "detail": self.detail,
            "last_error": self.last_error,
            "since": iso(self.since),
            "counters": dict(self.counters),
        }


class DeviceRegistry:
    """The state of every configured device, shared by the device workers and the web layer.

    Args:
        devices: the configured devices (name, kind, address, url or bus).
        publish: hands a list of events to the event bus.
        clock: the hall's clock (UTC), for when each state began.
    """

    def __init__(self, devices, publish: Callable[[list], None], clock: Callable[[], datetime] = utcnow) -> None:
        self._publish = publish
        self._clock = clock
        self._lock = threading.Lock()
        now = clock()
        self._devices = {d.name: DeviceStatus(d.name, d.kind, d.address, d.url or d.bus, now) for d in devices}

    def set_state(self, name: str, state: str, detail: str = "", error: str | None = None) -> None:
        """Record the device's state; when it changed, log it and publish a ``DeviceChanged`` event.

        Args:
            detail: a human-readable detail shown beside the state.
            error: the last error, kept even when the state does not change.
        """
        with self._lock:
            device = self._devices[name]
            if error:
                device.last_error = error
            if device.state == state and device.detail == detail:
                return
            previous, device.state, device.detail = device.state, state, detail
            device.since = self._clock()
            event = DeviceChanged(at=device.since, device=name, device_kind=device.kind, state=state, detail=detail)
        log.log(
            logging.WARNING if state not in ("ready", "unknown") else logging.INFO,
            "device %s: %s → %s %s",
            name,
            previous,
            state,
            detail,
        )
        self._publish([event])

    def states(self) -> list[DeviceChanged]:
        """Every device's current state, as the events that set it (for the hall's other processes)."""
        with self._lock:
            return [
                DeviceChanged(at=d.since, device=d.name, device_kind=d.kind, state=d.state, detail=d.detail)
                for d in self._devices.values()
            ]

    def mirror(self, event: DeviceChanged) -> None:
        """Take a state another server process (the device leader) reported, without publishing it again."""
        with self._lock:
            device = self._devices.get(event.device)
            if device is not None:
                device.state, device.detail, device.since = event.state, event.detail, event.at

    def count(self, name: str, counter: str) -> None:
        """Add one to the device's counter named ``counter`` (e.g. ``polls``, ``printed``)."""
        with self._lock:
            counters = self._devices[name].counters
            counters[counter] = counters.get(counter, 0) + 1

    def get(self, name: str) -> dict:
        """The device named ``name`` as :meth:`snapshot` lists it.

        Raises:
            KeyError: no device is named ``name``.
        """
        with self._lock:
            return self._devices[name].as_dict()

    def snapshot(self) -> list[dict]:
        """Every device as the hall screen lists it: name, kind, state, detail, since, counters."""
        with self._lock:
            return [d.as_dict() for d in self._devices.values()]
