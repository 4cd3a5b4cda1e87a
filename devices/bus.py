"""One RS-485 line: a worker thread owns the port and speaks Modbus RTU through pymodbus.

Writes (LED text, evaluator mode, caller display) go before polls; for each
device only its latest wanted state is kept, and it is written again until the
device has it. Between writes the worker polls every evaluator and caller in
turn. An address that does not answer is backed off (:class:`BusTiming`
``backoff``) so it cannot slow the cycle for the others; a port that fails is
reopened the same way. The master waits for a reply as long as the longest
exchange of the profile takes on the wire at the line's baud rate, plus
``reply_margin_s``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pymodbus import FramerType
from pymodbus.client import ModbusSerialClient
from pymodbus.exceptions import ModbusException
from pymodbus.pdu import ModbusPDU

from displays import hallbus as hb

from . import rtu
from .registry import DeviceRegistry
from .transport import DeviceError
from .worker import DEFAULT_BACKOFF, Backoff, PortWorker, Retry

log = logging.getLogger(__name__)

PressHandler = Callable[[str, int, int], None]  # (device name, key, presses)
LONGEST_EXCHANGE_BYTES = rtu.write_exchange_bytes(hb.LED_BLOCK)  # an LED update, the profile's longest


@dataclass(frozen=True)
class BusTiming:
    """Timeouts and back-off of one RS-485 line (typed settings, in seconds).

    Attributes:
        reply_margin_s: how long the master waits for a reply beyond the time the exchange takes on the wire
            (the bus's ``timeout_ms``): the device's turnaround, and slack for a busy host.
        backoff: how soon an address that did not answer, or a port that failed, is tried again.
        idle_s: how long the worker rests when no device is due.
    """

    reply_margin_s: float = 0.1
    backoff: Backoff = DEFAULT_BACKOFF
    idle_s: float = 0.05

    def reply_timeout_s(self, baudrate: int) -> float:
        """How long the master waits for any reply on a line at ``baudrate``."""
        return rtu.exchange_time_s(LONGEST_EXCHANGE_BYTES, baudrate) + self.reply_margin_s


@dataclass(frozen=True)
class BusWrite:
    """A request to the bus worker: ``values`` from register ``start`` on ``device``."""

    device: str
    start: int
    values: list[int]


@dataclass
class _Device:
    name: str
    kind: str
    address: int
    retry: Retry
    counter: hb.PressCounter = field(default_factory=hb.PressCounter)


class BusWorker(PortWorker[BusWrite]):
    """Owns one line. ``write(device, start, values)`` queues a write; presses go to ``on_press``.

    One pass over the evaluators and callers is a cycle (``cycles``, ``wait_for_cycles``).
    """

    def __init__(
        self,
        name: str,
        url: str,
        baudrate: int,
        devices: Iterable,
        registry: DeviceRegistry,
        on_press: PressHandler,
        timing: BusTiming = BusTiming(),
    ) -> None:
        super().__init__(f"bus-{name}", registry, timing.backoff)
        self.name = name
        self.on_press = on_press
        self.timing = timing
        self.devices = {d.name: _Device(d.name, d.kind, d.address, Retry(timing.backoff)) for d in devices}
        self._client = ModbusSerialClient(
            url, framer=FramerType.RTU, baudrate=baudrate, timeout=timing.reply_timeout_s(baudrate), retries=0
        )
        self._wanted: dict[str, tuple[int, list[int]]] = {}  # touched by the worker thread only
        self._inputs = [d for d in self.devices.values() if d.kind in hb.KEYPAD_INPUTS]
        self._turn = 0
        self._failing = 0  # failures in a row, any device: all of them failing means the port is gone

    def write(self, device: str, start: int, values: list[int]) -> None:
        """Want ``values`` at ``start`` on ``device``; replaces an unsent earlier wish for the same device."""
        self.submit(BusWrite(device, start, values))

    # -- the worker thread ---------------------------------------------------------------------------
    def _handle(self, request: BusWrite) -> float:
        self._wanted[request.device] = (request.start, request.values)
        return 0.0

    def _tick(self) -> float:
        if not self.open_port():
            return self.timing.idle_s
        if self._write_pending() or self._poll_next():
            return 0.0
        return self.timing.idle_s

    def _is_open(self) -> bool:
        return self._client.connected

    def _open(self) -> None:
        try:
            opened = self._client.connect()
        except ModbusException:
            opened = False
        if not opened:
            raise DeviceError("io", f"bus {self.name} port cannot be opened")

    def _close(self) -> None:
        self._client.close()

    def _port_failed(self, reason: str) -> None:
        for device in self.devices.values():
            self.registry.set_state(device.name, "offline", reason)

    def _exchange(self, device: _Device, request: Callable[[], ModbusPDU]) -> ModbusPDU | None:
        """The reply to ``request``, or None when there was no valid one (the failure is recorded)."""
        try:
            reply = request()
        except ModbusException as exc:
            self._failed(device, exc)
            return None
        if reply.isError():
            self._failed(device, f"exception reply {reply}")
            return None
        self._answered(device)
        return reply

    def _write_pending(self) -> bool:
        """Write one wanted state to a device that is due; True when a write was tried."""
        name = next((name for name in self._wanted if self.devices[name].retry.due()), None)
        if name is None:
            return False
        device, (start, values) = self.devices[name], self._wanted[name]
        if self._exchange(device, lambda: self._client.write_registers(start, values, device_id=device.address)):
            del self._wanted[name]
        return True

    def _poll_next(self) -> bool:
        """Poll the next evaluator or caller that is due; False when none was."""
        for _ in range(len(self._inputs)):
            device = self._inputs[self._turn]
            self._turn = (self._turn + 1) % len(self._inputs)
            if self._turn == 0:
                self._cycle_completed()
            if device.retry.due():
                self._poll(device)
                return True
        return False

    def _poll(self, device: _Device) -> None:
        inputs = hb.KEYPAD_INPUTS[device.kind]
        reply = self._exchange(
            device,
            lambda: self._client.read_input_registers(inputs.start, count=inputs.count, device_id=device.address),
        )
        if reply is None:
            return
        self.registry.count(device.name, "polls")
        counter, key = inputs.presses(reply.registers)
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
        device.retry.succeeded()
        self._failing = 0
        self.registry.set_state(device.name, "ready")
        self.registry.count(device.name, "replies")

    def _failed(self, device: _Device, exc: object) -> None:
        device.retry.failed()
        detail = f"no valid reply from address {device.address}: {exc}"
        self.registry.count(device.name, "failures")
        self.registry.set_state(device.name, "offline", f"address {device.address} does not answer", error=detail)
        self._failing += 1
        if self._failing >= len(self.devices):  # nobody answers: reopen the port (after back-off)
            log.warning("bus %s: no device answers; reopening the port", self.name)
            self._client.close()
            self._failing = 0
            self.port_retry.failed()
            for other in self.devices.values():
                other.retry.try_now()
