"""Printers in the running hall: a worker per configured printer, fed from the event bus."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

from devices.escpos_ticket import Layout, encode_ticket
from devices.printer import PrinterTiming, PrinterWorker, PrintJob
from devices.registry import DeviceRegistry
from devices.transport import Transport
from hallctl.domain import events as ev
from hallctl.services import printing
from hallctl.services.context import Hall

RECOVER_S = PrinterTiming.retry_window_s
"""Tickets issued this recently and never printed are printed when a process takes the devices over."""


class Printers:
    """Starts one :class:`PrinterWorker` per printer and prints each ``TicketPrintRequested``."""

    def __init__(self, hall: Hall, registry: DeviceRegistry, timing: PrinterTiming | None = None) -> None:
        self.hall = hall
        self.workers: dict[str, PrinterWorker] = {}
        self.layouts: dict[str, Layout] = {}
        self.footers: dict[str, str] = {}
        for device in hall.config.devices:
            if device.kind != "printer" or device.url is None:  # the config requires a url of every printer
                continue
            transport = Transport(device.url, device.baudrate, device.status_timeout_ms / 1000)
            self.workers[device.name] = PrinterWorker(
                device.name,
                transport,
                registry,
                self.on_printer_result,
                timing or PrinterTiming(status_timeout_s=device.status_timeout_ms / 1000),
            ).start()
            self.layouts[device.name] = Layout(device.encoding, device.columns, device.cut)
            self.footers[device.name] = device.footer
        hall.bus.subscribe("printers", self.on_domain_events, remote=True, wants=self.wants)

    @staticmethod
    def wants(event: ev.Event) -> bool:
        """What the printers follow: print requests."""
        return isinstance(event, ev.TicketPrintRequested)

    def on_printer_result(self, ticket_id: int, ok: bool, reason: str) -> None:
        """Store the printer's outcome for the ticket (``ok``, or why it failed in ``reason``)."""
        printing.record_print(self.hall, ticket_id, ok, reason)

    def on_domain_events(self, batch: list[ev.TicketPrintRequested]) -> None:
        """Encode each requested ticket and queue it on its printer's worker."""
        for event in batch:  # the bus hands this subscriber print requests only
            self._print(event)

    def _print(self, event: ev.TicketPrintRequested) -> None:
        if event.ticket_id is None:  # every print request names its ticket
            return
        content = printing.print_order(self.hall, event.ticket_id)
        if content is None:
            return
        data = encode_ticket(replace(content, footer=self.footers[event.printer]), self.layouts[event.printer])
        self.workers[event.printer].submit(PrintJob(event.ticket_id, data, time.monotonic()))

    def recover(self) -> int:
        """Print the recent tickets still waiting for their printer (the process that had them stopped)."""
        pending = [
            (ticket_id, printer, at)
            for ticket_id, printer, at in printing.pending_prints(
                self.hall, self.hall.now() - timedelta(seconds=RECOVER_S)
            )
            if printer in self.workers
        ]
        for ticket_id, printer, at in pending:
            self._print(ev.TicketPrintRequested(at=at, ticket_id=ticket_id, printer=printer))
        return len(pending)

    def stop(self) -> None:
        """Stop following print requests, then stop every printer worker."""
        self.hall.bus.unsubscribe("printers")
        for worker in self.workers.values():
            worker.stop()
