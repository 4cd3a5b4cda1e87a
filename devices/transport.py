"""Byte transports: any pyserial URL (a device path, a pty, socket://, rfc2217://) or raw tcp://host:port.

pyserial and socket exceptions are translated here into :class:`DeviceError`
with a reason, the one error type the drivers handle.
"""

from __future__ import annotations

import contextlib
import socket
import termios
import time
from urllib.parse import urlparse

import serial

# what the port libraries raise when a device vanishes (pyserial lets termios.error through from tcflush)
PORT_ERRORS = (serial.SerialException, OSError, termios.error)
BITS_PER_BYTE = 10  # 8N1: a start bit, eight data bits, a stop bit


def wire_time_s(size: int, baudrate: int) -> float:
    """Seconds ``size`` bytes take on a serial line at ``baudrate`` (8N1)."""
    return size * BITS_PER_BYTE / baudrate


class DeviceError(Exception):
    """A device problem with a reason: timeout, not_found, io, protocol, paper_out, cover_open."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class Transport:
    """Open, write, read with a timeout, close. One owner thread at a time."""

    def __init__(self, url: str, baudrate: int = 9600, timeout_s: float = 0.2) -> None:
        self.url = url
        self.baudrate = baudrate
        self.timeout_s = timeout_s
        self._serial: serial.SerialBase | None = None
        self._socket: socket.socket | None = None

    @property
    def is_open(self) -> bool:
        """Whether the port is open."""
        return self._serial is not None or self._socket is not None

    def open(self) -> None:
        """Open the serial port or TCP connection of ``url``.

        Raises:
            DeviceError: it cannot be opened (reason ``not_found`` when the port does not exist, else ``io``).
        """
        parsed = urlparse(self.url)
        try:
            if parsed.scheme == "tcp":
                self._socket = socket.create_connection(
                    (parsed.hostname, parsed.port or 9100), timeout=max(self.timeout_s, 1.0)
                )
                self._socket.settimeout(self.timeout_s)
            else:
                self._serial = serial.serial_for_url(
                    self.url, baudrate=self.baudrate, timeout=self.timeout_s, write_timeout=5
                )
        except (*PORT_ERRORS, ValueError) as exc:
            self.close()
            reason = "not_found" if isinstance(exc, FileNotFoundError) or "No such file" in str(exc) else "io"
            raise DeviceError(reason, f"cannot open {self.url}: {exc}") from None

    def close(self) -> None:
        """Close the port; errors while closing are ignored."""
        for closer in (self._serial, self._socket):
            if closer is not None:
                with contextlib.suppress(*PORT_ERRORS):
                    closer.close()
        self._serial = self._socket = None

    def write(self, data: bytes) -> None:
        """Send all of ``data``.

        Raises:
            DeviceError: the port is not open or the write failed (the port is then closed).
        """
        try:
            if self._socket is not None:
                self._socket.sendall(data)
            elif self._serial is not None:
                self._serial.write(data)
                self._serial.flush()
            else:
                raise DeviceError("io", f"{self.url} is not open")
        except PORT_ERRORS as exc:
            self.close()
            raise DeviceError("io", f"write to {self.url} failed: {exc}") from None

    def discard_input(self) -> None:
        """Drop bytes that arrived unasked (a late reply must not answer the next question)."""
        try:
            if self._serial is not None:
                self._serial.reset_input_buffer()
            elif self._socket is not None:
                self._socket.setblocking(False)
                try:
                    while self._socket.recv(256):
                        pass
                except (BlockingIOError, InterruptedError):
                    pass
                finally:
                    self._socket.settimeout(self.timeout_s)
        except PORT_ERRORS as exc:
            self.close()
            raise DeviceError("io", f"{self.url} failed: {exc}") from None

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes within the timeout; fewer (or none) when the device stays silent."""
        deadline = time.monotonic() + self.timeout_s
        data = b""
        try:
            while len(data) < size and time.monotonic() < deadline:
                if self._socket is not None:
                    try:
                        chunk = self._socket.recv(size - len(data))
                    except TimeoutError:
                        break
                    if not chunk:
                        raise OSError("connection closed by the device")
                elif self._serial is not None:
                    chunk = self._serial.read(size - len(data))
                    if not chunk:
                        break
                else:
                    raise DeviceError("io", f"{self.url} is not open")
                data += chunk
        except PORT_ERRORS as exc:
            self.close()
            raise DeviceError("io", f"read from {self.url} failed: {exc}") from None
        return data
