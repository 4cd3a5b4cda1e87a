"""Ticket printing: bytes per ticket, time on the wire, and API call → last byte written.

Run from the repository root:  .venv/bin/python bench/printer.py

1. Our text ticket (GB18030, native QR) at 32 and 48 columns, against a raster
   ticket like FQM's (a 400-px-wide image sent as GS v 0), at 9600 and 115200 baud
   (8N1: 10 bits a byte).
2. A hall printing on the simulator over a pty, the simulator reading at the wire
   speed of the baud rate: from POST /api/v1/tickets to the ticket's last byte.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from escpos.printer import Dummy
from PIL import Image, ImageDraw

from devices.escpos_ticket import Layout, encode_ticket
from hallctl.domain.printed import TicketContent
from hallctl.labels.printed import TICKET_WORDS

CONTENT = TicketContent(
    words_zh=TICKET_WORDS["zh"],
    words_en=TICKET_WORDS["en"],
    hall_name="示范县政务服务中心",
    number="A012",
    service_name="社保医保",
    service_name_en="Social insurance",
    ahead=12,
    est_wait_min=(14, 30),
    issued_local="2026-11-23 09:41",
    track_url="http://192.168.1.10:8080/t/123456?token=6Jb1aZ9fQ2xLr0sT8uVwYg",
    priority_name="绿色通道",
    footer="请保管好号票 过号请重新取号",
)


def wire_s(size: int, baud: int) -> float:
    return size * 10 / baud


def raster_ticket() -> bytes:
    """A ticket drawn as a 400 × 520 px image and sent as a raster (as FQM does)."""
    image = Image.new("1", (400, 520), 1)
    draw = ImageDraw.Draw(image)
    for y in range(0, 520, 40):
        draw.text((20, y), "A012  社保医保  ......", fill=0)
    printer = Dummy()
    printer.image(image)
    printer.cut()
    return printer.output


def api_to_last_byte(baud: int, count: int = 10) -> tuple[list[float], float]:
    """Seconds from each API call to its last byte at the printer, and bytes on the wire per ticket."""
    from bench.halls import printing_hall
    from devices.printer import PrinterTiming
    from devices.simulators.escpos_printer import PrinterSimulator
    from hallctl.bootstrap import build_app
    from hallctl.config import parse_config
    from hallctl.migrations import upgrade
    from hallctl.services import auth

    tmp = Path(tempfile.mkdtemp())
    try:
        sim = PrinterSimulator(tmp / "printer", baudrate=baud).start()
        db = f"sqlite:///{tmp}/hall.db"
        upgrade(db)
        hall, app, _sio = build_app(
            parse_config(printing_hall(db, sim.url, baud)), devices=True, printer_timing=PrinterTiming(poll_s=0.5)
        )
        client = app.test_client()
        headers = {"Authorization": f"Bearer {auth.add_token(hall, 'k1', 'kiosk')}"}
        times = []
        for i in range(count):
            start = time.monotonic()
            assert client.post("/api/v1/tickets", json={"service": "SB"}, headers=headers).status_code == 201
            sim.wait_for_tickets(i + 1, timeout=10)
            times.append(sim.last_byte_at - start)
        hall.close()
        sim.stop()
        return times, sim.received_bytes / count
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    rows = [(f"text ticket, {cols} columns", len(encode_ticket(CONTENT, Layout("gb18030", cols)))) for cols in (32, 48)]
    rows.append(("raster ticket, 400 × 520 px (FQM style)", len(raster_ticket())))
    print(f"{'ticket':42} {'bytes':>7} {'9600 baud':>10} {'115200 baud':>12}")
    for name, size in rows:
        print(f"{name:42} {size:>7} {wire_s(size, 9600):>9.2f}s {wire_s(size, 115200):>11.3f}s")
    for baud in (9600, 115200):
        times, per_ticket = api_to_last_byte(baud)
        print(
            f"API call → last byte written at {baud} baud over a pty, {len(times)} tickets of "
            f"{per_ticket:.0f} bytes (with status queries): median {statistics.median(times):.3f} s, "
            f"max {max(times):.3f} s"
        )


if __name__ == "__main__":
    main()
