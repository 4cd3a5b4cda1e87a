"""The ticket printer driver: one worker thread owns the port; print jobs queue to it.

Before each job the worker asks the printer for its status (DLE EOT 1, 2, 4,
each answered within ``status_timeout_s``). It prints only when the printer is
ready (or near the end of its paper roll); a silent printer is ``unknown``,
never "ok". After writing, it asks again, so paper that ran out mid-ticket is
reported. A port that fails is closed and reopened with capped back-off. Jobs
that failed are printed again when the printer recovers within
``retry_window_s`` (after that the ticket stays failed and staff can reprint).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import constants as c
from .printer_status import STATE_ZH, PrinterState, PrinterStatus, parse_status
from .registry import DeviceRegistry
from .transport import DeviceError, Transport

log = logging.getLogger(__name__)

ResultHandler = Callable[[int, bool, str], None]


@dataclass
class PrintJob:
    ticket_id: int
    data: bytes
    created: float  # time.monotonic()


@dataclass(frozen=True)
class PrinterTiming:
    status_timeout_s: float = 0.2
    poll_s: float = 5.0
    retry_window_s: float = 120.0
    backoff_min_s: float = 0.5
    backoff_max_s: float = 30.0


def query_status(transport: Transport) -> PrinterStatus:
    """Ask DLE EOT 1, 2 and 4; one reply byte each, or None when the printer stays silent."""
    transport.discard_input()
    replies = []
    for n in (c.STATUS_PRINTER, c.STATUS_OFFLINE, c.STATUS_PAPER):
        transport.write(c.DLE_EOT + bytes([n]))
        reply = transport.read(1)
        replies.append(reply[0] if reply else None)
    return parse_status(*replies)


class PrinterWorker:
    """Owns one printer's transport; ``submit`` queues a job, ``on_result(ticket_id, ok, reason)`` reports it."""

    def __init__(
        self,
        name: str,
        transport: Transport,
        registry: DeviceRegistry,
        on_result: ResultHandler,
        timing: PrinterTiming = PrinterTiming(),
    ) -> None:
        self.name = name
        self.transport = transport
        self.registry = registry
        self.on_result = on_result
        self.timing = timing
        self.failed: list[PrintJob] = []
        self._queue: queue.Queue[PrintJob | None] = queue.Queue()
        self._backoff = timing.backoff_min_s
        self._next_open = 0.0
        self._thread = threading.Thread(target=self._run, name=f"printer-{name}", daemon=True)

    def start(self) -> PrinterWorker:
        self._thread.start()
        return self

    def submit(self, job: PrintJob) -> None:
        self._queue.put(job)

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)
        self.transport.close()

    # -- the worker thread ----------------------------------------------------------------------
    def _run(self) -> None:
        self._poll()  # know the state from the start, not after the first poll period
        while True:
            try:
                job = self._queue.get(timeout=self.timing.poll_s)
            except queue.Empty:
                self._poll()
                continue
            if job is None:
                return
            try:
                self._print(job)
            except Exception as exc:  # a driver bug must not stop the printer: fail the job, reopen later
                log.exception("printer %s: unexpected error printing ticket %s", self.name, job.ticket_id)
                self.transport.close()
                self.registry.set_state(self.name, PrinterState.ERROR.value, str(exc), error=repr(exc))
                self._fail(job, f"internal error: {exc}")

    def _set(self, status: PrinterStatus) -> None:
        self.registry.set_state(self.name, status.state.value, status.detail)

    def _ensure_open(self) -> bool:
        if self.transport.is_open:
            return True
        if time.monotonic() < self._next_open:
            return False
        try:
            self.transport.open()
        except DeviceError as exc:
            self._next_open = time.monotonic() + self._backoff
            self._backoff = min(self._backoff * 2, self.timing.backoff_max_s)
            self.registry.set_state(self.name, PrinterState.OFFLINE.value, exc.message, error=exc.message)
            return False
        self._backoff = self.timing.backoff_min_s
        self.registry.count(self.name, "opened")
        return True

    def _status(self) -> PrinterStatus | None:
        """The printer's status, or None when the port is gone (state set either way)."""
        if not self._ensure_open():
            return None
        try:
            status = query_status(self.transport)
        except DeviceError as exc:
            self.registry.set_state(self.name, PrinterState.OFFLINE.value, exc.message, error=exc.message)
            return None
        self._set(status)
        return status

    def _fail(self, job: PrintJob, reason: str) -> None:
        self.registry.count(self.name, "failed")
        self.failed.append(job)
        log.warning("printer %s: ticket %s not printed: %s", self.name, job.ticket_id, reason)
        self.on_result(job.ticket_id, False, reason)

    def _print(self, job: PrintJob) -> None:
        # a newer job for the same ticket (a reprint) replaces any failed one waiting for a retry
        self.failed = [held for held in self.failed if held.ticket_id != job.ticket_id]
        status = self._status()
        if status is None:
            self._fail(job, "printer not reachable / 打印机未连接")
            return
        if not status.printable:
            self._fail(job, f"{STATE_ZH[status.state]} ({status.detail})")
            return
        try:
            self.transport.write(job.data)
            after = query_status(self.transport)
        except DeviceError as exc:
            self.registry.set_state(self.name, PrinterState.OFFLINE.value, exc.message, error=exc.message)
            self._fail(job, exc.message)
            return
        self._set(after)
        if after.state in (PrinterState.PAPER_OUT, PrinterState.COVER_OPEN, PrinterState.ERROR):
            self._fail(job, f"stopped while printing: {after.detail}")
            return
        self.registry.count(self.name, "printed")
        self.on_result(job.ticket_id, True, "")

    def _poll(self) -> None:
        """Idle: keep the state fresh; when the printer is back, print recent failed jobs again."""
        status = self._status()
        if status is None or not status.printable or not self.failed:
            return
        now = time.monotonic()
        retry = [job for job in self.failed if now - job.created <= self.timing.retry_window_s]
        self.failed = []
        for job in retry:
            log.info("printer %s is back: printing ticket %s again", self.name, job.ticket_id)
            self._queue.put(job)
