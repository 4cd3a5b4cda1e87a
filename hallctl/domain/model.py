"""The hall's entities in one namespace: tickets, windows, ratings, numbers and business days.

The entities live in :mod:`.ticket`, :mod:`.window`, :mod:`.rating` and :mod:`.days`; ``model.Ticket`` and
the like read well at the call sites of the services, so they are gathered here.
"""

from __future__ import annotations

from .days import business_day, day_start, format_number
from .rating import BAD_LEVELS, RATING_LEVELS, Rating
from .ticket import ENDED, HoldKind, Outcome, PrintStatus, Status, Ticket
from .window import Window, WindowState

__all__ = [
    "BAD_LEVELS",
    "ENDED",
    "RATING_LEVELS",
    "HoldKind",
    "Outcome",
    "PrintStatus",
    "Rating",
    "Status",
    "Ticket",
    "Window",
    "WindowState",
    "business_day",
    "day_start",
    "format_number",
]
