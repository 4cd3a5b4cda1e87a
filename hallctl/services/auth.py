"""Staff users, API tokens and login sessions. Tokens are stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from hallctl.adapters import orm
from hallctl.domain.errors import Forbidden, Invalid, LockedOut

from . import audit

if TYPE_CHECKING:
    from .context import Hall

USER_ROLES = ("staff", "manager", "admin")
TOKEN_ROLES = ("kiosk", "display", "device")
SESSION_HOURS = 12
LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 15
CACHE_SECONDS = 10.0
"""How long a resolved token is trusted without asking the database (revocation in other processes lags by this)."""
PASSWORD_METHOD = "scrypt"
"""Werkzeug hash method for new passwords (the tests lower its cost)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (staff/manager/admin) or a device token (kiosk/display/device)."""

    name: str
    role: str
    token_id: int | None = None

    @property
    def key(self) -> str:
        """Scope of idempotency keys."""
        return f"{self.role}:{self.name}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenCache:
    """Resolved tokens for a few seconds, so a request does not pay a database round trip to authenticate."""

    def __init__(self, seconds: float = CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[Principal, datetime | None, float]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str, now: datetime) -> Principal | None:
        with self._lock:
            entry = self._entries.get(digest)
        if entry is None:
            return None
        principal, expires_at, cached_at = entry
        if time.monotonic() - cached_at > self.seconds or (expires_at is not None and expires_at < now):
            self.evict(digest)
            return None
        return principal

    def put(self, digest: str, principal: Principal, expires_at: datetime | None) -> None:
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[digest] = (principal, expires_at, time.monotonic())

    def evict(self, digest: str | None = None, token_id: int | None = None) -> None:
        with self._lock:
            if digest is not None:
                self._entries.pop(digest, None)
            if token_id is not None:
                for key in [k for k, (p, _e, _c) in self._entries.items() if p.token_id == token_id]:
                    del self._entries[key]


def add_user(hall: Hall, username: str, role: str, password: str, display_name: str = "") -> None:
    if role not in USER_ROLES:
        raise Invalid(f"role must be one of {', '.join(USER_ROLES)}", field="role")
    if not username or len(username) > 64:
        raise Invalid("username must be 1..64 characters", field="username")
    if len(password) < 8:
        raise Invalid("password must be at least 8 characters", field="password")
    with hall.uow() as uow:
        users = orm.users
        exists = uow.session.execute(select(users.c.id).where(users.c.username == username)).first()
        values = {
            "role": role,
            "password_hash": generate_password_hash(password, PASSWORD_METHOD),
            "active": True,
            "display_name": display_name or username,
        }
        if exists:
            uow.session.execute(update(users).where(users.c.username == username).values(**values))
        else:
            uow.session.execute(insert(users).values(username=username, created_at=hall.now(), **values))
        uow.commit()


def add_token(hall: Hall, name: str, role: str) -> str:
    """Create a bearer token for a kiosk, display or device; returns it once, stores its hash."""
    if role not in TOKEN_ROLES + USER_ROLES:
        raise Invalid(f"role must be one of {', '.join(TOKEN_ROLES)}", field="role")
    token = secrets.token_urlsafe(24)
    with hall.uow() as uow:
        uow.session.execute(
            insert(orm.tokens).values(
                name=name, role=role, token_hash=_hash(token), created_at=hall.now(), revoked=False
            )
        )
        uow.commit()
    return token


def revoke_tokens(hall: Hall, name: str) -> int:
    """Revoke every device token (kiosk, display, device) named ``name``; returns how many."""
    t = orm.tokens
    where = (t.c.name == name) & t.c.user_id.is_(None) & t.c.revoked.is_(False)
    with hall.uow() as uow:
        ids = list(uow.session.scalars(select(t.c.id).where(where)))
        uow.session.execute(update(t).where(where).values(revoked=True))
        uow.commit()
    for token_id in ids:
        hall.token_cache.evict(token_id=token_id)
    return len(ids)


def login(hall: Hall, username: str, password: str) -> tuple[str, Principal]:
    """Check a password; returns a session token (bearer-usable) and the principal.

    Raises:
        Forbidden: wrong user or password (the same message for both).
    """
    _refuse_if_locked(hall, username)
    users = orm.users
    with hall.uow(write=False) as uow:
        row = uow.session.execute(select(users).where(users.c.username == username, users.c.active)).first()
    # an unknown user costs a hash check too, so timing does not tell which names exist
    stored = row.password_hash if row else generate_password_hash("not-a-password", PASSWORD_METHOD)
    if not check_password_hash(stored, password) or row is None:
        raise Forbidden("wrong username or password / 用户名或密码错误")
    token = secrets.token_urlsafe(24)
    now = hall.now()
    with hall.uow() as uow:
        result = uow.session.execute(
            insert(orm.tokens).values(
                name=username,
                role=row.role,
                token_hash=_hash(token),
                user_id=row.id,
                created_at=now,
                expires_at=now + timedelta(hours=SESSION_HOURS),
                revoked=False,
            )
        )
        uow.commit()
    return token, Principal(username, row.role, result.inserted_primary_key[0])


def _refuse_if_locked(hall: Hall, username: str) -> None:
    """After LOCKOUT_FAILURES failed log-ins within LOCKOUT_MINUTES, the name is refused until they pass.

    Counted from the audit log, so every server process sees the same count.
    """
    now = hall.now()
    failures, latest = audit.failed_logins(hall, username, now - timedelta(minutes=LOCKOUT_MINUTES))
    if failures >= LOCKOUT_FAILURES:
        until = (latest + timedelta(minutes=LOCKOUT_MINUTES)).astimezone(hall.config.hall.zone).strftime("%H:%M")
        raise LockedOut(
            f"too many failed log-ins for {username}; try again after {until} / 登录失败次数过多，请于 {until} 后再试",
            field="username",
        )


def logout(hall: Hall, principal: Principal) -> None:
    if principal.token_id is None:
        return
    hall.token_cache.evict(token_id=principal.token_id)
    with hall.uow() as uow:
        uow.session.execute(
            update(orm.tokens)
            .where(orm.tokens.c.id == principal.token_id, orm.tokens.c.user_id.is_not(None))
            .values(revoked=True)
        )
        uow.commit()


def resolve(hall: Hall, token: str, now: datetime | None = None) -> Principal | None:
    """The principal behind a bearer or session token, or None."""
    if not token or len(token) > 256:
        return None
    now = now or hall.now()
    digest = _hash(token)
    cached = hall.token_cache.get(digest, now)
    if cached is not None:
        return cached
    t = orm.tokens
    with hall.uow(write=False) as uow:
        row = uow.session.execute(
            select(t.c.id, t.c.name, t.c.role, t.c.expires_at).where(t.c.token_hash == digest, t.c.revoked.is_(False))
        ).first()
    if row is None or (row.expires_at is not None and row.expires_at < now):
        return None
    principal = Principal(row.name, row.role, row.id)
    hall.token_cache.put(digest, principal, row.expires_at)
    return principal
