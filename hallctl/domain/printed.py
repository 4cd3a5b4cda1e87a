"""What a printed ticket says: plain values the hall server reads from a ticket and a printer driver encodes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TicketWords:
    """A printed ticket's fixed words in one language, from the hall's label catalogue (``hallctl.labels``).

    ``{name}``, ``{n}``, ``{lo}``, ``{hi}`` and ``{at}`` are filled in: the hall's name, the people ahead, the
    wait range in minutes, the issue time.
    """

    heading: str
    ahead: str
    wait: str
    scan: str
    issued: str


@dataclass(frozen=True)
class TicketContent:
    """A ticket's printed content.

    Attributes:
        est_wait_min: the wait range ``(low, high)`` in minutes while the ticket waits, else None.
        issued_local: the issue time in the hall's timezone, as printed.
        track_url: the phone page's address, printed as a QR code.
        priority_name: the priority lane's name (绿色通道) for tickets above the normal class, else empty.
        words_zh, words_en: the ticket's fixed words; a printer without Chinese prints the English ones.
        footer: the printer's configured footer line.
    """

    hall_name: str
    number: str
    service_name: str
    service_name_en: str
    ahead: int
    est_wait_min: tuple[int, int] | None
    issued_local: str
    track_url: str
    words_zh: TicketWords
    words_en: TicketWords
    priority_name: str = ""
    priority_name_en: str = ""
    footer: str = ""
