"""Idempotency-Key: a repeated key replays the first success instead of acting twice (PRODUCT.md §6.1).

A key belongs to one authenticated principal (:func:`scope_of`); the caller never offers an anonymous request
here, so a key cannot carry one person's reply to another. The key is reserved in its own transaction before
the action runs (a primary key makes the reservation exclusive) together with the request's fingerprint —
method, path and a SHA-256 of the canonical body and query —, and the reply is stored after it:

- the same key with another fingerprint is refused (:class:`KeyMismatch`, 422 ``idempotency_mismatch``);
- a duplicate that finds the key reserved but unfinished is refused (:class:`KeyInProgress`, 409);
- only a success (2xx) is stored; a refusal or a crash releases the key, so a corrected retry runs;
- a reply holding a secret (:data:`SECRET_FIELDS`) is never stored: the key is released;
- a key is kept :data:`RETENTION`; every reservation first deletes up to :data:`PURGE_BATCH` older keys.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from hallctl.domain.errors import ConcurrencyConflict, Invalid

from . import auth
from .account_ports import Json, StoredResult
from .context import Hall

IN_PROGRESS = 0
RETENTION = timedelta(hours=24)
"""How long a key replays its first reply; older keys are deleted."""
PURGE_BATCH = 500
"""At most this many expired keys are deleted per reservation (a bounded statement on the request's path)."""
SECRET_FIELDS = frozenset({"token"})
"""Top-level reply fields that make a reply unfit to store (a session token)."""
Result = tuple[int, Json | None]


class KeyMismatch(Invalid):
    """The key was first used for another request (method, path, body or query) (422)."""

    code = "idempotency_mismatch"


class KeyInProgress(ConcurrencyConflict):
    """The key's first request is still running (409)."""

    code = "idempotency_in_progress"


@dataclass(frozen=True)
class Fingerprint:
    """What identifies a request under a key: method, path and the SHA-256 of its canonical body and query."""

    method: str
    path: str
    digest: str

    @classmethod
    def of(cls, method: str, path: str, body: Json | None, query: Iterable[tuple[str, str]]) -> Fingerprint:
        """The fingerprint of a request whose JSON body is ``body`` (``{}`` when empty) and query ``query``.

        Key order and whitespace in the body and the order of query parameters do not change it.
        """
        canonical = json.dumps(
            [method, path, body, sorted(query)], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return cls(method, path, hashlib.sha256(canonical.encode()).hexdigest())


def scope_of(principal: auth.Principal) -> str:
    """The key space of an authenticated principal.

    A user (staff, manager, admin) is the same principal across its sessions: ``user:{role}:{name}``. A device
    token is its own principal, ``token:{id}``: a kiosk's token that is revoked and issued again starts an
    empty key space, so the old token's replies (tickets with their track tokens) never reach the new one.
    """
    if principal.role in auth.USER_ROLES:
        return f"user:{principal.role}:{principal.name}"
    return f"token:{principal.token_id}"


def run_once(hall: Hall, scope: str, key: str, request: Fingerprint, action: Callable[[], Result]) -> Result:
    """Run ``action`` once per (scope, key) and replay its successful (status, body) afterwards.

    Args:
        scope: the authenticated principal's key space (:func:`scope_of`).
        key: the client's Idempotency-Key.
        request: the request's fingerprint; a replay needs the same one.
        action: the request itself; a domain error it raises is passed on and stores nothing.

    Raises:
        KeyMismatch: the key was first used for another request.
        KeyInProgress: the key's first request is still running.
    """
    first = _reserve(hall, scope, key, request)
    if first is not None:
        if (first.method, first.path, first.request_hash) != (request.method, request.path, request.digest):
            raise KeyMismatch(
                f"Idempotency-Key {key!r} was first used for another request ({first.method} {first.path} or another"
                " body); send a new key with a new request / 该幂等键已用于另一个请求，新请求请使用新的键",
                field="Idempotency-Key",
            )
        if first.status == IN_PROGRESS:
            raise KeyInProgress(
                f"a request with Idempotency-Key {key!r} is still being processed; retry in a moment"
                " / 使用该幂等键的请求仍在处理中，请稍后重试",
                field="Idempotency-Key",
            )
        return first.status, first.body
    try:
        status, body = action()
    except BaseException:  # a refusal or a crash: nothing to replay, let a retry run it
        _release(hall, scope, key)
        raise
    if 200 <= status < 300 and not _holds_secret(body):
        with hall.uow() as uow:
            uow.idempotency.finish(scope, key, status, body)
            uow.commit()
    else:
        _release(hall, scope, key)
    return status, body


def _holds_secret(body: Json | None) -> bool:
    return isinstance(body, dict) and not SECRET_FIELDS.isdisjoint(body)


def _reserve(hall: Hall, scope: str, key: str, request: Fingerprint) -> StoredResult | None:
    """Take the key for this request (purging expired keys first); None when taken, else what the key holds."""
    now = hall.now()
    with hall.uow() as uow:
        uow.idempotency.purge(now - RETENTION, PURGE_BATCH)
        stored = uow.idempotency.get(scope, key)
        if stored is not None and stored.created_at >= now - RETENTION:
            return stored
        if stored is not None:  # expired, not yet reached by a purge
            uow.idempotency.release(scope, key)
        if not uow.idempotency.reserve(scope, key, request.method, request.path, request.digest, now):
            return StoredResult(request.method, request.path, request.digest, IN_PROGRESS, None, now)
        uow.commit()
    return None


def _release(hall: Hall, scope: str, key: str) -> None:
    with hall.uow() as uow:
        uow.idempotency.release(scope, key)
        uow.commit()
