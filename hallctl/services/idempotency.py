"""Idempotency-Key: a repeated key returns the first result instead of acting twice.

The key is reserved in its own transaction before the action runs (a primary
key makes the reservation exclusive), and the result is stored after it.
A concurrent duplicate that finds the key reserved but unfinished gets 409.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from hallctl.adapters import orm
from hallctl.domain.errors import ConcurrencyConflict, DomainError

from .context import Hall

IN_PROGRESS = 0
Result = tuple[int, dict | None]


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
    """
    k = orm.idempotency_keys
    where = (k.c.principal == principal) & (k.c.key == key)
    with hall.uow() as uow:
        row = uow.session.execute(select(k.c.status_code, k.c.body, k.c.method, k.c.path).where(where)).first()
        if row is None:
            try:
                uow.session.execute(
                    insert(k).values(
                        principal=principal,
                        key=key,
                        method=method,
                        path=path,
                        status_code=IN_PROGRESS,
                        body=None,
                        created_at=hall.now(),
                    )
                )
                uow.session.commit()
            except IntegrityError:
                row = (IN_PROGRESS, None, method, path)
    if row is not None:
        status, body, first_method, first_path = row
        if (first_method, first_path) != (method, path):
            raise ConcurrencyConflict(f"Idempotency-Key {key!r} was already used for {first_method} {first_path}")
        if status == IN_PROGRESS:
            raise ConcurrencyConflict(f"a request with Idempotency-Key {key!r} is still being processed")
        return status, body
    try:
        status, body = action()
    except DomainError as exc:
        status, body = error_result(exc)
    except BaseException:
        with hall.uow() as uow:  # nothing happened: let a retry run it
            uow.session.execute(delete(k).where(where))
            uow.session.commit()
        raise
    with hall.uow() as uow:
        uow.session.execute(update(k).where(where).values(status_code=status, body=body))
        uow.session.commit()
    return status, body
