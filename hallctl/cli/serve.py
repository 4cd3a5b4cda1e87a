"""``hallctl serve``: run the hall server with its devices and daily housekeeping."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from hallctl.cli.common import EXIT_USAGE, UNUSABLE_DATABASE, Subcommands, load_or_exit, quiet_schema_checks
from hallctl.config import Config

if TYPE_CHECKING:
    from hallctl.services.context import Hall

Banner = Callable[["Hall", str, int], None]
"""Called with the hall, host and port once the hall is built, before the server accepts connections."""


def add_serve(sub: Subcommands) -> None:
    """Register ``serve``."""
    p = sub.add_parser("serve", help="run the hall server")
    p.add_argument("--config", required=True)
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--port", type=int, default=8080)
    p.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    """Serve the hall of ``--config`` on ``--host``:``--port`` until stopped."""
    return serve_config(load_or_exit(args.config), args.host, args.port)


def serve_config(config: Config, host: str, port: int, banner: Banner | None = None) -> int:
    """Build the hall with devices and housekeeping and serve it.

    Returns EXIT_USAGE, after one line naming the problem, when the database is not migrated, not a database,
    damaged (SQLite's ``PRAGMA quick_check``), read-only, full or another application's.
    """
    from hallctl.bootstrap import build_app
    from hallctl.web import log_redaction
    from hallctl.web.server import PooledWSGIServer

    log_redaction.install()  # tokens in request lines (/screen?token=…) never reach the log
    quiet_schema_checks()
    try:
        hall, app, _socketio = build_app(config, devices=True, housekeeping=True, verify_storage=True)
    except UNUSABLE_DATABASE as exc:
        print(f"hallctl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if banner:
        banner(hall, host, port)
    logging.getLogger(__package__).info("hall %s serving on http://%s:%d", config.hall.id, host, port)
    PooledWSGIServer(host, port, app).serve_forever()
    return 0
