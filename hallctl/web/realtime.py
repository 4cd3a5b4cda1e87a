"""Socket.IO: rooms ``hall``, ``window:{n}``, ``ticket:{id}``; a snapshot on every join; domain events as deltas.

A phone page joining ``ticket:{id}`` is also put in ``queue:{service}`` so it
hears ``queue_changed`` for its own queue and can refresh its position.
"""

from __future__ import annotations

import logging
import re
from contextlib import nullcontext

from flask import request, session
from flask_socketio import SocketIO, join_room

from hallctl.domain import events as ev
from hallctl.domain.errors import DomainError
from hallctl.services import auth, queries, tickets

from .message_queue import BatchingRedisManager
from .roles import STAFF, VIEWERS

log = logging.getLogger(__name__)
ROOM = re.compile(r"^(hall|window:(\d{1,3})|ticket:(\d{1,12}))$")


class Realtime:
    """Socket.IO handlers and the event-bus subscriber that emits to rooms."""

    def __init__(self, socketio: SocketIO, hall) -> None:
        self.socketio = socketio
        self.hall = hall
        self.clients: dict[str, dict] = {}
        self.shared = bool(hall.config.hall.message_queue)
        manager = socketio.server.manager
        self._one_message = manager.batch if isinstance(manager, BatchingRedisManager) else nullcontext
        socketio.on_event("connect", self.on_client_connect)
        socketio.on_event("disconnect", self.on_client_disconnect)
        socketio.on_event("join", self.on_client_join)
        hall.bus.subscribe("socketio", self.on_domain_events)
        hall.announcement_listeners.append(self.on_announcement)

    # -- clients -----------------------------------------------------------
    def on_client_connect(self, auth_data=None):
        """Accept a phone page by its ticket's track token, anyone else by a valid token or session."""
        data = auth_data if isinstance(auth_data, dict) else {}
        token = data.get("token") if isinstance(data.get("token"), str) else None
        ticket = data.get("ticket")
        if isinstance(ticket, int) and token:
            self.clients[request.sid] = {"role": "citizen", "ticket": ticket, "token": token}
            return True
        principal = auth.resolve(self.hall, token or session.get("token") or "")
        if principal is None:
            return False  # refused: no valid token or session
        self.clients[request.sid] = {"role": principal.role, "name": principal.name}
        return True

    def on_client_disconnect(self, *_args):
        """Forget the client."""
        self.clients.pop(request.sid, None)

    def on_client_join(self, data):
        """Put the client in ``data["room"]`` if its role may read it, and send it the room's snapshot."""
        client = self.clients.get(request.sid)
        room = data.get("room") if isinstance(data, dict) else None
        match = ROOM.match(room) if isinstance(room, str) else None
        if client is None or match is None:
            return {"ok": False, "error": "unknown room; use hall, window:{n} or ticket:{id}"}
        try:
            allowed = self._snapshot(client, room, match)  # checks the role and the track token
            if allowed is None:
                return {"ok": False, "error": f"a {client['role']} may not join {room}"}
            join_room(room)
            if room.startswith("ticket:"):
                join_room(f"queue:{allowed['service']}")
            # Read again after joining: a change between the first read and the join would otherwise reach
            # the client neither as a delta nor in its snapshot.
            snapshot = self._snapshot(client, room, match)
        except DomainError as exc:
            return {"ok": False, "error": exc.message}
        self.socketio.emit("snapshot", {"room": room, "state": snapshot}, to=request.sid)
        return {"ok": True}

    def _snapshot(self, client: dict, room: str, match) -> dict | None:
        role = client["role"]
        if room == "hall":
            return queries.hall_state(self.hall) if role in VIEWERS else None
        if match.group(2):
            return queries.window_view(self.hall, int(match.group(2))) if role in STAFF else None
        ticket_id = int(match.group(3))
        if role == "citizen":
            if client["ticket"] != ticket_id:
                return None
            return tickets.public_view(self.hall, ticket_id, client["token"])
        return tickets.public_view(self.hall, ticket_id, None, trusted=True) if role in STAFF else None

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
