"""``hallctl backup`` and ``hallctl restore``: a consistent copy of a live SQLite hall, and putting one back."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from hallctl.adapters.backup import BackupRefused, back_up, backup_name, prune, restore
from hallctl.cli.common import EXIT_USAGE, Subcommands, load_or_exit
from hallctl.config import Config

POSTGRES = (
    "hallctl backup and restore handle SQLite; for PostgreSQL use pg_dump -Fc and pg_restore (docs/operations.md, "
    "Storage and durability) / PostgreSQL 请使用 pg_dump 和 pg_restore"
)


def add_backup(sub: Subcommands) -> None:
    """Register ``backup`` and ``restore``."""
    p = sub.add_parser("backup", help="copy the live SQLite database to a checked backup file")
    p.add_argument("--config", required=True)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="the backup file to write")
    where.add_argument("--out-dir", type=Path, help=f"a folder: writes {backup_name(datetime(2026, 1, 2, 3, 4, 5))}")
    p.add_argument(
        "--keep-days", type=int, help="with --out-dir: delete that folder's backups older than this many days"
    )
    p.set_defaults(func=backup)
    p = sub.add_parser("restore", help="put a backup file in place of the SQLite database (the server stopped)")
    p.add_argument("--config", required=True)
    p.add_argument("file", type=Path, help="the backup file")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation (needed when not on a terminal)")
    p.set_defaults(func=restore_backup)


def backup(args: argparse.Namespace) -> int:
    """Copy the configured SQLite database to ``--out`` (or a new file in ``--out-dir``), check the copy and print
    one line naming it, its size, its tickets and its schema revision; EXIT_USAGE with one line when it cannot."""
    if args.keep_days is not None and (args.out_dir is None or args.keep_days < 1):
        print(
            "hallctl: --keep-days takes a number of days ≥ 1 and needs --out-dir / --keep-days 需配合 --out-dir",
            file=sys.stderr,
        )
        return EXIT_USAGE
    now = datetime.now(UTC)
    out = args.out if args.out is not None else args.out_dir / backup_name(now)
    try:
        snapshot = back_up(_sqlite_file(load_or_exit(args.config)), out, _known_revisions())
        pruned = prune(args.out_dir, args.keep_days, now) if args.keep_days else []
    except (BackupRefused, OSError) as exc:
        print(f"hallctl: backup failed: {exc}", file=sys.stderr)
        return EXIT_USAGE
    removed = f"; removed {len(pruned)} backups older than {args.keep_days} days" if pruned else ""
    print(
        f"backed up to {snapshot.path}: {snapshot.size} bytes, {snapshot.tickets} tickets, "
        f"schema {snapshot.revision}{removed}"
    )
    return 0


def restore_backup(args: argparse.Namespace) -> int:
    """Put the backup ``file`` in place of the configured SQLite database after checking it; EXIT_USAGE with one
    line when the file is not a sound hallctl backup, a server runs, or confirmation is missing."""
    from hallctl.migrations import head

    config = load_or_exit(args.config)
    try:
        database = _sqlite_file(config)
        if not args.yes and not _confirmed(args.file, database):
            return EXIT_USAGE
        restored = restore(args.file, database, _known_revisions(), datetime.now(UTC))
    except (BackupRefused, OSError) as exc:
        print(f"hallctl: restore refused: {exc}", file=sys.stderr)
        return EXIT_USAGE
    snapshot = restored.snapshot
    kept = f"; the replaced database is kept as {restored.kept}" if restored.kept else ""
    print(f"restored {args.file} to {database}: {snapshot.tickets} tickets, schema {snapshot.revision}{kept}")
    if snapshot.revision != head():
        print(f"the backup is at an older schema: run `hallctl db upgrade --config {args.config}` before serving")
    return 0


def _sqlite_file(config: Config) -> Path:
    from sqlalchemy.engine import make_url

    url = make_url(config.hall.database)
    if url.get_backend_name() != "sqlite":
        raise BackupRefused(POSTGRES)
    if not url.database or url.database == ":memory:":
        raise BackupRefused("an in-memory database has nothing to back up or restore / 内存数据库无法备份")
    return Path(url.database).resolve()


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from hallctl.migrations import alembic_config

    return {script.revision for script in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()}


def _confirmed(file: Path, database: Path) -> bool:
    """Ask on a terminal whether to replace ``database``; without one, say to pass --yes and refuse."""
    if not sys.stdin.isatty():
        print(
            "hallctl: restore refused: not on a terminal, pass --yes to replace the database / 非交互模式请加 --yes",
            file=sys.stderr,
        )
        return False
    answer = input(f"replace {database} with {file}? The current database is kept beside it. [y/N] ")
    if answer.strip().lower() in ("y", "yes"):
        return True
    print("hallctl: restore cancelled, nothing changed / 已取消", file=sys.stderr)
    return False
