"""What the subcommands share: the usage exit code, reading the config, opening the hall."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TypeAlias

from hallctl.config import Config, ConfigError, load_config
from hallctl.migrations import NotMigrated

if TYPE_CHECKING:
    from hallctl.services.context import Hall

EXIT_USAGE = 2
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What ``ArgumentParser.add_subparsers`` returns; each module's ``add_…`` registers its subcommands on it."""


def load_or_exit(path: str) -> Config:
    """The config file at ``path``; prints its problems and exits with EXIT_USAGE when it cannot be used."""
    try:
        return load_config(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        sys.exit(EXIT_USAGE)


def open_hall(config: Config) -> Hall:
    """The hall on this config's database; exits with EXIT_USAGE, naming the command to run, if it is not migrated."""
    from hallctl.bootstrap import bootstrap

    try:
        return bootstrap(config)
    except NotMigrated as exc:
        print(f"hallctl: {exc}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
