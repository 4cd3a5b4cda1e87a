"""Who is calling, and the tokens resolved to them in the last few seconds."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

CACHE_SECONDS = 10.0
"""How long a resolved token is trusted without asking the database (revocation in other processes lags by this)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (staff/manager/admin) or a device token (kiosk/display/device)."""

    name: str
    role: str
    token_id: int | None = None


class TokenCache:
    """Resolved tokens for a few seconds, so a request does not pay a database round trip to authenticate."""

    def __init__(self, seconds: float = CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[Principal, datetime | None, float]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str, now: datetime) -> Principal | None:
        """The principal cached for ``digest``, unless the entry or the token has expired."""
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
        """Remember a resolution (the cache is emptied past 10,000 entries)."""
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[digest] = (principal, expires_at, time.monotonic())

    def evict(self, digest: str | None = None, token_id: int | None = None) -> None:
        """Forget a token by its digest, or every cached resolution of the token ``token_id``."""
        with self._lock:
            if digest is not None:
                self._entries.pop(digest, None)
            if token_id is not None:
                for key in [k for k, (p, _e, _c) in self._entries.items() if p.token_id == token_id]:
                    del self._entries[key]
