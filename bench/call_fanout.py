"""From a call to the hall: how long after the call API returns (a) a Socket.IO client has ``ticket_called``,
(b) the announcement starts to play, with the player idle.

Run from the repository root:  .venv/bin/python bench/call_fanout.py [--calls 200]

``hallctl serve`` on a fresh SQLite file with voice on (the demo's espeak-ng pack, libvlc with
``--aout=adummy --rate=16`` so each announcement is short); a python-socketio client in the ``hall``
room over WebSocket; staff call, wait until the announcement has played (so the player is idle at the
next call), then mark the no-show. (a) is client receipt − call return; (b) is the announcement's
``started_at`` (the server's clock, same machine) − call return. Either can be negative: the server
sends the event and queues the announcement before the HTTP reply is written.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import requests
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._http import Server, hallctl, percentile, serve_args, voice_section

CONFIG = """
[hall]
id = "fanout"
name = "叫号压测"
database = "sqlite:///{db}"
hours = ["00:00-24:00"]

{voice}
[[services]]
code = "SB"
name = "社保医保"
prefix = "A"

[[windows]]
number = 12
services = ["SB"]

[[kiosks]]
id = "k1"
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--port", type=int, default=18241)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fanout-"))
    config = tmp / "hall.toml"
    config.write_text(CONFIG.format(db=tmp / "hall.db", voice=voice_section()), encoding="utf-8")
    hallctl("db", "upgrade", "--config", str(config), cwd=tmp)
    hallctl(
        "user",
        "add",
        "li",
        "--role",
        "manager",
        "--config",
        str(config),
        "--password-stdin",
        cwd=tmp,
        stdin="bench-pass-1\n",
    )
    kiosk = hallctl("token", "add", "k1", "--role", "kiosk", "--config", str(config), cwd=tmp)
    display = hallctl("token", "add", "screen", "--role", "display", "--config", str(config), cwd=tmp)
    server = Server(serve_args(config, args.port), args.port, "/api/v1/healthz", tmp)
    base = f"http://127.0.0.1:{args.port}"
    client = socketio.Client()
    received: dict[str, float] = {}
    arrived = threading.Condition()

    def on_called(data):
        with arrived:
            received[data["number"]] = time.time()
            arrived.notify_all()

    client.on("ticket_called", on_called)
    try:
        client.connect(base, auth={"token": display}, transports=["websocket"], wait_timeout=10)
        client.call("join", {"room": "hall"}, timeout=10)
        staff = requests.Session()
        login = staff.post(f"{base}/api/v1/auth/login", json={"username": "li", "password": "bench-pass-1"})
        login.raise_for_status()
        staff.headers["X-CSRF-Token"] = login.json()["csrf"]  # a cookie session sends its CSRF token on POSTs
        staff.post(f"{base}/api/v1/windows/12/login", json={}).raise_for_status()
        to_event, to_voice = [], []
        for _ in range(args.calls):
            requests.post(
                f"{base}/api/v1/tickets", json={"service": "SB"}, headers={"Authorization": f"Bearer {kiosk}"}
            ).raise_for_status()
            reply = staff.post(f"{base}/api/v1/windows/12/call", json={})
            returned = time.time()
            number = reply.json()["ticket"]["number"]
            with arrived:
                arrived.wait_for(lambda number=number: number in received, timeout=5)
            to_event.append((received[number] - returned) * 1000)
            while True:  # until played: the player is idle for the next call
                latest = staff.get(f"{base}/api/v1/announcements?limit=1").json()[0]
                if latest["number"] == number and latest["state"] in ("played", "failed"):
                    break
                time.sleep(0.01)
            if latest["state"] != "played":
                raise SystemExit(f"announcement for {number} failed: {latest['reason']}")
            started = datetime.fromisoformat(latest["started_at"].replace("Z", "+00:00")).timestamp()
            to_voice.append((started - returned) * 1000)
            staff.post(f"{base}/api/v1/windows/12/no-show", json={}).raise_for_status()
        for name, values in (
            ("(a) call → ticket_called at a Socket.IO client", to_event),
            ("(b) call → announcement starts playing", to_voice),
        ):
            print(
                f"{name}: n={len(values)} p50={percentile(values, 50):.1f} ms "
                f"p99={percentile(values, 99):.1f} ms max={max(values):.1f} ms"
            )
    finally:
        client.disconnect()
        server.stop()


if __name__ == "__main__":
    main()
