"""HallBus Modbus profile v1 encoding (PRODUCT.md §4.5): text packing, register blocks, presses, keys."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from displays import hallbus as hb


def test_text_is_gb18030_two_bytes_per_register_big_endian_zero_padded():
    # 请 C7EB, A 41, 0 30, 1 31, 2 32, 号 BAC5: 8 bytes
    assert hb.pack_text("请A012号", 8) == ([0xC7EB, 0x4130, 0x3132, 0xBAC5], 8)
    assert hb.pack_text("请A012号", 12) == ([0xC7EB, 0x4130, 0x3132, 0xBAC5, 0x0000, 0x0000], 8)


def test_a_wide_character_is_never_split_at_the_end():
    # A 请 A012 号 = 9 bytes; in 8, 号 does not fit and is left out whole
    assert hb.pack_text("A请A012号", 8) == ([0x41C7, 0xEB41, 0x3031, 0x3200], 7)


def test_an_odd_text_area_is_refused():
    with pytest.raises(ValueError, match="even"):
        hb.pack_text("x", 9)


def test_ascii_packs_two_characters_per_register_and_odd_length_pads_the_low_byte():
    assert hb.pack_text("A01", 4) == ([0x4130, 0x3100], 3)


@given(st.text(max_size=80))
def test_unpacking_gives_back_a_prefix_of_the_text(text):
    words, length = hb.pack_text(text, hb.LED_TEXT_BYTES)
    assert len(words) == hb.LED_TEXT_BYTES // 2 and length <= hb.LED_TEXT_BYTES
    shown = hb.unpack_text(words, length)
    assert text.encode("gb18030", errors="replace").decode("gb18030").startswith(shown)


def test_a_led_update_is_one_block_of_80_registers():
    block = hb.led_block("请A012号 到3号窗口", sequence=7, effect=hb.EFFECT_BLINK, blink_s=10)
    assert len(block) == 0x50
    assert block[:4] == [1, 10, 18, 7]  # effect, blink seconds, 18 bytes of text, sequence
    assert block[4:16] == [0] * 12
    assert block[0x10:0x13] == [0xC7EB, 0x4130, 0x3132]
    assert hb.unpack_text(block[0x10:], block[2]) == "请A012号 到3号窗口"


def test_the_sequence_wraps_at_sixteen_bits():
    assert hb.led_block("x", sequence=0x10001)[3] == 1


def test_an_evaluator_update_sets_mode_and_staff_text():
    block = hb.evaluator_block(hb.MODE_INVITING, "工号 1024 李明")
    assert len(block) == 0x30 and block[0] == 1 and block[1:16] == [0] * 15
    assert hb.unpack_text(block[0x10:], 14) == "工号 1024 李明"


def test_press_counters_count_presses_across_wraps_and_report_missed_ones():
    counter = hb.PressCounter()
    assert counter.update(65534) == hb.Presses(0, 0)  # first reading: the baseline
    assert counter.update(65534) == hb.Presses(0, 0)  # repeated poll: no press
    assert counter.update(65535) == hb.Presses(1, 0)
    assert counter.update(1) == hb.Presses(2, 1)  # wrapped through 0: two presses, one missed
    assert counter.update(4) == hb.Presses(3, 2)


def test_caller_keys_map_to_window_actions():
    assert hb.KEY_ACTIONS == {
        1: "call",
        2: "recall",
        3: "no_show",
        4: "start",
        5: "finish",
        6: "pause_toggle",
        8: "hold",
    }
    assert 7 not in hb.KEY_ACTIONS
