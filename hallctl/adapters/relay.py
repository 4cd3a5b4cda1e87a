"""Domain events shared by the hall's server processes through the Redis message queue.

Each process publishes the events it committed on ``hallctl:{hall}:events`` —
those a ``remote`` subscriber acts on in some process of the hall — and hands
the events of the others to its ``remote`` subscribers: so the device leader
drives the LED, printer and speaker for a ticket another process called or
issued. (Socket.IO emits are shared by Flask-SocketIO's own
use of the same queue, so they are not relayed here.)

Redis publish/subscribe does not store messages: an event sent while the
leader is disconnected is not replayed. Printing, the one job that must not be
lost, is recovered from the database when a process becomes the leader
(:func:`hallctl.services.printing.pending_prints`); when Redis answers again
after an outage, ``on_reconnect`` lets the leader show the windows' LEDs and
caller displays afresh from the database. Calls missed meanwhile are not spoken.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable

from hallctl.domain import events as ev

log = logging.getLogger(__name__)
RECONNECT_S = (0.5, 1.0, 2.0, 5.0)
SUBSCRIBE_WAIT_S = 5.0


class EventRelay:
    """Publishes this process's events and delivers the other processes' ones to ``bus.publish_remote``.

    Args:
        url: the ``redis://`` message queue.
        hall_id: names the channel, so halls sharing a Redis do not hear each other.
        bus: the process's event bus.
        wants: the events to pass on (what the other processes' remote subscribers act on).
        on_reconnect: called (on the relay's thread) when Redis answers again after an outage: the
            other processes' events of the outage are lost, so whoever shows state should show it afresh.
    """

    def __init__(
        self,
        url: str,
        hall_id: str,
        bus,
        wants: Callable[[ev.Event], bool],
        on_reconnect: Callable[[], None] | None = None,
    ) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.channel = f"hallctl:{hall_id}:events"
        self.origin = uuid.uuid4().hex
        self.bus = bus
        self.on_reconnect = on_reconnect
        self._stop = threading.Event()
        self._subscribed = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="event-relay", daemon=True)
        self._thread.start()
        # a process serves once it hears the others: what they publish before then is not replayed
        if not self._subscribed.wait(SUBSCRIBE_WAIT_S):
            log.warning(
                "event relay: no Redis at %s yet; events of the other processes are missed until it answers", url
            )
        bus.subscribe("relay", self.on_domain_events, wants=wants)

    def on_domain_events(self, batch: list[ev.Event]) -> None:
        """Publish this process's committed events to the hall's other processes (dropped if Redis is down)."""
        message = json.dumps({"origin": self.origin, "events": [ev.to_wire(e) for e in batch]})
        try:
            self.redis.publish(self.channel, message)
        except Exception as exc:  # Redis down: the other processes miss these; ours are served
            log.warning("could not relay %d events to the other processes: %s", len(batch), exc)

    def stop(self) -> None:
        """Stop listening to the other processes."""
        self._stop.set()
        self._thread.join(timeout=5)

    def _listen(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                self._subscribed.set()
                if failures and self.on_reconnect:
                    log.info("event relay: Redis answers again; showing the hall's state afresh")
                    self._call_on_reconnect(self.on_reconnect)
                failures = 0
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=0.5)
                    if message is not None:
                        self._deliver(message["data"])
                pubsub.close()
            except Exception as exc:
                self._subscribed.clear()
                delay = RECONNECT_S[min(failures, len(RECONNECT_S) - 1)]
                failures += 1
                log.warning("event relay lost Redis (%s); retrying in %.1f s", exc, delay)
                self._stop.wait(delay)

    def _call_on_reconnect(self, on_reconnect: Callable[[], None]) -> None:
        try:
            on_reconnect()
        except Exception:  # the relay must go on delivering
            log.exception("event relay: refreshing after Redis came back failed")

    def _deliver(self, data: bytes) -> None:
        try:
            message = json.loads(data)
            if message["origin"] == self.origin:
                return
            batch = [ev.from_wire(item) for item in message["events"]]
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignored a relayed message that is not a batch of hall events: %s", exc)
            return
        self.bus.publish_remote(batch)
