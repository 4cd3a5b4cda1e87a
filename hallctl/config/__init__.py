"""The one typed settings schema: TOML → pydantic models.

Errors name the key path and the line in the file, e.g.
``hall.toml:14: services[1].prefix: prefix "A" is already used by service SB``.

Modules: ``hall`` (the hall, its hours and rules), ``services`` (services, priorities, windows, kiosks),
``devices`` (buses, devices, voice), ``frames`` (a vendor LED frame template), ``server`` (how ``hallctl serve``
listens), ``schema`` (the whole file and its cross-references), ``loading`` (TOML → models, errors with key and
line), ``base`` (shared field types).
"""

from hallctl.config.base import Code, Name
from hallctl.config.devices import BusConfig, DeviceConfig, DeviceKind, VoiceConfig
from hallctl.config.frames import Checksum, FrameTemplate
from hallctl.config.hall import HallConfig, PrivacyConfig, RatingsConfig, RoutingConfig, parse_span
from hallctl.config.loading import ConfigError, ConfigIssue, load_config, parse_config
from hallctl.config.schema import Config
from hallctl.config.server import ServerConfig
from hallctl.config.services import KioskConfig, PriorityConfig, ServiceConfig, WindowConfig, WindowService

__all__ = [
    "BusConfig",
    "Checksum",
    "Code",
    "Config",
    "ConfigError",
    "ConfigIssue",
    "DeviceConfig",
    "DeviceKind",
    "FrameTemplate",
    "HallConfig",
    "KioskConfig",
    "Name",
    "PriorityConfig",
    "PrivacyConfig",
    "RatingsConfig",
    "RoutingConfig",
    "ServerConfig",
    "ServiceConfig",
    "VoiceConfig",
    "WindowConfig",
    "WindowService",
    "load_config",
    "parse_config",
    "parse_span",
]
