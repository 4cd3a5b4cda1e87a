"""Idempotency keys, the settings table and the services' rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from hallctl.services.account_ports import Json, StoredResult

from .. import orm
from .base import Repository, upsert

K = orm.idempotency_keys


class IdempotencyRepository(Repository):
    """Idempotency keys and their stored replies (implements ``ports.IdempotencyRepository``)."""

    def get(self, principal: str, key: str) -> StoredResult | None:
        """What ``key`` holds for ``principal``; None if the key is unused."""
        columns = (K.c.method, K.c.path, K.c.request_hash, K.c.status_code, K.c.body, K.c.created_at)
        row = self.session.execute(select(*columns).where(K.c.principal == principal, K.c.key == key)).first()
        return StoredResult(*row) if row else None

    def reserve(self, principal: str, key: str, method: str, path: str, request_hash: str, now: datetime) -> bool:
        """Insert the key as running; False when another transaction has it (the primary key refuses it)."""
        values = {"principal": principal, "key": key, "method": method, "path": path, "request_hash": request_hash}
        try:
            self.session.execute(insert(K).values(**values, created_at=now, status_code=0, body=None))
        except IntegrityError:
            self.session.rollback()
            return False
        return True

    def finish(self, principal: str, key: str, status: int, body: Json | None) -> None:
        """Store the reply (status, body) of the request that reserved the key."""
        where = (K.c.principal == principal) & (K.c.key == key)
        self.session.execute(update(K).where(where).values(status_code=status, body=body))

    def release(self, principal: str, key: str) -> None:
        """Delete the key, so that a retry runs the request again."""
        self.session.execute(delete(K).where(K.c.principal == principal, K.c.key == key))

    def purge(self, before: datetime, limit: int) -> int:
        """Delete up to ``limit`` keys taken before ``before``, oldest first (by the created_at index).

        Rows another transaction is deleting are skipped on PostgreSQL (``SKIP LOCKED``), so concurrent
        purges do not wait on each other.
        """
        oldest = (
            select(K.c.principal, K.c.key)
            .where(K.c.created_at < before)
            .order_by(K.c.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = self.session.execute(delete(K).where(tuple_(K.c.principal, K.c.key).in_(oldest)))
        return cast(CursorResult[Any], result).rowcount


class SettingsRepository(Repository):
    """Key-value settings the database keeps (implements ``ports.SettingsRepository``)."""

    def get(self, key: str) -> str | None:
        """The value stored under ``key``; None if there is none."""
        return self.session.execute(select(orm.settings.c.value).where(orm.settings.c.key == key)).scalar()

    def add(self, key: str, value: str) -> None:
        """Insert a new value under ``key`` (the key must not exist yet)."""
        self.session.execute(orm.settings.insert().values(key=key, value=value))


class ServiceRepository(Repository):
    """The services' rows, kept in line with the config (implements ``ports.ServiceRepository``)."""

    def put(self, code: str, name: str, name_en: str, prefix: str, target_wait_min: float) -> None:
        """Create or update the hall's row of the service."""
        keys = {"hall_id": self.hall_id, "code": code}
        values = {"name": name, "name_en": name_en, "prefix": prefix, "target_wait_min": target_wait_min}
        upsert(self.session, orm.services, keys, values)
