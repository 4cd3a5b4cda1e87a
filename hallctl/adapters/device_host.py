"""Run the hall's device workers in exactly one server process: the holder of the leader lock.

A lone server takes the lock at start and drives its devices from the first
request. With several processes (or a second server started by mistake on the
same database) the others serve without devices, try again every few seconds,
and the first to succeed after the leader stops takes the devices over: it
opens the ports, then prints the recent tickets that are still unprinted.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .leader import LeaderLock

log = logging.getLogger(__name__)
RETRY_S = 2.0

Stopper = Callable[[], None]


class DeviceHost:
    """Holds the leader lock and the device workers started with it.

    Args:
        lock: the hall's :class:`LeaderLock`.
        start: starts the device workers; returns what stops them.
        retry_s: how often a process without the lock tries again, and the leader checks it still holds it.
        tick: called by the leader every ``retry_s`` (it tells the other processes its devices' states).
    """

    def __init__(
        self,
        lock: LeaderLock,
        start: Callable[[], list[Stopper]],
        retry_s: float = RETRY_S,
        tick: Callable[[], None] | None = None,
    ) -> None:
        self.lock = lock
        self._start = start
        self._tick = tick
        self.retry_s = retry_s
        self._stoppers: list[Stopper] = []
        self._mutex = threading.Lock()
        self._stop = threading.Event()
        if not self._take():
            log.warning(
                "another hallctl process drives this hall's devices; this one serves without them "
                "and takes over if that process stops"
            )
        self._thread = threading.Thread(target=self._watch, name="device-leader", daemon=True)
        self._thread.start()

    @property
    def leading(self) -> bool:
        """Whether this process holds the leader lock and runs the device workers."""
        return bool(self._stoppers)

    def stop(self) -> None:
        """Stop watching the lock, stop the device workers (if running) and release the lock."""
        self._stop.set()
        self._thread.join(timeout=self.retry_s + 5)
        with self._mutex:
            self._stop_devices()
            self.lock.release()

    def _take(self) -> bool:
        with self._mutex:
            if self._stop.is_set():
                return False
            try:
                if not self.lock.acquire():
                    return False
            except Exception as exc:  # the database is away: try again later
                log.warning("could not try the device leader lock: %s", exc)
                return False
            log.info("this process drives the hall's devices (device leader)")
            self._stoppers = self._start()
            return True

    def _watch(self) -> None:
        while not self._stop.wait(self.retry_s):
            if not self.leading:
                self._take()
                continue
            if not self.lock.held():
                with self._mutex:
                    log.warning("lost the device leader lock: stopping this process's device workers")
                    self._stop_devices()
                    self.lock.release()
            elif self._tick is not None:
                self._tick()

    def _stop_devices(self) -> None:
        for stopper in reversed(self._stoppers):
            try:
                stopper()
            except Exception:  # stop the rest anyway
                log.exception("a device worker did not stop cleanly")
        self._stoppers = []
