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
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hallctl.domain.events import Event

log = logging.getLogger(__name__)
Handler = Callable[[list[Event]], None]
Wants = Callable[[Event], bool]
MAX_BATCH = 200
Item = tuple[float, list[Event]] | None
"""What a subscriber's queue holds: (when it was queued, on the monotonic clock; the events), or None to stop."""


@dataclass(frozen=True)
class Backlog:
    """How far one subscriber is behind: events queued or being handled, and the age of the oldest of them."""

    subscriber: str
    pending: int
    oldest_age_s: float


def _everything(event: Event) -> bool:
    return True


class _Worker:
    def __init__(self, name: str, handler: Handler, wants: Wants) -> None:
        self.name = name
        self.handler = handler
        self.wants = wants
        self.queue: queue.Queue[Item] = queue.Queue()
        self.handling: tuple[float, int] | None = None
        """(queued at, how many events) of the batch being handled, set by this worker's thread only."""
        self.thread = threading.Thread(target=self._run, name=f"bus-{name}", daemon=True)
        self.thread.start()

    def _take(self) -> list[Item]:
        """The lists of events queued so far (up to about MAX_BATCH events); None last when stopping."""
        items = [self.queue.get()]
        taken = len(items[0][1]) if items[0] else 0
        while items[-1] is not None and taken < MAX_BATCH:
            try:
                items.append(self.queue.get_nowait())
            except queue.Empty:
                break
            last = items[-1]
            taken += len(last[1]) if last else 0
        return items

    def _run(self) -> None:
        while True:
            items = self._take()
            batch = [event for item in items if item is not None for event in item[1]]
            first = items[0]
            self.handling = (first[0], len(batch)) if first else None
            try:
                if batch:
                    self.handler(batch)
            except Exception:  # a subscriber's bug must not stop the others
                log.exception("event subscriber %s failed on %s", self.name, [e.kind for e in batch])
            finally:
                self.handling = None
                for _ in items:
                    self.queue.task_done()
            if items[-1] is None:
                return

    def backlog(self, now: float) -> Backlog:
        """Events queued or being handled, and the oldest one's age at ``now`` (monotonic; 0 when none)."""
        handling = self.handling
        with self.queue.mutex:  # a read-out at scrape time: copy the queue, never block the publishers for long
            queued = [item for item in self.queue.queue if item is not None]
        times = ([handling[0]] if handling else []) + [item[0] for item in queued]
        pending = (handling[1] if handling else 0) + sum(len(item[1]) for item in queued)
        return Backlog(self.name, pending, now - min(times) if times else 0.0)


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
                worker.queue.put((time.monotonic(), wanted))

    def backlog(self) -> list[Backlog]:
        """How far behind each subscriber's thread is (inline subscribers never are): for the metrics."""
        now = time.monotonic()
        return [worker.backlog(now) for worker in self._workers] + [Backlog(name, 0, 0.0) for name, *_ in self._inline]

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
