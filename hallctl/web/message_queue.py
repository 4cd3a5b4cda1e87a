"""Socket.IO's Redis message queue, with the emits of one batch of domain events in one Redis message.

``socketio.RedisManager`` publishes every emit as a message of its own, and every server process reads and
decodes every message — the sender too, which has already delivered the emit to its own clients and then
drops it. A call makes three emits (``ticket_called``, ``queue_changed``, ``window_changed``): three Redis
round trips for the sender and three wake-ups of every process's listener. Inside :meth:`batch` this manager
keeps a thread's emits and publishes them as one message, ``[host id, emit, emit, …]``; the sender skips it
by its first bytes without decoding it. Everything else (and every emit outside a batch) goes as before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import socketio

log = logging.getLogger(__name__)


class BatchingRedisManager(socketio.RedisManager):
    """Socket.IO's Redis manager that can publish a thread's emits as one message (:meth:`batch`)."""

    def __init__(self, url: str, channel: str = "flask-socketio") -> None:
        super().__init__(url, channel=channel)
        self._batch = threading.local()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Publish the emits this thread makes inside the block as one message when the block ends (its own
        clients get each at once)."""
        emits: list[dict] = []
        self._batch.emits = emits
        try:
            yield
        finally:
            self._batch.emits = None
            if emits:
                super()._publish([self.host_id, *emits])

    def _publish(self, data) -> None:
        emits = getattr(self._batch, "emits", None)
        if emits is not None and data.get("method") == "emit":
            emits.append(data)
        else:
            super()._publish(data)

    def _listen(self):
        own = self.json.dumps([self.host_id])[:-1].encode()  # '["<host id>"': this process's batches
        for message in super()._listen():
            if message.startswith(own):
                continue
            if not message.startswith(b"["):
                yield message  # python-socketio's own messages: its listener decodes them
                continue
            try:
                _host, *emits = self.json.loads(message)
            except ValueError as exc:
                log.warning("ignored a Socket.IO batch that is not JSON: %s", exc)
                continue
            yield from (emit for emit in emits if isinstance(emit, dict))
