"""Vendor LED frames from a template: the AA … FF worked example and each checksum (REFERENCE.md §4)."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from displays.frame import FrameError, FrameTemplate, checksum, decode_frame, encode_frame

AA_FF = FrameTemplate(
    header="AA",
    address="u8",
    command="BB 51 54",
    text_prefix="01 00 99 00 63",
    trailer="FF",
    encoding="gbk",
    checksum="sum8",
    checksum_at=5,
    checksum_from=6,
)
TEXT = "请A001号到3号窗口"
TEXT_BYTES = bytes.fromhex("C7EB 41303031 BAC5 B5BD 33 BAC5 B4B0 BFDA")


def test_the_aa_ff_window_screen_frame_is_these_29_bytes():
    covered = bytes.fromhex("01 00 99 00 63") + TEXT_BYTES + b"\xff"
    expected = bytes.fromhex("AA 03 BB 51 54") + bytes([sum(covered) % 256]) + covered
    frame = encode_frame(AA_FF, 3, TEXT)
    assert frame == expected and len(frame) == 29
    assert frame.hex(" ").upper().startswith("AA 03 BB 51 54")


def test_the_checksum_can_leave_out_the_trailer():
    template = AA_FF.model_copy(update={"checksum_to": -1})
    covered = bytes.fromhex("01 00 99 00 63") + TEXT_BYTES
    assert encode_frame(template, 3, TEXT)[5] == sum(covered) % 256


@pytest.mark.parametrize(("kind", "expected"), [("sum8", "2A"), ("xor8", "06"), ("crc16-modbus", "84 0A")])
def test_each_checksum_on_a_known_input(kind, expected):
    data = bytes.fromhex("01 03 00 00 00 01")  # the Modbus CRC example: 84 0A
    sums = {"sum8": f"{sum(data) % 256:02X}", "xor8": f"{0x01 ^ 0x03 ^ 0x01:02X}"}
    assert checksum(kind, data).hex(" ").upper() == sums.get(kind, expected)
    assert checksum("crc16-modbus", bytes.fromhex("01 04 00 00 00 03")) == bytes.fromhex("B0 0B")


def test_an_ascii_address_and_a_crc_before_the_trailer():
    template = FrameTemplate(
        header="02",
        address="ascii2",
        command="41",
        trailer="03",
        encoding="gb18030",
        checksum="crc16-modbus",
        checksum_from=1,
        checksum_to=-1,
    )
    frame = encode_frame(template, 7, "A12")
    body = b"\x02" + b"07" + b"A" + b"A12"
    assert frame == body + checksum("crc16-modbus", body[1:]) + b"\x03"
    assert decode_frame(template, frame) == (7, "A12")


def test_text_is_cut_at_its_limit_without_splitting_a_character():
    template = AA_FF.model_copy(update={"max_text_bytes": 5})
    assert decode_frame(template, encode_frame(template, 1, "请A001"))[1] == "请A00"


def test_a_frame_with_a_wrong_checksum_or_trailer_is_refused():
    frame = bytearray(encode_frame(AA_FF, 3, TEXT))
    assert decode_frame(AA_FF, bytes(frame)) == (3, TEXT)
    frame[8] ^= 0x01
    with pytest.raises(FrameError, match="checksum"):
        decode_frame(AA_FF, bytes(frame))
    with pytest.raises(FrameError, match="trailer"):
        decode_frame(AA_FF, bytes(frame[:-1]))


def test_a_template_with_bad_hex_is_refused_naming_the_value():
    with pytest.raises(ValueError, match="not hex"):
        FrameTemplate(header="ZZ")


@given(st.binary(max_size=64))
def test_decoding_arbitrary_bytes_either_works_or_says_why(data):
    with contextlib.suppress(FrameError):
        decode_frame(AA_FF, data)


@given(st.integers(min_value=0, max_value=255), st.text(max_size=20))
def test_every_encoded_frame_decodes_back(address, text):
    frame = encode_frame(AA_FF, address, text)
    decoded_address, decoded = decode_frame(AA_FF, frame)
    assert decoded_address == address
    assert text.encode("gbk", errors="replace").decode("gbk").startswith(decoded)


def test_the_documented_worked_example_checksum_is_0x20():
    frame = encode_frame(AA_FF, 3, TEXT)
    assert frame[5] == 0x20 and sum(frame[6:]) == 0x0C20  # docs/devices.md, "Worked example"
