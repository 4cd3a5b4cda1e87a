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

    def put(self, username: str, role: str, password_hash: str, display_name: str, now: datetime) -> None:
        known = self.store.users.get(username)
        user_id = known[0].id if known else next(self.store.ids)
        self.store.users[username] = (StoredUser(user_id, username, role, password_hash), True)


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
        found = (t for t, digest, _user, revoked in self.store.tokens.values() if digest == token_hash and not revoked)
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

    def _revoke(self, token_id: int) -> None:
        token, digest, user, _revoked = self.store.tokens[token_id]
        self.store.tokens[token_id] = (token, digest, user, True)


class FakeAudit:
    """Reading the audit log in memory (ports.AuditRepository)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def recent(self, limit: int) -> list[AuditEntry]:
        return self.store.audit[::-1][:limit]

    def failures_since_success(self, actor: str, role: str, path: str, since: datetime) -> tuple[int, datetime | None]:
        mine = [e for e in self.store.audit if (e.actor, e.role, e.path) == (actor, role, path)]
        last_ok = max((i for i, e in enumerate(mine) if e.status == 200), default=-1)
        failed = [e.at for e in mine[last_ok + 1 :] if e.status == 403 and e.at >= since]
        return len(failed), max(failed, default=None)


class FakeIdempotency:
    """Idempotency keys in memory (ports.IdempotencyRepository)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, principal: str, key: str) -> StoredResult | None:
        return self.store.idempotency.get((principal, key))

    def reserve(self, principal: str, key: str, method: str, path: str, now: datetime) -> bool:
        if (principal, key) in self.store.idempotency:
            return False
        self.store.idempotency[principal, key] = StoredResult(method, path, 0, None)
        return True

    def finish(self, principal: str, key: str, status: int, body: Json | None) -> None:
        self.store.idempotency[principal, key] = replace(
            self.store.idempotency[principal, key], status=status, body=body
        )

    def release(self, principal: str, key: str) -> None:
        del self.store.idempotency[principal, key]


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
