"""The composition root: build a running hall from a config, with real or test adapters."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from devices.registry import DeviceRegistry
from hallctl.adapters import announcing, health, keys, orm
from hallctl.adapters.announcing import start_announcer, stop_announcer
from hallctl.adapters.database import Database, open_database
from hallctl.adapters.device_host import DeviceHost
from hallctl.adapters.eventbus import EventBus
from hallctl.adapters.hall_devices import HallDevices
from hallctl.adapters.hall_zone import adopt_time_zone
from hallctl.adapters.leader import LeaderLock
from hallctl.adapters.printing import Printers
from hallctl.adapters.relay import EventRelay
from hallctl.adapters.repositories import SqlAuditLog
from hallctl.adapters.unit_of_work import UnitOfWork
from hallctl.config import Config
from hallctl.domain import events as ev
from hallctl.domain.times import utcnow
from hallctl.migrations import require_current
from hallctl.migrations.schema_check import require_hallctl_schema
from hallctl.reports import rollups
from hallctl.reports.estimates import HISTORY, learn_history
from hallctl.services import citizens
from hallctl.services.context import Hall
from hallctl.services.default_ratings import apply_default_ratings
from hallctl.services.ports import UnitOfWorkFactory
from hallctl.services.setup import stored_secret, sync_config

log = logging.getLogger(__name__)


def bootstrap(
    config: Config,
    *,
    clock: Callable[[], datetime] = utcnow,
    synchronous_bus: bool = False,
    devices: bool = False,
    housekeeping: bool = False,
    printer_timing=None,
    bus_timing=None,
    voice_player=None,
    verify_storage: bool = False,
) -> Hall:
    """Open the database (which must be migrated), sync services and windows, return the hall.

    Args:
        devices: start the device workers (printers, RS-485 lines, voice) — the server does, in the one
            process that holds the hall's device leader lock; most tests do not.
        housekeeping: run the daily jobs (dropping expired citizen hashes, the default-rating rule,
            rolling up closed days for the reports).
        printer_timing, bus_timing: override device timeouts and back-off (tests).
        voice_player: the announcer's player instead of python-vlc (tests of a broken player).
        verify_storage: before anything else, run SQLite's ``PRAGMA quick_check`` and write the health probe
            row (the server does at start: a damaged or read-only database is refused then, not at the first
            ticket).

    Raises:
        hallctl.migrations.NotMigrated: the database is not at the latest schema.
        hallctl.adapters.database.DatabaseUnusable: not a database, damaged, read-only or another application's;
            a new time zone while tickets of the recorded zone's day are open (``adapters/hall_zone.py``); a
            citizen key that is unusable or not the one the database held (``adapters/keys.py``).
    """
    orm.start_mappers()
    database = open_database(config.hall.database)
    try:
        _require_usable(database, clock(), verify_storage)
        adopt_time_zone(database, config.hall.id, config.hall.timezone, clock())
        citizen_key = keys.citizen_key(database, config.hall.citizen_key_path)
    except BaseException:
        database.dispose()
        raise
    bus = EventBus(synchronous=synchronous_bus)
    registry = DeviceRegistry(config.devices, bus.publish, clock)
    hall = Hall(
        config=config,
        database=database,
        units=_units(database, bus, config.hall.id),
        bus=bus,
        audit_log=SqlAuditLog(database, config.hall.id),
        devices=registry,
        clock=clock,
    )
    sync_config(hall)
    hall.citizen_key = citizen_key
    keys.warn_about_open_files(keys.database_files(database))
    with database.read_session() as session:
        learn_history(session, hall.hall_id, hall.now() - HISTORY, hall.service_times)
    hall.bus.subscribe("service-times", hall.service_times.on_domain_events, remote=True, wants=_finished)
    relay = None
    driven: dict[str, HallDevices] = {}  # the RS-485 devices while this process drives them
    if config.hall.message_queue.startswith("redis"):

        def show_afresh() -> None:  # Redis was down: this process may have missed the others' events
            if "hall_devices" in driven:
                driven["hall_devices"].restore()

        relay = EventRelay(
            config.hall.message_queue, hall.hall_id, hall.bus, _relayed(config), on_reconnect=show_afresh
        )
        hall.closers.append(relay.stop)
        hall.bus.subscribe("device-states", _mirror_device_states(registry), remote=True, wants=_device_changed)
    if devices:

        def start_devices() -> list[Callable[[], None]]:
            printers = Printers(hall, registry, printer_timing)
            driven["hall_devices"] = HallDevices(hall, registry, bus_timing)
            stoppers = [printers.stop, driven["hall_devices"].stop, driven.clear]
            if config.voice.enabled:
                hall.announcer = start_announcer(hall, voice_player)
                stoppers.append(lambda: stop_announcer(hall))
            recovered = printers.recover()
            if recovered:
                log.info("printing %d recent tickets that were never printed", recovered)
            return stoppers

        tell_states = (lambda: relay.on_domain_events([*registry.states()])) if relay else None
        hall.device_host = DeviceHost(LeaderLock(database, hall.hall_id), start_devices, tick=tell_states)
        hall.closers.append(hall.device_host.stop)
    if housekeeping:
        hall.closers.append(
            _daily(
                hall,
                lambda: {
                    "citizen hashes dropped": citizens.purge(hall),
                    "tickets rated by default": apply_default_ratings(hall),
                    "KPI day roll-ups written": rollups.roll_up(hall),
                },
            )
        )
    return hall


def _require_usable(database: Database, now: datetime, verify_storage: bool) -> None:
    """Refuse a database the hall cannot run on, with one line naming the problem (see :func:`bootstrap`)."""
    database.verify(integrity=verify_storage)
    require_hallctl_schema(database)
    require_current(database.write_engine)
    if verify_storage:
        try:
            health.probe_write(database, now)
        except DBAPIError as exc:
            raise database.unusable(exc) from None


def _units(database: Database, bus: EventBus, hall_id: str) -> UnitOfWorkFactory:
    """Opens SQLAlchemy units of work on ``database`` for the hall."""

    def unit_of_work(write: bool = True) -> UnitOfWork:
        return UnitOfWork(database, bus, hall_id, write=write)

    return unit_of_work


def _finished(event: ev.Event) -> bool:
    return isinstance(event, ev.TicketFinished)


def _device_changed(event: ev.Event) -> bool:
    return isinstance(event, ev.DeviceChanged)


def _relayed(config: Config) -> Callable[[ev.Event], bool]:
    """The events the relay passes on: those a remote subscriber acts on in some process of the hall (all
    run this config) — service times, device states, print jobs, and calls and window events only when
    the hall speaks them or has RS-485 devices to show them. An issued ticket nobody prints stays home."""
    wanted = [_finished, _device_changed, Printers.wants]
    if config.voice.enabled:
        wanted.append(announcing.wants)
    if config.buses:
        wanted.append(HallDevices.wants)
    return lambda event: any(want(event) for want in wanted)


def _mirror_device_states(registry: DeviceRegistry) -> Callable[[list[ev.DeviceChanged]], None]:
    def on_domain_events(batch: list[ev.DeviceChanged]) -> None:
        for event in batch:
            registry.mirror(event)

    return on_domain_events


def _daily(hall: Hall, job) -> Callable[[], None]:
    """Run ``job`` now and every 24 hours in a thread; returns what stops it."""
    stop = threading.Event()

    def loop():
        while True:
            try:
                removed = job()
                log.info("daily housekeeping: %s", removed)
            except Exception:
                log.exception("daily housekeeping failed")
            if stop.wait(24 * 3600):
                return

    threading.Thread(target=loop, name="housekeeping", daemon=True).start()
    return stop.set


def secret_key(hall: Hall) -> str:
    """The session-signing key: from the config, else generated once and kept in the database."""
    return hall.config.hall.secret_key or stored_secret(hall, "secret_key")


def build_app(config: Config, **kwargs):
    """Bootstrap a hall and its web app: ``(hall, app, socketio)``."""
    from hallctl.web import create_app

    hall = bootstrap(config, **kwargs)
    app, socketio = create_app(hall, secret_key(hall))
    return hall, app, socketio


def check_storage(config: Config, clock: Callable[[], datetime] = utcnow) -> None:
    """Open the config's database, refuse it as :func:`bootstrap` would, and close it again.

    The server's master process runs this before it starts its worker (which builds the hall itself, after the
    fork): a database the hall cannot run on is then one line and exit 2, with nothing started.

    Raises:
        hallctl.migrations.NotMigrated, hallctl.adapters.database.DatabaseUnusable: as :func:`bootstrap`.
    """
    orm.start_mappers()
    database = open_database(config.hall.database)
    try:
        _require_usable(database, clock(), verify_storage=True)
        adopt_time_zone(database, config.hall.id, config.hall.timezone, clock())
        keys.citizen_key(database, config.hall.citizen_key_path)
    finally:
        database.dispose()
