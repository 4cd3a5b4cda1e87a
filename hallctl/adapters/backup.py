"""Backups of a SQLite hall: a consistent copy of the live database, and putting one back in its place.

A backup is one self-contained SQLite file (rollback journal, no ``-wal``), made with SQLite's online backup API
under one read snapshot: in WAL mode the server keeps writing while it is copied. Every file this module writes
goes to a temporary file in the target's folder, is fsynced, then renamed over the target.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

BACKUP_PREFIX = "hallctl-backup-"
BACKUP_SUFFIX = ".sqlite3"
"""Backups made with ``--out-dir`` are named ``hallctl-backup-<UTC time>.sqlite3``; only these are ever pruned."""
STAMP = "%Y%m%dT%H%M%SZ"
PRIVATE = 0o600


class BackupRefused(Exception):
    """A backup or restore cannot be done as asked; the message is one line naming why and what to do."""


@dataclass(frozen=True)
class Snapshot:
    """A checked hallctl database file: its size in bytes, how many tickets it holds and its schema revision."""

    path: Path
    size: int
    tickets: int
    revision: str


@dataclass(frozen=True)
class Restored:
    """What a restore did: the database now in place and where the one it replaced was kept (None: there was none)."""

    snapshot: Snapshot
    kept: Path | None


def back_up(database: Path, out: Path, known_revisions: Collection[str]) -> Snapshot:
    """Copy the live SQLite ``database`` to ``out`` (mode 0600) and check the copy.

    Args:
        database: the hall's SQLite file; a server may be writing it.
        out: the backup file to write (replaced atomically if it exists).
        known_revisions: the schema revisions this hallctl knows.

    Raises:
        BackupRefused: there is no database there, or the copy is not a sound hallctl database.
        OSError: the backup cannot be written (folder missing, disk full).
    """
    if not database.is_file():
        raise BackupRefused(f"there is no database at {database} / 数据库文件不存在")
    out.parent.mkdir(parents=True, exist_ok=True)
    with _temporary_beside(out) as part:
        source = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=30)
        target = sqlite3.connect(part)
        try:
            source.backup(target)  # one step: one read snapshot, which WAL lets writers work beside
            target.execute("PRAGMA journal_mode=DELETE")  # one file, whatever the source's journal
        except sqlite3.DatabaseError as exc:
            raise BackupRefused(f"cannot read {database}: {exc} / 无法读取数据库") from None
        finally:
            target.close()
            source.close()
        checked = check(part, known_revisions, named=out)
        _commit(part, out)
    return Snapshot(out, checked.size, checked.tickets, checked.revision)


def check(path: Path, known_revisions: Collection[str], named: Path | None = None) -> Snapshot:
    """Check that ``path`` is a sound hallctl database: SQLite's ``PRAGMA quick_check`` passes and its schema is
    at a revision this hallctl knows. Messages name the file as ``named`` (default: ``path``).

    Raises:
        BackupRefused: it is not a SQLite database, is damaged, foreign, or at an unknown revision.
    """
    shown = named or path
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            problems = [row[0] for row in db.execute("PRAGMA quick_check")]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if problems != ["ok"]:
                raise BackupRefused(f"{shown} is damaged (PRAGMA quick_check: {problems[0]}) / 备份文件已损坏")
            if not {"alembic_version", "tickets"} <= tables:
                raise BackupRefused(f"{shown} holds no hallctl schema: not a hallctl backup / 这不是本系统的备份")
            revision = (db.execute("SELECT version_num FROM alembic_version").fetchone() or ("none",))[0]
            tickets = db.execute("SELECT count(*) FROM tickets").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _unreadable(shown, exc) from None
    if revision not in known_revisions:
        raise BackupRefused(
            f"{shown} is at schema {revision!r}, which this hallctl does not know (made by a newer hallctl?) "
            "/ 备份的数据库版本未知"
        )
    return Snapshot(path, path.stat().st_size, tickets, revision)


def restore(backup: Path, database: Path, known_revisions: Collection[str], now: datetime) -> Restored:
    """Put the backup file ``backup`` in place of the SQLite ``database``, keeping the one it replaces.

    The replaced database is kept as ``<database>.before-restore-<UTC time>`` (mode 0600), its write-ahead log
    checkpointed into it first; the ``-wal`` and ``-shm`` files beside ``database`` are removed before the backup
    is renamed into place, so no stale log is ever replayed onto it.

    Raises:
        BackupRefused: the backup is not a sound hallctl database, or a server (or any process) uses the hall.
        OSError: the files cannot be written.
    """
    if not backup.is_file():
        raise BackupRefused(f"there is no backup file at {backup} / 备份文件不存在")
    database.parent.mkdir(parents=True, exist_ok=True)
    with _temporary_beside(database) as part:
        shutil.copyfile(backup, part)  # only bytes are read from the backup; SQLite opens the copy
        _one_file(part, backup)
        checked = check(part, known_revisions, named=backup)
        with _leader_lock(database):
            kept = _set_aside(database, now) if database.exists() else None
            for stale in (Path(f"{database}-wal"), Path(f"{database}-shm")):
                stale.unlink(missing_ok=True)
            _commit(part, database)
    return Restored(Snapshot(database, checked.size, checked.tickets, checked.revision), kept)


def backup_name(now: datetime) -> str:
    """The file name of a backup made at ``now`` in a backup folder."""
    return f"{BACKUP_PREFIX}{now.astimezone(UTC).strftime(STAMP)}{BACKUP_SUFFIX}"


def prune(folder: Path, keep_days: int, now: datetime) -> list[Path]:
    """Delete the backups (named by :func:`backup_name`) in ``folder`` last written more than ``keep_days`` ago.

    Returns:
        The files deleted.
    """
    oldest = (now - timedelta(days=keep_days)).timestamp()
    old = [file for file in folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}") if file.stat().st_mtime < oldest]
    for file in old:
        file.unlink()
    return old


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A new empty file (mode 0600) in ``target``'s folder, deleted on the way out unless renamed."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    part = Path(name)
    try:
        yield part
    finally:
        for leftover in (part, *(Path(f"{part}-{suffix}") for suffix in ("journal", "wal", "shm"))):
            leftover.unlink(missing_ok=True)


def _one_file(path: Path, named: Path) -> None:
    """Switch the SQLite file at ``path`` to a rollback journal (a copy of a WAL database says WAL in its header).

    Raises:
        BackupRefused: it is not a SQLite database.
    """
    try:
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.DatabaseError as exc:
        raise _unreadable(named, exc) from None


def _unreadable(path: Path, exc: sqlite3.DatabaseError) -> BackupRefused:
    """One line naming why SQLite cannot read ``path``: damaged, or not a database at all."""
    if getattr(exc, "sqlite_errorname", "").startswith("SQLITE_CORRUPT"):
        return BackupRefused(f"{path} is damaged ({exc}) / 备份文件已损坏")
    return BackupRefused(f"{path} is not a SQLite database ({exc}) / 这不是SQLite数据库文件")


def _commit(part: Path, target: Path) -> None:
    """Make ``part`` durable, rename it to ``target`` and make the rename durable."""
    with open(part, "rb+") as file:
        os.fsync(file.fileno())
    os.chmod(part, PRIVATE)
    os.replace(part, target)
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _leader_lock(database: Path) -> Iterator[None]:
    """Hold the device leader lock (hallctl/adapters/leader.py) of ``database`` while restoring it.

    Raises:
        BackupRefused: a server holds it: it is running on this database.
    """
    fd = os.open(f"{database}-leader", os.O_RDWR | os.O_CREAT, PRIVATE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupRefused(
                f"a hallctl server is running on {database} (it holds {database}-leader): stop it first, e.g. "
                "`systemctl stop hallctl` / 服务正在运行，请先停止服务再恢复"
            ) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor drops the flock


def _set_aside(database: Path, now: datetime) -> Path:
    """Checkpoint ``database`` into one file, proving no process has it open, and hard-link it aside.

    Raises:
        BackupRefused: another process has the database open (a server without devices, a hallctl command).
    """
    db = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        db.execute("PRAGMA locking_mode=EXCLUSIVE")  # any other open connection holds a lock this cannot take
        db.execute("BEGIN EXCLUSIVE")
        db.execute("COMMIT")
        if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorname.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            raise BackupRefused(
                f"{database} is open in another process: stop the hallctl server or command using it first "
                "/ 数据库正被其他进程使用，请先停止服务"
            ) from None
        raise BackupRefused(f"cannot open {database}: {exc} / 无法打开数据库") from None
    except sqlite3.DatabaseError:
        pass  # damaged or not a database: no server runs on it (serve checks it at start); keep it as it is
    finally:
        db.close()
    kept = database.with_name(f"{database.name}.before-restore-{now.astimezone(UTC).strftime(STAMP)}")
    os.link(database, kept)
    os.chmod(kept, PRIVATE)
    return kept
