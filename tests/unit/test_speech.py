"""What an announcement says: clip tokens for every ticket number and window, with and without English."""

import string

import pytest

from displays import speech

TEMPLATE = "请{number}号到{window}号窗口办理"
DIGITS = {c: i for i, c in enumerate(speech.DIGITS_ZH)}


def read_cardinal(text: str) -> int:
    """An independent reader of 一百零一-style numerals, to check cardinal_zh against."""
    total, digit = 0, None
    for char in text:
        if char == "百":
            total += digit * 100
            digit = None
        elif char == "十":
            total += (digit if digit is not None else 1) * 10
            digit = None
        elif char == "零":
            digit = None
        else:
            digit = DIGITS[char]
    return total + (digit or 0)


def test_window_cardinals_read_as_a_person_says_them():
    assert [speech.cardinal_zh(n) for n in (1, 2, 10, 11, 12, 20, 21, 99, 100, 101, 110, 120, 999)] == [
        "一",
        "二",
        "十",
        "十一",
        "十二",
        "二十",
        "二十一",
        "九十九",
        "一百",
        "一百零一",
        "一百一十",
        "一百二十",
        "九百九十九",
    ]


def test_every_window_number_reads_back_to_itself():
    assert [read_cardinal(speech.cardinal_zh(window)) for window in range(1, 1000)] == list(range(1, 1000))


def test_windows_1_to_99_in_english():
    assert speech.cardinal_en(7) == ["seven"]
    assert speech.cardinal_en(12) == ["twelve"]
    assert speech.cardinal_en(40) == ["forty"]
    assert speech.cardinal_en(99) == ["ninety", "nine"]
    assert speech.cardinal_en(105) == ["one", "hundred", "five"]


@pytest.mark.parametrize("prefix", string.ascii_uppercase)
def test_ticket_numbers_1_to_999_are_read_letter_then_digit_by_digit(prefix):
    for n in range(1, 1000):
        number = f"{prefix}{n:03d}"
        said = speech.tokens(TEMPLATE, number, 3)
        assert said[:2] == ["chime", "请"]
        assert said[2:6] == [prefix, *(speech.DIGITS_ZH[int(d)] for d in f"{n:03d}")]
        assert said[6:] == ["号", "到", "三", "号窗口办理"]


def test_the_full_announcement_for_a012_at_window_12():
    assert speech.tokens(TEMPLATE, "A012", 12) == [
        "chime",
        "请",
        "A",
        "零",
        "一",
        "二",
        "号",
        "到",
        "十",
        "二",
        "号窗口办理",
    ]


def test_english_follows_the_chinese_when_enabled():
    said = speech.tokens(TEMPLATE, "B105", 21, english=True)
    chinese_end = said.index("号窗口办理") + 1
    assert said[:chinese_end] == ["chime", "请", "B", "一", "零", "五", "号", "到", "二", "十", "一", "号窗口办理"]
    assert said[chinese_end:] == [
        "en:number",
        "en:B",
        "en:1",
        "en:0",
        "en:5",
        "en:please go to window",
        "en:twenty",
        "en:one",
    ]


def test_another_template_splits_into_the_longest_phrases_the_pack_has():
    assert speech.tokens("请{number}号 到{window}号窗口", "C7", 4) == [
        "chime",
        "请",
        "C",
        "七",
        "号",
        "到",
        "四",
        "号窗口",
    ]


def test_a_template_the_pack_cannot_say_is_refused_naming_the_text():
    with pytest.raises(speech.TemplateError, match="no clip for '稍候'"):
        speech.tokens("{number}号到{window}号窗口请稍候", "A1", 1)
    with pytest.raises(speech.TemplateError, match=r"\{number\} and \{window\}"):
        speech.tokens("请到{window}号窗口", "A1", 1)
    with pytest.raises(speech.TemplateError, match="cannot read ticket number"):
        speech.tokens(TEMPLATE, "A-1", 1)


def test_a_complete_pack_covers_every_token_any_announcement_uses():
    needed = set()
    for prefix in string.ascii_uppercase:
        for window in (1, 10, 15, 40, 99, 100, 999):
            needed |= set(speech.tokens(TEMPLATE, f"{prefix}0123456789", window, english=True))
    assert needed <= set(speech.all_tokens())
