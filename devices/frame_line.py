"""A line of vendor LED screens speaking a frame template: write-only, one worker owns the port.

Vendor screens do not answer, so their state is ``unknown`` (frames sent) or
``offline`` (the port cannot be opened or written); the latest text for each
screen is kept and sent again, after the line's back-off, until the port takes it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from displays.frame import encode_frame

from .registry import DeviceRegistry
from .transport import DeviceError, Transport
from .worker import DEFAULT_BACKOFF, Backoff, PortWorker


@dataclass(frozen=True)
class FrameText:
    """A request to the frame line worker: show ``text`` on ``device``."""

    device: str
    text: str


class FrameLineWorker(PortWorker[FrameText]):
    """Owns one line of vendor screens; ``show(device, text)`` queues the text for that screen.

    Args:
        name: the bus's name.
        url: its pyserial URL.
        baudrate: its speed.
        devices: the configured screens on it (each with its ``frame`` template and ``address``).
        registry: where their states go.
        backoff: how soon a port that cannot be opened or written is tried again.
    """

    def __init__(
        self,
        name: str,
        url: str,
        baudrate: int,
        devices: Iterable,
        registry: DeviceRegistry,
        backoff: Backoff = DEFAULT_BACKOFF,
    ) -> None:
        super().__init__(f"frames-{name}", registry, backoff)
        self.name = name
        self.transport = Transport(url, baudrate)
        self.devices = {d.name: d for d in devices}
        self._wanted: dict[str, str] = {}  # touched by the worker thread only

    def show(self, device: str, text: str) -> None:
        """Want ``text`` on ``device``; replaces an unsent earlier text for the same screen."""
        self.submit(FrameText(device, text))

    # -- the worker thread ---------------------------------------------------------------------------
    def _handle(self, request: FrameText) -> float:
        self._wanted[request.device] = request.text
        return 0.0

    def _tick(self) -> float | None:
        """Send every wanted text; None (wait for the next text) once all are sent."""
        while self._wanted:
            if not self.open_port():
                return self.port_retry.wait_s()
            name, text = next(iter(self._wanted.items()))
            device = self.devices[name]
            try:
                self.transport.write(encode_frame(device.frame, device.address, text))
            except DeviceError as exc:
                self.port_retry.failed()
                self._port_failed(exc.message)
                return self.port_retry.wait_s()
            del self._wanted[name]
            self.registry.count(name, "frames")
            self.registry.set_state(name, "unknown", "frames sent; vendor screens do not answer")
            time.sleep(device.frame.gap_ms / 1000)
        return None

    def _is_open(self) -> bool:
        return self.transport.is_open

    def _open(self) -> None:
        self.transport.open()

    def _close(self) -> None:
        self.transport.close()

    def _port_failed(self, reason: str) -> None:
        for name in self.devices:
            self.registry.set_state(name, "offline", reason, error=reason)
