"""The hall's hardware: RS-485 buses, devices on them or on their own port, and the voice."""

from __future__ import annotations

import codecs
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from hallctl.config.base import Code, Strict
from hallctl.config.frames import FrameTemplate

STANDARD_BAUDRATES = (300, 600, 1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115200, 230400, 460800, 921600)
"""The serial speeds a bus or a printer may be set to."""


def _standard_baudrate(value: int) -> int:
    if value not in STANDARD_BAUDRATES:
        rates = ", ".join(str(rate) for rate in STANDARD_BAUDRATES)
        raise ValueError(f"baudrate {value} is not a standard serial speed ({rates})")
    return value


Baudrate = Annotated[int, AfterValidator(_standard_baudrate)]


class BusConfig(Strict):
    """``[[buses]]``: an RS-485 line (a pyserial URL) and its speed."""

    name: Code
    url: str
    baudrate: Baudrate = 9600
    timeout_ms: Annotated[int, Field(ge=10, le=5000)] = 100


DeviceKind = Literal["window_led", "hall_led", "evaluator", "caller", "printer"]


class DeviceConfig(BaseModel):
    """A device; protocol-specific keys are kept for the device drivers."""

    model_config = ConfigDict(extra="allow", frozen=True)
    name: Code
    kind: DeviceKind
    bus: str | None = None
    address: Annotated[int, Field(ge=1, le=247)] | None = None
    url: str | None = None
    protocol: Literal["hallbus-modbus", "frame"] = "hallbus-modbus"
    frame: FrameTemplate | None = None
    baudrate: Baudrate = 9600
    encoding: str = "gb18030"
    columns: Literal[32, 42, 48] = 48
    cut: Literal["full", "partial"] = "full"
    footer: str = ""
    status_timeout_ms: Annotated[int, Field(ge=20, le=5000)] = 200
    template: str = "请{number}号 到{window}号窗口"
    idle_text: str = "{window}号窗口 欢迎您"
    width: Annotated[int, Field(ge=2, le=256)] | None = None
    """An LED screen's width in half-width columns (a hanzi takes two); longer text is cut to it."""

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown text encoding {value!r} (gb18030, gbk, big5, cp437 …)") from None
        return value.lower()

    @model_validator(mode="after")
    def _connection(self) -> DeviceConfig:
        if self.kind == "printer":
            if not self.url:
                raise ValueError("a printer needs url (a pyserial URL or tcp://host:9100)")
        elif not self.bus or self.address is None:
            raise ValueError(f"a {self.kind} needs bus and address")
        if self.protocol == "frame":
            if self.kind not in ("window_led", "hall_led"):
                raise ValueError("only LED screens speak the frame protocol")
            if self.frame is None:
                raise ValueError('protocol = "frame" needs a frame template (frame = { header = … })')
        return self


class VoiceConfig(Strict):
    """``[voice]``: spoken calls through libvlc from a voice pack."""

    enabled: bool = False
    pack: str = "voices/zh-CN"
    """The voice pack folder (made by `hallctl voice build --out DIR`); relative to the working directory."""
    template: str = "请{number}号到{window}号窗口办理"
    english: bool = False
    """Say it in English after the Chinese ("number A 0 1 2, please go to window twelve")."""
    repeat: Annotated[int, Field(ge=1, le=5)] = 2
    vlc_args: list[str] = Field(default_factory=list)
    """Passed to libvlc as they are, e.g. ["--aout=alsa"]."""

    @field_validator("template")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        if sorted(re.findall(r"\{(\w*)\}", value)) != ["number", "window"]:
            raise ValueError("the template must contain {number} and {window} once each, and no other {...}")
        return value
