"""Socket.IO's auth matrix over real HTTP and real python-socketio clients (PRODUCT.md §4.4, §6.1).

Every credential × every room, for connect and for join, with the expected outcome derived from
hallctl/web/roles.py (as tests/e2e/test_auth_matrix.py derives the API's); revoked tokens and expired sessions;
the Origin check.
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import socketio
from werkzeug.serving import make_server

from hallctl.bootstrap import build_app
from hallctl.config import parse_config
from hallctl.services import auth
from hallctl.web import realtime
from hallctl.web.roles import ROOMS, SOCKET_ROLES
from tests.conftest import hall_toml
from tests.e2e.served import Served, run

WHO = [
    "no credential",
    "citizen, right token",
    "citizen, wrong token",
    "kiosk",
    "display",
    "device",
    "metrics",
    "staff",
    "manager",
    "admin",
    "revoked token",
    "expired session",
]
ROOM_NAMES = ["hall", "window:1", "ticket", "backstage"]
FOREIGN = "http://evil.example"
SOCKET_IO_CLIENT = Path(__file__).resolve().parents[2] / "kiosk_ui" / "static" / "vendor" / "socket.io.min.js"
RECHECK_SECONDS = 0.5
PASSWORD = "a-long-test-password-1"


class HallServer:
    """The test hall on the fake clock, hall_server by Werkzeug's threaded server on a real port."""

    def __init__(self, db_url: str, clock) -> None:
        self.hall, app, _socketio = build_app(parse_config(hall_toml(db_url)), clock=clock, synchronous_bus=True)
        self.clock = clock
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, name="socketio-matrix", daemon=True).start()
        self.kiosk = auth.add_token(self.hall, "k1", "kiosk")
        self.ticket = self.issue()
        self.sockets: list[Socket] = []

    def issue(self) -> dict:
        """A ticket issued by kiosk k1 over HTTP."""
        reply = requests.post(
            f"{self.url}/api/v1/tickets",
            json={"service": "SB"},
            headers={"Authorization": f"Bearer {self.kiosk}"},
            timeout=5,
        )
        reply.raise_for_status()
        return reply.json()

    def session(self, role: str) -> str:
        """A fresh log-in session token of a user of ``role``."""
        auth.add_user(self.hall, f"{role}-user", role, PASSWORD)
        token, _principal = auth.login(self.hall, f"{role}-user", PASSWORD)
        return token

    def credential(self, who: str) -> dict:
        """The ``auth`` a client of ``who`` connects with (revoked and expired ones still valid here)."""
        if who == "no credential":
            return {}
        if who.startswith("citizen"):
            token = self.ticket["track_token"] if who.endswith("right token") else "anything"
            return {"ticket": self.ticket["id"], "token": token}
        if who in ("kiosk", "display", "device", "metrics"):
            return {"token": auth.add_token(self.hall, f"{who}-1", who)}
        if who == "revoked token":
            return {"token": auth.add_token(self.hall, "screen-9", "display")}
        return {"token": self.session("staff" if who == "expired session" else who)}

    def invalidate(self, who: str) -> None:
        """Revoke the display token ``screen-9`` or let every session expire."""
        if who == "revoked token":
            assert auth.revoke_tokens(self.hall, "screen-9") >= 1
        elif who == "expired session":
            self.clock.advance(hours=auth.SESSION_HOURS + 1)

    def connect(self, credential: dict, origin: str | None = None) -> Socket:
        """A python-socketio client connected (or refused) over a WebSocket, sending ``Origin: origin`` if given."""
        sock = Socket(self.url, credential, origin)
        self.sockets.append(sock)
        return sock

    def connect_each(self, credentials: list[dict]) -> list[Socket]:
        """One client per credential, connected together (a refused one waits ~3 s for its WebSocket to close)."""
        with ThreadPoolExecutor(len(credentials)) as pool:
            return list(pool.map(self.connect, credentials))

    def stop(self) -> None:
        closing = [threading.Thread(target=sock.client.disconnect) for sock in self.sockets]
        for thread in closing:  # together: each waits ~3 s for Werkzeug to answer its WebSocket close frame
            thread.start()
        for thread in closing:
            thread.join()
        self.server.shutdown()
        self.hall.close()


class Socket:
    """A real Socket.IO client that records its snapshots, its refusal and its end."""

    def __init__(self, url: str, credential: dict, origin: str | None) -> None:
        self.client = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin} if origin else {})
        self.snapshots: list[dict] = []
        self.refusal: object = None
        self.calls: list[dict] = []
        self.called = threading.Event()
        self.ended = threading.Event()
        self.client.on("snapshot", self.snapshots.append)
        self.client.on("connect_error", lambda data: setattr(self, "refusal", data))
        self.client.on("disconnect", lambda *_reason: self.ended.set())
        self.client.on("ticket_called", lambda data: (self.calls.append(data), self.called.set()))
        with contextlib.suppress(socketio.exceptions.ConnectionError):  # refused: see ``refusal``
            self.client.connect(url, auth=credential, transports=["websocket"], wait_timeout=10)

    @property
    def connected(self) -> bool:
        return self.client.connected

    def join(self, room: str) -> dict:
        """Emit ``join`` and wait for the server's answer."""
        return self.client.call("join", {"room": room}, timeout=10)


@pytest.fixture
def hall_server(db_url, clock, monkeypatch):
    """The test hall hall_server on a real port, re-checking connections every :data:`RECHECK_SECONDS`."""
    monkeypatch.setattr(realtime, "RECHECK_SECONDS", RECHECK_SECONDS)
    server = HallServer(db_url, clock)
    yield server
    server.stop()


def role_of(who: str) -> str | None:
    """The role a credential stands for, or None for one that is not valid."""
    if who == "citizen, right token":
        return "citizen"
    return who if who in ("kiosk", "display", "device", "metrics", "staff", "manager", "admin") else None


def may_join(role: str | None, room: str) -> bool:
    """Whether hallctl/web/roles.py lets ``role`` join ``room`` (``ticket`` is the hall_server hall's ticket)."""
    kind = room.split(":")[0]
    if role == "citizen":
        return kind == "ticket"  # its own ticket only
    return role in ROOMS.get(kind, frozenset())


def room_name(server: HallServer, room: str) -> str:
    return f"ticket:{server.ticket['id']}" if room == "ticket" else room


@pytest.mark.parametrize("who", WHO)
def test_each_credential_connects_and_joins_exactly_where_its_role_may(hall_server, who, monkeypatch):
    monkeypatch.setattr(realtime, "RECHECK_SECONDS", 3600)  # the join itself must notice a lapsed credential
    credential = hall_server.credential(who)
    early = dict(
        zip(ROOM_NAMES, hall_server.connect_each([credential] * len(ROOM_NAMES)), strict=True)
    )  # before revoke
    hall_server.invalidate(who)  # a revoked token, an expired session
    role = role_of(who)
    may_connect = role == "citizen" or role in SOCKET_ROLES
    late = hall_server.connect(credential)
    assert late.connected is may_connect, (who, late.refusal)
    if not may_connect:
        assert late.refusal["data"]["error"]["code"] == "unauthenticated", late.refusal
        assert " / " in late.refusal["message"], "an English / Chinese message"
    for room, sock in early.items():
        if not sock.connected:
            assert not may_connect and who not in ("revoked token", "expired session"), who
            continue
        reply = sock.join(room_name(hall_server, room))
        expected = may_join(role, room)
        assert reply["ok"] is expected, (who, room, reply)
        assert bool(sock.snapshots) is expected, (who, room)
        if not expected:
            wanted = "unauthenticated" if role is None else "unknown_room" if room == "backstage" else "forbidden"
            assert reply["code"] == wanted, (who, room, reply)


def test_a_phone_with_a_guessed_track_token_is_refused_at_connect(hall_server):
    guessed, *odd_ids = hall_server.connect_each(
        [{"ticket": hall_server.ticket["id"], "token": "anything"}]
        + [{"ticket": ticket, "token": hall_server.ticket["track_token"]} for ticket in (10**30, True, -1, "1")]
    )
    assert not guessed.connected
    assert guessed.refusal["data"]["error"]["code"] == "unauthenticated"
    assert [sock.connected for sock in odd_ids] == [False] * 4


def test_a_revoked_display_stops_hearing_calls_within_the_recheck_and_cannot_rejoin(hall_server):
    screen_token = auth.add_token(hall_server.hall, "screen-1", "display")
    screen = hall_server.connect({"token": screen_token})
    assert screen.join("hall")["ok"] is True
    auth.revoke_tokens(hall_server.hall, "screen-1")
    assert screen.ended.wait(10), "the revoked display's connection ends"
    again = hall_server.connect({"token": screen_token})
    assert not again.connected
    staff = hall_server.session("staff")
    headers = {"Authorization": f"Bearer {staff}"}
    assert requests.post(f"{hall_server.url}/api/v1/windows/1/login", json={}, headers=headers, timeout=5).ok
    assert requests.post(f"{hall_server.url}/api/v1/windows/1/call", json={}, headers=headers, timeout=5).ok
    witness = hall_server.connect({"token": staff})
    assert witness.join("window:1")["ok"] is True
    assert screen.calls == []


def test_a_revoked_token_cannot_join_a_room_from_an_open_connection(hall_server, monkeypatch):
    monkeypatch.setattr(realtime, "RECHECK_SECONDS", 3600)  # the join itself must notice, not the sweep
    screen_token = auth.add_token(hall_server.hall, "screen-2", "display")
    screen = hall_server.connect({"token": screen_token})
    auth.revoke_tokens(hall_server.hall, "screen-2")
    reply = screen.join("hall")
    assert reply == {"ok": False, "code": "unauthenticated", "error": reply["error"]}
    assert screen.snapshots == []


def test_a_page_of_a_foreign_origin_cannot_open_a_socket_even_with_a_managers_credential(hall_server):
    manager = hall_server.session("manager")
    foreign = hall_server.connect({"token": manager}, origin=FOREIGN)
    assert not foreign.connected
    polling = requests.get(
        f"{hall_server.url}/socket.io/?EIO=4&transport=polling", headers={"Origin": FOREIGN}, timeout=5
    )
    assert polling.status_code == 400 and "origin" in polling.text.lower()


@pytest.mark.parametrize("origin", ["http://hall.test", "same"])
def test_the_halls_own_origins_may_open_a_socket(hall_server, origin):
    origin = hall_server.url if origin == "same" else origin
    sock = hall_server.connect({"token": hall_server.session("manager")}, origin=origin)
    assert sock.connected, origin
    assert sock.join("hall")["ok"] is True


def test_a_display_token_revoked_by_the_cli_loses_its_socket_within_ten_seconds(prepared, tmp_path):
    config, _kiosk, display = prepared
    server = Served(config, tmp_path)  # `hallctl serve`: another process than the CLI's, with its own token cache
    screen = socketio.Client(reconnection=False)
    ended = threading.Event()
    screen.on("disconnect", lambda *_reason: ended.set())
    try:
        screen.connect(server.url, auth={"token": display}, transports=["websocket"], wait_timeout=10)
        assert screen.call("join", {"room": "hall"}, timeout=10) == {"ok": True}
        assert run("token", "revoke", "screen", "--config", str(config)).returncode == 0
        assert ended.wait(10), "the revoked display's connection ends within 10 s (PRODUCT.md §6.1)"
        again = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            again.connect(server.url, auth={"token": display}, transports=["websocket"], wait_timeout=10)
    finally:
        screen.disconnect()
        server.kill()


OPEN_SOCKET = """([url, token]) => new Promise((resolve) => {
    const socket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false });
    socket.on("connect", () => resolve("connected"));
    socket.on("connect_error", () => resolve("refused"));
})"""


class ForeignSite(BaseHTTPRequestHandler):
    """Another web site on this machine: one blank page."""

    def do_GET(self) -> None:
        body = b"<!doctype html><title>elsewhere</title><p>win a prize!</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def foreign_site():
    """The URL of a page of another origin (another port) than the hall's."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ForeignSite)
    threading.Thread(target=server.serve_forever, name="foreign-site", daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_foreign_page_in_chromium_cannot_open_a_socket_to_the_hall_while_the_halls_own_page_can(
    browser, served, foreign_site
):
    display = auth.add_token(served.hall, "screen-7", "display")
    context = browser.new_context()
    try:
        foreign = context.new_page()
        foreign.goto(f"{foreign_site}/")
        foreign.add_script_tag(path=SOCKET_IO_CLIENT)  # the hall's own Socket.IO client, in the foreign page
        assert foreign.evaluate(OPEN_SOCKET, [served.url, display]) == "refused"
        own = context.new_page()
        own.goto(f"{served.url}/screen?token={display}")
        assert own.evaluate(OPEN_SOCKET, [served.url, display]) == "connected"
    finally:
        context.close()
