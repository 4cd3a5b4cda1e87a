"""The load generator's lean clients: a kiosk or window posting JSON; Socket.IO clients listening in rooms.

The load generator shares the machine's two cores with what it measures, so these spend little CPU: a
hand-built HTTP request per connection, and Socket.IO clients speaking over a raw websocket, thousands of them
read by one thread.
"""

from __future__ import annotations

import base64
import json
import os
import re
import selectors
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

    def post(self, path: str, body: dict) -> tuple[int, dict, float]:
        """POST ``body`` to ``/api/v1{path}``: the status, the JSON reply ({} if empty) and the seconds taken."""
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
        return int(head[9:12]), json.loads(payload) if payload else {}, took

    def post_ok(self, path: str, body: dict, expect: int = 200) -> dict:
        """POST ``body`` to ``/api/v1{path}``; the JSON reply, which must come with the status ``expect``."""
        status, reply, _took = self.post(path, body)
        if status != expect:
            raise RuntimeError(f"POST {path}: {status} {reply}")
        return reply

    @staticmethod
    def _more(sock: socket.socket) -> bytes:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection in the middle of its reply")
        return chunk


class Websocket:
    """A Socket.IO v5 client over one raw websocket (Engine.IO v4) that has joined a room: the connection, the
    ``join`` and its acknowledgement are done in the constructor, on the calling thread. python-socketio's client
    spends ~0.35 ms of the shared CPU a message (websocket-client frames and engineio packets decoded in Python, a
    thread started per message); this one reads whole frames from a buffer and decodes only what it looks at.
    """

    def __init__(self, port: int, auth: dict, room: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
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
        if not self.next().startswith("0"):  # Engine.IO open
            raise ConnectionError("no Engine.IO open packet")
        self.send("40" + json.dumps(auth))  # Socket.IO connect, with the client's credential
        if not self.next().startswith("40"):
            raise ConnectionError(f"the server refused the credential {auth}")
        self.send(f'420["join",{{"room":"{room}"}}]')
        while (message := self.next()) != '430[{"ok":true}]':  # the snapshot comes first
            if message.startswith("43"):
                raise ConnectionError(f"the server refused to join {room}: {message}")
        self.sock.settimeout(None)

    def next(self) -> str:
        """The next text message, waiting for it."""
        while (message := self.take()) is None:
            self.buffer += self._recv()
        return message

    def take(self) -> str | None:
        """The next text message if the buffer holds all of it (the server sends each unfragmented, unmasked)."""
        while len(self.buffer) >= 2:
            opcode, length, start = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F, 2
            if length >= 126:
                start = 4 if length == 126 else 10
                if len(self.buffer) < start:
                    return None
                length = int.from_bytes(self.buffer[2:start], "big")
            if len(self.buffer) < start + length:
                return None
            payload, self.buffer = self.buffer[start : start + length], self.buffer[start + length :]
            if opcode == 1:
                return payload.decode()
            if opcode == 8:
                raise ConnectionError("the server closed the websocket")
        return None

    def send(self, text: str) -> None:
        """One masked text frame (a client masks what it sends, RFC 6455); these clients send only short ones."""
        data = text.encode()
        if len(data) > 125:
            raise ValueError("a lean client sends messages of up to 125 bytes")
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(data))
        self.sock.sendall(bytes([0x81, 0x80 | len(data)]) + mask + masked)

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the websocket")
        return chunk


class Screen:
    """A hall screen in the ``hall`` room, counting the ``ticket_issued`` and ``ticket_called`` it hears, read on
    a thread of its own."""

    def __init__(self, port: int, token: str, seen: Counter) -> None:
        self.seen = seen
        self.ws = Websocket(port, {"token": token}, "hall")
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()

    def disconnect(self) -> None:
        """Close the websocket and wait for the listening thread to end."""
        self.ws.sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=10)
        self.ws.sock.close()

    def _listen(self) -> None:
        try:
            while True:
                message = self.ws.next()
                if message.startswith("42"):
                    event, data = json.loads(message[2:])[:2]
                    if event in ("ticket_issued", "ticket_called"):
                        self.seen[(event[7:], data["id"])] += 1
                elif message == "2":  # Engine.IO ping
                    self.ws.send("3")
        except (ConnectionError, OSError):
            return


class Crowd:
    """Many websockets — phones, staff consoles, hall screens — read by one thread through a selector, answering
    the server's pings; it notes when each connection first hears ``ticket_called`` for a ticket."""

    CALLED = '42["ticket_called",'

    def __init__(self) -> None:
        self.selector = selectors.DefaultSelector()
        self.called: dict[tuple[str, int], float] = {}
        """(kind of client, ticket id) → when the first client of that kind heard the ticket called."""
        self.messages: Counter = Counter()
        """Messages heard, by kind of client."""
        self.dropped: Counter = Counter()
        """Connections the server closed, by kind of client."""
        self.alive = True
        self.thread = threading.Thread(target=self._run, name="crowd", daemon=True)
        self.thread.start()

    def add(self, ws: Websocket, kind: str) -> None:
        """Listen to ``ws`` (a client of ``kind``: phone, console, screen) from now on."""
        self.selector.register(ws.sock, selectors.EVENT_READ, (ws, kind))
        self._drain(ws, kind, time.perf_counter())  # what came with the join's acknowledgement

    def __len__(self) -> int:
        return len(self.selector.get_map())

    def close(self) -> None:
        """Close every websocket."""
        self.alive = False
        self.thread.join(timeout=10)
        for key in list(self.selector.get_map().values()):
            key.data[0].sock.close()
        self.selector.close()

    def _run(self) -> None:
        while self.alive:
            for key, _ in self.selector.select(timeout=0.2):
                ws, kind = key.data
                try:
                    chunk = ws.sock.recv(65536)
                    if not chunk:
                        raise ConnectionError("the server closed the websocket")
                    ws.buffer += chunk
                    self._drain(ws, kind, time.perf_counter())
                except (ConnectionError, OSError):
                    self.dropped[kind] += 1
                    self.selector.unregister(ws.sock)
                    ws.sock.close()

    def _drain(self, ws: Websocket, kind: str, now: float) -> None:
        """Handle the whole messages in ``ws``'s buffer, which arrived at ``now``."""
        while (message := ws.take()) is not None:
            self.messages[kind] += 1
            if message == "2":  # Engine.IO ping
                ws.send("3")
            elif message.startswith(self.CALLED):
                self.called.setdefault((kind, json.loads(message[2:])[1]["id"]), now)
