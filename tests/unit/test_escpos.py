"""Golden bytes of the ticket encoder and the DLE EOT status parser (../shared/REFERENCE.md §2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices import constants as c
from devices.escpos_ticket import Layout, encode_ticket, text_line
from devices.printer_status import PrinterState, parse_status, valid_reply
from devices.simulators.escpos_printer import EscPosParser
from displays.text import display_width, fit_columns
from hallctl.domain.printed import TicketContent
from hallctl.labels.printed import TICKET_WORDS

CONTENT = TicketContent(
    words_zh=TICKET_WORDS["zh"],
    words_en=TICKET_WORDS["en"],
    hall_name="示范中心",
    number="A012",
    service_name="社保医保",
    service_name_en="Social insurance",
    ahead=3,
    est_wait_min=(5, 12),
    issued_local="2026-11-23 09:00",
    track_url="http://h/t/7?token=abc",
    priority_name="绿色通道",
    priority_name_en="Priority",
    footer="谢谢",
)


def zh(hex_bytes: str) -> bytes:
    """A Chinese-mode line: FS & … LF FS ."""
    return c.FS_CHINESE_ON + bytes.fromhex(hex_bytes) + c.LF + c.FS_CHINESE_OFF


# -- text -----------------------------------------------------------------------------------


def test_chinese_text_is_framed_in_fs_ampersand_in_gb18030():
    assert text_line("请A001号", Layout("gb18030")) == zh("C7EB 41303031 BAC5")


def test_full_width_punctuation_is_encoded_not_turned_into_question_marks():
    line = text_line("A001，：（）", Layout("gb18030"))
    assert line == zh("41303031 A3AC A3BA A3A8 A3A9")
    assert b"?" not in line


@pytest.mark.parametrize(
    ("encoding", "expected"), [("gb18030", "C7EB BAC5"), ("gbk", "C7EB BAC5"), ("big5", "BDD0 B8B9")]
)
def test_each_chinese_encoding_gives_its_own_bytes(encoding, expected):
    text = "请号" if encoding != "big5" else "請號"
    assert text_line(text, Layout(encoding)) == zh(expected)


def test_ascii_lines_are_sent_plain_and_latin_printers_get_no_chinese_mode():
    assert text_line("A001", Layout("gb18030")) == b"A001\n"
    assert text_line("Grüße", Layout("cp437")) == bytes.fromhex("47 72 81 E1 65") + c.LF


def test_text_is_cut_to_the_columns_without_splitting_a_character():
    assert fit_columns("社保医保业务", 5) == "社保"
    assert display_width(fit_columns("A社保", 4)) == 3
    assert text_line("社保医保", Layout("gb18030", columns=32), columns=5) == zh("C9E7 B1A3")


# -- a whole ticket ----------------------------------------------------------------------------


def qr_bytes(payload: str, size: int = 6) -> bytes:
    data = payload.encode()
    store_len = len(data) + 3
    return (
        b"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00"
        + b"\x1d\x28\x6b\x03\x00\x31\x43"
        + bytes([size])
        + b"\x1d\x28\x6b\x03\x00\x31\x45\x30"
        + b"\x1d\x28\x6b"
        + bytes([store_len % 256, store_len // 256])
        + b"\x31\x50\x30"
        + data
        + b"\x1d\x28\x6b\x03\x00\x31\x51\x30"
    )


def test_the_whole_chinese_ticket_is_these_bytes():
    layout = Layout("gb18030", columns=32, cut="partial")
    expected = b"".join(
        [
            c.ESC_INIT,
            b"\x1b\x61\x01",  # ESC @, centre
            zh("CABE B7B6 D6D0 D0C4"),  # 示范中心
            b"-" * 32 + c.LF,
            b"\x1d\x21\x11",
            b"A012\n",
            b"\x1d\x21\x00",  # the number in double width and height
            zh("C9E7 B1A3 D2BD B1A3"),  # 社保医保
            zh("A1BE C2CC C9AB CDA8 B5C0 A1BF"),  # 【绿色通道】
            zh("C4FA C7B0 C3E6 BBB9 D3D0 2033 20C8 CB"),  # 您前面还有 3 人
            zh("D4A4 BCC6 B5C8 BAF2 2035 2D31 3220 B7D6 D6D3"),  # 预计等候 5-12 分钟
            qr_bytes("http://h/t/7?token=abc"),
            zh("C9A8 C2EB B2E9 BFB4 C5C5 B6D3 BDF8 B6C8"),  # 扫码查看排队进度
            zh("C8A1 BAC5 CAB1 BCE4 20" + b"2026-11-23 09:00".hex()),
            zh("D0BB D0BB"),  # 谢谢
            b"\x1b\x64\x06\x1d\x56\x01",  # feed 6, partial cut
        ]
    )
    assert encode_ticket(CONTENT, layout) == expected


def test_a_latin_printer_gets_the_english_ticket_and_a_full_cut():
    data = encode_ticket(CONTENT, Layout("cp437", columns=42))
    assert c.FS_CHINESE_ON not in data
    assert b"Social insurance\n" in data and b"3 ahead of you\n" in data and b"[Priority]\n" in data
    assert data.endswith(b"\x1b\x64\x06\x1d\x56\x00")


def test_the_encoded_ticket_reads_back_through_the_simulator_parser():
    parser = EscPosParser("gb18030")
    parser.feed(encode_ticket(CONTENT, Layout("gb18030")))
    [ticket] = parser.tickets
    assert ticket.big_lines() == ["A012"]
    assert "社保医保" in ticket.text and "您前面还有 3 人" in ticket.text
    assert ticket.qr == ["http://h/t/7?token=abc"] and ticket.cut == "full"
    assert parser.errors == []


def test_a_long_url_is_stored_with_its_length_in_pl_ph():
    url = "http://192.168.1.10:8080/t/123456?token=" + "x" * 200
    data = encode_ticket(TicketContent(**{**CONTENT.__dict__, "track_url": url}), Layout())
    stored = len(url) + 3
    assert b"\x1d\x28\x6b" + bytes([stored % 256, stored // 256]) + b"\x31\x50\x30" + url.encode() in data


# -- status --------------------------------------------------------------------------------------

OK1, OK2, OK4 = 0x12, 0x12, 0x12


@pytest.mark.parametrize(
    ("printer", "offline", "paper", "state"),
    [
        (OK1, OK2, OK4, PrinterState.READY),
        (OK1, OK2, 0x1E, PrinterState.PAPER_NEAR_END),  # bits 2+3 of n=4
        (OK1 | 0x08, OK2 | 0x20, 0x72, PrinterState.PAPER_OUT),  # bits 5+6 of n=4, bit 5 of n=2
        (OK1 | 0x08, OK2 | 0x20, OK4, PrinterState.PAPER_OUT),  # stopped at paper end
        (OK1 | 0x08, OK2 | 0x04, OK4, PrinterState.COVER_OPEN),  # bit 2 of n=2
        (OK1 | 0x08, OK2 | 0x40, OK4, PrinterState.ERROR),  # bit 6 of n=2
        (OK1 | 0x08, OK2, OK4, PrinterState.OFFLINE),  # bit 3 of n=1, no cause given
        (OK1 | 0x04, OK2 | 0x08, OK4, PrinterState.READY),  # drawer pin, feed button: not faults
        (None, OK2, OK4, PrinterState.UNKNOWN),
        (OK1, None, None, PrinterState.UNKNOWN),
        (0xFF, OK2, OK4, PrinterState.UNKNOWN),  # not 0xx1xx10b
        (OK1, 0x00, OK4, PrinterState.UNKNOWN),
    ],
)
def test_each_status_bit_gives_its_state(printer, offline, paper, state):
    assert parse_status(printer, offline, paper).state == state


def test_a_cover_open_outranks_paper_out_and_silence_is_never_ready():
    assert parse_status(0x1A, 0x36, 0x72).state == PrinterState.COVER_OPEN
    status = parse_status(None, None, None)
    assert not status.printable and "no reply to DLE EOT 1" in status.detail


@given(st.integers(min_value=0, max_value=255))
def test_only_bytes_of_the_form_0xx1xx10_are_replies(byte):
    assert valid_reply(byte) == (byte & 0b10010011 == 0b00010010)


@given(st.binary(max_size=400))
def test_the_simulator_parser_never_crashes_on_any_bytes(data):
    parser = EscPosParser("gb18030", on_status=lambda n: None)
    parser.feed(data)
    parser.feed(b"\x1d\x56\x00")
    assert all(isinstance(t.text, str) for t in parser.tickets)
