"""``hallctl serve``: run the hall server with its devices and daily housekeeping."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from hallctl.cli.common import EXIT_USAGE, Subcommands, load_or_exit
from hallctl.config import Config
from hallctl.migrations import NotMigrated

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
    """Build the hall with devices and housekeeping and serve it; EXIT_USAGE if its database is not migrated."""
    from hallctl.bootstrap import build_app
    from hallctl.web.server import PooledWSGIServer

    try:
        hall, app, _socketio = build_app(config, devices=True, housekeeping=True)
    except NotMigrated as exc:
        print(f"hallctl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if banner:
        banner(hall, host, port)
    logging.getLogger(__package__).info("hall %s serving on http://%s:%d", config.hall.id, host, port)
    PooledWSGIServer(host, port, app).serve_forever()
    return 0
