"""What the subcommands share: the usage exit code, reading the config, opening the hall."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING, TypeAlias

from hallctl.adapters.database import DatabaseUnusable
from hallctl.config import Config, ConfigError, load_config
from hallctl.migrations import NotMigrated

if TYPE_CHECKING:
    from hallctl.services.context import Hall

EXIT_USAGE = 2
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What ``ArgumentParser.add_subparsers`` returns; each module's ``add_…`` registers its subcommands on it."""
UNUSABLE_DATABASE = (NotMigrated, DatabaseUnusable)
"""What opening a hall raises when its database cannot be used as it is; the message is one line naming why."""


def load_or_exit(path: str) -> Config:
    """The config file at ``path``; prints its problems and exits with EXIT_USAGE when it cannot be used."""
    try:
        return load_config(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        sys.exit(EXIT_USAGE)


def open_hall(config: Config) -> Hall:
    """The hall on this config's database; exits with EXIT_USAGE and one line (naming the command to run, if
    any) when the database is not migrated or cannot be used."""
    from hallctl.bootstrap import bootstrap

    quiet_schema_checks()
    try:
        return bootstrap(config)
    except UNUSABLE_DATABASE as exc:
        print(f"hallctl: {exc}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def quiet_schema_checks() -> None:
    """Silence Alembic's "Context impl SQLiteImpl" lines: reading the schema revision is no news, and a refused
    database is then told in one line."""
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
