"""Users and their failed log-ins, tokens and the audit log (shared by every hall of a database, except the audit's hall
column)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hallctl.services.account_ports import AuditEntry, StoredToken, StoredUser

from .. import orm
from ..database import Database
from ..orm.accounts import login_failures
from .base import Repository, dialect_of


class UserRepository(Repository):
    """Staff accounts (implements :class:`hallctl.services.ports.UserRepository`)."""

    def active(self, username: str) -> StoredUser | None:
        """The active account named ``username``; None if there is none or it is deactivated."""
        u = orm.users
        stmt = select(u.c.id, u.c.username, u.c.role, u.c.password_hash).where(u.c.username == username, u.c.active)
        row = self.session.execute(stmt).first()
        return StoredUser(*row) if row else None

    def named(self, username: str) -> StoredUser | None:
        """The account named ``username``, active or not; None if there is none."""
        u = orm.users
        stmt = select(u.c.id, u.c.username, u.c.role, u.c.password_hash).where(u.c.username == username)
        row = self.session.execute(stmt).first()
        return StoredUser(*row) if row else None

    def put(self, username: str, role: str, password_hash: str, display_name: str, now: datetime) -> int:
        """Create the user, or replace its role, password and name (and make it active); returns its id."""
        u = orm.users
        values = {"role": role, "password_hash": password_hash, "active": True, "display_name": display_name}
        known = self.session.execute(select(u.c.id).where(u.c.username == username)).scalar()
        if known is not None:
            self.session.execute(update(u).where(u.c.id == known).values(**values))
            return int(known)
        stmt = insert(u).values(username=username, created_at=now, **values).returning(u.c.id)
        return int(self.session.execute(stmt).scalar_one())

    def set_password(self, username: str, password_hash: str) -> None:
        """Replace the password hash of the account named ``username``."""
        u = orm.users
        self.session.execute(update(u).where(u.c.username == username).values(password_hash=password_hash))

    def deactivate(self, username: str) -> int | None:
        """Disable the account named ``username``; returns its id, None if there is none."""
        u = orm.users
        stmt = update(u).where(u.c.username == username).values(active=False).returning(u.c.id)
        return self.session.execute(stmt).scalar()

    def failed_logins(self, username: str, address: str, now: datetime) -> tuple[int, datetime | None]:
        """Failed log-ins of ``username`` from ``address`` since their last success: (count, latest).

        The pair's row is created if missing (``ON CONFLICT DO NOTHING`` waits for a concurrent creator) and
        locked (``FOR UPDATE`` on PostgreSQL; SQLite's write transactions are serial already) until the unit
        of work ends.
        """
        f = login_failures
        builder = pg_insert if dialect_of(self.session) == "postgresql" else sqlite_insert
        pair = {"username": username, "address": address}
        self.session.execute(builder(f).values(**pair, failures=0, last_failed_at=now).on_conflict_do_nothing())
        stmt = select(f.c.failures, f.c.last_failed_at).where(*_pair(username, address)).with_for_update()
        failures, latest = self.session.execute(stmt).one()
        return failures, latest if failures else None

    def count_login_attempt(self, username: str, address: str, failures: int, now: datetime) -> None:
        """Store ``failures`` (the count including this attempt, made at ``now``) for the pair."""
        f = login_failures
        stmt = update(f).where(*_pair(username, address)).values(failures=failures, last_failed_at=now)
        self.session.execute(stmt)

    def clear_failed_logins(self, username: str, address: str, stale_before: datetime) -> None:
        """Forget the pair's failures and every pair's whose latest failure is older than ``stale_before``."""
        f = login_failures
        self.session.execute(delete(f).where(and_(*_pair(username, address)) | (f.c.last_failed_at < stale_before)))


def _pair(username: str, address: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    f = login_failures
    return f.c.username == username, f.c.address == address


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
        """The unrevoked token with this hash; None if there is none or it is a session of a disabled user."""
        t, u = orm.tokens, orm.users
        stmt = (
            select(t.c.id, t.c.name, t.c.role, t.c.expires_at)
            .select_from(t.outerjoin(u, u.c.id == t.c.user_id))
            .where(t.c.token_hash == token_hash, t.c.revoked.is_(False), t.c.user_id.is_(None) | u.c.active)
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

    def revoke_sessions_of(self, user_id: int) -> list[int]:
        """Revoke every unrevoked session token of the user ``user_id``; returns their ids."""
        t = orm.tokens
        stmt = update(t).where(t.c.user_id == user_id, t.c.revoked.is_(False)).values(revoked=True).returning(t.c.id)
        return list(self.session.scalars(stmt))


class AuditRepository(Repository):
    """Reading the hall's audit log (implements :class:`hallctl.services.ports.AuditRepository`)."""

    def recent(self, limit: int) -> list[AuditEntry]:
        """The hall's latest audit entries, newest first."""
        a = orm.audit_log
        columns = (a.c.at, a.c.actor, a.c.role, a.c.method, a.c.path, a.c.status, a.c.remote_addr)
        stmt = select(*columns).where(a.c.hall_id == self.hall_id).order_by(a.c.id.desc()).limit(limit)
        return [AuditEntry(*row) for row in self.session.execute(stmt)]


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
