"""Staff users, API tokens and login sessions. Tokens are stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from hallctl.domain.errors import Forbidden, Invalid, LockedOut

from . import audit
from .auth_cache import Principal as Principal  # callers name it auth.Principal
from .context import Hall

USER_ROLES = ("staff", "manager", "admin")
TOKEN_ROLES = ("kiosk", "display", "device")
SESSION_HOURS = 12
LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 15
PASSWORD_METHOD = "scrypt"
"""Werkzeug hash method for new passwords (the tests lower its cost)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(hall: Hall, username: str, role: str, password: str, display_name: str = "") -> None:
    """Create a staff user, or reset an existing one's role, password and name (and make it active).

    Raises:
        Invalid: an unknown role, an empty or long name, or a password under 8 characters.
    """
    if role not in USER_ROLES:
        raise Invalid(f"role must be one of {', '.join(USER_ROLES)}", field="role")
    if not username or len(username) > 64:
        raise Invalid("username must be 1..64 characters", field="username")
    if len(password) < 8:
        raise Invalid("password must be at least 8 characters", field="password")
    password_hash = generate_password_hash(password, PASSWORD_METHOD)
    with hall.uow() as uow:
        uow.users.put(username, role, password_hash, display_name or username, hall.now())
        uow.commit()


def add_token(hall: Hall, name: str, role: str) -> str:
    """Create a bearer token for a kiosk, display or device; returns it once, stores its hash."""
    if role not in TOKEN_ROLES + USER_ROLES:
        raise Invalid(f"role must be one of {', '.join(TOKEN_ROLES)}", field="role")
    token = secrets.token_urlsafe(24)
    with hall.uow() as uow:
        uow.tokens.add(name, role, _hash(token), hall.now())
        uow.commit()
    return token


def revoke_tokens(hall: Hall, name: str) -> int:
    """Revoke every device token (kiosk, display, device) named ``name``; returns how many."""
    with hall.uow() as uow:
        ids = uow.tokens.revoke_device_tokens(name)
        uow.commit()
    for token_id in ids:
        hall.token_cache.evict(token_id=token_id)
    return len(ids)


def login(hall: Hall, username: str, password: str) -> tuple[str, Principal]:
    """Check a password; returns a session token (bearer-usable) and the principal.

    Raises:
        Forbidden: wrong user or password (the same message for both).
        LockedOut: too many failed log-ins of this name lately.
    """
    _refuse_if_locked(hall, username)
    with hall.uow(write=False) as uow:
        user = uow.users.active(username)
    # an unknown user costs a hash check too, so timing does not tell which names exist
    stored = user.password_hash if user else generate_password_hash("not-a-password", PASSWORD_METHOD)
    if not check_password_hash(stored, password) or user is None:
        raise Forbidden("wrong username or password / 用户名或密码错误")
    token = secrets.token_urlsafe(24)
    now = hall.now()
    with hall.uow() as uow:
        expires_at = now + timedelta(hours=SESSION_HOURS)
        token_id = uow.tokens.add(username, user.role, _hash(token), now, user_id=user.id, expires_at=expires_at)
        uow.commit()
    return token, Principal(username, user.role, token_id)


def _refuse_if_locked(hall: Hall, username: str) -> None:
    """After LOCKOUT_FAILURES failed log-ins within LOCKOUT_MINUTES, the name is refused until they pass.

    Counted from the audit log, so every server process sees the same count.
    """
    now = hall.now()
    failures, latest = audit.failed_logins(hall, username, now - timedelta(minutes=LOCKOUT_MINUTES))
    if failures >= LOCKOUT_FAILURES and latest is not None:
        until = (latest + timedelta(minutes=LOCKOUT_MINUTES)).astimezone(hall.config.hall.zone).strftime("%H:%M")
        raise LockedOut(
            f"too many failed log-ins for {username}; try again after {until} / 登录失败次数过多，请于 {until} 后再试",
            field="username",
        )


def logout(hall: Hall, principal: Principal) -> None:
    """End a user's session: its token stops working at once in this process (others: within the cache's
    seconds)."""
    if principal.token_id is None:
        return
    hall.token_cache.evict(token_id=principal.token_id)
    with hall.uow() as uow:
        uow.tokens.revoke_session(principal.token_id)
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
    with hall.uow(write=False) as uow:
        stored = uow.tokens.find(digest)
    if stored is None or (stored.expires_at is not None and stored.expires_at < now):
        return None
    principal = Principal(stored.name, stored.role, stored.id)
    hall.token_cache.put(digest, principal, stored.expires_at)
    return principal
