"""Socket.IO: rooms ``hall``, ``window:{n}``, ``ticket:{id}``; a snapshot on every join; domain events as deltas.

A phone page joining ``ticket:{id}`` is also put in ``queue:{service}`` so it
hears ``queue_changed`` for its own queue and can refresh its position.

Who may connect (docs/security.md): a phone with its ticket's track token, or a token or session whose role may
join some room (roles.SOCKET_ROLES); anyone else is refused at connect. The token or session is resolved again
from the database on every join and every :data:`RECHECK_SECONDS`; a connection whose credential was revoked,
expired or changed role is ended. A browser's ``Origin`` must be the hall's ``public_url`` or the server itself.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import nullcontext

from flask import request, session
from flask_socketio import ConnectionRefusedError, SocketIO, join_room

from hallctl.domain import events as ev
from hallctl.domain.errors import DomainError
from hallctl.services import auth, queries, tickets

from .message_queue import BatchingRedisManager
from .roles import ROOMS, SOCKET_ROLES
from .schemas import MAX_ROW_ID

log = logging.getLogger(__name__)
ROOM = re.compile(r"^(hall|window:(\d{1,3})|ticket:(\d{1,12}))$")
RECHECK_SECONDS = 5.0
"""How often every open connection's token or session is resolved again: a revoked token's, a disabled user's
or an expired session's connections end within this (PRODUCT.md §6.1: ≤ 10 s)."""
MAX_TOKEN_CHARS = 256
REFUSED = "a valid token, session or ticket track token is needed to connect / 连接需要有效的令牌、登录或取号凭证"
LAPSED = "the token or session is no longer valid; log in again / 令牌或登录已失效，请重新登录"
UNKNOWN_ROOM = "unknown room; use hall, window:{n} or ticket:{id} / 未知的房间，请使用 hall、window:{n} 或 ticket:{id}"


class Realtime:
    """Socket.IO handlers and the event-bus subscriber that emits to rooms."""

    def __init__(self, socketio: SocketIO, hall) -> None:
        self.socketio = socketio
        self.hall = hall
        self.clients: dict[str, dict] = {}
        self._clients_lock = threading.Lock()
        self._rechecking = False
        self._closed = False
        self.shared = bool(hall.config.hall.message_queue)
        manager = socketio.server.manager
        self._one_message = manager.batch if isinstance(manager, BatchingRedisManager) else nullcontext
        socketio.on_event("connect", self.on_client_connect)
        socketio.on_event("disconnect", self.on_client_disconnect)
        socketio.on_event("join", self.on_client_join)
        hall.bus.subscribe("socketio", self.on_domain_events)
        hall.announcement_listeners.append(self.on_announcement)
        hall.closers.append(self.close)

    def close(self) -> None:
        """Stop re-checking connections (the hall is closing)."""
        self._closed = True

    # -- clients -----------------------------------------------------------
    def on_client_connect(self, auth_data=None):
        """Accept a phone page by its ticket's track token, anyone else by a token or session of a room's role.

        Raises:
            ConnectionRefusedError: no such credential; the client gets ``connect_error`` with
                ``{"error": {"code": "unauthenticated", ...}}``.
        """
        data = auth_data if isinstance(auth_data, dict) else {}
        token = data.get("token") if isinstance(data.get("token"), str) else None
        if "ticket" in data:
            client = self._phone(data["ticket"], token)
        else:
            client = self._principal(token or session.get("token") or "")
        if client is None:
            raise ConnectionRefusedError(REFUSED, {"error": {"code": "unauthenticated", "message": REFUSED}})
        with self._clients_lock:
            self.clients[request.sid] = client
            start = not self._rechecking  # one re-checking task per server process, while anyone is connected
            self._rechecking = True
        if start:
            self.socketio.start_background_task(self._recheck)
        return True

    def _phone(self, ticket: object, token: str | None) -> dict | None:
        """A phone's client record if ``token`` is the track token of ticket ``ticket``."""
        if type(ticket) is not int or not 1 <= ticket <= MAX_ROW_ID or not token or len(token) > MAX_TOKEN_CHARS:
            return None
        try:
            tickets.public_view(self.hall, ticket, token)
        except DomainError:
            return None
        return {"role": "citizen", "ticket": ticket, "token": token}

    def _principal(self, token: str) -> dict | None:
        """The client record of a bearer or session token whose role may join some room."""
        principal = auth.resolve(self.hall, token)
        if principal is None or principal.role not in SOCKET_ROLES:
            return None
        return {"role": principal.role, "name": principal.name, "token": token}

    def _still_valid(self, client: dict) -> bool:
        """Whether a token or session client's credential still resolves, from the database, to the same role."""
        principal = auth.resolve(self.hall, client["token"], fresh=True)  # revoked by another process: ask the database
        return principal is not None and principal.role == client["role"]

    def _recheck(self) -> None:
        """Every :data:`RECHECK_SECONDS` while anyone is connected, end the connections whose credential lapsed."""
        while True:
            self.socketio.sleep(RECHECK_SECONDS)
            with self._clients_lock:
                if self._closed or not self.clients:
                    self._rechecking = False
                    return
                clients = list(self.clients.items())
            try:
                for sid in list(self._lapsed(clients)):
                    self.socketio.server.disconnect(sid, namespace="/")
            except Exception:  # a database hiccup: try again next round rather than stop checking
                log.exception("could not re-check the Socket.IO connections")

    def _lapsed(self, clients: list[tuple[str, dict]]) -> Iterator[str]:
        """The connections among ``clients`` whose token or session no longer holds (each token resolved once)."""
        valid: dict[str, bool] = {}
        for sid, client in clients:
            if client["role"] == "citizen":
                continue  # a track token is not revoked; each join checks it again
            if client["token"] not in valid:
                valid[client["token"]] = self._still_valid(client)
            if not valid[client["token"]]:
                yield sid

    def on_client_disconnect(self, *_args):
        """Forget the client."""
        with self._clients_lock:
            self.clients.pop(request.sid, None)

    def on_client_join(self, data):
        """Put the client in ``data["room"]`` if its role may read it, and send it the room's snapshot.

        The token or session is resolved again first: a revoked or expired one is refused (``unauthenticated``)
        and its connection ends at the next re-check.
        """
        client = self.clients.get(request.sid)
        room = data.get("room") if isinstance(data, dict) else None
        match = ROOM.match(room) if isinstance(room, str) else None
        if client is None or (client["role"] != "citizen" and not self._still_valid(client)):
            return {"ok": False, "code": "unauthenticated", "error": LAPSED}
        if match is None:
            return {"ok": False, "code": "unknown_room", "error": UNKNOWN_ROOM}
        try:
            allowed = self._snapshot(client, room, match)  # checks the role and the track token
            if allowed is None:
                return {
                    "ok": False,
                    "code": "forbidden",
                    "error": f"a {client['role']} may not join {room} / 无权加入 {room}",
                }
            if not self._enter(room, allowed):
                return {"ok": False, "code": "unauthenticated", "error": LAPSED}
            # Read again after joining: a change between the first read and the join would otherwise reach
            # the client neither as a delta nor in its snapshot.
            snapshot = self._snapshot(client, room, match)
        except DomainError as exc:
            return {"ok": False, "code": exc.code, "error": exc.message}
        self.socketio.emit("snapshot", {"room": room, "state": snapshot}, to=request.sid)
        return {"ok": True}

    @staticmethod
    def _enter(room: str, allowed: dict) -> bool:
        """Put the client in ``room`` (a phone in its queue's room too); False if it disconnected meanwhile."""
        try:
            join_room(room)
            if room.startswith("ticket:"):
                join_room(f"queue:{allowed['service']}")
        except (KeyError, ValueError):  # python-socketio no longer knows the sid: it left while joining
            return False
        return True

    def _snapshot(self, client: dict, room: str, match) -> dict | None:
        role = client["role"]
        if room == "hall":
            return queries.hall_state(self.hall) if role in ROOMS["hall"] else None
        if match.group(2):
            return queries.window_view(self.hall, int(match.group(2))) if role in ROOMS["window"] else None
        ticket_id = int(match.group(3))
        if role == "citizen":
            if client["ticket"] != ticket_id:
                return None
            return tickets.public_view(self.hall, ticket_id, client["token"])
        return tickets.public_view(self.hall, ticket_id, None, trusted=True) if role in ROOMS["ticket"] else None

    def on_announcement(self, record: dict) -> None:
        """Tell the hall room of an announcement's change of state."""
        self._emit("announcement", record, ["hall"])

    # -- domain events → rooms ---------------------------------------------------
    def _listened(self, room: str) -> bool:
        """Whether anyone may hear ``room``: always with a message queue (other processes' clients)."""
        if self.shared:
            return True
        return bool(self.socketio.server.manager.rooms.get("/", {}).get(room))

    def _emit(self, event: str, payload: dict, rooms: list[str]) -> None:
        """One emit to all of ``rooms`` (one message-queue publish; a client in several of them hears it once)."""
        heard = [room for room in rooms if self._listened(room)]
        if heard:
            self.socketio.emit(event, payload, to=heard)

    def on_domain_events(self, batch: list[ev.Event]) -> None:
        """Emit each event, then one queue_changed per touched service and one window_changed per window;
        with a Redis message queue, all of them as one message to the other processes."""
        with self._one_message():
            self._emit_events(batch)

    def _emit_events(self, batch: list[ev.Event]) -> None:
        services: dict[str, None] = {}
        windows: dict[int, None] = {}
        for event in batch:
            if isinstance(event, ev.TicketEvent):
                self._ticket_event(event)
                if not isinstance(
                    event, (ev.ServiceStarted, ev.TicketFinished, ev.TicketPrintChanged, ev.TicketPrintRequested)
                ):
                    services[event.service] = None
            if isinstance(event, ev.RatingRecorded):
                payload = {
                    "ticket_id": event.ticket_id,
                    "level": event.level,
                    "window": event.window,
                    "channel": event.channel,
                    "bound": event.bound,
                }
                self._emit("rating_recorded", payload, self._rooms(event.window, event.ticket_id))
            if isinstance(event, ev.DeviceChanged):
                self._emit("device_changed", self.hall.devices.get(event.device), ["hall"])
            if event.window is not None and not isinstance(event, ev.TicketIssued):
                windows[event.window] = None
        if services:
            self._queue_changed(list(services))
        for number in windows:
            self._window_changed(number)

    def _ticket_event(self, event: ev.TicketEvent) -> None:
        base = {"id": event.ticket_id, "number": event.number, "service": event.service, "window": event.window}
        rooms = self._rooms(event.window, event.ticket_id)
        if isinstance(event, ev.TicketIssued):
            self._emit("ticket_issued", {**base, "priority": event.priority}, ["hall"])
        elif isinstance(event, ev.TicketCalled):
            self._emit("ticket_called", {**base, "recall": event.recall}, rooms)
        elif isinstance(event, ev.TicketFinished):
            self._emit("ticket_finished", {**base, "outcome": event.outcome}, rooms)
        else:
            self._emit("ticket_changed", {**base, "event": event.kind}, [f"ticket:{event.ticket_id}"])

    @staticmethod
    def _rooms(window: int | None, ticket_id: int | None) -> list[str]:
        rooms = ["hall"]
        if window is not None:
            rooms.append(f"window:{window}")
        if ticket_id is not None:
            rooms.append(f"ticket:{ticket_id}")
        return rooms

    def _queue_changed(self, services: list[str]) -> None:
        rooms = {
            s: [
                r
                for r in ["hall", f"queue:{s}", *(f"window:{n}" for n in self.hall.windows_serving(s))]
                if self._listened(r)
            ]
            for s in services
        }
        services = [s for s in services if rooms[s]]
        if not services:
            return
        with self.hall.uow(write=False) as uow:
            counts = uow.tickets.waiting_counts(services)
        for service in services:
            self.socketio.emit(
                "queue_changed", {"service": service, "waiting": counts.get(service, 0)}, to=rooms[service]
            )

    def _window_changed(self, number: int) -> None:
        rooms = [r for r in ("hall", f"window:{number}") if self._listened(r)]
        if not rooms:
            return
        try:
            payload = queries.window_summary(self.hall, number)
        except DomainError:
            return
        self.socketio.emit("window_changed", payload, to=rooms)
