"""A slowloris: sockets that send a request a byte every few seconds, and sockets connected that send nothing.

A socket the server closes is opened again at once, as an attacker would; ``reopened`` counts them by kind.
"""

from __future__ import annotations

import selectors
import socket
import threading
from collections import Counter

INTERVAL_S = 2.0
"""How often each trickling socket sends its next byte."""
REQUEST = (
    b"POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 4000
)
"""What a trickling socket sends, a byte at a time: a request whose last header never ends (within gunicorn's
8190-byte limit on a header for hours)."""


class Slowloris:
    """``trickling`` + ``idle`` sockets to 127.0.0.1:``port``, kept up on a thread of their own inside a ``with``."""

    def __init__(self, port: int, trickling: int, idle: int) -> None:
        self.port = port
        self.selector = selectors.DefaultSelector()
        self.sent: dict[socket.socket, int] = {}
        """Each open socket and how many bytes of :data:`REQUEST` it has sent; -1 for an idle one."""
        self.reopened: Counter = Counter()
        self.stop = threading.Event()
        for i in range(trickling + idle):
            self._open(0 if i < trickling else -1)
        self.thread = threading.Thread(target=self._run, name="slowloris", daemon=True)

    def __enter__(self) -> Slowloris:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        for sock in list(self.sent):
            sock.close()
        self.selector.close()

    def _open(self, sent: int) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock.setblocking(False)
        self.sent[sock] = sent
        self.selector.register(sock, selectors.EVENT_READ)

    def _reopen(self, sock: socket.socket) -> None:
        kind = "idle" if self.sent.pop(sock) < 0 else "trickling"
        self.selector.unregister(sock)
        sock.close()
        self.reopened[kind] += 1
        self._open(-1 if kind == "idle" else 0)

    def _run(self) -> None:
        while not self.stop.wait(INTERVAL_S):
            for key, _ in self.selector.select(timeout=0):  # the server answered or closed: an error or goodbye
                self._reopen(key.fileobj)  # type: ignore[arg-type]
            for sock, sent in list(self.sent.items()):
                if sent < 0:
                    continue
                try:
                    sock.send(REQUEST[sent : sent + 1])
                    self.sent[sock] = sent + 1
                except OSError:
                    self._reopen(sock)
