"""Name a storage failure (full disk, damaged, read-only database) from whatever exception carried it."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

MIN_FREE_BYTES = 200 * 1024 * 1024
"""The disk holding a SQLite database has room when it has this much free …"""
MIN_FREE_SHARE = 0.05
"""… or this share of the filesystem free, whichever is less (a small disk is not always "full")."""

StorageFailure = tuple[str, str]
"""``(error code, bilingual message)``."""

FULL: StorageFailure = (
    "storage_full",
    "the hall's storage is full: nothing saved, ask staff / 存储空间已满：本次操作未保存，请联系工作人员",
)
CORRUPT: StorageFailure = (
    "storage_corrupt",
    "the hall's database is damaged: nothing saved, ask staff / 数据库已损坏：本次操作未保存，请联系工作人员",
)
READ_ONLY: StorageFailure = (
    "storage_read_only",
    "the hall's database is read-only: nothing saved, ask staff / 数据库只读：本次操作未保存，请联系工作人员",
)
IO_ERROR: StorageFailure = (
    "storage_io_error",
    "the hall's storage failed to write: nothing saved, ask staff / 存储写入失败：本次操作未保存，请联系工作人员",
)

SQLITE_FAILURES = {
    "SQLITE_FULL": FULL,
    "SQLITE_CORRUPT": CORRUPT,
    "SQLITE_NOTADB": CORRUPT,
    "SQLITE_READONLY": READ_ONLY,
    "SQLITE_IOERR": IO_ERROR,
}
"""SQLite's primary result codes (extended ones like ``SQLITE_IOERR_WRITE`` go by their prefix)."""

POSTGRES_FAILURES = {"53100": FULL, "XX001": CORRUPT, "XX002": CORRUPT, "25006": READ_ONLY}
"""SQLSTATEs: disk_full, data_corrupted, index_corrupted, read_only_sql_transaction."""


def storage_failure(exc: BaseException) -> StorageFailure | None:
    """What storage failure ``exc`` (or an exception it was raised from) reports, if any.

    A full disk is ``OSError(ENOSPC)`` anywhere in the chain, SQLite's ``SQLITE_FULL`` or PostgreSQL's
    ``disk_full``; a damaged file, a read-only one and an I/O error are named likewise.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found = _one(current)
        if found:
            return found
        current = current.__cause__ or current.__context__
    return None


def _one(exc: BaseException) -> StorageFailure | None:
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        return next((failure for prefix, failure in SQLITE_FAILURES.items() if name.startswith(prefix)), None)
    if isinstance(exc, OSError):
        return FULL if exc.errno == errno.ENOSPC else None
    return POSTGRES_FAILURES.get(getattr(exc, "sqlstate", None) or "")


def disk_room(path: Path) -> tuple[int, int]:
    """``(free, needed)`` bytes on the filesystem of ``path``: needed is :data:`MIN_FREE_BYTES` or
    :data:`MIN_FREE_SHARE` of the filesystem, whichever is less."""
    usage = shutil.disk_usage(path)
    return usage.free, min(MIN_FREE_BYTES, int(usage.total * MIN_FREE_SHARE))
