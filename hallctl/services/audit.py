"""The audit log: who did what, when, from where. Append-only: no route edits or deletes it."""
from __future__ import annotations

from sqlalchemy import insert, select

from hallctl.adapters import orm

from .formats import iso

AUDITED_ROLES = frozenset({"staff", "manager", "admin"})


def record(hall, actor: str, role: str, method: str, path: str, status: int, remote_addr: str) -> None:
    with hall.uow() as uow:
        uow.session.execute(insert(orm.audit_log).values(
            hall_id=hall.hall_id, at=hall.now(), actor=actor[:64], role=role, method=method, path=path[:256],
            status=status, remote_addr=(remote_addr or "")[:64]))
        uow.session.commit()


def recent(hall, limit: int) -> list[dict]:
    a = orm.audit_log
    with hall.uow(write=False) as uow:
        rows = uow.session.execute(select(a).where(a.c.hall_id == hall.hall_id).order_by(a.c.id.desc())
                                   .limit(limit)).all()
    return [{"at": iso(row.at), "actor": row.actor, "role": row.role,
             "method": row.method, "path": row.path, "status": row.status, "remote_addr": row.remote_addr}
            for row in rows]
