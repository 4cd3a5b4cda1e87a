"""The audit log: who did what, when, from where. Append-only: no route edits or deletes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select

from hallctl.adapters import orm
from hallctl.domain.times import iso

AUDITED_ROLES = frozenset({"staff", "manager", "admin"})


def record(hall, actor: str, role: str, method: str, path: str, status: int, remote_addr: str) -> None:
    hall.database.append(
        insert(orm.audit_log).values(
            hall_id=hall.hall_id,
            at=hall.now(),
            actor=actor[:64],
            role=role,
            method=method,
            path=path[:256],
            status=status,
            remote_addr=(remote_addr or "")[:64],
        )
    )


def recent(hall, limit: int) -> list[dict]:
    a = orm.audit_log
    with hall.uow(write=False) as uow:
        rows = uow.session.execute(
            select(a).where(a.c.hall_id == hall.hall_id).order_by(a.c.id.desc()).limit(limit)
        ).all()
    return [
        {
            "at": iso(row.at),
            "actor": row.actor,
            "role": row.role,
            "method": row.method,
            "path": row.path,
            "status": row.status,
            "remote_addr": row.remote_addr,
        }
        for row in rows
    ]


LOGIN_PATH = "/api/v1/auth/login"


def failed_logins(hall, username: str, since: datetime) -> tuple[int, datetime | None]:
    """Failed log-ins of ``username`` since ``since`` and after its last successful one: (count, latest)."""
    a = orm.audit_log
    mine = (a.c.hall_id == hall.hall_id, a.c.actor == username[:64], a.c.path == LOGIN_PATH, a.c.role == "login")
    with hall.uow(write=False) as uow:
        last_ok = uow.session.execute(select(func.max(a.c.id)).where(*mine, a.c.status == 200)).scalar() or 0
        count, latest = uow.session.execute(
            select(func.count(), func.max(a.c.at)).where(*mine, a.c.status == 403, a.c.at >= since, a.c.id > last_ok)
        ).one()
    return count, latest
