"""In-process event bus: each subscriber gets its own queue and thread.

A slow or failing subscriber (a serial LED, the voice player) never delays
another (Socket.IO) nor the request that published the events. Subscribers
receive events in batches (whatever queued up while they were busy, in order),
so they can coalesce work such as recounting a queue. A subscriber may say which
events it wants; it is then not woken for the others (most events concern few
subscribers, and every wake-up of a thread costs the publisher a turn at the GIL).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable

from hallctl.domain.events import Event

log = logging.getLogger(__name__)
Handler = Callable[[list[Event]], None]
Wants = Callable[[Event], bool]
MAX_BATCH = 200


def _everything(event: Event) -> bool:
    return True


class _Worker:
    def __init__(self, name: str, handler: Handler, wants: Wants) -> None:
        self.name = name
        self.handler = handler
        self.wants = wants
        self.queue: queue.Queue[list[Event] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name=f"bus-{name}", daemon=True)
        self.thread.start()

    def _take(self) -> list[list[Event] | None]:
        """The lists of events queued so far (up to about MAX_BATCH events); None last when stopping."""
        items = [self.queue.get()]
        taken = len(items[0] or ())
        while items[-1] is not None and taken < MAX_BATCH:
            try:
                items.append(self.queue.get_nowait())
            except queue.Empty:
                break
            taken += len(items[-1] or ())
        return items

    def _run(self) -> None:
        while True:
            items = self._take()
            batch = [event for item in items if item is not None for event in item]
            try:
                if batch:
                    self.handler(batch)
            except Exception:  # a subscriber's bug must not stop the others
                log.exception("event subscriber %s failed on %s", self.name, [e.kind for e in batch])
            finally:
                for _ in items:
                    self.queue.task_done()
            if items[-1] is None:
                return


class EventBus:
    """Publish domain events to subscribers.

    Args:
        synchronous: deliver inline in the publishing thread (tests of the services).
    """

    def __init__(self, synchronous: bool = False) -> None:
        self.synchronous = synchronous
        self._workers: list[_Worker] = []
        self._inline: list[tuple[str, Handler, Wants]] = []
        self._remote: set[str] = set()

    def subscribe(self, name: str, handler: Handler, remote: bool = False, wants: Wants = _everything) -> None:
        """Deliver this process's events to ``handler``.

        Args:
            remote: also deliver the events of the hall's other server processes (relayed through
                the message queue) — for the device workers and learners, not for Socket.IO, whose
                emits the message queue already shares.
            wants: the events ``handler`` acts on (default: all); it never sees the others.
        """
        if remote:
            self._remote.add(name)
        if self.synchronous:
            self._inline.append((name, handler, wants))
        else:
            self._workers.append(_Worker(name, handler, wants))

    def unsubscribe(self, name: str) -> None:
        """Stop delivering to ``name`` (after what it already has queued)."""
        self._inline = [entry for entry in self._inline if entry[0] != name]
        for worker in [w for w in self._workers if w.name == name]:
            self._workers.remove(worker)
            worker.queue.put(None)
            worker.thread.join(timeout=5)
        self._remote.discard(name)

    def publish(self, events: Iterable[Event]) -> None:
        """Deliver events committed in this process to the subscribers that want them."""
        self._deliver(list(events), remote=False)

    def publish_remote(self, events: Iterable[Event]) -> None:
        """Events committed by another server process of this hall: only to ``remote`` subscribers."""
        self._deliver(list(events), remote=True)

    def _deliver(self, batch: list[Event], remote: bool) -> None:
        if not batch:
            return
        for name, handler, wants in self._inline:
            wanted = [event for event in batch if wants(event)]
            if not wanted or (remote and name not in self._remote):
                continue
            try:
                handler(wanted)
            except Exception:
                log.exception("event subscriber %s failed on %s", name, [e.kind for e in wanted])
        for worker in self._workers:
            wanted = [event for event in batch if worker.wants(event)]
            if wanted and not (remote and worker.name not in self._remote):
                worker.queue.put(wanted)

    def drain(self) -> None:
        """Wait until every queued event was handled (tests, shutdown)."""
        for worker in self._workers:
            worker.queue.join()

    def close(self) -> None:
        """Stop every subscriber's delivery thread (each after what it has queued)."""
        for worker in self._workers:
            worker.queue.put(None)
        for worker in self._workers:
            worker.thread.join(timeout=5)
        self._workers.clear()
