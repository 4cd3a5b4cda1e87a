"""The audit log: who did what, when, from where. Append-only: no route edits or deletes it."""

from __future__ import annotations

from datetime import datetime

from hallctl.domain.times import iso

from .account_ports import AuditEntry, Json
from .context import Hall

AUDITED_ROLES = frozenset({"staff", "manager", "admin"})
LOGIN_PATH = "/api/v1/auth/login"


def record(hall: Hall, actor: str, role: str, method: str, path: str, status: int, remote_addr: str) -> None:
    """Append one line (outside any transaction; long values are cut to their columns)."""
    entry = AuditEntry(hall.now(), actor[:64], role, method, path[:256], status, (remote_addr or "")[:64])
    hall.audit_log.append(entry)


def recent(hall: Hall, limit: int) -> list[Json]:
    """The latest ``limit`` lines, newest first."""
    with hall.uow(write=False) as uow:
        entries = uow.audit.recent(limit)
    return [
        {
            "at": iso(e.at),
            "actor": e.actor,
            "role": e.role,
            "method": e.method,
            "path": e.path,
            "status": e.status,
            "remote_addr": e.remote_addr,
        }
        for e in entries
    ]


def failed_logins(hall: Hall, username: str, since: datetime) -> tuple[int, datetime | None]:
    """Failed log-ins of ``username`` since ``since`` and after its last successful one: (count, latest)."""
    with hall.uow(write=False) as uow:
        return uow.audit.failures_since_success(username[:64], "login", LOGIN_PATH, since)
