"""Fitting text to a device: cut it to a width in printed columns or in encoded bytes, never splitting a character.

The ESC/POS ticket encoder, the HallBus LED encoder and the vendor frame encoder all use these (no I/O).
"""

from __future__ import annotations

import unicodedata

WIDE = "WF"
"""East Asian width classes printed in two columns (wide and full-width)."""


def char_width(char: str) -> int:
    """Printed columns of one character: two for a wide (CJK) character, one otherwise."""
    return 2 if unicodedata.east_asian_width(char) in WIDE else 1


def display_width(text: str) -> int:
    """Printed columns of ``text``: wide (CJK) characters take two."""
    return sum(char_width(char) for char in text)


def fit_columns(text: str, columns: int) -> str:
    """The longest start of ``text`` that fits in ``columns`` printed columns, never splitting a character."""
    used = 0
    for index, char in enumerate(text):
        used += char_width(char)
        if used > columns:
            return text[:index]
    return text


def fit_bytes(text: str, encoding: str, max_bytes: int) -> bytes:
    """``text`` in ``encoding``, cut before the first character that would pass ``max_bytes``.

    Characters the encoding lacks become its replacement character (``?``), as a screen would show them.
    """
    data = b""
    for char in text:
        encoded = char.encode(encoding, errors="replace")
        if len(data) + len(encoded) > max_bytes:
            break
        data += encoded
    return data
