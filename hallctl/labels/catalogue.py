"""The whole catalogue of one hall in one language, as ``GET /api/v1/labels`` serves it and the pages embed it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from hallctl.config import Config

from .configured import CATEGORY_EN, RATING_REASON_EN, configured_labels
from .errors import ERRORS, GENERIC, ErrorText
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

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

TABLES: Mapping[str, Mapping[Any, Label]] = {
    "ticket_status": TICKET_STATUS,
    "ticket_status_help": TICKET_STATUS_HELP,
    "window_state": WINDOW_STATE,
    "outcome": OUTCOME,
    "rating_level": RATING_LEVEL,
    "hold_kind": HOLD_KIND,
    "pause_reason": PAUSE_REASON,
    "print_status": PRINT_STATUS,
    "followup_state": FOLLOW_UP_STATE,
    "followup_action": FOLLOW_UP_ACTION,
    "device_state": DEVICE_STATE,
    "device_kind": DEVICE_KIND,
}
"""The fixed tables, by the name the catalogue gives them."""


def pick(label: Label, lang: Lang) -> str:
    """``label`` in ``lang``."""
    return label.en if lang == "en" else label.zh


def hall_tables(config: Config) -> dict[str, dict[str, Label]]:
    """The hall's own names: its services, priority classes, service categories and bad-rating reasons."""
    return {
        "service": {s.code: Label(s.name, s.name_en or s.name) for s in config.services},
        "priority": {p.code: Label(p.name, p.name_en or p.name) for p in config.priorities},
        "category": configured_labels(dict.fromkeys(s.category for s in config.services), CATEGORY_EN),
        "rating_reason": configured_labels(config.ratings.reasons, RATING_REASON_EN),
    }


def _error(text: ErrorText, lang: Lang) -> dict[str, str]:
    return {"message": pick(text.message, lang), **{place: pick(label, lang) for place, label in text.where.items()}}


def catalogue(config: Config, lang: Lang) -> dict[str, Any]:
    """Every name of the hall in ``lang``: ``{table: {code: name}}``, and ``errors: {code: {message, <place>…}}``
    with ``generic_error`` for a code without an entry (see :mod:`hallctl.labels.errors`)."""
    tables = {**TABLES, **hall_tables(config)}
    return {
        "lang": lang,
        **{name: {str(code): pick(label, lang) for code, label in table.items()} for name, table in tables.items()},
        "errors": {code: _error(text, lang) for code, text in ERRORS.items()},
        "generic_error": pick(GENERIC, lang),
    }
