"""DLE EOT status replies → one printer state (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from . import constants as c


class PrinterState(StrEnum):
    """A ticket printer's state, as derived from its status replies (``unknown``: it did not answer)."""

    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"
    UNKNOWN = "unknown"


STATE_ZH = {
    PrinterState.READY: "正常",
    PrinterState.PAPER_NEAR_END: "纸将尽",
    PrinterState.PAPER_OUT: "缺纸",
    PrinterState.COVER_OPEN: "纸仓盖未关",
    PrinterState.OFFLINE: "离线",
    PrinterState.ERROR: "故障",
    PrinterState.UNKNOWN: "无应答",
}
"""Each state's Chinese name, as the label catalogue has it (``hallctl.labels.DEVICE_STATE``; ``unknown``: the
device has not answered)."""
PRINTABLE = frozenset({PrinterState.READY, PrinterState.PAPER_NEAR_END})


@dataclass(frozen=True)
class PrinterStatus:
    """A printer's state and a human-readable detail."""

    state: PrinterState
    detail: str = ""

    @property
    def printable(self) -> bool:
        """Whether a ticket can be printed in this state (ready, or paper near its end)."""
        return self.state in PRINTABLE


def valid_reply(byte: int | None) -> bool:
    """A real-time status reply always matches 0xx1xx10b."""
    return byte is not None and 0 <= byte <= 0xFF and byte & c.REPLY_MASK == c.REPLY_FIXED


def parse_status(printer: int | None, offline: int | None, paper: int | None) -> PrinterStatus:
    """Combine the replies to DLE EOT 1, 2 and 4 (None = no reply) into one state.

    A printer that does not answer, or answers garbage, is ``unknown`` — never ready.
    """
    replies = {"DLE EOT 1": printer, "DLE EOT 2": offline, "DLE EOT 4": paper}
    if printer is None or offline is None or paper is None:
        silent = [name for name, byte in replies.items() if byte is None]
        return PrinterStatus(PrinterState.UNKNOWN, "no reply to " + ", ".join(silent))
    garbled = [f"{name} → {byte:#04x}" for name, byte in replies.items() if not valid_reply(byte)]
    if garbled:
        return PrinterStatus(PrinterState.UNKNOWN, "garbled reply: " + ", ".join(garbled))
    if offline & c.OFFLINE_COVER_OPEN:
        return PrinterStatus(PrinterState.COVER_OPEN, "cover open")
    if paper & c.PAPER_END == c.PAPER_END or offline & c.OFFLINE_PAPER_END:
        return PrinterStatus(PrinterState.PAPER_OUT, "paper end")
    if offline & c.OFFLINE_ERROR:
        return PrinterStatus(PrinterState.ERROR, "printer error (cutter or head)")
    if printer & c.PRINTER_OFFLINE:
        return PrinterStatus(PrinterState.OFFLINE, "printer offline")
    if paper & c.PAPER_NEAR_END == c.PAPER_NEAR_END:
        return PrinterStatus(PrinterState.PAPER_NEAR_END, "paper near end")
    return PrinterStatus(PrinterState.READY)
