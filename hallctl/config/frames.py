"""The settings schema of a vendor LED screen's frame (``frame = { header = … }``); displays/frame.py encodes it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Checksum = Literal["none", "sum8", "xor8", "crc16-modbus"]


class FrameTemplate(BaseModel):
    """``[header][address][command][text_prefix][text][trailer]`` with a checksum placed at ``checksum_at``.

    Positions count bytes of the finished frame from 0. The checksum covers bytes
    ``checksum_from`` up to (not including) ``checksum_to``, leaving out its own
    bytes — a negative ``checksum_to`` counts from the end, so -1 leaves out a
    one-byte trailer; omitted, it runs to the end. ``checksum_at`` omitted puts
    the checksum just before the trailer.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    header: str = "AA"
    address: Literal["u8", "ascii2", "none"] = "u8"
    command: str = ""
    text_prefix: str = ""
    trailer: str = "FF"
    encoding: str = "gbk"
    checksum: Checksum = "sum8"
    checksum_at: int | None = None
    checksum_from: int = 0
    checksum_to: int | None = None
    gap_ms: int = Field(default=100, ge=0, le=5000)
    max_text_bytes: int = Field(default=64, ge=2, le=1024)

    @field_validator("header", "command", "text_prefix", "trailer")
    @classmethod
    def _is_hex(cls, value: str) -> str:
        try:
            bytes.fromhex(value)
        except ValueError:
            raise ValueError(f"{value!r} is not hex bytes like 'AA 01'") from None
        return value
