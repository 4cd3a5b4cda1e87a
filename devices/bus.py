"""One RS-485 line: a worker thread owns the port and speaks Modbus RTU through pymodbus.

Writes (LED text, evaluator mode, caller display) go before polls; for each
device only its latest wanted state is kept, and it is written again until the
device has it. Between writes the worker polls every evaluator and caller in
turn. An address that does not answer is backed off (0.5 s doubling to 30 s)
so it cannot slow the cycle for the others; a port that fails is reopened the
same way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pymodbus import FramerType
from pymodbus.client import ModbusSerialClient
from pymodbus.exceptions import ModbusException

from displays import hallbus as hb

from .registry import DeviceRegistry
from .worker import PortWorker

log = logging.getLogger(__name__)
logging.getLogger("pymodbus").setLevel(logging.CRITICAL)  # its errors reach us as exceptions; we log them once

INPUT_COUNTS = {"evaluator": hb.EVAL_INPUTS, "caller": hb.CALLER_INPUTS}
PressHandler = Callable[[str, int, int], None]  # (device name, key, presses)


@dataclass(frozen=True)
class BusTiming:
    reply_timeout_s: float = 0.1
    backoff_min_s: float = 0.5
    backoff_max_s: float = 30.0
    idle_s: float = 0.05


@dataclass
class _Device:
    name: str
    kind: str
    address: int
    counter: hb.PressCounter = field(default_factory=hb.PressCounter)
    failures: int = 0
    next_try: float = 0.0


class BusWorker(PortWorker):
    """Owns one line. ``write(device, start, values)`` queues a write; presses go to ``on_press``."""

    def __init__(
        self,
        name: str,
        url: str,
        baudrate: int,
        devices,
        registry: DeviceRegistry,
        on_press: PressHandler,
        timing: BusTiming = BusTiming(),
    ) -> None:
        super().__init__(f"bus-{name}")
        self.name = name
        self.registry = registry
        self.on_press = on_press
        self.timing = timing
        self.devices = {d.name: _Device(d.name, d.kind, d.address) for d in devices}
        self._client = ModbusSerialClient(
            url, framer=FramerType.RTU, baudrate=baudrate, timeout=timing.reply_timeout_s, retries=0
        )
        self._wanted: dict[str, tuple[int, list[int]]] = {}
        self._lock = threading.Lock()
        self._port_backoff = timing.backoff_min_s
        self._next_open = 0.0
        self._inputs = [d for d in self.devices.values() if d.kind in INPUT_COUNTS]
        self._turn = 0
        self._failing = 0  # failures in a row, any device: all of them failing means the port is gone
        self.cycles = 0

    def _close(self) -> None:
        self._client.close()

    def write(self, device: str, start: int, values: list[int]) -> None:
        """Want ``values`` at ``start`` on ``device``; replaces an unsent earlier wish for the same device."""
        with self._lock:
            self._wanted[device] = (start, values)
        self._wake.set()

    # -- the worker thread ---------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._ensure_open():
                self._stop.wait(self.timing.idle_s)
                continue
            if self._write_pending():
                continue
            if not self._poll_next():
                self._wake.wait(self.timing.idle_s)
                self._wake.clear()

    def _ensure_open(self) -> bool:
        if self._client.connected:
            return True
        if time.monotonic() < self._next_open:
            return False
        try:
            opened = self._client.connect()
        except ModbusException:
            opened = False
        if not opened:
            self._next_open = time.monotonic() + self._port_backoff
            self._port_backoff = min(self._port_backoff * 2, self.timing.backoff_max_s)
            for device in self.devices.values():
                self.registry.set_state(device.name, "offline", f"bus {self.name} port cannot be opened")
            return False
        self._port_backoff = self.timing.backoff_min_s
        return True

    def _due(self, device: _Device) -> bool:
        return time.monotonic() >= device.next_try

    def _write_pending(self) -> bool:
        """Write one wanted state to a device that is due; True when a write was tried."""
        with self._lock:
            due = [(name, wish) for name, wish in self._wanted.items() if self._due(self.devices[name])]
        if not due:
            return False
        name, (start, values) = due[0]
        device = self.devices[name]
        try:
            reply = self._client.write_registers(start, values, device_id=device.address)
        except ModbusException as exc:
            self._failed(device, exc)
            return True
        if reply.isError():
            self._failed(device, f"exception reply {reply}")
            return True
        with self._lock:
            if self._wanted.get(name) == (start, values):
                del self._wanted[name]
        self._answered(device)
        return True

    def _poll_next(self) -> bool:
        """Poll the next evaluator or caller that is due; False when none was."""
        for _ in range(len(self._inputs)):
            device = self._inputs[self._turn]
            self._turn = (self._turn + 1) % len(self._inputs)
            if self._turn == 0:
                self.cycles += 1
            if self._due(device):
                self._poll(device)
                return True
        return False

    def _poll(self, device: _Device) -> None:
        try:
            reply = self._client.read_input_registers(0, count=INPUT_COUNTS[device.kind], device_id=device.address)
        except ModbusException as exc:
            self._failed(device, exc)
            return
        if reply.isError():
            self._failed(device, f"exception reply {reply}")
            return
        self._answered(device)
        self.registry.count(device.name, "polls")
        counter, key = reply.registers[0], reply.registers[1]
        presses = device.counter.update(counter)
        if presses.missed:
            log.warning(
                "%s: %d presses since the last poll; %d missed (only the last key is known)",
                device.name,
                presses.count,
                presses.missed,
            )
        if presses.count:
            self.on_press(device.name, key, presses.count)

    def _answered(self, device: _Device) -> None:
        device.failures, device.next_try = 0, 0.0
        self._failing = 0
        self.registry.set_state(device.name, "ready")
        self.registry.count(device.name, "replies")

    def _failed(self, device: _Device, exc) -> None:
        device.failures += 1
        delay = min(self.timing.backoff_min_s * 2 ** (device.failures - 1), self.timing.backoff_max_s)
        device.next_try = time.monotonic() + delay
        detail = f"no valid reply from address {device.address}: {exc}"
        self.registry.count(device.name, "failures")
        self.registry.set_state(device.name, "offline", f"address {device.address} does not answer", error=detail)
        self._failing += 1
        if self._failing >= len(self.devices):  # nobody answers: reopen the port (after back-off)
            log.warning("bus %s: no device answers; reopening the port", self.name)
            self._client.close()
            self._failing = 0
            self._next_open = time.monotonic() + self._port_backoff
            self._port_backoff = min(self._port_backoff * 2, self.timing.backoff_max_s)
            for other in self.devices.values():
                other.next_try = 0.0
