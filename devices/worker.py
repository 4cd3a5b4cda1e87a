"""The thread that owns one port (DESIGN.md §4): other threads only hand it work."""

from __future__ import annotations

import threading


class PortWorker:
    """``start()`` runs ``_run`` in its own thread; ``stop()`` wakes it, waits for it, then calls ``_close``.

    Subclasses loop in ``_run`` until ``self._stop`` is set, and wait on ``self._wake`` when idle.
    """

    def __init__(self, thread_name: str) -> None:
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=thread_name, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
        self._close()

    def _run(self) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError
