"""``hallctl serve``: run the hall server with its devices and daily housekeeping (on gunicorn)."""

from __future__ import annotations

import argparse
import errno
import logging
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from hallctl.cli.common import EXIT_USAGE, UNUSABLE_DATABASE, Subcommands, load_or_exit, quiet_schema_checks
from hallctl.config import Config

if TYPE_CHECKING:
    from hallctl.services.context import Hall
    from hallctl.web.gunicorn_app import Built

Banner = Callable[["Hall", str, int], None]
"""Called with the hall, host and port once the hall is built, before the server accepts connections."""

log = logging.getLogger(__package__)


def add_serve(sub: Subcommands) -> None:
    """Register ``serve``."""
    p = sub.add_parser("serve", help="run the hall server")
    p.add_argument("--config", required=True)
    p.add_argument("--host", help="the address to listen on (default: [server] host, 0.0.0.0)")
    p.add_argument("--port", type=int, help="the port to listen on (default: [server] port, 8080)")
    p.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    """Serve the hall of ``--config`` on ``--host``:``--port`` (else ``[server]``'s) until stopped."""
    config = load_or_exit(args.config)
    return serve_config(config, args.host or config.server.host, args.port or config.server.port)


def serve_config(config: Config, host: str, port: int, banner: Banner | None = None) -> int:
    """Check the database and the port, then serve the hall on gunicorn until SIGTERM or SIGINT.

    Returns 0 after a graceful stop; EXIT_USAGE, after one line naming the problem and with nothing started,
    when the port is taken or the database is not migrated, not a database, damaged (SQLite's
    ``PRAGMA quick_check``), read-only, full or another application's.
    """
    from gunicorn.errors import AppImportError

    from hallctl.bootstrap import build_app, check_storage
    from hallctl.web.gunicorn_app import REFUSED_EXIT, HallServer

    quiet_schema_checks()
    problem = _port_problem(host, port)
    if problem:
        print(f"hallctl: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        check_storage(config)
    except UNUSABLE_DATABASE as exc:
        print(f"hallctl: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def build() -> Built:  # in gunicorn's worker process; the master has just run quick_check (it may be long)
        try:
            hall, app, socketio = build_app(config, devices=True, housekeeping=True)
        except UNUSABLE_DATABASE as exc:
            raise AppImportError(f"hallctl: {exc}") from None
        if banner:
            banner(hall, host, port)
        log.info("hall %s serving on http://%s", config.hall.id, _address(host, port))
        return app, socketio.server.eio.disconnect, hall.close

    code = HallServer(build, _address(host, port), config.server).run()
    return EXIT_USAGE if code in REFUSED_EXIT else code


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _port_problem(host: str, port: int) -> str | None:
    """Why the server cannot listen on ``host``:``port`` (taken, not an address of this machine), or None."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"{_address(host, port)} is already in use (another hallctl serve?); stop it or choose "
                    "another --port / 端口已被占用"
                )
            return f"cannot listen on {_address(host, port)}: {exc.strerror} / 无法监听该地址"
    return None
