"""A thermal ticket printer on the other end of a pty or a TCP socket, speaking ESC/POS byte for byte.

It parses the stream into printed tickets (text lines with their sizes, QR
payloads, the cut), answers DLE EOT 1/2/4 from its fault switches, and can be
unplugged and plugged back. Used by ``hallctl demo``, the tests and the bench.

``on_ticket(ticket)`` is called after each cut. Fault switches: ``paper_out``, ``near_end``, ``cover_open``, ``error``,
``silent`` (no status replies), ``garbled`` (0xFF replies), ``reply_delay_s``.
A printer that cannot print (paper out, cover open, error) drops what it is sent.
It counts the status requests it receives (``status_requests``), so a test can wait
until the host has asked it again, instead of waiting a fixed time.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
import tty
from pathlib import Path

from devices import constants as c
from devices.simulators.escpos_parser import EscPosParser, PrintedTicket
from devices.transport import wire_time_s


class PrinterSimulator:
    """A printer on a pty (its slave path behind a stable symlink) or on a TCP port.

    Args:
        link: path of the symlink to the pty slave (what the hall config names), or None for TCP.
        tcp_port: listen on 127.0.0.1:tcp_port instead of a pty (0 picks a free port).
        baudrate: when set, reading is slowed to the wire time of this baud rate (8N1, 10 bits a byte).
    """

    def __init__(
        self,
        link: str | Path | None = None,
        *,
        tcp_port: int | None = None,
        encoding: str = "gb18030",
        baudrate: int | None = None,
        on_ticket=None,
    ) -> None:
        self.link = Path(link) if link else None
        self.tcp_port = tcp_port
        self.baudrate = baudrate
        self.paper_out = self.near_end = self.cover_open = self.error = False
        self.silent = self.garbled = False
        self.reply_delay_s = 0.0
        self.dropped_bytes = 0
        self.received_bytes = 0
        self.last_byte_at: float | None = None
        self.status_requests = 0
        self._changed = threading.Condition()  # guards the parser and the counters; notified after each read
        self._parser = EscPosParser(encoding, on_status=self._answer, on_ticket=on_ticket)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._master: int | None = None
        self._slave: int | None = None
        self._server: socket.socket | None = None
        self._conn: socket.socket | None = None

    # -- what it printed ---------------------------------------------------------------------
    @property
    def tickets(self) -> list[PrintedTicket]:
        """The tickets printed so far."""
        with self._changed:
            return list(self._parser.tickets)

    def wait_for_tickets(self, count: int, timeout: float = 5.0) -> list[PrintedTicket]:
        """The tickets printed, once there are ``count`` of them (or fewer after ``timeout`` seconds)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._parser.tickets) >= count, timeout)
            return list(self._parser.tickets)

    def wait_for_status_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until the host has sent ``count`` more status requests (DLE EOT n); False on timeout."""
        with self._changed:
            target = self.status_requests + count
            return self._changed.wait_for(lambda: self.status_requests >= target, timeout)

    @property
    def url(self) -> str:
        """Where the host reaches it: ``tcp://127.0.0.1:port``, or the pty link's path."""
        return f"tcp://127.0.0.1:{self.tcp_port}" if self.link is None else str(self.link)

    @property
    def can_print(self) -> bool:
        """Whether it prints what it receives (no paper out, cover open or error set)."""
        return not (self.paper_out or self.cover_open or self.error)

    # -- status replies ---------------------------------------------------------------------------
    def status_byte(self, n: int) -> int:
        """The reply to ``DLE EOT n`` for its present paper, cover and error flags."""
        offline = self.paper_out or self.cover_open or self.error
        if n == c.STATUS_PRINTER:
            return c.REPLY_FIXED | (c.PRINTER_OFFLINE if offline else 0)
        if n == c.STATUS_OFFLINE:
            return (
                c.REPLY_FIXED
                | (c.OFFLINE_COVER_OPEN if self.cover_open else 0)
                | (c.OFFLINE_PAPER_END if self.paper_out else 0)
                | (c.OFFLINE_ERROR if self.error else 0)
            )
        if n == c.STATUS_PAPER:
            return (
                c.REPLY_FIXED
                | (c.PAPER_END if self.paper_out else 0)
                | (c.PAPER_NEAR_END if self.near_end or self.paper_out else 0)
            )
        return c.REPLY_FIXED

    def _answer(self, n: int) -> None:
        self.status_requests += 1
        if self.silent:
            return
        if self.reply_delay_s:
            time.sleep(self.reply_delay_s)
        self._send(b"\xff" if self.garbled else bytes([self.status_byte(n)]))

    def _send(self, data: bytes) -> None:
        try:
            if self._conn is not None:
                self._conn.sendall(data)
            elif self._master is not None:
                os.write(self._master, data)
        except OSError:
            pass

    # -- plugging ---------------------------------------------------------------------------------
    def start(self) -> PrinterSimulator:
        """Listen on TCP (no link given) or on a pty whose path is the link; returns itself."""
        self._stop.clear()
        if self.link is None:
            self._server = socket.create_server(("127.0.0.1", self.tcp_port or 0), reuse_port=False)
            self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.tcp_port = self._server.getsockname()[1]
            self._thread = threading.Thread(
                target=self._serve_tcp, args=(self._server,), daemon=True, name="printer-sim-tcp"
            )
        else:
            master, slave = os.openpty()
            tty.setraw(slave)
            tty.setraw(master)
            self._master, self._slave = master, slave
            self.link.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.link.with_suffix(".new")
            tmp.unlink(missing_ok=True)
            tmp.symlink_to(os.ttyname(slave))
            tmp.replace(self.link)
            self._thread = threading.Thread(target=self._serve_pty, args=(master,), daemon=True, name="printer-sim-pty")
        self._thread.start()
        return self

    def unplug(self) -> None:
        """The cable is pulled: the port disappears; the host's reads and writes fail."""
        self._stop.set()
        for sock in (self._conn, self._server):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        self._conn = self._server = None
        if self._thread is not None:
            self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = None
        if self.link is not None:
            self.link.unlink(missing_ok=True)

    replug = start
    stop = unplug

    # -- serving -------------------------------------------------------------------------------------
    def _consume(self, data: bytes) -> None:
        if self.baudrate:
            time.sleep(wire_time_s(len(data), self.baudrate))
        with self._changed:
            self.received_bytes += len(data)
            self.last_byte_at = time.monotonic()
            if self.can_print:
                self._parser.feed(data)
            else:
                self._feed_status_only(data)
            self._changed.notify_all()

    def _feed_status_only(self, data: bytes) -> None:
        """Offline: answer status requests, drop everything else."""
        index = data.find(c.DLE_EOT)
        while index != -1 and index + 2 < len(data):
            self._answer(data[index + 2])
            index = data.find(c.DLE_EOT, index + 3)
        self.dropped_bytes += len(data)

    def _serve_pty(self, master: int) -> None:
        chunk = 64 if self.baudrate else 4096
        while not self._stop.is_set():
            ready, _w, _x = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(master, chunk)
            except OSError:
                return
            if data:
                self._consume(data)

    def _serve_tcp(self, server: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                server.settimeout(0.1)
                conn, _addr = server.accept()
            except (TimeoutError, OSError):
                continue
            self._conn = conn
            conn.settimeout(0.1)
            while not self._stop.is_set():
                try:
                    data = conn.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                self._consume(data)
            self._conn = None
            conn.close()
