"""Users, tokens and the audit log (shared by every hall of a database, except the audit's hall column)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select, update

from hallctl.services.account_ports import AuditEntry, StoredToken, StoredUser

from .. import orm
from ..database import Database
from .base import Repository


class UserRepository(Repository):
    """Staff accounts (implements :class:`hallctl.services.ports.UserRepository`)."""

    def active(self, username: str) -> StoredUser | None:
        """The active account named ``username``; None if there is none or it is deactivated."""
        u = orm.users
        stmt = select(u.c.id, u.c.username, u.c.role, u.c.password_hash).where(u.c.username == username, u.c.active)
        row = self.session.execute(stmt).first()
        return StoredUser(*row) if row else None

    def put(self, username: str, role: str, password_hash: str, display_name: str, now: datetime) -> None:
        """Create the user, or replace its role, password and name (and make it active)."""
        u = orm.users
        values = {"role": role, "password_hash": password_hash, "active": True, "display_name": display_name}
        if self.session.execute(select(u.c.id).where(u.c.username == username)).first():
            self.session.execute(update(u).where(u.c.username == username).values(**values))
        else:
            self.session.execute(insert(u).values(username=username, created_at=now, **values))


class TokenRepository(Repository):
    """Bearer tokens by hash (implements :class:`hallctl.services.ports.TokenRepository`)."""

    def add(
        self,
        name: str,
        role: str,
        token_hash: str,
        created_at: datetime,
        user_id: int | None = None,
        expires_at: datetime | None = None,
    ) -> int:
        """Store a token; returns its id."""
        token_id: int = self.session.execute(
            insert(orm.tokens)
            .values(
                name=name,
                role=role,
                token_hash=token_hash,
                user_id=user_id,
                created_at=created_at,
                expires_at=expires_at,
                revoked=False,
            )
            .returning(orm.tokens.c.id)
        ).scalar_one()
        return token_id

    def find(self, token_hash: str) -> StoredToken | None:
        """The unrevoked token with this hash; None if there is none."""
        t = orm.tokens
        stmt = select(t.c.id, t.c.name, t.c.role, t.c.expires_at).where(
            t.c.token_hash == token_hash, t.c.revoked.is_(False)
        )
        row = self.session.execute(stmt).first()
        return StoredToken(*row) if row else None

    def revoke_device_tokens(self, name: str) -> list[int]:
        """Revoke the unrevoked device tokens (those of no user) named ``name``; returns their ids."""
        t = orm.tokens
        where = (t.c.name == name) & t.c.user_id.is_(None) & t.c.revoked.is_(False)
        ids = list(self.session.scalars(select(t.c.id).where(where)))
        self.session.execute(update(t).where(where).values(revoked=True))
        return ids

    def revoke_session(self, token_id: int) -> None:
        """Revoke a user's session token (device tokens are left alone)."""
        t = orm.tokens
        self.session.execute(update(t).where(t.c.id == token_id, t.c.user_id.is_not(None)).values(revoked=True))


class AuditRepository(Repository):
    """Reading the hall's audit log (implements :class:`hallctl.services.ports.AuditRepository`)."""

    def recent(self, limit: int) -> list[AuditEntry]:
        """The hall's latest audit entries, newest first."""
        a = orm.audit_log
        columns = (a.c.at, a.c.actor, a.c.role, a.c.method, a.c.path, a.c.status, a.c.remote_addr)
        stmt = select(*columns).where(a.c.hall_id == self.hall_id).order_by(a.c.id.desc()).limit(limit)
        return [AuditEntry(*row) for row in self.session.execute(stmt)]

    def failures_since_success(self, actor: str, role: str, path: str, since: datetime) -> tuple[int, datetime | None]:
        """403 answers to ``actor`` on ``path`` since ``since`` and after its last 200: (count, latest)."""
        a = orm.audit_log
        mine = (a.c.hall_id == self.hall_id, a.c.actor == actor, a.c.path == path, a.c.role == role)
        last_ok = self.session.execute(select(func.max(a.c.id)).where(*mine, a.c.status == 200)).scalar() or 0
        count, latest = self.session.execute(
            select(func.count(), func.max(a.c.at)).where(*mine, a.c.status == 403, a.c.at >= since, a.c.id > last_ok)
        ).one()
        return count, latest


class SqlAuditLog:
    """Appends audit lines with one statement outside any transaction (implements ``ports.AuditLog``)."""

    def __init__(self, database: Database, hall_id: str) -> None:
        self.database = database
        self.hall_id = hall_id

    def append(self, entry: AuditEntry) -> None:
        """Insert the audit line at once, outside any transaction."""
        self.database.append(
            insert(orm.audit_log).values(
                hall_id=self.hall_id,
                at=entry.at,
                actor=entry.actor,
                role=entry.role,
                method=entry.method,
                path=entry.path,
                status=entry.status,
                remote_addr=entry.remote_addr,
            )
        )
