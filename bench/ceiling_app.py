"""The ceiling for issue throughput: bare Flask + SQLite, one durable counter update and one insert per request.

Served exactly as ``hallctl serve`` serves the hall: gunicorn through hallctl's own ``HallServer`` (one process,
the ``gthread`` worker, ``[server]``'s default threads, keep-alive, timeouts and access log), with hallctl's
SQLite settings (WAL, ``synchronous=FULL``).
Run: python bench/ceiling_app.py DBFILE PORT
"""

import sqlite3
import sys
import threading
from pathlib import Path

from flask import Flask, jsonify

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hallctl.config.server import ServerConfig
from hallctl.web.gunicorn_app import Built, HallServer

app = Flask(__name__)
local = threading.local()
lock = threading.Lock()


def connection(path: str) -> sqlite3.Connection:
    """This thread's connection to ``path``."""
    if not hasattr(local, "db"):
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        local.db = db
    return local.db


def build(path: str) -> Built:
    """The app, in gunicorn's worker; nothing to close."""

    @app.post("/api/v1/tickets")  # the path hallctl issues on: the same clients load both
    def issue():
        db = connection(path)
        with lock:
            db.execute("BEGIN IMMEDIATE")
            seq = db.execute(
                "INSERT INTO counters VALUES ('SB', 1) ON CONFLICT(service) DO UPDATE "
                "SET last_seq = last_seq + 1 RETURNING last_seq"
            ).fetchone()[0]
            ticket_id = db.execute("INSERT INTO tickets (service, seq) VALUES ('SB', ?)", (seq,)).lastrowid
            db.execute("COMMIT")
        return jsonify({"id": ticket_id, "seq": seq}), 201

    return app, lambda: None, lambda: None


def main() -> int:
    """Create the tables, then serve until SIGTERM."""
    path, port = sys.argv[1], int(sys.argv[2])
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE IF NOT EXISTS counters (service TEXT PRIMARY KEY, last_seq INTEGER NOT NULL)")
    setup.execute("CREATE TABLE IF NOT EXISTS tickets (id INTEGER PRIMARY KEY, service TEXT, seq INTEGER)")
    setup.commit()
    setup.close()
    return HallServer(lambda: build(path), f"127.0.0.1:{port}", ServerConfig()).run()


if __name__ == "__main__":
    sys.exit(main())
