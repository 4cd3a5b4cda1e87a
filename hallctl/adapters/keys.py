"""The hall's secrets on disk: the citizens' HMAC key kept outside the database, and database files others can read.

The key is 32 random bytes written as 64 hex digits. It comes from, in this order: the environment variable
``HALLCTL_CITIZEN_KEY``; the systemd credential ``citizen-key`` (``$CREDENTIALS_DIRECTORY/citizen-key``, see
``LoadCredential=`` in systemd.exec(5)); the key file of ``[hall] citizen_key_file``, created with mode 0600 on the
first start. A hall from before the key moved kept it in the database's ``settings``; the first start writes it
to the key file (or checks it against the given key) and then deletes it from the database, overwriting the
deleted bytes on SQLite, so that a copy of the database alone cannot recompute a citizen's hash.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import delete, select

from hallctl.adapters import orm
from hallctl.adapters.database import Database, DatabaseUnusable

log = logging.getLogger(__name__)

KEY_BYTES = 32
ENV_VAR = "HALLCTL_CITIZEN_KEY"
CREDENTIAL = "citizen-key"
LEGACY_SETTING = "citizen_hmac_key"
"""Where services/setup.py kept the key in the database's settings before it moved out."""
PRIVATE = 0o600


class CitizenKeyRefused(DatabaseUnusable):
    """The citizens' key cannot be used: unreadable, too short, or not the key the database's hashes were made with."""


def citizen_key(database: Database, key_file: Path, environ: Mapping[str, str] = os.environ) -> bytes:
    """The hall's citizen HMAC key, moving a key the database still holds out of it first.

    Raises:
        CitizenKeyRefused: the key given is not hex of at least 32 bytes, cannot be read or written, or differs
            from the one the database still holds (its hashes would stop matching).
    """
    given = _given_key(environ)
    old = _key_in_database(database)
    if given is not None:
        key, where = given
    else:
        where = str(key_file)
        key = _read_key(key_file, where) if key_file.exists() else _create_key_file(key_file, old)
    if old is not None:
        if old != key:
            raise CitizenKeyRefused(
                f"the key in {where} is not the citizen key the database still holds (settings {LEGACY_SETTING}); "
                f"its hashes would stop matching: remove {where} to move the database's key there, or delete the "
                "setting to start afresh / 公民信息密钥与数据库中的旧密钥不一致"
            )
        _forget_key_in_database(database)
        log.warning("the citizen key moved out of the database into %s; old backups still hold it", where)
    return key


def warn_about_open_files(paths: list[Path]) -> None:
    """Log a warning for each of these files that users other than its owner may read or write."""
    for path in paths:
        if path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077:
            log.warning(
                "%s is readable by other users (mode %o); run: chmod 600 %s",
                path,
                stat.S_IMODE(path.stat().st_mode),
                path,
            )


def database_files(database: Database) -> list[Path]:
    """The files of a SQLite database (the file, its write-ahead log and shared memory); none for a server."""
    if not database.is_sqlite or not database.write_engine.url.database:
        return []
    path = Path(database.write_engine.url.database)
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


def _given_key(environ: Mapping[str, str]) -> tuple[bytes, str] | None:
    if environ.get(ENV_VAR):
        return _parse(environ[ENV_VAR], ENV_VAR), ENV_VAR
    directory = environ.get("CREDENTIALS_DIRECTORY")
    if directory and (Path(directory) / CREDENTIAL).exists():
        where = str(Path(directory) / CREDENTIAL)
        return _read_key(Path(where), f"the systemd credential {where}"), where
    return None


def _parse(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise CitizenKeyRefused(f"the citizen key in {where} is not hex digits / 公民信息密钥格式错误") from None
    if len(key) < KEY_BYTES:
        raise CitizenKeyRefused(
            f"the citizen key in {where} has {len(key) * 2} hex digits; use at least {KEY_BYTES * 2} "
            "(python -c 'import secrets; print(secrets.token_hex(32))') / 公民信息密钥太短"
        )
    return key


def _read_key(path: Path, where: str) -> bytes:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise CitizenKeyRefused(f"cannot read the citizen key {where}: {exc} / 无法读取公民信息密钥") from None
    if stat.S_IMODE(path.stat().st_mode) & 0o077 and not where.startswith("the systemd credential"):
        warn_about_open_files([path])
    return _parse(text, where)


def _create_key_file(path: Path, key: bytes | None) -> bytes:
    """Write ``key`` (or a new random one) to ``path`` with mode 0600, unless another process just did."""
    key = key or secrets.token_bytes(KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(key.hex() + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(scratch, path)  # atomic: a process starting at the same time reads the one that won
        except FileExistsError:
            return _read_key(path, str(path))
        finally:
            os.unlink(scratch)
    except OSError as exc:
        raise CitizenKeyRefused(
            f"cannot create the citizen key file {path}: {exc} / 无法创建公民信息密钥文件"
        ) from None
    log.info("created the citizen key file %s (mode 600); back it up apart from the database", path)
    return key


def _key_in_database(database: Database) -> bytes | None:
    with database.read_engine.connect() as conn:
        value = conn.execute(select(orm.settings.c.value).where(orm.settings.c.key == LEGACY_SETTING)).scalar()
    return _parse(value, f"the database's settings ({LEGACY_SETTING})") if value is not None else None


def _forget_key_in_database(database: Database) -> None:
    """Delete the old key's row; on SQLite overwrite its bytes and fold the write-ahead log into the file."""
    forget = delete(orm.settings).where(orm.settings.c.key == LEGACY_SETTING)
    if not database.is_sqlite:  # PostgreSQL keeps the dead row until VACUUM (docs/configuration.md)
        with database.write_engine.begin() as conn:
            conn.execute(forget)
        return
    with database.write_lock, database.write_engine.connect() as conn:
        sqlite = conn.connection.cursor()  # in autocommit: each statement is its own transaction
        sqlite.execute("PRAGMA secure_delete = ON")
        sqlite.execute("DELETE FROM settings WHERE key = ?", (LEGACY_SETTING,))
        sqlite.execute("PRAGMA secure_delete = OFF")
        sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sqlite.close()
