"""The zh/en label catalogue: the names every page, export and ticket shows for the hall's states and codes.

The domain keeps codes (``waiting``, ``idle``, level ``4``); what a person reads for them lives here, once, in
both languages: states, outcomes and reasons in :mod:`.states`; the English names of the categories and
bad-rating reasons the config writes in Chinese in :mod:`.configured`; the message for each error code in
:mod:`.errors`; and the whole catalogue of a hall in one language in :mod:`.catalogue` (``GET /api/v1/labels``).
Look a name up with :func:`zh` or :func:`en`, e.g. ``zh(TICKET_STATUS, ticket.status)``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from .states import (
    DEVICE_KIND,
    DEVICE_STATE,
    FOLLOW_UP_ACTION,
    FOLLOW_UP_STATE,
    HOLD_KIND,
    OUTCOME,
    PAUSE_REASON,
    PRINT_STATUS,
    RATING_LEVEL,
    TICKET_STATUS,
    TICKET_STATUS_HELP,
    WINDOW_STATE,
    Label,
)

__all__ = [
    "DEVICE_KIND",
    "DEVICE_STATE",
    "FOLLOW_UP_ACTION",
    "FOLLOW_UP_STATE",
    "HOLD_KIND",
    "OUTCOME",
    "PAUSE_REASON",
    "PRINT_STATUS",
    "RATING_LEVEL",
    "TICKET_STATUS",
    "TICKET_STATUS_HELP",
    "WINDOW_STATE",
    "Label",
    "en",
    "zh",
]

Key = TypeVar("Key", bound=Hashable)


def zh(catalogue: Mapping[Key, Label], key: Key) -> str:
    """The Chinese name of ``key`` in ``catalogue`` (e.g. ``zh(WINDOW_STATE, window.state)``)."""
    return catalogue[key].zh


def en(catalogue: Mapping[Key, Label], key: Key) -> str:
    """The English name of ``key`` in ``catalogue``."""
    return catalogue[key].en
