"""The whole settings file, and the checks that span its tables (unique keys, names that must exist)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field, model_validator

from hallctl.config.base import KeyPath, LocatedError, Strict
from hallctl.config.devices import BusConfig, DeviceConfig, VoiceConfig
from hallctl.config.hall import HallConfig, PrivacyConfig, RatingsConfig, RoutingConfig
from hallctl.config.services import KioskConfig, PriorityConfig, ServiceConfig, WindowConfig


class Config(Strict):
    """A hall's settings, as read from its TOML file."""

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
                    raise LocatedError(("windows", i, "services"), f"unknown service {code!r}")
            for key, kind in (("led", "window_led"), ("evaluator", "evaluator"), ("caller", "caller")):
                self._device_ref(getattr(window, key), kind, ("windows", i, key))
        for i, kiosk in enumerate(self.kiosks):
            self._device_ref(kiosk.printer, "printer", ("kiosks", i, "printer"))
        self._buses_exist_with_one_protocol()
        if not any(p.weight == 1 for p in self.priorities):
            raise LocatedError(("priorities",), "one priority class must have weight 1 (normal)")
        return self

    def _device_ref(self, name: str | None, kind: str, loc: KeyPath) -> None:
        if name is None:
            return
        device = next((d for d in self.devices if d.name == name), None)
        if device is None:
            raise LocatedError(loc, f"unknown device {name!r}")
        if device.kind != kind:
            raise LocatedError(loc, f"device {name!r} is a {device.kind}, expected a {kind}")

    def _buses_exist_with_one_protocol(self) -> None:
        buses = {b.name for b in self.buses}
        protocols: dict[str, str] = {}
        for i, device in enumerate(self.devices):
            if device.bus is not None and device.bus not in buses:
                raise LocatedError(("devices", i, "bus"), f"unknown bus {device.bus!r}")
            if device.bus is not None and protocols.setdefault(device.bus, device.protocol) != device.protocol:
                raise LocatedError(
                    ("devices", i, "protocol"),
                    f"bus {device.bus!r} already carries {protocols[device.bus]}; one protocol per bus",
                )

    def service(self, code: str) -> ServiceConfig:
        """The service with this code (StopIteration if there is none)."""
        return next(s for s in self.services if s.code == code)

    def window(self, number: int) -> WindowConfig:
        """The window with this number (StopIteration if there is none)."""
        return next(w for w in self.windows if w.number == number)

    @property
    def normal_priority(self) -> str:
        """The code of the priority class with weight 1."""
        return next(p.code for p in self.priorities if p.weight == 1)


def _unique(items: Sequence[BaseModel], attr: str, section: str) -> None:
    seen: dict[object, int] = {}
    for i, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            raise LocatedError((section, i, attr), f"{attr} {value!r} is already used by {section}[{seen[value]}]")
        seen[value] = i
