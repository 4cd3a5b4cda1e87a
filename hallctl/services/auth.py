"""Staff users, API tokens and login sessions. Tokens are stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from hallctl.domain.errors import Forbidden, Invalid, LockedOut, NotFound

from . import passwords
from .auth_cache import Principal as Principal  # callers name it auth.Principal
from .context import Hall

USER_ROLES = ("staff", "manager", "admin")
TOKEN_ROLES = ("kiosk", "display", "device", "metrics")
SESSION_HOURS = 12
PASSWORD_METHOD = "scrypt"
"""Werkzeug hash method for new passwords (the tests lower its cost)."""

FREE_FAILURES = 3
"""Failed log-ins of one account from one address that cost no waiting."""
MAX_DELAY_S = 15 * 60
"""The longest wait between two log-in attempts of one (account, address) pair."""
FORGET_FAILURES_AFTER = timedelta(hours=24)
"""A pair whose latest failure is older than this starts counting again from zero."""
LOCAL_ADDRESS = "local"
"""The address of a log-in made on this machine rather than over HTTP (tests, tools)."""


class LoginDelayed(LockedOut):
    """Too many failed log-ins of this account from this address: the next attempt waits ``retry_after_s``."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message, field="username")
        self.retry_after_s = retry_after_s


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(hall: Hall, username: str, role: str, password: str, display_name: str = "") -> None:
    """Create a staff user, or reset an existing one's role, password and name (and make it active); an existing
    user's sessions end.

    Raises:
        Invalid: an unknown role, a username outside the safe alphabet, or a password the policy refuses
            (:func:`.passwords.check_password`).
    """
    if role not in USER_ROLES:
        raise Invalid(
            f"role must be one of {', '.join(USER_ROLES)} / 角色须为 {'、'.join(USER_ROLES)} 之一", field="role"
        )
    passwords.check_username(username)
    passwords.check_password(username, role, password)
    password_hash = generate_password_hash(password, PASSWORD_METHOD)
    with hall.uow() as uow:
        user_id = uow.users.put(username, role, password_hash, display_name or username, hall.now())
        ended = uow.tokens.revoke_sessions_of(user_id)
        uow.commit()
    _forget(hall, ended)


def set_password(hall: Hall, username: str, password: str) -> int:
    """Give a user a new password and end every session they have; returns how many ended.

    Raises:
        NotFound: no user has this name.
        Invalid: the policy refuses the password for the user's role.
    """
    with hall.uow(write=False) as uow:
        user = uow.users.named(username)
    if user is None:
        raise NotFound(f"no user named {username} / 没有名为 {username} 的用户", field="username")
    passwords.check_password(username, user.role, password)
    password_hash = generate_password_hash(password, PASSWORD_METHOD)
    with hall.uow() as uow:
        uow.users.set_password(username, password_hash)
        ended = uow.tokens.revoke_sessions_of(user.id)
        uow.commit()
    return _forget(hall, ended)


def disable_user(hall: Hall, username: str) -> int:
    """Disable a user: no more log-ins, and every session they have ends; returns how many ended.

    ``add_user`` with the same name enables them again (with a new password).

    Raises:
        NotFound: no user has this name.
    """
    with hall.uow() as uow:
        user_id = uow.users.deactivate(username)
        if user_id is None:
            raise NotFound(f"no user named {username} / 没有名为 {username} 的用户", field="username")
        ended = uow.tokens.revoke_sessions_of(user_id)
        uow.commit()
    return _forget(hall, ended)


def _forget(hall: Hall, token_ids: list[int]) -> int:
    """Drop revoked tokens from this process's cache (other processes trust theirs for at most its seconds)."""
    for token_id in token_ids:
        hall.token_cache.evict(token_id=token_id)
    return len(token_ids)


def add_token(hall: Hall, name: str, role: str) -> str:
    """Create a bearer token for a kiosk, display or device; returns it once, stores its hash."""
    if role not in TOKEN_ROLES + USER_ROLES:
        raise Invalid(
            f"role must be one of {', '.join(TOKEN_ROLES)} / 角色须为 {'、'.join(TOKEN_ROLES)} 之一", field="role"
        )
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
    return _forget(hall, ids)


def login(hall: Hall, username: str, password: str, address: str = LOCAL_ADDRESS) -> tuple[str, Principal]:
    """Check a password sent from ``address``; returns a session token (bearer-usable) and the principal.

    The attempt is counted as a failure of the (username, address) pair before the password is checked, so
    parallel guesses cannot all get a check; a success clears the pair.

    Raises:
        Forbidden: wrong user or password (the same message for both).
        LoginDelayed: this pair failed too often lately; nothing was checked (see :func:`retry_delay_s`).
    """
    username, address = username[:64], address[:64]
    _reserve_attempt(hall, username, address)
    with hall.uow(write=False) as uow:
        user = uow.users.active(username)
    # an unknown user costs a hash check too, so timing does not tell which names exist
    stored = user.password_hash if user else generate_password_hash("not-a-password", PASSWORD_METHOD)
    if not check_password_hash(stored, password) or user is None:
        raise Forbidden("wrong username or password / 用户名或密码错误")
    token = secrets.token_urlsafe(24)
    now = hall.now()
    with hall.uow() as uow:
        uow.users.clear_failed_logins(username, address, now - FORGET_FAILURES_AFTER)
        expires_at = now + timedelta(hours=SESSION_HOURS)
        token_id = uow.tokens.add(username, user.role, _hash(token), now, user_id=user.id, expires_at=expires_at)
        uow.commit()
    return token, Principal(username, user.role, token_id)


def retry_delay_s(failures: int) -> int:
    """Seconds the pair waits after ``failures`` failed log-ins: none for :data:`FREE_FAILURES`, then 2, 4, 8 …
    doubling up to :data:`MAX_DELAY_S`."""
    if failures < FREE_FAILURES:
        return 0
    doublings = min(failures - FREE_FAILURES + 1, MAX_DELAY_S.bit_length())  # no huge numbers for huge counts
    return min(1 << doublings, MAX_DELAY_S)


def _reserve_attempt(hall: Hall, username: str, address: str) -> None:
    """Count this attempt as a failure of the pair, in one transaction with reading its count, or refuse it."""
    now = hall.now()
    with hall.uow() as uow:
        failures, latest = uow.users.failed_logins(username, address, now)
        if latest is not None and latest < now - FORGET_FAILURES_AFTER:
            failures = 0
        if latest is not None and failures:
            allowed_at = latest + timedelta(seconds=retry_delay_s(failures))
            if allowed_at > now:
                wait_s = math.ceil((allowed_at - now).total_seconds())
                until = allowed_at.astimezone(hall.config.hall.zone).strftime("%H:%M:%S")
                raise LoginDelayed(
                    f"too many failed log-ins for {username} from this address; try again after {until}"
                    f" / 登录失败次数过多，请于 {until} 后再试",
                    wait_s,
                )
        uow.users.count_login_attempt(username, address, failures + 1, now)
        uow.commit()


def logout(hall: Hall, principal: Principal) -> None:
    """End a user's session: its token stops working at once in this process (others: within the cache's
    seconds)."""
    if principal.token_id is None:
        return
    hall.token_cache.evict(token_id=principal.token_id)
    with hall.uow() as uow:
        uow.tokens.revoke_session(principal.token_id)
        uow.commit()


def resolve(hall: Hall, token: str, now: datetime | None = None, fresh: bool = False) -> Principal | None:
    """The principal behind a bearer or session token, or None.

    Args:
        fresh: ask the database, not the token cache (a long-lived connection re-checked for revocation); the
            answer replaces what the cache held.
    """
    if not token or len(token) > 256:
        return None
    now = now or hall.now()
    digest = _hash(token)
    cached = None if fresh else hall.token_cache.get(digest, now)
    if cached is not None:
        return cached
    with hall.uow(write=False) as uow:
        stored = uow.tokens.find(digest)
    if stored is None or (stored.expires_at is not None and stored.expires_at < now):
        hall.token_cache.evict(digest)
        return None
    principal = Principal(stored.name, stored.role, stored.id)
    hall.token_cache.put(digest, principal, stored.expires_at)
    return principal
