"""Staff users, API tokens and login sessions. Tokens are stored only as SHA-256 hashes."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from hallctl.adapters import orm
from hallctl.domain.errors import Forbidden, Invalid

from .context import Hall

USER_ROLES = ("staff", "manager", "admin")
TOKEN_ROLES = ("kiosk", "display", "device")
SESSION_HOURS = 12
# a hash to compare against when the user does not exist, so timing does not tell
_DUMMY_HASH = generate_password_hash("not-a-password")


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
        values = {"role": role, "password_hash": generate_password_hash(password), "active": True,
                  "display_name": display_name or username}
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
        uow.session.execute(insert(orm.tokens).values(
            name=name, role=role, token_hash=_hash(token), created_at=hall.now(), revoked=False))
        uow.commit()
    return token


def login(hall: Hall, username: str, password: str) -> tuple[str, Principal]:
    """Check a password; returns a session token (bearer-usable) and the principal.

    Raises:
        Forbidden: wrong user or password (the same message for both).
    """
    users = orm.users
    with hall.uow(write=False) as uow:
        row = uow.session.execute(select(users).where(users.c.username == username, users.c.active)).first()
    if not check_password_hash(row.password_hash if row else _DUMMY_HASH, password) or row is None:
        raise Forbidden("wrong username or password / 用户名或密码错误")
    token = secrets.token_urlsafe(24)
    now = hall.now()
    with hall.uow() as uow:
        result = uow.session.execute(insert(orm.tokens).values(
            name=username, role=row.role, token_hash=_hash(token), user_id=row.id, created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS), revoked=False))
        uow.commit()
    return token, Principal(username, row.role, result.inserted_primary_key[0])


def logout(hall: Hall, principal: Principal) -> None:
    if principal.token_id is None:
        return
    with hall.uow() as uow:
        uow.session.execute(update(orm.tokens).where(orm.tokens.c.id == principal.token_id,
                                                     orm.tokens.c.user_id.is_not(None)).values(revoked=True))
        uow.commit()


def resolve(hall: Hall, token: str, now: datetime | None = None) -> Principal | None:
    """The principal behind a bearer or session token, or None."""
    if not token or len(token) > 256:
        return None
    t = orm.tokens
    with hall.uow(write=False) as uow:
        row = uow.session.execute(select(t.c.id, t.c.name, t.c.role, t.c.expires_at)
                                  .where(t.c.token_hash == _hash(token), t.c.revoked.is_(False))).first()
    if row is None or (row.expires_at is not None and row.expires_at < (now or hall.now())):
        return None
    return Principal(row.name, row.role, row.id)
