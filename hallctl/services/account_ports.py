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
    """Staff accounts (all halls of a database share them)."""

    def active(self, username: str) -> StoredUser | None:
        """The active account named ``username``; None if there is none or it is deactivated."""

    def put(self, username: str, role: str, password_hash: str, display_name: str, now: datetime) -> None:
        """Create the user, or replace its role, password and name (and make it active)."""


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
        """The token with this hash, unless revoked."""

    def revoke_device_tokens(self, name: str) -> list[int]:
        """Revoke the device tokens (those of no user) named ``name``; returns their ids."""

    def revoke_session(self, token_id: int) -> None:
        """Revoke a user's session token."""


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

    def failures_since_success(self, actor: str, role: str, path: str, since: datetime) -> tuple[int, datetime | None]:
        """Entries of ``actor`` on ``path`` answered 403 since ``since`` and after its last 200: (count, latest)."""


class AuditLog(Protocol):
    """Appends to the audit log outside any transaction (one statement, as cheap as can be)."""

    def append(self, entry: AuditEntry) -> None:
        """Append one line to the audit log, committed at once."""


@dataclass(frozen=True)
class StoredResult:
    """What an idempotency key holds: the request it was first used for and its reply (status 0 while running)."""

    method: str
    path: str
    status: int
    body: Json | None


class IdempotencyRepository(Protocol):
    """Idempotency keys and the replies stored under them, per principal."""

    def get(self, principal: str, key: str) -> StoredResult | None:
        """What ``key`` holds for ``principal``; None if the key is unused."""

    def reserve(self, principal: str, key: str, method: str, path: str, now: datetime) -> bool:
        """Take the key for a running request; False (and this unit of work spoilt) if another took it first."""

    def finish(self, principal: str, key: str, status: int, body: Json | None) -> None:
        """Store the reply (status, body) of the request that reserved the key."""

    def release(self, principal: str, key: str) -> None:
        """Forget the key, so that a retry runs the request again (it failed before any change)."""


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
