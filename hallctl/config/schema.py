"""The whole settings file, and the checks that span its tables (unique keys, names that must exist)."""

from __future__ import annotations

from pydantic import Field, model_validator

from hallctl.config.base import Strict
from hallctl.config.devices import BusConfig, DeviceConfig, VoiceConfig
from hallctl.config.hall import HallConfig, PrivacyConfig, RatingsConfig, RoutingConfig
from hallctl.config.references import reference_problems
from hallctl.config.server import ServerConfig
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
    server: ServerConfig = ServerConfig()

    @model_validator(mode="after")
    def _references(self) -> Config:
        problems = reference_problems(self.model_dump())
        if problems:
            raise problems[0]  # parse_config reports all of them, from the file's data
        return self

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
