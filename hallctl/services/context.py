"""The running hall as the services see it: config, storage, event bus, clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from devices.registry import DeviceRegistry
from hallctl.adapters.database import Database
from hallctl.adapters.eventbus import EventBus
from hallctl.adapters.unit_of_work import UnitOfWork
from hallctl.config import Config
from hallctl.domain.errors import Invalid, NotFound
from hallctl.domain.routing import WorkProfile
from hallctl.domain.times import utcnow
from hallctl.reports.estimates import ServiceTimes

from .auth import TokenCache
from .group_commit import GroupCommit


@dataclass
class Hall:
    """Everything a use case needs; built once by :func:`hallctl.bootstrap.bootstrap`."""

    config: Config
    database: Database
    bus: EventBus
    clock: Callable[[], datetime] = utcnow
    profiles: dict[int, WorkProfile] = field(init=False)
    _serving: dict[str, list[int]] = field(init=False)
    token_cache: TokenCache = field(init=False)
    writer: GroupCommit = field(init=False)
    devices: DeviceRegistry = field(init=False)
    service_times: ServiceTimes = field(init=False)
    citizen_key: bytes = field(init=False, default=b"")
    closers: list[Callable[[], None]] = field(init=False, default_factory=list)
    announcer: Any = field(init=False, default=None)
    """The voice announcer (``displays.announcer.Announcer``) when ``[voice] enabled`` and this process drives
    the devices."""
    device_host: Any = field(init=False, default=None)
    """``hallctl.adapters.device_host.DeviceHost`` when this process may drive the devices (``.leading``)."""
    announcement_listeners: list[Callable[[dict], None]] = field(init=False, default_factory=list)
    """Told of every announcement's change of state by whichever announcer this process runs."""

    def __post_init__(self) -> None:
        self.token_cache = TokenCache()
        self.writer = GroupCommit(self.uow)
        self.devices = DeviceRegistry(self.config.devices, self.bus.publish)
        self.service_times = ServiceTimes(
            {s.code: s.avg_service_min for s in self.config.services}, self.config.hall.zone
        )
        classes = {p.code: p.weight for p in self.config.priorities}
        max_wait = {
            s.code: (timedelta(minutes=s.max_wait_min) if s.max_wait_min else None) for s in self.config.services
        }
        self.profiles = {
            w.number: WorkProfile(
                window=w.number,
                service_weights=w.work_profile,
                class_weights=classes,
                max_wait=max_wait,
                interleave=self.config.routing.priority_interleave,
            )
            for w in self.config.windows
        }
        self._serving = {
            s.code: [n for n, p in self.profiles.items() if s.code in p.service_weights] for s in self.config.services
        }

    @property
    def hall_id(self) -> str:
        return self.config.hall.id

    def close(self) -> None:
        """Stop device workers, the writer and the event bus; release the database."""
        for closer in reversed(self.closers):
            closer()
        self.writer.close()
        self.bus.close()
        self.database.dispose()

    def uow(self, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self.database, self.bus, self.hall_id, write=write)

    def now(self) -> datetime:
        return self.clock()

    def profile(self, window: int) -> WorkProfile:
        try:
            return self.profiles[window]
        except KeyError:
            raise NotFound(f"there is no window {window} in this hall", field="window") from None

    def service(self, code: str, field_name: str = "service"):
        try:
            return self.config.service(code)
        except StopIteration:
            known = ", ".join(s.code for s in self.config.services)
            raise Invalid(f"unknown service {code!r}; this hall has {known}", field=field_name) from None

    def mean_service_min(self, service: str) -> float:
        """The learned mean service time of ``service`` at this hour (minutes)."""
        return self.service_times.mean_min(service, self.now())

    def windows_serving(self, service: str) -> list[int]:
        return self._serving.get(service, [])

    def is_open(self, now: datetime) -> bool:
        """Inside one of the hall's opening spans, in the hall's timezone."""
        local = now.astimezone(self.config.hall.zone).time()
        return any(start <= local and (end is None or local < end) for start, end in self.config.hall.spans())
