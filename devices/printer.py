"""The ticket printer driver: one worker thread owns the port; print jobs queue to it.

Before each job the worker asks the printer for its status (DLE EOT 1, 2, 4,
each answered within ``status_timeout_s``). It prints only when the printer is
ready (or near the end of its paper roll); a silent printer is ``unknown``,
never "ok". After writing, it asks again, so paper that ran out mid-ticket is
reported. A port that fails is closed and reopened with capped back-off
(:class:`PrinterTiming` ``backoff``). Jobs that failed are printed again when
the printer recovers within ``retry_window_s`` (after that the ticket stays
failed and staff can reprint).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import constants as c
from .printer_status import STATE_ZH, PrinterState, PrinterStatus, parse_status
from .registry import DeviceRegistry
from .transport import DeviceError, Transport
from .worker import DEFAULT_BACKOFF, Backoff, PortWorker

log = logging.getLogger(__name__)

ResultHandler = Callable[[int, bool, str], None]


@dataclass
class PrintJob:
    """An encoded ticket waiting for its printer; ``created`` is its ``time.monotonic()`` when queued."""

    ticket_id: int
    data: bytes
    created: float  # time.monotonic()


@dataclass(frozen=True)
class PrinterTiming:
    """Timeouts of a ticket printer (typed settings, in seconds).

    Attributes:
        status_timeout_s: how long to wait for each one-byte status reply (the device's ``status_timeout_ms``).
        poll_s: how often an idle printer is asked for its status.
        retry_window_s: a ticket that failed is printed again when the printer recovers within this time.
        backoff: how soon a port that cannot be opened is tried again.
    """

    status_timeout_s: float = 0.2
    poll_s: float = 5.0
    retry_window_s: float = 120.0
    backoff: Backoff = DEFAULT_BACKOFF


def query_status(transport: Transport) -> PrinterStatus:
    """Ask DLE EOT 1, 2 and 4; one reply byte each, or None when the printer stays silent."""
    transport.discard_input()
    replies = []
    for n in (c.STATUS_PRINTER, c.STATUS_OFFLINE, c.STATUS_PAPER):
        transport.write(c.DLE_EOT + bytes([n]))
        reply = transport.read(1)
        replies.append(reply[0] if reply else None)
    return parse_status(*replies)


class PrinterWorker(PortWorker[PrintJob]):
    """Owns one printer's transport; ``submit`` queues a job, ``on_result(ticket_id, ok, reason)`` reports it.

    Each status check while idle is a cycle (``cycles``, ``wait_for_cycles``).
    """

    def __init__(
        self,
        name: str,
        transport: Transport,
        registry: DeviceRegistry,
        on_result: ResultHandler,
        timing: PrinterTiming = PrinterTiming(),
    ) -> None:
        super().__init__(f"printer-{name}", registry, timing.backoff)
        self.name = name
        self.transport = transport
        self.on_result = on_result
        self.timing = timing
        self.failed: list[PrintJob] = []

    # -- the worker thread ----------------------------------------------------------------------
    def _handle(self, job: PrintJob) -> float:
        try:
            self._print(job)
        except Exception as exc:  # a driver bug must not stop the printer: fail the job, reopen later
            log.exception("printer %s: unexpected error printing ticket %s", self.name, job.ticket_id)
            self.transport.close()
            self.registry.set_state(self.name, PrinterState.ERROR.value, str(exc), error=repr(exc))
            self._fail(job, f"internal error: {exc}")
        return self.timing.poll_s

    def _tick(self) -> float:
        self._poll()
        self._cycle_completed()
        return self.timing.poll_s

    def _is_open(self) -> bool:
        return self.transport.is_open

    def _open(self) -> None:
        self.transport.open()
        self.registry.count(self.name, "opened")

    def _close(self) -> None:
        self.transport.close()

    def _port_failed(self, reason: str) -> None:
        self.registry.set_state(self.name, PrinterState.OFFLINE.value, reason, error=reason)

    def _set(self, status: PrinterStatus) -> None:
        self.registry.set_state(self.name, status.state.value, status.detail)

    def _status(self) -> PrinterStatus | None:
        """The printer's status, or None when the port is gone (state set either way)."""
        if not self.open_port():
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
            self.submit(job)
