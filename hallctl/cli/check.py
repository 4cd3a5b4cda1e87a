"""``hallctl check-config FILE``: validate a config file and summarise it."""

from __future__ import annotations

import argparse
import sys

from hallctl.cli.common import EXIT_USAGE, Subcommands
from hallctl.config import ConfigError, load_config


def add_check_config(sub: Subcommands) -> None:
    """Register ``check-config``."""
    p = sub.add_parser("check-config", help="validate a config file")
    p.add_argument("file")
    p.set_defaults(func=check_config)


def check_config(args: argparse.Namespace) -> int:
    """Print every problem of the file (exit 2), or a one-line summary of the hall it describes (exit 0)."""
    try:
        config = load_config(args.file)
    except ConfigError as exc:
        print(f"{len(exc.issues)} problem(s) in {exc.path}:", file=sys.stderr)
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    print(
        f"{args.file}: OK — hall {config.hall.id} ({config.hall.name}), {len(config.services)} services, "
        f"{len(config.windows)} windows, {len(config.kiosks)} kiosks, {len(config.devices)} devices"
    )
    return 0
