"""In-memory accounts, audit, idempotency keys and settings for tests/fakes.py (ports of the same names)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hallctl.services.account_ports import AuditEntry, Json, StoredResult, StoredToken, StoredUser

from .fake_repositories import Store


class FakeUsers:
    """Staff accounts in memory (ports.UserRepository)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def active(self, username: str) -> StoredUser | None:
        user, active = self.store.users.get(username, (None, False))
        return user if active else None

    def named(self, username: str) -> StoredUser | None:
        user, _active = self.store.users.get(username, (None, False))
        return user

    def put(self, username: str, role: str, password_hash: str, display_name: str, now: datetime) -> int:
        known = self.store.users.get(username)
        user_id = known[0].id if known else next(self.store.ids)
        self.store.users[username] = (StoredUser(user_id, username, role, password_hash), True)
        return user_id

    def set_password(self, username: str, password_hash: str) -> None:
        user, active = self.store.users[username]
        self.store.users[username] = (replace(user, password_hash=password_hash), active)

    def deactivate(self, username: str) -> int | None:
        if username not in self.store.users:
            return None
        user, _active = self.store.users[username]
        self.store.users[username] = (user, False)
        return user.id

    def failed_logins(self, username: str, address: str, now: datetime) -> tuple[int, datetime | None]:
        failures, latest = self.store.login_failures.get((username, address), (0, now))
        return failures, latest if failures else None

    def count_login_attempt(self, username: str, address: str, failures: int, now: datetime) -> None:
        self.store.login_failures[username, address] = (failures, now)

    def clear_failed_logins(self, username: str, address: str, stale_before: datetime) -> None:
        failures = self.store.login_failures
        for pair in [p for p, (_n, latest) in failures.items() if p == (username, address) or latest < stale_before]:
            del failures[pair]


class FakeTokens:
    """Tokens by hash in memory (ports.TokenRepository): (token, hash, user id, revoked) by id."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self,
        name: str,
        role: str,
        token_hash: str,
        created_at: datetime,
        user_id: int | None = None,
        expires_at: datetime | None = None,
    ) -> int:
        token_id = next(self.store.ids)
        self.store.tokens[token_id] = (StoredToken(token_id, name, role, expires_at), token_hash, user_id, False)
        return token_id

    def find(self, token_hash: str) -> StoredToken | None:
        disabled = {user.id for user, active in self.store.users.values() if not active}
        found = (
            t
            for t, digest, user_id, revoked in self.store.tokens.values()
            if digest == token_hash and not revoked and user_id not in disabled
        )
        return next(found, None)

    def revoke_device_tokens(self, name: str) -> list[int]:
        ids = [
            i
            for i, (t, _d, user, revoked) in self.store.tokens.items()
            if t.name == name and user is None and not revoked
        ]
        for token_id in ids:
            self._revoke(token_id)
        return ids

    def revoke_session(self, token_id: int) -> None:
        if self.store.tokens[token_id][2] is not None:
            self._revoke(token_id)

    def revoke_sessions_of(self, user_id: int) -> list[int]:
        ids = [i for i, (_t, _d, user, revoked) in self.store.tokens.items() if user == user_id and not revoked]
        for token_id in ids:
            self._revoke(token_id)
        return ids

    def _revoke(self, token_id: int) -> None:
        token, digest, user, _revoked = self.store.tokens[token_id]
        self.store.tokens[token_id] = (token, digest, user, True)


class FakeAudit:
    """Reading the audit log in memory (ports.AuditRepository)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def recent(self, limit: int) -> list[AuditEntry]:
        return self.store.audit[::-1][:limit]


class FakeIdempotency:
    """Idempotency keys in memory (ports.IdempotencyRepository)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, principal: str, key: str) -> StoredResult | None:
        return self.store.idempotency.get((principal, key))

    def reserve(self, principal: str, key: str, method: str, path: str, request_hash: str, now: datetime) -> bool:
        if (principal, key) in self.store.idempotency:
            return False
        self.store.idempotency[principal, key] = StoredResult(method, path, request_hash, 0, None, now)
        return True

    def finish(self, principal: str, key: str, status: int, body: Json | None) -> None:
        self.store.idempotency[principal, key] = replace(
            self.store.idempotency[principal, key], status=status, body=body
        )

    def release(self, principal: str, key: str) -> None:
        del self.store.idempotency[principal, key]

    def purge(self, before: datetime, limit: int) -> int:
        expired = sorted((r.created_at, k) for k, r in self.store.idempotency.items() if r.created_at < before)
        for _at, k in expired[:limit]:
            del self.store.idempotency[k]
        return len(expired[:limit])


class FakeSettings:
    """Stored settings in memory (ports.SettingsRepository)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str) -> str | None:
        return self.store.settings.get(key)

    def add(self, key: str, value: str) -> None:
        self.store.settings[key] = value


class FakeServices:
    """The services' rows in memory (ports.ServiceRepository)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def put(self, code: str, name: str, name_en: str, prefix: str, target_wait_min: float) -> None:
        self.store.services[code] = (name, name_en, prefix, target_wait_min)
