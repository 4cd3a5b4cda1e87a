"""The device leader lock: of all server processes of a hall, exactly one drives the serial ports.

SQLite: an exclusive ``flock`` on ``<database>-leader`` beside the database file.
PostgreSQL: a session advisory lock held on a connection of its own. Either is
released by the operating system or the database the moment the holding process
dies, so a surviving process can take over.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from .database import Database

log = logging.getLogger(__name__)


class LeaderLock:
    """``acquire()`` without waiting; ``held()`` tells whether it is still ours; ``release()``."""

    def __init__(self, database: Database, hall_id: str) -> None:
        self.database = database
        self.hall_id = hall_id
        self._fd: int | None = None
        self._connection: Connection | None = None

    def acquire(self) -> bool:
        """Take the lock if no other process holds it."""
        if self.database.is_sqlite:
            return self._acquire_file()
        return self._acquire_advisory()

    def held(self) -> bool:
        """Still ours (PostgreSQL: the connection holding it is alive)."""
        if self.database.is_sqlite:
            return self._fd is not None
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except Exception as exc:
            log.warning("lost the device leader lock's database connection: %s", exc)
            self._drop_connection()
            return False

    def release(self) -> None:
        """Give the lock up (no-op when not held); closing its file or connection drops it."""
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None
        if self._connection is not None:
            # any failure is harmless: the connection is going anyway, and closing it drops the lock
            with contextlib.suppress(Exception):
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key()})
            self._drop_connection()

    def _acquire_file(self) -> bool:
        if self._fd is not None:
            return True
        path = make_url(self.database.url).database
        if not path or path == ":memory:":
            return True  # a database only this process can see
        fd = os.open(f"{path}-leader", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def _key(self) -> int:
        digest = hashlib.sha256(f"hallctl-leader:{self.hall_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def _acquire_advisory(self) -> bool:
        if self._connection is not None:
            return True
        connection = self.database.write_engine.connect()
        connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key()}).scalar()
        except Exception:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def _drop_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # never back to the pool while it might still hold the lock
                self._connection.invalidate()
        self._connection = None
