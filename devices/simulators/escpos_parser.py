"""The ESC/POS stream a printer receives, parsed into printed tickets (no I/O): what the printer simulator prints.

Text lines with their sizes (``GS !``), Chinese mode (``FS &`` … ``FS .``), QR payloads (``GS ( k``), the cut
(``GS V``); status requests (``DLE EOT n``) go to ``on_status``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PrintedTicket:
    """One ticket as printed: its text lines with their ``GS !`` size byte, QR payloads, cut, and raw bytes."""

    lines: list[tuple[str, int]] = field(default_factory=list)  # (text, GS ! size byte)
    qr: list[str] = field(default_factory=list)
    cut: str = ""
    raw: bytes = b""

    @property
    def text(self) -> str:
        """The ticket's text, one line per printed line."""
        return "\n".join(line for line, _size in self.lines)

    def big_lines(self) -> list[str]:
        """The lines printed in an enlarged size (the ticket number)."""
        return [line for line, size in self.lines if size]


class EscPosParser:
    """Feed bytes; finished tickets (at each cut) land in ``tickets``; status requests call ``on_status``."""

    def __init__(self, encoding: str = "gb18030", on_status=None, on_ticket=None) -> None:
        self.encoding = encoding
        self.on_status = on_status or (lambda n: None)
        self.on_ticket = on_ticket or (lambda ticket: None)
        self.tickets: list[PrintedTicket] = []
        self.errors: list[str] = []
        self._buffer = b""
        self._reset_page()

    def _reset_page(self) -> None:
        self.current = PrintedTicket()
        self._text = b""
        self._chinese = False
        self._size = 0
        self._qr_store = b""

    def feed(self, data: bytes) -> None:
        """Parse these bytes, keeping an incomplete command for the next call."""
        self._buffer += data
        while self._buffer:
            used = self._step(self._buffer)
            if used == 0:
                return  # an incomplete command: wait for more bytes
            self.current.raw += self._buffer[:used]
            self._buffer = self._buffer[used:]

    def _step(self, buf: bytes) -> int:
        b0 = buf[0]
        if b0 == 0x10:  # DLE EOT n
            if len(buf) < 3:
                return 0
            if buf[1] == 0x04:
                self.on_status(buf[2])
            return 3
        if b0 == 0x0A:
            self._end_line()
            return 1
        if b0 == 0x1B:
            return self._esc(buf)
        if b0 == 0x1C:
            return self._fs(buf)
        if b0 == 0x1D:
            return self._gs(buf)
        self._text += bytes([b0])
        return 1

    def _esc(self, buf: bytes) -> int:
        if len(buf) < 2:
            return 0
        if buf[1] == 0x40:  # ESC @
            self._chinese, self._size = False, 0
            return 2
        if buf[1] in (0x61, 0x64, 0x74, 0x21, 0x45, 0x2D, 0x4D, 0x47, 0x7B, 0x56, 0x20, 0x33):
            if len(buf) < 3:
                return 0
            if buf[1] == 0x64:  # ESC d n: feed n lines
                self.current.lines.extend(("", 0) for _ in range(buf[2]))
            return 3
        if buf[1] == 0x32:  # ESC 2: default line spacing
            return 2
        self.errors.append(f"unknown command ESC {buf[1]:#04x}")
        return 2

    def _fs(self, buf: bytes) -> int:
        if len(buf) < 2:
            return 0
        if buf[1] == 0x26:
            self._chinese = True
            return 2
        if buf[1] == 0x2E:
            self._chinese = False
            return 2
        if buf[1] == 0x21:
            return 3 if len(buf) >= 3 else 0
        self.errors.append(f"unknown command FS {buf[1]:#04x}")
        return 2

    def _gs(self, buf: bytes) -> int:
        if len(buf) < 2:
            return 0
        op = buf[1]
        if op == 0x21:  # GS ! n
            if len(buf) < 3:
                return 0
            self._size = buf[2]
            return 3
        if op == 0x56:  # GS V m [n]
            if len(buf) < 3:
                return 0
            m = buf[2]
            size = 4 if m in (65, 66) else 3
            if len(buf) < size:
                return 0
            self._cut("partial" if m in (1, 49, 66) else "full")
            return size
        if op == 0x28 and len(buf) >= 3 and buf[2] == 0x6B:  # GS ( k pL pH cn fn …
            if len(buf) < 5:
                return 0
            length = buf[3] + 256 * buf[4]
            if len(buf) < 5 + length:
                return 0
            body = buf[5 : 5 + length]
            if body[:2] == b"\x31\x50" and body[2:3] == b"\x30":
                self._qr_store = body[3:]
            elif body[:2] == b"\x31\x51":
                self.current.qr.append(self._qr_store.decode("utf-8", errors="replace"))
            return 5 + length
        self.errors.append(f"unknown command GS {op:#04x}")
        return 2

    def _end_line(self) -> None:
        encoding = self.encoding if self._chinese else "latin-1"
        self.current.lines.append((self._text.decode(encoding, errors="replace"), self._size))
        self._text = b""

    def _cut(self, kind: str) -> None:
        if self._text:
            self._end_line()
        self.current.cut = kind
        self.tickets.append(self.current)
        self.on_ticket(self.current)
        self._reset_page()
