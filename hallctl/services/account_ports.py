"""The ports of the accounts and the hall's bookkeeping: staff users, tokens, the audit log, idempotency keys,
stored settings and the services' rows (the unit of work in :mod:`.ports` carries a repository of each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

Json = dict[str, Any]
"""A JSON-ready reply body (what the services return to the web layer)."""


@dataclass(frozen=True)
class StoredUser:
    """An active staff account as login checks it: its id, name, role and password hash."""

    id: int
    username: str
    role: str
    password_hash: str


@dataclass(frozen=True)
class StoredToken:
    """An unrevoked bearer token: its id, name, role and expiry (None: it never expires)."""

    id: int
    name: str
    role: str
    expires_at: datetime | None


class UserRepository(Protocol):
    """Staff accounts (all halls of a database share them) and their failed log-ins per address."""

    def active(self, username: str) -> StoredUser | None:
        """The active account named ``username``; None if there is none or it is deactivated."""

    def named(self, username: str) -> StoredUser | None:
        """The account named ``username``, active or not; None if there is none."""

    def put(self, username: str, role: str, password_hash: str, display_name: str, now: datetime) -> int:
        """Create the user, or replace its role, password and name (and make it active); returns its id."""

    def set_password(self, username: str, password_hash: str) -> None:
        """Replace the password hash of the account named ``username``."""

    def deactivate(self, username: str) -> int | None:
        """Disable the account named ``username``; returns its id, None if there is none."""

    def failed_logins(self, username: str, address: str, now: datetime) -> tuple[int, datetime | None]:
        """Failed log-ins of ``username`` from ``address`` since their last success: (count, latest).

        Locks the pair until the unit of work ends, so that concurrent attempts on it are counted one by one.
        """

    def count_login_attempt(self, username: str, address: str, failures: int, now: datetime) -> None:
        """Store ``failures`` (the count including this attempt, made at ``now``) for the pair."""

    def clear_failed_logins(self, username: str, address: str, stale_before: datetime) -> None:
        """Forget the pair's failures (a success) and every pair's whose latest failure is older than
        ``stale_before``."""


class TokenRepository(Protocol):
    """Bearer tokens, stored as hashes only."""

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

    def find(self, token_hash: str) -> StoredToken | None:
        """The token with this hash, unless revoked or a session of a disabled user."""

    def revoke_device_tokens(self, name: str) -> list[int]:
        """Revoke the device tokens (those of no user) named ``name``; returns their ids."""

    def revoke_session(self, token_id: int) -> None:
        """Revoke a user's session token."""

    def revoke_sessions_of(self, user_id: int) -> list[int]:
        """Revoke every unrevoked session token of the user ``user_id``; returns their ids."""


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    at: datetime
    actor: str
    role: str
    method: str
    path: str
    status: int
    remote_addr: str


class AuditRepository(Protocol):
    """Reading the audit log."""

    def recent(self, limit: int) -> list[AuditEntry]:
        """The latest entries, newest first."""


class AuditLog(Protocol):
    """Appends to the audit log outside any transaction (one statement, as cheap as can be)."""

    def append(self, entry: AuditEntry) -> None:
        """Append one line to the audit log, committed at once."""


@dataclass(frozen=True)
class StoredResult:
    """What an idempotency key holds: the request it was first used for (method, path, fingerprint), its reply
    (status 0 while running) and when the key was taken."""

    method: str
    path: str
    request_hash: str | None
    status: int
    body: Json | None
    created_at: datetime


class IdempotencyRepository(Protocol):
    """Idempotency keys and the replies stored under them, per principal's scope."""

    def get(self, principal: str, key: str) -> StoredResult | None:
        """What ``key`` holds for ``principal``; None if the key is unused."""

    def reserve(self, principal: str, key: str, method: str, path: str, request_hash: str, now: datetime) -> bool:
        """Take the key for a running request with this fingerprint; False (and this unit of work spoilt) if
        another took it first."""

    def finish(self, principal: str, key: str, status: int, body: Json | None) -> None:
        """Store the reply (status, body) of the request that reserved the key."""

    def release(self, principal: str, key: str) -> None:
        """Forget the key, so that a retry runs the request again (it failed, or its reply is not to be kept)."""

    def purge(self, before: datetime, limit: int) -> int:
        """Delete up to ``limit`` keys taken before ``before``, oldest first; returns how many."""


class SettingsRepository(Protocol):
    """Values the hall keeps in its database (generated secrets)."""

    def get(self, key: str) -> str | None:
        """The value stored under ``key``; None if there is none."""

    def add(self, key: str, value: str) -> None:
        """Store a new value under ``key`` (the key must not exist yet)."""


class ServiceRepository(Protocol):
    """The configured services as rows the reports join on."""

    def put(self, code: str, name: str, name_en: str, prefix: str, target_wait_min: float) -> None:
        """Create or update the service's row (``target_wait_min`` in minutes)."""
