"""Idempotency-Key: a repeated key returns the first result instead of acting twice.

The key is reserved in its own transaction before the action runs (a primary
key makes the reservation exclusive), and the result is stored after it.
A concurrent duplicate that finds the key reserved but unfinished gets 409.
"""

from __future__ import annotations

from collections.abc import Callable

from hallctl.domain.errors import ConcurrencyConflict, DomainError

from .account_ports import Json, StoredResult
from .context import Hall

IN_PROGRESS = 0
Result = tuple[int, Json | None]


def run_once(
    hall: Hall,
    principal: str,
    key: str,
    method: str,
    path: str,
    action: Callable[[], Result],
    error_result: Callable[[DomainError], Result],
) -> Result:
    """Run ``action`` once per (principal, key); replay its (status, body) afterwards.

    Args:
        error_result: turns a domain error into the (status, body) to store and replay.

    Raises:
        ConcurrencyConflict: the key was used for another request, or its first request is still running.
    """
    first = _reserve(hall, principal, key, method, path)
    if first is not None:
        if (first.method, first.path) != (method, path):
            raise ConcurrencyConflict(f"Idempotency-Key {key!r} was already used for {first.method} {first.path}")
        if first.status == IN_PROGRESS:
            raise ConcurrencyConflict(f"a request with Idempotency-Key {key!r} is still being processed")
        return first.status, first.body
    try:
        status, body = action()
    except DomainError as exc:
        status, body = error_result(exc)
    except BaseException:
        with hall.uow() as uow:  # nothing happened: let a retry run it
            uow.idempotency.release(principal, key)
            uow.commit()
        raise
    with hall.uow() as uow:
        uow.idempotency.finish(principal, key, status, body)
        uow.commit()
    return status, body


def _reserve(hall: Hall, principal: str, key: str, method: str, path: str) -> StoredResult | None:
    """Take the key for this request; None when taken, else what the key already holds."""
    with hall.uow() as uow:
        stored = uow.idempotency.get(principal, key)
        if stored is not None:
            return stored
        if not uow.idempotency.reserve(principal, key, method, path, hall.now()):
            return StoredResult(method, path, IN_PROGRESS, None)
        uow.commit()
    return None
