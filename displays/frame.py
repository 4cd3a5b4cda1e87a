"""Vendor LED screen frames, described by a template from the config (no I/O).

A common Chinese window screen takes (REFERENCE.md §4)
``AA · addr · BB 51 54 · chk · 01 00 · 99 00 63 · <GBK text> · FF``
where ``chk`` (byte 5) is the sum, modulo 256, of bytes 6 up to the trailer.
A template names each part, so such a screen is driven from config alone.
"""

from __future__ import annotations

from displays.text import fit_bytes
from hallctl.config.frames import FrameTemplate

CHECKSUM_SIZE = {"none": 0, "sum8": 1, "xor8": 1, "crc16-modbus": 2}


def _hex(value: str) -> bytes:
    return bytes.fromhex(value)


def checksum(kind: str, data: bytes) -> bytes:
    """The checksum of ``data`` by ``kind`` (``none``, ``sum8``, ``xor8``, ``crc16-modbus`` little-endian)."""
    if kind == "sum8":
        return bytes([sum(data) % 256])
    if kind == "xor8":
        value = 0
        for byte in data:
            value ^= byte
        return bytes([value])
    if kind == "crc16-modbus":
        crc = 0xFFFF
        for byte in data:
            crc ^= byte
            for _ in range(8):
                crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        return crc.to_bytes(2, "little")
    return b""


def _address(template: FrameTemplate, address: int) -> bytes:
    if template.address == "u8":
        return bytes([address])
    if template.address == "ascii2":
        return f"{address:02d}".encode()
    return b""


def encode_frame(template: FrameTemplate, address: int, text: str) -> bytes:
    """The bytes that show ``text`` on the screen at ``address``."""
    size = CHECKSUM_SIZE[template.checksum]
    head = _hex(template.header) + _address(template, address) + _hex(template.command)
    body = _hex(template.text_prefix) + fit_bytes(text, template.encoding, template.max_text_bytes)
    trailer = _hex(template.trailer)
    frame = bytearray(head + body + trailer)
    at = len(head + body) if template.checksum_at is None else template.checksum_at
    frame[at:at] = bytes(size)
    frame[at : at + size] = checksum(template.checksum, _covered(template, bytes(frame), at, size))
    return bytes(frame)


def _covered(template: FrameTemplate, frame: bytes, at: int, size: int) -> bytes:
    """The bytes the checksum covers: ``checksum_from``..``checksum_to`` of the frame, without the checksum."""
    to = template.checksum_to
    end = len(frame) if to is None else (len(frame) + to if to < 0 else to)
    return bytes(b for i, b in enumerate(frame) if template.checksum_from <= i < end and not at <= i < at + size)


class FrameError(ValueError):
    """A frame that does not match the template (wrong header, trailer or checksum)."""


def decode_frame(template: FrameTemplate, frame: bytes) -> tuple[int | None, str]:
    """``(address, text)`` of a frame built by :func:`encode_frame`; FrameError when it does not check out."""
    size = CHECKSUM_SIZE[template.checksum]
    header, trailer = _hex(template.header), _hex(template.trailer)
    if not frame.startswith(header) or not frame.endswith(trailer):
        raise FrameError("header or trailer does not match")
    head_len = len(header) + len(_address(template, 1)) + len(_hex(template.command))
    at = len(frame) - len(trailer) - size if template.checksum_at is None else template.checksum_at
    if at < 0 or at + size > len(frame):
        raise FrameError("frame too short")
    without = frame[:at] + frame[at + size :]
    if len(without) < head_len + len(_hex(template.text_prefix)) + len(trailer):
        raise FrameError("frame too short")
    if checksum(template.checksum, _covered(template, frame, at, size)) != frame[at : at + size]:
        raise FrameError("checksum does not match")
    raw_address = without[len(header) : len(header) + len(_address(template, 1))]
    if template.address == "u8":
        address = raw_address[0]
    elif template.address == "ascii2":
        if not raw_address.isdigit():
            raise FrameError("address is not two ASCII digits")
        address = int(raw_address)
    else:
        address = None
    text_start = head_len + len(_hex(template.text_prefix))
    text = without[text_start : len(without) - len(trailer)]
    return address, text.decode(template.encoding, errors="replace")
