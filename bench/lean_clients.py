"""The load generator's lean clients: a kiosk or window posting JSON, a hall screen listening over Socket.IO.

The load generator shares the machine's two cores with what it measures, so these spend little CPU: a
hand-built HTTP request per connection, and screens that speak Socket.IO over a raw websocket.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import threading
import time
from collections import Counter

CONTENT_LENGTH = re.compile(rb"(?im)^content-length:\s*(\d+)")


class Client:
    """A JSON client that spends little of the CPU it shares with the servers: one connection per request (the
    server closes each after its response), the request's bytes put together by hand, the reply read to its
    Content-Length. http.client spent 0.15–0.2 ms more of that CPU a request (getaddrinfo on every connect,
    headers parsed through email.parser)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = (
            f"Host: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nConnection: close\r\n"
        )

    def post(self, path: str, body: dict) -> tuple[int, dict | None, float]:
        """POST ``body`` to ``/api/v1{path}``: the status, the JSON reply (None if empty) and the seconds taken."""
        data = json.dumps(body).encode()
        request = f"POST /api/v1{path} HTTP/1.1\r\n{self.headers}Content-Length: {len(data)}\r\n\r\n".encode() + data
        start = time.perf_counter()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(30)
            sock.connect(("127.0.0.1", self.port))
            sock.sendall(request)
            reply = sock.recv(65536)
            while b"\r\n\r\n" not in reply:
                reply += self._more(sock)
            head, _, payload = reply.partition(b"\r\n\r\n")
            length = CONTENT_LENGTH.search(head)
            while len(payload) < (int(length[1]) if length else 0):
                payload += self._more(sock)
        took = time.perf_counter() - start
        return int(head[9:12]), json.loads(payload) if payload else None, took

    @staticmethod
    def _more(sock: socket.socket) -> bytes:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection in the middle of its reply")
        return chunk


class Screen:
    """A hall screen in the ``hall`` room, counting the ``ticket_issued`` and ``ticket_called`` it hears: a
    Socket.IO v5 client over one websocket (Engine.IO v4), read on one thread. python-socketio's client
    spent ~0.35 ms of the shared CPU a request on two screens — websocket-client frames and engineio
    packets decoded in Python, a thread started per message — about as much as the 12 HTTP clients; this
    one decodes each message with one ``json.loads``.
    """

    def __init__(self, port: int, token: str, seen: Counter) -> None:
        self.seen = seen
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += self._recv()
        head, _, self.buffer = reply.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise ConnectionError(f"no websocket: {head[:60]!r}")
        if not self._next().startswith("0"):  # Engine.IO open
            raise ConnectionError("no Engine.IO open packet")
        self._send("40" + json.dumps({"token": token}))  # Socket.IO connect, with the display token
        if not self._next().startswith("40"):
            raise ConnectionError("the server refused the screen's token")
        self._send('420["join",{"room":"hall"}]')
        while self._next() != '430[{"ok":true}]':  # the snapshot comes first
            pass
        self.sock.settimeout(None)
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()

    def disconnect(self) -> None:
        """Close the websocket and wait for the listening thread to end."""
        self.sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=10)
        self.sock.close()

    def _listen(self) -> None:
        try:
            while True:
                message = self._next()
                if message.startswith("42"):
                    event, data = json.loads(message[2:])[:2]
                    if event in ("ticket_issued", "ticket_called"):
                        self.seen[(event[7:], data["id"])] += 1
                elif message == "2":  # Engine.IO ping
                    self._send("3")
        except (ConnectionError, OSError):
            return

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the screen's websocket")
        return chunk

    def _next(self) -> str:
        """The next text message (the server sends each unfragmented and unmasked)."""
        while True:
            while len(self.buffer) < 2:
                self.buffer += self._recv()
            opcode, length, start = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F, 2
            if length >= 126:
                start = 4 if length == 126 else 10
                while len(self.buffer) < start:
                    self.buffer += self._recv()
                length = int.from_bytes(self.buffer[2:start], "big")
            while len(self.buffer) < start + length:
                self.buffer += self._recv()
            payload, self.buffer = self.buffer[start : start + length], self.buffer[start + length :]
            if opcode == 1:
                return payload.decode()
            if opcode == 8:
                raise ConnectionError("the server closed the screen's websocket")

    def _send(self, text: str) -> None:
        """One masked text frame (a client masks what it sends, RFC 6455); a screen sends only short ones."""
        data = text.encode()
        if len(data) > 125:
            raise ValueError("a screen sends messages of up to 125 bytes")
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(data))
        self.sock.sendall(bytes([0x81, 0x80 | len(data)]) + mask + masked)
