"""The running hall as the services see it: its config and the ports it was wired with, nothing concrete.

:func:`hallctl.bootstrap.bootstrap` builds it on SQLAlchemy, the event bus and the device workers;
``tests/fakes.py`` builds it on in-memory fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hallctl.config import Config, ServiceConfig
from hallctl.domain.errors import Invalid, NotFound
from hallctl.domain.estimates import ServiceTimes
from hallctl.domain.routing import WorkProfile

from .auth_cache import TokenCache
from .group_commit import GroupCommit
from .ports import (
    Announcer,
    AuditLog,
    Clock,
    DeviceHost,
    DeviceStates,
    EventBus,
    Json,
    Storage,
    UnitOfWork,
    UnitOfWorkFactory,
)


@dataclass
class Hall:
    """Everything a use case needs; built once by :func:`hallctl.bootstrap.bootstrap`.

    Args:
        config: the hall's typed settings.
        database: the storage, released by :meth:`close`.
        units: opens the units of work on it.
        bus: the process's event bus.
        audit_log: appends audit lines outside any transaction.
        devices: the devices' states, as the hall screen shows them.
        clock: the hall's clock (tests move it by hand).
    """

    config: Config
    database: Storage
    units: UnitOfWorkFactory
    bus: EventBus
    audit_log: AuditLog
    devices: DeviceStates
    clock: Clock
    profiles: dict[int, WorkProfile] = field(init=False)
    token_cache: TokenCache = field(init=False, default_factory=TokenCache)
    writer: GroupCommit = field(init=False)
    service_times: ServiceTimes = field(init=False)
    citizen_key: bytes = field(init=False, default=b"")
    closers: list[Callable[[], None]] = field(init=False, default_factory=list)
    announcer: Announcer | None = field(init=False, default=None)
    """The voice announcer when ``[voice] enabled`` and this process drives the devices."""
    device_host: DeviceHost | None = field(init=False, default=None)
    """Set when this process may drive the devices (``.leading`` while it does)."""
    announcement_listeners: list[Callable[[Json], None]] = field(init=False, default_factory=list)
    """Told of every announcement's change of state by whichever announcer this process runs."""
    _serving: dict[str, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.writer = GroupCommit(self.uow)
        self.service_times = ServiceTimes(
            {s.code: s.avg_service_min for s in self.config.services}, self.config.hall.zone
        )
        self.profiles = _work_profiles(self.config)
        self._serving = {
            s.code: [n for n, p in self.profiles.items() if s.code in p.service_weights] for s in self.config.services
        }

    @property
    def hall_id(self) -> str:
        """The hall's id from its config (every row of this hall carries it)."""
        return self.config.hall.id

    def close(self) -> None:
        """Stop device workers, the writer and the event bus; release the database."""
        for closer in reversed(self.closers):
            closer()
        self.writer.close()
        self.bus.close()
        self.database.dispose()

    def uow(self, write: bool = True) -> UnitOfWork:
        """A unit of work on the hall's storage (``write=False``: read-only)."""
        return self.units(write=write)

    def now(self) -> datetime:
        """The current instant from the hall's clock (aware, UTC)."""
        return self.clock()

    def profile(self, window: int) -> WorkProfile:
        """The routing profile of ``window``.

        Raises:
            NotFound: the hall has no such window.
        """
        try:
            return self.profiles[window]
        except KeyError:
            raise NotFound(f"there is no window {window} in this hall", field="window") from None

    def service(self, code: str, field_name: str = "service") -> ServiceConfig:
        """The configured service ``code``.

        Raises:
            Invalid: the hall has no such service (named as ``field_name`` in the error).
        """
        try:
            return self.config.service(code)
        except StopIteration:
            known = ", ".join(s.code for s in self.config.services)
            raise Invalid(f"unknown service {code!r}; this hall has {known}", field=field_name) from None

    def mean_service_min(self, service: str) -> float:
        """The learned mean service time of ``service`` at this hour (minutes)."""
        return self.service_times.mean_min(service, self.now())

    def windows_serving(self, service: str) -> list[int]:
        """Numbers of the windows whose profile includes ``service`` (open or not)."""
        return self._serving.get(service, [])

    def is_open(self, now: datetime) -> bool:
        """Inside one of the hall's opening spans, in the hall's timezone."""
        local = now.astimezone(self.config.hall.zone).time()
        return any(start <= local and (end is None or local < end) for start, end in self.config.hall.spans())


def _work_profiles(config: Config) -> dict[int, WorkProfile]:
    """Each window's routing profile: its services' weights and the hall's classes, limits and interleave."""
    classes = {p.code: p.weight for p in config.priorities}
    max_wait = {s.code: (timedelta(minutes=s.max_wait_min) if s.max_wait_min else None) for s in config.services}
    return {
        w.number: WorkProfile(
            window=w.number,
            service_weights=w.work_profile,
            class_weights=classes,
            max_wait=max_wait,
            interleave=config.routing.priority_interleave,
        )
        for w in config.windows
    }
