"""The audit log: who did what, when, from where. Append-only: no route edits or deletes it."""

from __future__ import annotations

from hallctl.domain.times import iso

from .account_ports import AuditEntry, Json
from .context import Hall

AUDITED_ROLES = frozenset({"staff", "manager", "admin"})


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
