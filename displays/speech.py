"""What an announcement says, as a sequence of clip tokens (no I/O).

请A012号到12号窗口办理 → chime · 请 · A · 零 · 一 · 二 · 号 · 到 · 十 · 二 · 号窗口办理:
the ticket number is read letter by letter and digit by digit, the window as a
Chinese cardinal. English, when enabled, follows: "number · A · 0 · 1 · 2 ·
please go to window · twelve". English tokens carry the prefix ``en:``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

CHIME = "chime"
DIGITS_ZH = "零一二三四五六七八九"
LETTERS = tuple(string.ascii_uppercase)
PHRASES_ZH = ("请", "号", "到", "号窗口办理", "号窗口", "窗口", "办理", "十", "百")
UNITS_EN = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
TENS_EN = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
PHRASES_EN = ("number", "please go to window", "hundred")
PLACEHOLDER = re.compile(r"\{(number|window)\}")


class TemplateError(ValueError):
    """The template says something the clips cannot."""


def cardinal_zh(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 101 → 一百零一, 110 → 一百一十 (windows 1-999)."""
    if not 1 <= n <= 999:
        raise ValueError(f"window numbers are 1-999, not {n}")
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    out = ""
    if hundreds:
        out += DIGITS_ZH[hundreds] + "百"
    if tens:
        out += ("" if tens == 1 and not hundreds else DIGITS_ZH[tens]) + "十"
    elif hundreds and units:
        out += "零"
    if units:
        out += DIGITS_ZH[units]
    return out


def cardinal_en(n: int) -> list[str]:
    """12 → [twelve], 21 → [twenty, one], 105 → [one, hundred, five]."""
    if not 1 <= n <= 999:
        raise ValueError(f"window numbers are 1-999, not {n}")
    words = []
    if n >= 100:
        words += [UNITS_EN[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        words.append(TENS_EN[n // 10])
        n %= 10
    if n:
        words.append(UNITS_EN[n])
    return words


def _ticket_zh(number: str) -> list[str]:
    return [DIGITS_ZH[int(c)] if c.isdigit() else c.upper() for c in number]


def _ticket_en(number: str) -> list[str]:
    return [f"en:{c.upper()}" for c in number]


def split_phrases(text: str, phrases: Iterable[str]) -> list[str]:
    """Cut literal template text into the longest known phrases, left to right.

    Raises:
        TemplateError: some of the text has no phrase.
    """
    known = sorted(set(phrases), key=len, reverse=True)
    out, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        match = next((p for p in known if text.startswith(p, i)), None)
        if match is None:
            raise TemplateError(f"the voice pack has no clip for {text[i:]!r} (in {text!r})")
        out.append(match)
        i += len(match)
    return out


def tokens(
    template: str, number: str, window: int, *, english: bool = False, phrases: Iterable[str] = PHRASES_ZH
) -> list[str]:
    """The clip tokens of one announcement, chime first.

    Raises:
        TemplateError: the template has text no phrase covers, or lacks ``{number}`` / ``{window}``.
    """
    check_template(template, phrases)
    if not re.fullmatch(r"[A-Za-z]*\d+", number):
        raise TemplateError(f"cannot read ticket number {number!r}: letters then digits, like A012")
    out = [CHIME]
    for part in PLACEHOLDER.split(template):
        if part == "number":
            out += _ticket_zh(number)
        elif part == "window":
            out += list(cardinal_zh(window))
        elif part:
            out += split_phrases(part, phrases)
    if english:
        out += ["en:number", *_ticket_en(number), "en:please go to window", *(f"en:{w}" for w in cardinal_en(window))]
    return out


def check_template(template: str, phrases: Iterable[str] = PHRASES_ZH) -> None:
    """Raises TemplateError unless the template names both placeholders and its text splits into phrases."""
    found = PLACEHOLDER.findall(template)
    if sorted(found) != ["number", "window"]:
        raise TemplateError(f"the template must contain {{number}} and {{window}} once each: {template!r}")
    for part in PLACEHOLDER.split(template):
        if part not in ("number", "window"):
            split_phrases(part, phrases)


def all_tokens() -> list[str]:
    """Every token an announcement can use: what a complete voice pack has a clip for."""
    zh = [CHIME, *DIGITS_ZH, *LETTERS, *PHRASES_ZH]
    en = [*UNITS_EN, *TENS_EN[2:], *PHRASES_EN, *LETTERS, *"0123456789"]
    return list(dict.fromkeys(zh + [f"en:{w}" for w in en]))
