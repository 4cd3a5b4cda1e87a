"""The one thread that owns a port (DESIGN.md §4), and the capped back-off with which it tries again.

Other threads only hand a worker requests (``submit``); the worker alone touches its port, reports its devices'
states to the :class:`~devices.registry.DeviceRegistry` (which logs each change once and publishes it), and tries
a port or a device that failed again after a :class:`Backoff`. The printer, the RS-485 bus and the vendor frame
lines are workers; a modem or a scanner would be one too.
"""

from __future__ import annotations

import math
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Self, TypeVar

from .registry import DeviceRegistry
from .transport import DeviceError

RequestT = TypeVar("RequestT")


@dataclass(frozen=True)
class Backoff:
    """Capped exponential back-off with jitter: how long to wait after the n-th failure in a row.

    Attributes:
        first_s: the wait after the first failure, in seconds.
        factor: each further failure multiplies the wait by this.
        cap_s: the longest wait, in seconds.
        jitter: the share of each wait left to chance (0.1: between 90 % and 100 % of it), so that devices
            that failed together are not all tried again at the same moment.

    Raises:
        ValueError: a setting out of its range.
    """

    first_s: float = 0.5
    factor: float = 2.0
    cap_s: float = 30.0
    jitter: float = 0.1

    def __post_init__(self) -> None:
        if self.first_s <= 0:
            raise ValueError(f"back-off first_s must be above 0 (got {self.first_s})")
        if self.factor < 1:
            raise ValueError(f"back-off factor must be at least 1 (got {self.factor})")
        if self.cap_s < self.first_s:
            raise ValueError(f"back-off cap_s must be at least first_s (got {self.cap_s} < {self.first_s})")
        if not 0 <= self.jitter < 1:
            raise ValueError(f"back-off jitter must be in [0, 1) (got {self.jitter})")

    def delay_s(self, failures: int, draw: Callable[[], float] = random.random) -> float:
        """Seconds to wait after ``failures`` failures in a row (1 for the first); ``draw`` gives [0, 1)."""
        steps = max(failures - 1, 0)
        if self.factor > 1:  # past the cap the count no longer matters (and a huge power would overflow)
            steps = min(steps, math.ceil(math.log(self.cap_s / self.first_s, self.factor)))
        nominal = min(self.first_s * self.factor**steps, self.cap_s)
        return nominal * (1 - self.jitter * draw())


DEFAULT_BACKOFF = Backoff()
"""0.5 s after the first failure, doubling up to 30 s, each wait up to 10 % shorter by chance."""


class Retry:
    """When to try again something that keeps failing — a port, one device's address — under a :class:`Backoff`."""

    def __init__(self, backoff: Backoff, clock: Callable[[], float] = time.monotonic) -> None:
        self.backoff = backoff
        self.failures = 0
        self._clock = clock
        self._next_try = 0.0

    def due(self) -> bool:
        """Whether the back-off after the last failure is over (always, after a success)."""
        return self._clock() >= self._next_try

    def wait_s(self) -> float:
        """Seconds until :meth:`due` (0 when it is)."""
        return max(0.0, self._next_try - self._clock())

    def failed(self) -> None:
        """One more failure in a row: the next try waits longer, up to the cap."""
        self.failures += 1
        self._next_try = self._clock() + self.backoff.delay_s(self.failures)

    def succeeded(self) -> None:
        """It works: no back-off, and the next failure counts as the first."""
        self.failures, self._next_try = 0, 0.0

    def try_now(self) -> None:
        """Due at once, keeping the count of failures (e.g. after the port under it was reopened)."""
        self._next_try = 0.0


class _Stop:
    """What ``stop()`` queues behind the requests already submitted."""


class PortWorker(Generic[RequestT]):
    """The thread that owns one port: other threads ``submit`` requests; only this thread touches the port.

    The thread hands each request, in order, to ``_handle``. When no request has come for as long as the
    last ``_handle`` or ``_tick`` asked (seconds; None: until the next request), it calls ``_tick`` for the
    work of an idle port, such as polling its devices. ``stop()`` lets the requests already submitted go first.
    ``open_port()`` opens the port when it is closed and its back-off is over. Subclasses implement
    ``_handle``, ``_tick``, ``_open``, ``_close``, ``_is_open`` and ``_port_failed``, and call
    ``_cycle_completed`` when they have gone once through their devices.

    Args:
        thread_name: the worker thread's name (it shows in logs and thread dumps).
        registry: where the states of the port's devices go.
        backoff: how soon a port that cannot be opened is tried again.
    """

    def __init__(self, thread_name: str, registry: DeviceRegistry, backoff: Backoff) -> None:
        self.registry = registry
        self.port_retry = Retry(backoff)
        self.cycles = 0
        self._cycled = threading.Condition()
        self._requests: queue.SimpleQueue[RequestT | _Stop] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=thread_name, daemon=True)

    def start(self) -> Self:
        """Start the worker thread; returns the worker."""
        self._thread.start()
        return self

    def submit(self, request: RequestT) -> None:
        """Queue ``request`` for the worker thread (any thread may call this; it never waits on the port)."""
        self._requests.put(request)

    def stop(self) -> None:
        """Let the worker finish the requests already submitted, end its thread, then close the port."""
        self._requests.put(_Stop())
        self._thread.join(timeout=5)
        self._close()

    def wait_for_cycles(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until the worker has gone ``count`` more times through its devices; False on timeout."""
        with self._cycled:
            target = self.cycles + count
            return self._cycled.wait_for(lambda: self.cycles >= target, timeout)

    def open_port(self) -> bool:
        """Whether the port is open, opening it if its back-off is over; a failure goes to ``_port_failed``."""
        if self._is_open():
            return True
        if not self.port_retry.due():
            return False
        try:
            self._open()
        except DeviceError as exc:
            self.port_retry.failed()
            self._port_failed(exc.message)
            return False
        self.port_retry.succeeded()
        return True

    def _cycle_completed(self) -> None:
        with self._cycled:
            self.cycles += 1
            self._cycled.notify_all()

    def _run(self) -> None:
        idle_s = self._tick()
        while True:
            try:
                request = self._requests.get(timeout=idle_s)
            except queue.Empty:
                idle_s = self._tick()
                continue
            if isinstance(request, _Stop):
                return
            idle_s = self._handle(request)

    def _handle(self, request: RequestT) -> float | None:
        """Act on one request; returns how long the port may stay idle before the next ``_tick``."""
        raise NotImplementedError

    def _tick(self) -> float | None:
        """The work of an idle port; returns how long it may stay idle before the next ``_tick``."""
        raise NotImplementedError

    def _open(self) -> None:
        """Open the port; raise :class:`DeviceError` when it cannot be opened."""
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def _is_open(self) -> bool:
        raise NotImplementedError

    def _port_failed(self, reason: str) -> None:
        """The port cannot be opened or used: report its devices' states."""
        raise NotImplementedError
