"""The HTTP server of ``hallctl serve``: gunicorn, started in-process through its application API.

One worker process (``workers = 1``) of the threaded worker ``gthread``: the hall object, its event bus, device
workers and device leader lock belong to one process, and Flask-SocketIO's ``threading`` mode serves websockets
on that worker through simple-websocket (each open websocket holds one of ``[server] threads``). The app is
built in the worker, after gunicorn forks it (no ``preload_app``): threads, open serial lines and database
connections do not survive a fork, so the master only checks the database and the port before it starts
(``hallctl/cli/serve.py``) and then supervises.

Stopping: SIGTERM and SIGINT both stop gracefully — the master closes the listening socket and sends SIGTERM to
the worker; the worker stops accepting, closes the websockets (clients reconnect to the next server), lets
requests in progress finish within ``graceful_timeout``, then closes the hall (printers, RS-485 lines, voice,
leader lock) in gunicorn's ``worker_exit`` hook, and the master exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.workers.gthread import ThreadWorker

from hallctl.config.server import ServerConfig
from hallctl.web import log_redaction

log = logging.getLogger(__name__)

REFUSED_EXIT = (Arbiter.APP_LOAD_ERROR, Arbiter.WORKER_BOOT_ERROR)
"""The master's exit codes when its worker could not build the app (see :class:`HallServer`)."""
SPARE_CONNECTIONS = 1024
"""Connections beyond ``threads`` a worker keeps open: kept-alive ones, and those that have sent nothing yet
(which wait in the worker's poller, not on a thread)."""

Built = tuple[Any, Callable[[], None], Callable[[], None]]
"""What a build function returns: the WSGI app, what closes its websockets, what closes the hall."""


class HallServer(BaseApplication):
    """gunicorn serving the app that ``build`` makes in the worker process (module docstring).

    ``build`` raises gunicorn's ``AppImportError`` with one line when the hall cannot be opened: the worker then
    prints the line and exits, and the master stops with one of :data:`REFUSED_EXIT`.
    """

    def __init__(self, build: Callable[[], Built], bind: str, server: ServerConfig) -> None:
        self.build = build
        self.bind = bind
        self.server = server
        self.close_websockets: Callable[[], None] = lambda: None
        self.close_hall: Callable[[], None] = lambda: None
        super().__init__(prog="hallctl serve")

    def load_config(self) -> None:
        """gunicorn's settings from ``[server]``."""
        settings = {
            "bind": [self.bind],
            "workers": 1,
            "worker_class": HallWorker,
            "threads": self.server.threads,
            "worker_connections": self.server.threads + SPARE_CONNECTIONS,
            "keepalive": self.server.keepalive_s,
            "timeout": self.server.timeout_s,
            "graceful_timeout": self.server.graceful_timeout_s,
            "forwarded_allow_ips": "",  # the proxies are the app's to trust: hallctl/web/proxies.py
            "accesslog": "-" if self.server.access_log else None,
            "errorlog": "-",
            "proc_name": "hallctl",
            "control_socket_disable": True,  # gunicorn's control socket is one path per user: two halls would clash
            "on_starting": lambda _arbiter: log_redaction.install(),
            "post_worker_init": lambda _worker: log_redaction.install(),
            "worker_exit": lambda _arbiter, _worker: self._close(),
        }
        for name, value in settings.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        """Build the hall and its app (in the worker process)."""
        app, self.close_websockets, self.close_hall = self.build()
        return app

    def run(self) -> int:
        """Serve until SIGTERM or SIGINT; the master's exit code (0 after a graceful stop).

        The worker process, a fork of the master, ends here once it has stopped: the callers on its stack are
        the master's, with resources (simulators, sockets) the worker does not own.
        """
        master = os.getpid()
        try:
            HallArbiter(self).run()
        except SystemExit as stopped:
            code = stopped.code if isinstance(stopped.code, int) else 1
            if os.getpid() != master:
                logging.shutdown()
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
            return code
        return 0

    def _close(self) -> None:
        try:
            self.close_hall()
        except Exception:
            log.exception("closing the hall failed")


class HallArbiter(Arbiter):
    """gunicorn's master, with SIGINT (Ctrl-C) as graceful as SIGTERM (gunicorn's own SIGINT is a quick stop)."""

    def handle_int(self) -> None:
        """Stop gracefully."""
        self.handle_term()


class HallWorker(ThreadWorker):
    """gunicorn's ``gthread`` worker that closes its websockets as it begins to stop, and stops gracefully on
    SIGINT too: an open websocket would otherwise hold the stop for the whole graceful timeout."""

    app: HallServer

    def init_signals(self) -> None:
        """gunicorn's signals, SIGINT stopping gracefully like SIGTERM."""
        super().init_signals()
        signal.signal(signal.SIGINT, self.handle_exit)

    def handle_exit(self, sig: int, frame: Any) -> None:
        """Begin the graceful stop; close the websockets on a thread of their own (not in a signal handler)."""
        if self.alive:
            threading.Thread(target=self.app.close_websockets, name="closing-websockets", daemon=True).start()
        super().handle_exit(sig, frame)
