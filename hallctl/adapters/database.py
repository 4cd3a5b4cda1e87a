"""Engines for any SQLAlchemy URL; SQLite gets WAL, durable commits and write locks taken up front."""

from __future__ import annotations

import select
import threading
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, Executable, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from hallctl.adapters.storage_errors import disk_room
from hallctl.domain.errors import Invalid

SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseUnusable(Exception):
    """The hall cannot run on this database (not a database, damaged, read-only, foreign); the message says which."""


@dataclass
class Database:
    """A write engine and a read engine on one database (on PostgreSQL the read engine is in autocommit).

    On SQLite, write transactions begin with ``BEGIN IMMEDIATE`` so that
    writers queue for the lock instead of failing on upgrade; readers use a
    plain deferred ``BEGIN`` and run beside them (WAL).

    On PostgreSQL see ``_postgres_engines``.
    """

    url: str
    write_engine: Engine
    read_engine: Engine
    write_lock: threading.Lock | nullcontext = field(init=False)

    def __post_init__(self) -> None:
        self.write_session = sessionmaker(self.write_engine, expire_on_commit=False)
        self.read_session = sessionmaker(self.read_engine, expire_on_commit=False)
        # SQLite has one writer at a time; threads of this process queue on a lock instead of
        # polling SQLite's busy handler, which sleeps up to 100 ms between tries.
        self.write_lock = threading.Lock() if self.is_sqlite else nullcontext()

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite (one writer at a time) rather than PostgreSQL."""
        return self.write_engine.dialect.name == "sqlite"

    def append(self, statement: Executable) -> None:
        """Run one INSERT that needs no transaction around it (an audit line). On PostgreSQL it runs on an
        autocommit connection: one round trip instead of BEGIN, INSERT and COMMIT."""
        if self.is_sqlite:
            with self.write_lock, self.write_engine.begin() as conn:
                conn.execute(statement)
        else:
            with self.read_engine.connect() as conn:
                conn.execute(statement)

    def dispose(self) -> None:
        """Close every connection of both engines."""
        self.write_engine.dispose()
        self.read_engine.dispose()

    @property
    def sqlite_file(self) -> Path | None:
        """The file of a SQLite database (None for PostgreSQL or an in-memory database)."""
        name = make_url(self.url).database
        return Path(name).resolve() if self.is_sqlite and name and name != ":memory:" else None

    @property
    def where(self) -> str:
        """The database as a message names it: a SQLite file's path, else the URL without its password."""
        file = self.sqlite_file
        return str(file) if file else make_url(self.url).render_as_string(hide_password=True)

    def verify(self, integrity: bool = False) -> None:
        """Check that the database can be opened and read; with ``integrity``, run SQLite's ``PRAGMA quick_check``.

        Raises:
            DatabaseUnusable: it cannot be opened, is not a database, or is damaged (the message names the file).
        """
        try:
            with self.write_engine.connect() as conn:
                if not (self.is_sqlite and integrity):
                    conn.execute(text("SELECT 1 FROM sqlite_master LIMIT 1" if self.is_sqlite else "SELECT 1"))
                    return
                problems = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check").fetchall()]
        except DBAPIError as exc:
            raise self.unusable(exc) from None
        if problems != ["ok"]:
            raise DatabaseUnusable(f"{self.where} is damaged (PRAGMA quick_check: {problems[0]}); {RESTORE}")

    def disk_is_full(self) -> bool:
        """Whether the filesystem holding a SQLite file has less room than :func:`disk_room` asks for."""
        file = self.sqlite_file
        if file is None:
            return False
        free, needed = disk_room(file.parent)
        return free < needed

    def unusable(self, exc: DBAPIError) -> DatabaseUnusable:
        """One line naming what ``exc`` (a driver error at start) says about the database."""
        name = getattr(exc.orig, "sqlite_errorname", "") or ""
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
        messages = {
            "SQLITE_NOTADB": f"{self.where} is not a SQLite database (truncated or overwritten?); {RESTORE}",
            "SQLITE_CORRUPT": f"{self.where} is damaged ({reason}); {RESTORE}",
            "SQLITE_READONLY": f"{self.where} is read-only: the server must write it and its -wal and -shm files "
            "/ 数据库文件只读",
            "SQLITE_CANTOPEN": f"cannot open {self.where}: its folder must be writable, SQLite creates the -wal and "
            "-shm files beside it / 无法打开数据库文件",
            "SQLITE_FULL": f"the disk holding {self.where} is full / 数据库磁盘已满",
        }
        if name.startswith("SQLITE_IOERR") and self.disk_is_full():
            name = "SQLITE_FULL"  # SQLite could not make its -shm or -wal file: it says I/O error, the disk is full
        message = next((m for prefix, m in messages.items() if name.startswith(prefix)), None)
        return DatabaseUnusable(message or f"cannot use the database {self.where}: {reason}")


RESTORE = "restore it from a backup with `hallctl restore` / 数据库文件已损坏，请从备份恢复"


def open_database(url: str) -> Database:
    """Create engines for ``url`` (relative SQLite paths are made relative to the cwd and created).

    Raises:
        Invalid: the URL is not a usable SQLAlchemy URL.
        DatabaseUnusable: the folder of a SQLite file cannot be created.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise Invalid(f"database URL {url!r} is not a SQLAlchemy URL", field="hall.database") from None
    if parsed.get_backend_name() != "sqlite":
        return Database(url, *_postgres_engines(url))
    if parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnusable(f"cannot create the database's folder {folder.resolve()}: {exc.strerror}") from None
    return Database(url, _sqlite_engine(url, immediate=True), _sqlite_engine(url, immediate=False))


def _postgres_engines(url: str) -> tuple[Engine, Engine]:
    """Writers and readers in pools of their own (at most 40 connections a process, as one pool had).

    Writers run the hot path — issue, call, start, finish: few statements, each an index lookup whatever
    its parameters. They are prepared from their second run and planned once per connection
    (``force_generic_plan``): call-next's candidates query alone took 1–3 ms to plan, every time, which
    made planning the biggest part of the database's work per request.

    Readers keep PostgreSQL's own choice of plan (report ranges run from a day to years) and run in
    autocommit: under READ COMMITTED every statement takes its own snapshot anyway, and a reader that
    neither begins nor rolls back saves two round trips and keeps its prepared statements (psycopg
    forgets them all on ROLLBACK).

    A pooled connection the server has closed (a restart, an administrator, an idle timeout) is replaced
    when it is taken from the pool (``_closed_by_server``) without the round trip of ``pool_pre_ping``,
    which the hot path paid three times a request.
    """
    writer = create_engine(
        url,
        pool_size=10,
        max_overflow=10,
        connect_args={"prepare_threshold": 1, "options": "-c plan_cache_mode=force_generic_plan"},
    )
    reader = create_engine(url, pool_size=10, max_overflow=10, isolation_level="AUTOCOMMIT")
    for engine in (writer, reader):
        event.listen(engine, "checkout", _closed_by_server)
    return writer, reader


def _closed_by_server(dbapi_connection, _record, _proxy) -> None:
    """Refuse a pooled connection with something to read: an idle connection hears from PostgreSQL only
    when it is being closed (the FATAL message, then end of file). SQLAlchemy then opens a fresh one."""
    poll = select.poll()
    poll.register(dbapi_connection.fileno(), select.POLLIN)
    if poll.poll(0):
        raise DisconnectionError("PostgreSQL closed this pooled connection")


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    # Writers take Database.write_lock, so one connection serves them all in turn and its
    # page cache stays warm (a pool of writers would invalidate each other's caches).
    pool_args = {"poolclass": StaticPool} if immediate else {"pool_size": 32, "max_overflow": 32}
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **pool_args
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
