"""A line of vendor LED screens speaking a frame template: write-only, one worker owns the port.

Vendor screens do not answer, so their state is ``unknown`` (frames sent) or
``offline`` (the port cannot be opened or written); the latest text for each
screen is kept and sent again until the port takes it.
"""

from __future__ import annotations

import threading
import time

from displays.frame import FrameTemplate, encode_frame

from .registry import DeviceRegistry
from .transport import DeviceError, Transport
from .worker import PortWorker


class FrameLineWorker(PortWorker):
    def __init__(
        self, name: str, url: str, baudrate: int, devices, registry: DeviceRegistry, backoff_max_s: float = 30.0
    ) -> None:
        super().__init__(f"frames-{name}")
        self.name = name
        self.transport = Transport(url, baudrate)
        self.registry = registry
        self.devices = {d.name: d for d in devices}
        self.backoff_max_s = backoff_max_s
        self._wanted: dict[str, str] = {}
        self._lock = threading.Lock()

    def _close(self) -> None:
        self.transport.close()

    def show(self, device: str, text: str) -> None:
        with self._lock:
            self._wanted[device] = text
        self._wake.set()

    def _run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            self._wake.wait(1.0)
            self._wake.clear()
            with self._lock:
                wanted = dict(self._wanted)
            for name, text in wanted.items():
                device = self.devices[name]
                template: FrameTemplate = device.frame
                try:
                    if not self.transport.is_open:
                        self.transport.open()
                    self.transport.write(encode_frame(template, device.address, text))
                except DeviceError as exc:
                    for other in self.devices:
                        self.registry.set_state(other, "offline", exc.message, error=exc.message)
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, self.backoff_max_s)
                    self._wake.set()
                    break
                backoff = 0.5
                with self._lock:
                    if self._wanted.get(name) == text:
                        del self._wanted[name]
                self.registry.count(name, "frames")
                self.registry.set_state(name, "unknown", "frames sent; vendor screens do not answer")
                time.sleep(template.gap_ms / 1000)
