"""The one typed settings schema: TOML → pydantic models.

Errors name the key path and the line in the file, e.g.
``hall.toml:14: services[1].prefix: prefix "A" is already used by service SB``.
"""

from __future__ import annotations

import codecs
import functools
import re
import tomllib
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from displays.frame import FrameTemplate

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")]
Name = Annotated[str, Field(min_length=1, max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HallConfig(_Strict):
    id: Code
    name: Name
    timezone: str = "Asia/Shanghai"
    database: str = "sqlite:///var/hall.db"
    hours: list[str] = Field(default_factory=lambda: ["00:00-24:00"])
    public_url: str = "http://localhost:8080"
    message_queue: str = ""
    secret_key: str = ""
    notice: str = ""

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @field_validator("hours")
    @classmethod
    def _hours_parse(cls, value: list[str]) -> list[str]:
        for span in value:
            parse_span(span)
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def spans(self) -> list[tuple[time, time | None]]:
        """Opening spans as (start, end) local times; end None means midnight."""
        return [parse_span(span) for span in self.hours]


@functools.lru_cache(maxsize=256)
def parse_span(span: str) -> tuple[time, time | None]:
    """Parse ``"08:30-12:00"``; ``24:00`` as an end means end of day (None). Cached: every ticket asks."""
    match = re.fullmatch(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})", span)
    if not match:
        raise ValueError(f"opening span {span!r} is not HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise ValueError(f"opening span {span!r} has an invalid time")
    start = time(h1, m1)
    end = None if h2 == 24 else time(h2, m2)
    if end is not None and end <= start:
        raise ValueError(f"opening span {span!r} ends before it starts")
    return start, end


class ServiceConfig(_Strict):
    code: Code
    name: Name
    name_en: str = ""
    prefix: Annotated[str, Field(pattern=r"^[A-Z]{1,2}$")]
    digits: Annotated[int, Field(ge=2, le=5)] = 3
    daily_cap: Annotated[int, Field(ge=1)] | None = None
    target_wait_min: Annotated[float, Field(gt=0)] = 15
    max_wait_min: Annotated[float, Field(gt=0)] | None = None
    avg_service_min: Annotated[float, Field(gt=0)] = 8
    category: str = ""


class PriorityConfig(_Strict):
    code: Code
    name: Name
    name_en: str = ""
    weight: Annotated[float, Field(ge=1, le=100)] = 1


class WindowService(_Strict):
    code: Code
    weight: Annotated[float, Field(gt=0, le=100)] = 1


class WindowConfig(_Strict):
    number: Annotated[int, Field(ge=1, le=999)]
    name: str = ""
    services: list[Code | WindowService] = Field(min_length=1)
    led: str | None = None
    evaluator: str | None = None
    caller: str | None = None

    @property
    def work_profile(self) -> dict[str, float]:
        """Service code → weight for call-next."""
        return {(s if isinstance(s, str) else s.code): (1.0 if isinstance(s, str) else s.weight) for s in self.services}

    @property
    def label(self) -> str:
        return self.name or f"{self.number}号窗口"


class KioskConfig(_Strict):
    id: Code
    name: str = ""
    printer: str | None = None


class BusConfig(_Strict):
    name: Code
    url: str
    baudrate: int = 9600
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
    baudrate: int = 9600
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


class VoiceConfig(_Strict):
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


class RoutingConfig(_Strict):
    priority_interleave: Annotated[int, Field(ge=0, le=20)] = 0
    """N priority calls at a window, then one normal ticket (0 = off)."""
    requeue_no_show: bool = False
    """A no-show goes back to the queue once instead of ending."""
    rating_timeout_s: Annotated[int, Field(ge=5, le=3600)] = 60


class RatingsConfig(_Strict):
    reasons: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default_factory=lambda: ["态度不好", "效率低", "一次性告知不清", "材料要求不合理", "其他"]
    )
    """The fixed list a citizen picks from for a bad rating (levels 4-5)."""
    phone_window_days: Annotated[int, Field(ge=1, le=90)] = 7
    verify_days: Annotated[int, Field(ge=1, le=60)] = 1
    rectify_days: Annotated[int, Field(ge=1, le=60)] = 15
    revisit_days: Annotated[int, Field(ge=1, le=60)] = 5
    default_after_days: Annotated[int, Field(ge=0, le=90)] = 0
    """Rate a finished ticket nobody rated after this many natural days (0 = never; Guangdong: 7)."""
    default_level: Annotated[int, Field(ge=1, le=5)] = 3
    """The level given by that rule (3 基本满意); such ratings are reported apart from real ones."""


class PrivacyConfig(_Strict):
    citizen_hash_days: Annotated[int, Field(ge=1, le=3650)] = 90
    """How long a ticket keeps the keyed hash of its citizen's ID number or phone (最多跑一次 reports)."""


class Config(_Strict):
    hall: HallConfig
    services: list[ServiceConfig] = Field(min_length=1)
    priorities: list[PriorityConfig] = Field(
        default_factory=lambda: [
            PriorityConfig(code="normal", name="普通", name_en="Normal", weight=1),
            PriorityConfig(code="green", name="绿色通道", name_en="Priority lane", weight=3),
        ]
    )
    windows: list[WindowConfig] = Field(min_length=1)
    kiosks: list[KioskConfig] = Field(default_factory=list)
    buses: list[BusConfig] = Field(default_factory=list)
    devices: list[DeviceConfig] = Field(default_factory=list)
    voice: VoiceConfig = VoiceConfig()
    routing: RoutingConfig = RoutingConfig()
    ratings: RatingsConfig = RatingsConfig()
    privacy: PrivacyConfig = PrivacyConfig()

    @model_validator(mode="after")
    def _references(self) -> Config:
        _unique(self.services, "code", "services")
        _unique(self.services, "prefix", "services")
        _unique(self.priorities, "code", "priorities")
        _unique(self.windows, "number", "windows")
        _unique(self.kiosks, "id", "kiosks")
        _unique(self.buses, "name", "buses")
        _unique(self.devices, "name", "devices")
        codes = {s.code for s in self.services}
        for i, window in enumerate(self.windows):
            for code in window.work_profile:
                if code not in codes:
                    raise _RefError(("windows", i, "services"), f"unknown service {code!r}")
            for key, kind in (("led", "window_led"), ("evaluator", "evaluator"), ("caller", "caller")):
                self._device_ref(getattr(window, key), kind, ("windows", i, key))
        for i, kiosk in enumerate(self.kiosks):
            self._device_ref(kiosk.printer, "printer", ("kiosks", i, "printer"))
        buses = {b.name for b in self.buses}
        protocols: dict[str, str] = {}
        for i, device in enumerate(self.devices):
            if device.bus is not None and device.bus not in buses:
                raise _RefError(("devices", i, "bus"), f"unknown bus {device.bus!r}")
            if device.bus is not None and protocols.setdefault(device.bus, device.protocol) != device.protocol:
                raise _RefError(
                    ("devices", i, "protocol"),
                    f"bus {device.bus!r} already carries {protocols[device.bus]}; one protocol per bus",
                )
        if not any(p.weight == 1 for p in self.priorities):
            raise _RefError(("priorities",), "one priority class must have weight 1 (normal)")
        return self

    def _device_ref(self, name: str | None, kind: str, loc: tuple) -> None:
        if name is None:
            return
        device = next((d for d in self.devices if d.name == name), None)
        if device is None:
            raise _RefError(loc, f"unknown device {name!r}")
        if device.kind != kind:
            raise _RefError(loc, f"device {name!r} is a {device.kind}, expected a {kind}")

    def service(self, code: str) -> ServiceConfig:
        return next(s for s in self.services if s.code == code)

    def window(self, number: int) -> WindowConfig:
        return next(w for w in self.windows if w.number == number)

    @property
    def normal_priority(self) -> str:
        return next(p.code for p in self.priorities if p.weight == 1)


class _RefError(ValueError):
    """A cross-reference error that knows where it belongs."""

    def __init__(self, loc: tuple, message: str) -> None:
        super().__init__(message)
        self.loc = loc


def _unique(items: list, attr: str, section: str) -> None:
    seen: dict = {}
    for i, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            raise _RefError((section, i, attr), f"{attr} {value!r} is already used by {section}[{seen[value]}]")
        seen[value] = i


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in a config file: where, and what."""

    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.key}: {self.message}"


class ConfigError(Exception):
    """A config file that cannot be used; ``issues`` names every problem."""

    def __init__(self, path: str, issues: list[ConfigIssue]) -> None:
        self.path = path
        self.issues = issues
        super().__init__("\n".join(f"{path}: {issue}" for issue in issues))


def load_config(path: str | Path) -> Config:
    """Read and validate a TOML config file.

    Raises:
        ConfigError: naming each bad key with its line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [ConfigIssue(None, "(file)", f"cannot read: {exc}")]) from None
    return parse_config(text, str(path))


def parse_config(text: str, source: str = "<config>") -> Config:
    """Validate TOML text; see :func:`load_config`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        raise ConfigError(source, [ConfigIssue(line, "(syntax)", str(exc))]) from None
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        locator = _LineLocator(text)
        issues = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            ctx_error = (err.get("ctx") or {}).get("error")
            if isinstance(ctx_error, _RefError):
                loc = ctx_error.loc
            issues.append(ConfigIssue(locator.line(loc), _dotted(loc), message))
        raise ConfigError(source, issues) from None


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top)"


class _LineLocator:
    """Find the line of a key path such as ("services", 2, "prefix") in TOML text."""

    _table = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_.-]+)\s*\]")
    _key = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line(self, loc: tuple) -> int | None:
        if not loc:
            return None
        section, rest = str(loc[0]), list(loc[1:])
        index = rest.pop(0) if rest and isinstance(rest[0], int) else None
        key = next((str(p) for p in rest if not isinstance(p, int)), None)
        start = self._section_start(section, index)
        if start is None:
            return self._top_key(section)
        if key is None:
            return start + 1
        for n in range(start + 1, len(self.lines)):
            if self._table.match(self.lines[n]):
                break
            match = self._key.match(self.lines[n])
            if match and match.group(1) == key:
                return n + 1
        return start + 1

    def _section_start(self, section: str, index: int | None) -> int | None:
        count = -1
        for n, text in enumerate(self.lines):
            match = self._table.match(text)
            if match and match.group(2) == section:
                count += 1
                if index is None or count == index:
                    return n
        return None

    def _top_key(self, key: str) -> int | None:
        for n, text in enumerate(self.lines):
            if self._table.match(text):
                return None
            match = self._key.match(text)
            if match and match.group(1) == key:
                return n + 1
        return None
