"""The ceiling for issue throughput: bare Flask + SQLite, one durable counter update and one insert per request.

Same server (Werkzeug threaded, via Flask-SocketIO's runner), same SQLite settings as hallctl.
Run: python bench/ceiling_app.py DBFILE PORT
"""

import sqlite3
import sys
import threading

from flask import Flask, jsonify
from flask_socketio import SocketIO

path, port = sys.argv[1], int(sys.argv[2])
app = Flask(__name__)
local = threading.local()
lock = threading.Lock()


def connection():
    if not hasattr(local, "db"):
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        local.db = db
    return local.db


with sqlite3.connect(path) as setup:
    setup.execute("CREATE TABLE IF NOT EXISTS counters (service TEXT PRIMARY KEY, last_seq INTEGER NOT NULL)")
    setup.execute("CREATE TABLE IF NOT EXISTS tickets (id INTEGER PRIMARY KEY, service TEXT, seq INTEGER)")


@app.post("/issue")
def issue():
    db = connection()
    with lock:
        db.execute("BEGIN IMMEDIATE")
        seq = db.execute(
            "INSERT INTO counters VALUES ('SB', 1) ON CONFLICT(service) DO UPDATE "
            "SET last_seq = last_seq + 1 RETURNING last_seq"
        ).fetchone()[0]
        ticket_id = db.execute("INSERT INTO tickets (service, seq) VALUES ('SB', ?)", (seq,)).lastrowid
        db.execute("COMMIT")
    return jsonify({"id": ticket_id, "seq": seq}), 201


SocketIO(app, async_mode="threading").run(
    app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, log_output=False
)
