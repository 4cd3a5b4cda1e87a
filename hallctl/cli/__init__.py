"""``hallctl``: serve, demo, check-config, db upgrade, user add, purge, backup, restore, seed, devices, voice, token.

Each group of subcommands lives in its own module, which registers its parsers (``add_…``) and handles them;
:func:`main` is the ``hallctl`` console script.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable
from importlib.metadata import version

from hallctl.cli.access import add_token, add_user
from hallctl.cli.backup import add_backup
from hallctl.cli.check import add_check_config
from hallctl.cli.database import add_db, add_purge, add_seed
from hallctl.cli.demo import add_demo
from hallctl.cli.probe import add_devices
from hallctl.cli.serve import add_serve
from hallctl.cli.voice import add_voice

SUBCOMMANDS = (
    add_serve,
    add_demo,
    add_check_config,
    add_db,
    add_user,
    add_purge,
    add_backup,
    add_seed,
    add_devices,
    add_voice,
    add_token,
)
"""The registrars, in the order ``hallctl --help`` lists the subcommands."""
PRIVATE_UMASK = 0o077
"""Files hallctl creates get mode 0600 and folders 0700."""


def build_parser() -> argparse.ArgumentParser:
    """The ``hallctl`` argument parser with every subcommand; each sets ``func``, the handler to call."""
    parser = argparse.ArgumentParser(prog="hallctl", description="government service hall queue controller")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=f"hallctl {version('hallctl')}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add_subcommand in SUBCOMMANDS:
        add_subcommand(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``hallctl`` with these arguments (default: the command line); its exit code.

    Everything it creates (the database, its write-ahead log, backups, the citizen key) is for its owner only:
    the umask is 077 before any file is made.
    """
    os.umask(PRIVATE_UMASK)
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)  # its failures reach the bus worker, which logs them
    handler: Callable[[argparse.Namespace], int] = args.func
    return handler(args)
