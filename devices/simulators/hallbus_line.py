"""An RS-485 line of HallBus devices: LED screens, evaluators and caller keypads, over ptys.

The hall server opens ``link`` (a symlink to a pty) as its bus port. A bridge
thread carries bytes between that pty and a second one, where a pymodbus RTU
server answers for every simulated device address. The bridge is the wire: it
can add the wire time of a baud rate (10 bits a byte; after a request also the
3.5-character silence by which the device knows the frame has ended — the
master detects the end of a reply itself), drop requests to a silent address, corrupt a reply's CRC, slow replies,
or vanish (unplug).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import threading
import time
import tty
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pymodbus import FramerType
from pymodbus.server import ModbusSerialServer
from pymodbus.simulator import DataType, SimData, SimDevice

from devices import rtu
from devices.transport import wire_time_s
from displays import hallbus as hb

READ_INPUT, WRITE_MULTIPLE = 4, 16  # Modbus function codes the devices answer
HOLDING_REGISTERS = hb.LED_BLOCK  # the largest holding block of the profile
INPUT_REGISTERS = hb.EVAL_INPUTS  # the largest input block of the profile


@dataclass
class SimulatedDevice:
    """Registers of one device; the pymodbus server reads and writes them through ``access``."""

    address: int
    holding: list[int] = field(default_factory=lambda: [0] * HOLDING_REGISTERS)
    inputs: list[int] = field(default_factory=lambda: [0] * INPUT_REGISTERS)
    writes: int = 0

    def access(
        self, function_code: int, address: int, count: int, current: list[int], start: int, values: list[int] | None
    ) -> None:
        """Serve one Modbus request: fill ``current`` for a read of input registers, store a write of holding ones."""
        if function_code == READ_INPUT:
            for i in range(count):
                current[address - start + i] = self.inputs[address + i]
        elif function_code == WRITE_MULTIPLE and values is not None:
            self.holding[address : address + len(values)] = list(values)
            self.writes += 1
            self.on_write()

    def on_write(self) -> None:
        """A write arrived (screens show their text)."""


class LedScreen(SimulatedDevice):
    """A window or hall LED: shows its text when the sequence register changes."""

    def on_write(self) -> None:
        """Show the written text: acknowledge its sequence number in the ``LED_SHOWN`` input register."""
        self.inputs[hb.LED_SHOWN] = self.holding[hb.LED_SEQUENCE]

    @property
    def text(self) -> str:
        """The text the host last wrote."""
        return hb.unpack_text(
            self.holding[hb.LED_TEXT : hb.LED_TEXT + hb.LED_TEXT_BYTES // 2], self.holding[hb.LED_LENGTH]
        )

    @property
    def effect(self) -> int:
        """The display effect the host last wrote (``hb.EFFECT_*``)."""
        return self.holding[hb.LED_EFFECT]


class Keypad(SimulatedDevice):
    """A device with a press counter and a last key: an evaluator or a caller keypad."""

    kind: ClassVar[str]  # its key in hb.KEYPAD_INPUTS

    def press(self, key: int, times: int = 1) -> None:
        """``times`` presses, the last of them on ``key``."""
        inputs = hb.KEYPAD_INPUTS[self.kind]
        self.inputs[inputs.counter] = (self.inputs[inputs.counter] + times) % 0x10000
        self.inputs[inputs.key] = key


class Evaluator(Keypad):
    """A 好差评 evaluator: keys 1–5, the mode and staff text the host writes."""

    kind = "evaluator"

    def press(self, key: int, times: int = 1) -> None:
        """``times`` presses, the last of them on ``key``, just now."""
        super().press(key, times)
        self.inputs[hb.EVAL_AGE_S] = 0

    @property
    def mode(self) -> int:
        """The mode the host last set (``hb.MODE_*``)."""
        return self.holding[hb.EVAL_MODE]

    @property
    def staff_text(self) -> str:
        """The staff text the host last wrote (e.g. ``工号 007``)."""
        words = self.holding[hb.EVAL_TEXT : hb.EVAL_TEXT + hb.EVAL_TEXT_BYTES // 2]
        return hb.unpack_text(words, hb.EVAL_TEXT_BYTES).rstrip("\x00")


class Caller(Keypad):
    """A window's caller keypad with a one-line display."""

    kind = "caller"

    @property
    def display(self) -> str:
        """The line the host last wrote on the keypad's display."""
        words = self.holding[hb.CALLER_TEXT : hb.CALLER_TEXT + hb.CALLER_TEXT_BYTES // 2]
        return hb.unpack_text(words, hb.CALLER_TEXT_BYTES).rstrip("\x00")


KINDS = {"window_led": LedScreen, "hall_led": LedScreen, "evaluator": Evaluator, "caller": Caller}


def _open_pty() -> tuple[int, int]:
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    return master, slave


class HallBusLine:
    """Simulated devices on one line. ``devices`` maps address → kind (window_led, evaluator, caller…)."""

    def __init__(self, link: str | Path, devices: dict[int, str], baudrate: int | None = None) -> None:
        self.link = Path(link)
        self.baudrate = baudrate
        self.devices = {address: KINDS[kind](address) for address, kind in devices.items()}
        self.silent: set[int] = set()
        self.garbled: set[int] = set()
        self.reply_delay_s = 0.0
        self.requests = 0
        self._stop = threading.Event()
        self._fds: list[int] = []
        self._wire: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: ModbusSerialServer | None = None

    def __getitem__(self, address: int):
        return self.devices[address]

    # -- plugging -------------------------------------------------------------------------------------
    def start(self) -> HallBusLine:
        """Open the host's pty (linked at ``link``), start the wire and the devices' Modbus server; returns itself."""
        self._stop.clear()
        self._host_master, host_slave = _open_pty()
        self._device_master, device_slave = _open_pty()
        self._fds = [self._host_master, host_slave, self._device_master, device_slave]
        self.link.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.link.with_suffix(".new")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(os.ttyname(host_slave))
        tmp.replace(self.link)
        self._wire = threading.Thread(target=self._bridge, name="hallbus-wire", daemon=True)
        self._wire.start()
        ready = threading.Event()
        threading.Thread(
            target=self._serve, args=(os.ttyname(device_slave), ready), name="hallbus-devices", daemon=True
        ).start()
        ready.wait(5)
        return self

    def unplug(self) -> None:
        """The line is cut: the host's port disappears."""
        self._stop.set()
        if self._loop is not None and self._server is not None:
            asyncio.run_coroutine_threadsafe(self._server.shutdown(), self._loop).result(5)
        if self._wire is not None:
            self._wire.join(timeout=5)  # the bridge leaves select() before its ptys close
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds = []
        self.link.unlink(missing_ok=True)

    replug = start
    stop = unplug

    # -- the devices' side -------------------------------------------------------------------------------
    def _sim_device(self, device: SimulatedDevice) -> SimDevice:
        async def action(function_code, start_address, address, count, current_registers, set_values):
            device.access(function_code, address, count, current_registers, start_address, set_values)

        blocks = (
            [SimData(0, count=1, datatype=DataType.BITS)],
            [SimData(0, count=1, datatype=DataType.BITS)],
            [SimData(0, count=len(device.holding), datatype=DataType.REGISTERS)],
            [SimData(0, count=len(device.inputs), datatype=DataType.REGISTERS)],
        )
        return SimDevice(id=device.address, simdata=blocks, action=action)

    def _serve(self, port: str, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)

        async def run():
            self._server = ModbusSerialServer(
                [self._sim_device(d) for d in self.devices.values()],
                framer=FramerType.RTU,
                port=port,
                baudrate=self.baudrate or 9600,
                ignore_missing_devices=True,
            )
            ready.set()
            await self._server.serve_forever()

        try:
            loop.run_until_complete(run())
        except Exception:  # the line was cut under the server
            ready.set()

    # -- the wire ------------------------------------------------------------------------------------------
    def _wire_time(self, size: int, gap: bool) -> None:
        if self.baudrate:
            time.sleep(wire_time_s(size, self.baudrate) + (rtu.silence_s(self.baudrate) if gap else 0.0))

    def _bridge(self) -> None:
        host, device = self._host_master, self._device_master
        while not self._stop.is_set():
            try:
                ready, _w, _x = select.select([host, device], [], [], 0.05)
                for fd in ready:
                    data = os.read(fd, 4096)
                    if fd == host:
                        self._to_devices(data)
                    else:
                        self._to_host(data)
            except OSError:
                return

    def _to_devices(self, frame: bytes) -> None:
        self.requests += 1
        self._wire_time(len(frame), gap=True)
        if frame and frame[0] in self.silent:
            return
        os.write(self._device_master, frame)

    def _to_host(self, frame: bytes) -> None:
        if self.reply_delay_s:
            time.sleep(self.reply_delay_s)
        self._wire_time(len(frame), gap=False)
        if frame and frame[0] in self.garbled:
            frame = frame[:-1] + bytes([frame[-1] ^ 0xFF])  # a wrong CRC byte
        os.write(self._host_master, frame)
