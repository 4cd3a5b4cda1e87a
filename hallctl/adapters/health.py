"""What ``/healthz`` checks: the database takes a real write, its disk has room; and a summary of the devices."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update

from hallctl.adapters.database import Database
from hallctl.adapters.orm.accounts import health_probes
from hallctl.adapters.storage_errors import disk_room, storage_failure

PROBE_NAME = f"{socket.gethostname()}:{os.getpid()}"[:32]
"""The ``health_probes`` row this process writes: one per host and process."""
PROBE_REUSE_S = 5.0
"""A successful write probe answers for this long: a flood of /healthz cannot queue writes ahead of tickets.
A failed one is retried on the next request, so recovery shows at once."""


@dataclass
class Health:
    """The outcome of the checks: ``ok`` only when every check is; ``checks`` names each one's result."""

    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    failure: str | None = None
    """The error code of the first failing check (``storage_full``, ``database_unwritable`` …), if any."""

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return self.failure is None

    def fail(self, name: str, code: str, message: str, **details: Any) -> None:
        """Record check ``name`` as failing with error ``code`` and a message naming the problem."""
        self.checks[name] = {"ok": False, "code": code, "message": message, **details}
        self.failure = self.failure or code


_probed_lock = threading.Lock()
_probed_at: dict[str, float] = {}
"""When this process's write probe last succeeded (monotonic seconds), per database URL."""


def _probe_is_fresh(database: Database) -> bool:
    with _probed_lock:
        last = _probed_at.get(database.url)
    return last is not None and time.monotonic() - last < PROBE_REUSE_S


def _probe_succeeded(database: Database) -> None:
    with _probed_lock:
        _probed_at[database.url] = time.monotonic()


def probe_write(database: Database, at: datetime, name: str = PROBE_NAME) -> None:
    """Upsert this process's ``health_probes`` row in a short transaction of its own (a real write).

    Raises:
        sqlalchemy.exc.DBAPIError: the database refused the write (full disk, read-only, corrupt, down).
    """
    with database.write_lock, database.write_engine.begin() as conn:
        changed = conn.execute(update(health_probes).where(health_probes.c.name == name).values(at=at)).rowcount
        if not changed:
            conn.execute(insert(health_probes).values(name=name, at=at))


def check(database: Database, devices: list[dict[str, Any]], at: datetime) -> Health:
    """Run the checks: a write to ``health_probes``, free disk space beside a SQLite file, device states.

    Args:
        database: the hall's database.
        devices: the hall's devices as :meth:`DeviceRegistry.snapshot` lists them (informational: a printer
            unplugged does not make the server unhealthy — tickets keep flowing without it).
        at: now, written into the probe row.
    """
    health = Health()
    try:
        if not _probe_is_fresh(database):
            probe_write(database, at)
            _probe_succeeded(database)
        health.checks["database"] = {"ok": True, "message": "the database accepted a write / 数据库可写"}
    except Exception as exc:  # any driver error is a failing check, named by what storage_failure makes of it
        code, message = storage_failure(exc) or ("database_unwritable", f"the database refused a write: {exc}")
        health.fail("database", code, message)
    path = database.sqlite_file
    if path is not None:
        free, needed = disk_room(path.parent)
        if free < needed:
            health.fail(
                "disk",
                "storage_full",
                f"only {free // 1024} KiB free on the database's disk, below {needed // 1024} KiB / 数据库磁盘空间不足",
                free_bytes=free,
                min_free_bytes=needed,
            )
        else:
            health.checks["disk"] = {"ok": True, "free_bytes": free, "min_free_bytes": needed}
    states = Counter(device["state"] for device in devices)
    health.checks["devices"] = {"ok": True, "total": len(devices), **dict(sorted(states.items()))}
    return health
