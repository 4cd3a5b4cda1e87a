"""The ticket as ESC/POS bytes (no I/O).

python-escpos builds the commands it gets right (alignment, ASCII size, native
QR ``GS ( k``, cut). Chinese text we frame ourselves: python-escpos 3.1 sends it
as bare GB18030 without ``FS &`` and turns full-width punctuation into ``?``
(../shared/REFERENCE.md §2). On a printer without a Chinese mode (cp437 …) the
English texts are printed instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from escpos.printer import Dummy

from displays.text import fit_columns
from hallctl.domain.printed import TicketContent

from . import constants as c


@dataclass(frozen=True)
class Layout:
    """How a printer lays a ticket out: text encoding, columns per line, cut (``full``/``partial``), QR module size."""

    encoding: str = "gb18030"
    columns: int = 48
    cut: str = "full"  # "full" | "partial"
    qr_size: int = 6

    @property
    def cjk(self) -> bool:
        """Whether the encoding is a Chinese one, which needs Chinese mode (``FS &``) around non-ASCII text."""
        return self.encoding.lower() in c.CJK_ENCODINGS


def text_line(text: str, layout: Layout, columns: int | None = None) -> bytes:
    """One line in the printer's encoding; non-ASCII lines inside FS & … FS . on Chinese printers."""
    line = fit_columns(text, columns or layout.columns)
    data = line.encode(layout.encoding, errors="replace")
    if layout.cjk and not line.isascii():
        return c.FS_CHINESE_ON + data + c.LF + c.FS_CHINESE_OFF
    return data + c.LF


def _escpos(action) -> bytes:
    printer = Dummy()
    action(printer)
    return printer.output


def encode_ticket(ticket: TicketContent, layout: Layout) -> bytes:
    """The whole ticket: init, header, big number, service, queue info, QR, footer, cut."""
    zh = layout.cjk
    words = ticket.words_zh if zh else ticket.words_en
    parts = [c.ESC_INIT, _escpos(lambda p: p.set(align="center"))]
    parts.append(text_line(words.heading.format(name=ticket.hall_name), layout))
    parts.append(text_line("-" * layout.columns, layout))
    parts.append(_escpos(lambda p: p.set(custom_size=True, width=2, height=2)))
    parts.append(text_line(ticket.number, layout, layout.columns // 2))
    parts.append(c.GS_SIZE + bytes([c.ASCII_NORMAL]))
    parts.append(text_line(ticket.service_name if zh else (ticket.service_name_en or ticket.number), layout))
    if ticket.priority_name:
        parts.append(text_line(f"【{ticket.priority_name}】" if zh else f"[{ticket.priority_name_en}]", layout))
    parts.append(text_line(words.ahead.format(n=ticket.ahead), layout))
    if ticket.est_wait_min is not None:
        lo, hi = ticket.est_wait_min
        parts.append(text_line(words.wait.format(lo=lo, hi=hi), layout))
    parts.append(_escpos(lambda p: p.qr(ticket.track_url, native=True, size=layout.qr_size)))
    parts.append(text_line(words.scan, layout))
    parts.append(text_line(words.issued.format(at=ticket.issued_local), layout))
    if ticket.footer:
        parts.append(text_line(ticket.footer, layout))
    parts.append(_escpos(lambda p: p.cut(mode="PART" if layout.cut == "partial" else "FULL")))
    return b"".join(parts)
