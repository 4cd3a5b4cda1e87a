"""Vendor LED screens on a pty: decode each frame with the template and remember what each address shows."""

from __future__ import annotations

import os
import select
import threading
import tty
from pathlib import Path

from displays.frame import FrameError, FrameTemplate, decode_frame


class FrameScreens:
    """Simulated vendor LED screens on one pty line: ``shown`` maps each address to the text it shows.

    Args:
        link: where to make the symlink to the pty the host opens.
        template: the vendor's frame format.
    """

    def __init__(self, link: str | Path, template: FrameTemplate) -> None:
        self.link = Path(link)
        self.template = template
        self.shown: dict[int | None, str] = {}
        self.bad_frames = 0
        self._buffer = b""
        self._stop = threading.Event()

    def start(self) -> FrameScreens:
        """Open the pty, link it at ``link`` and start reading frames; returns itself."""
        self._master, self._slave = os.openpty()
        tty.setraw(self._master)
        tty.setraw(self._slave)
        self.link.parent.mkdir(parents=True, exist_ok=True)
        self.link.unlink(missing_ok=True)
        self.link.symlink_to(os.ttyname(self._slave))
        threading.Thread(target=self._read, name="frame-screens", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop reading, close the pty and remove the link."""
        self._stop.set()
        for fd in (self._master, self._slave):
            os.close(fd)
        self.link.unlink(missing_ok=True)

    def _read(self) -> None:
        trailer = bytes.fromhex(self.template.trailer)
        while not self._stop.is_set():
            try:
                ready, _w, _x = select.select([self._master], [], [], 0.05)
                if not ready:
                    continue
                self._buffer += os.read(self._master, 4096)
            except OSError:
                return
            while trailer in self._buffer:
                index = self._buffer.index(trailer) + len(trailer)
                frame, self._buffer = self._buffer[:index], self._buffer[index:]
                try:
                    address, text = decode_frame(self.template, frame)
                except FrameError:
                    self.bad_frames += 1
                    continue
                self.shown[address] = text
