"""``hallctl serve`` (gunicorn, ``gthread``, one worker) under load: issuing beside the ceiling, thousands of
websockets, a slowloris.

Run from the repository root:  .venv/bin/python bench/serve.py [--quick] [--websockets 2000] [--only PART]
It prints a table of each part, then every figure as one JSON line. About 5 minutes; --quick about 3.

1. Issuing: ``hallctl serve`` on a fresh SQLite hall (bench/issue_call.py's: 20 services, 100 windows; WAL,
   ``synchronous=FULL``) with ``[server]``'s defaults; 8 and 32 keep-alive clients POST /api/v1/tickets with a
   kiosk token. Beside it the ceiling, bench/ceiling_app.py: bare Flask + SQLite on the same gunicorn settings.
2. Websockets: ``--websockets`` Socket.IO clients on one server — phones in their ticket's ``ticket:{id}``
   room (with its track token, as the phone page joins), staff consoles in ``window:{n}``, hall screens in
   ``hall`` — read by one thread of the bench (bench/lean_clients.py's Crowd); ``[server] threads`` = the
   websockets + :data:`SPARE_THREADS`. Held for :data:`HOLD_S`, then 8 windows call, start and finish, one call
   every :data:`CALL_PERIOD_S` each; from sending the call to its phone hearing ``ticket_called``, and the
   server's RSS (gunicorn's master + worker, from /proc).
3. Slowloris: 300 sockets — 240 sending a request a byte every 2 s, 60 connected and silent (opened again when
   the server closes them) — while 8 clients issue, on ``[server]``'s defaults; then the same 8 clients after
   the sockets are gone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._http import ROOT, Server, hallctl, load, percentile, python, serve_args
from bench.issue_call import bench_config
from bench.lean_clients import Client, Crowd, Websocket
from bench.slowloris import Slowloris

SPARE_THREADS = 64
"""``[server] threads`` beyond the websockets: for the requests served meanwhile."""
CALLERS = 8
CALL_PERIOD_S = 2.0
SCREENS, CONSOLES = 20, 100
HOLD_S = 30
"""How long the websockets are held, every one answering the server's pings (every 25 s), before the calls."""
SLOWLORIS_SETTLE_S = 15
"""How long the slowloris runs before the issuing is measured: every trickling socket has begun its request, the
first silent ones have been closed by the server (after its 5 s wait for data and ``keepalive_s``) and opened
again."""


class Hall:
    """A fresh bench hall served by ``hallctl serve`` in ``tmp``, with ``server`` (TOML lines) under ``[server]``."""

    def __init__(self, tmp: Path, port: int, server: str = "", staff: int = 0) -> None:
        tmp.mkdir()
        self.tmp, self.port = tmp, port
        self.config = bench_config(tmp)
        self.config.write_text(self.config.read_text(encoding="utf-8") + f"\n[server]\n{server}\n", encoding="utf-8")
        hallctl("db", "upgrade", "--config", str(self.config), cwd=tmp)
        self.kiosk = self._cli("token", "add", "k1", "--role", "kiosk")
        self.display = self._cli("token", "add", "screen", "--role", "display")
        for n in range(1, staff + 1):
            self._cli("user", "add", f"w{n}", "--role", "staff", "--password-stdin", stdin="bench-pass-1\n")
        self.server = Server(serve_args(self.config, port), port, "/api/v1/healthz", cwd=tmp)
        self.staff = [self._log_in(f"w{n}") for n in range(1, staff + 1)]

    def issue(self, clients: int, per_client: int) -> dict:
        """Throughput and latency of ``clients`` keep-alive clients issuing ``per_client`` tickets each."""
        headers = {"Authorization": f"Bearer {self.kiosk}"}
        body = {"service": f"S{clients % 20}"}
        return with_cpu(self.server, lambda: load(self.port, "/api/v1/tickets", body, headers, clients, per_client))

    def stop(self) -> int:
        """Stop the server; its exit status."""
        return self.server.stop()

    def _cli(self, *args: str, stdin: str | None = None) -> str:
        return hallctl(*args, "--config", str(self.config), cwd=self.tmp, stdin=stdin)

    def _log_in(self, user: str) -> str:
        return Client(self.port, "").post_ok("/auth/login", {"username": user, "password": "bench-pass-1"})["token"]


def with_cpu(server: Server, run: Callable[[], dict]) -> dict:
    """``run()``'s result (a :func:`load`'s) with the server's CPU time a request, ``cpu_ms``."""
    before = server.cpu_seconds()
    result = run()
    return {**result, "cpu_ms": (server.cpu_seconds() - before) * 1000 / max(result["requests"], 1)}


def issuing(tmp: Path, per_client: dict[int, int]) -> dict:
    """1: hallctl and the ceiling at each number of clients."""
    hall = Hall(tmp / "issue", 18251)
    try:
        hall.issue(4, 50)  # warm-up
        ours = [hall.issue(clients, n) for clients, n in per_client.items()]
    finally:
        hall.stop()
    port, app = 18252, str(ROOT / "bench" / "ceiling_app.py")
    ceiling = Server([python(), app, str(tmp / "ceiling.db"), str(port)], port, "/", cwd=tmp)
    try:
        load(port, "/api/v1/tickets", {}, {}, 4, 50)
        theirs = [
            with_cpu(ceiling, partial(load, port, "/api/v1/tickets", {}, {}, clients, n))
            for clients, n in per_client.items()
        ]
    finally:
        ceiling.stop()
    return {"hallctl": ours, "ceiling": theirs}


def websockets(tmp: Path, total: int, calls: int, hold_s: float = HOLD_S) -> dict:
    """2: ``total`` websockets held on one server for ``hold_s``, then calls heard by the phones."""
    hall = Hall(tmp / "websockets", 18253, f"threads = {total + SPARE_THREADS}", staff=CALLERS)
    crowd = Crowd()
    try:
        screens, consoles = min(SCREENS, total // 10), min(CONSOLES, total // 10)
        kiosk = Client(hall.port, hall.kiosk)
        phones = total - screens - consoles
        tickets = [kiosk.post_ok("/tickets", {"service": f"S{i % 20}"}, expect=201) for i in range(phones)]
        before = hall.server.memory()
        clients = [({"ticket": t["id"], "token": t["track_token"]}, f"ticket:{t['id']}", "phone") for t in tickets]
        clients += [({"token": hall.staff[n % CALLERS]}, f"window:{n}", "console") for n in range(1, consoles + 1)]
        clients += [({"token": hall.display}, "hall", "screen")] * screens
        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            for client in pool.map(lambda c: (Websocket(hall.port, c[0], c[1]), c[2]), clients):
                crowd.add(*client)
        connected = time.perf_counter() - started
        cpu = hall.server.cpu_seconds()
        time.sleep(hold_s)
        idle_cpu = (hall.server.cpu_seconds() - cpu) / hold_s
        held = hall.server.memory()
        sent = calling(hall, calls)
        deadline = time.time() + 10
        while time.time() < deadline and any(("phone", i) not in crowd.called for i in sent):
            time.sleep(0.1)
        latencies = [(crowd.called[("phone", i)] - t) * 1000 for i, t in sent.items() if ("phone", i) in crowd.called]
        result = {
            "websockets": total,
            "phones": len(tickets),
            "consoles": consoles,
            "screens": screens,
            "threads_setting": total + SPARE_THREADS,
            "connect_s": round(connected, 1),
            "idle_cpu_percent": round(idle_cpu * 100, 1),
            "held_at_end": len(crowd),
            "dropped": dict(crowd.dropped),
            "calls": len(sent),
            "unheard": len(sent) - len(latencies),
            "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies, default=float("nan")),
            "messages": dict(crowd.messages),
            "before": before,
            "held": held,
            "after_calls": hall.server.memory(),
            "kib_per_websocket": round((held["rss_mib"] - before["rss_mib"]) * 1024 / total, 1),
        }
        stopping = time.perf_counter()  # with every websocket open, as when systemd stops a busy hall
        result["exit_status"] = hall.stop()
        result["stop_s"] = round(time.perf_counter() - stopping, 1)
        return result
    finally:
        crowd.close()
        hall.stop()


def calling(hall: Hall, calls: int) -> dict[int, float]:
    """:data:`CALLERS` windows calling, starting and finishing, one call every :data:`CALL_PERIOD_S` each, until
    ``calls`` calls: each called ticket's id → when its call was sent (``time.perf_counter``)."""
    sent: dict[int, float] = {}
    lock = threading.Lock()

    def window(n: int) -> None:
        staff = Client(hall.port, hall.staff[n - 1])
        staff.post_ok(f"/windows/{n}/login", {})
        next_call = time.perf_counter() + CALL_PERIOD_S * n / CALLERS  # spread over the period
        for _ in range(calls // CALLERS):
            time.sleep(max(0.0, next_call - time.perf_counter()))
            start = time.perf_counter()
            called = staff.post_ok(f"/windows/{n}/call", {})["ticket"]["id"]
            with lock:
                sent[called] = start
            staff.post_ok(f"/windows/{n}/start", {})
            staff.post_ok(f"/windows/{n}/finish", {})
            next_call += CALL_PERIOD_S

    threads = [threading.Thread(target=window, args=(n,)) for n in range(1, CALLERS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sent


def slowloris(tmp: Path, per_client: int) -> dict:
    """3: 8 clients issuing during a slowloris of 300 sockets, then after it."""
    hall = Hall(tmp / "slowloris", 18254)
    try:
        hall.issue(4, 50)
        alone = hall.issue(8, per_client)
        with Slowloris(hall.port, trickling=240, idle=60) as attack:
            time.sleep(SLOWLORIS_SETTLE_S)
            during = hall.issue(8, per_client)
            server = hall.server.memory()
            reopened = attack.reopened
        after = hall.issue(8, per_client)
        return {"alone": alone, "during": during, "after": after, "server_during": server, "reopened": reopened}
    finally:
        hall.stop()


def report(results: dict) -> None:
    """A table of each part run, then the results as one JSON line."""
    print(
        "load average (1, 5, 15 min):",
        ", ".join(f"{k} {v[0]:.2f} {v[1]:.2f} {v[2]:.2f}" for k, v in results["load_average"].items()),
    )
    if "issuing" in results:
        print(
            f"{'clients':>7} {'hallctl/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms':>7} | {'ceiling/s':>10} "
            f"{'p50 ms':>7} {'p99 ms':>7} {'CPU ms':>7} | {'ratio':>5}"
        )
        for a, b in zip(results["issuing"]["hallctl"], results["issuing"]["ceiling"], strict=True):
            print(
                f"{a['clients']:>7} {a['per_s']:>10.0f} {a['p50_ms']:>7.1f} {a['p99_ms']:>7.1f} {a['cpu_ms']:>7.2f} | "
                f"{b['per_s']:>10.0f} {b['p50_ms']:>7.1f} {b['p99_ms']:>7.1f} {b['cpu_ms']:>7.2f} | "
                f"{a['per_s'] / b['per_s']:>5.0%}"
                + (f"  FAILURES {a['failures']}/{b['failures']}" if a["failures"] or b["failures"] else "")
            )
    if "websockets" in results:
        w = results["websockets"]
        print(
            f"{w['websockets']} websockets ({w['phones']} phones, {w['consoles']} consoles, {w['screens']} screens), "
            f"threads = {w['threads_setting']}: connected in {w['connect_s']} s, {w['held_at_end']} held at the end, "
            f"server CPU while holding them {w['idle_cpu_percent']} %, "
            f"dropped {w['dropped'] or 0}\n{w['calls']} calls → ticket_called at the phone: p50 {w['p50_ms']:.1f} ms, "
            f"p99 {w['p99_ms']:.1f} ms, max {w['max_ms']:.1f} ms, unheard {w['unheard']}\nserver RSS "
            f"{w['before']['rss_mib']} → {w['held']['rss_mib']} → {w['after_calls']['rss_mib']} MiB "
            f"({w['kib_per_websocket']} KiB a websocket), worker threads {w['held']['threads']}, "
            f"open files {w['held']['open_files']}\nstopped with them open in {w['stop_s']} s, exit status "
            f"{w['exit_status']}"
        )
    if "slowloris" in results:
        s = results["slowloris"]
        for name in ("alone", "during", "after"):
            r = s[name]
            print(
                f"8 issuing clients {name:>6} the slowloris: {r['per_s']:.0f}/s, p50 {r['p50_ms']:.1f} ms, "
                f"p99 {r['p99_ms']:.1f} ms, failures {r['failures']}"
            )
        print(f"server during the slowloris: {s['server_during']}; sockets reopened: {dict(s['reopened'])}")
    print(json.dumps(results))


PARTS = ("issuing", "websockets", "slowloris")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few minutes")
    parser.add_argument("--websockets", type=int, help="Socket.IO clients held (default 2000, --quick 200)")
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
    parser.add_argument("--keep", metavar="DIR", help="keep the halls and the servers' logs in a new folder in DIR")
    args = parser.parse_args()
    total = args.websockets or (200 if args.quick else 2000)
    per_client = {8: 100, 32: 25} if args.quick else {8: 1000, 32: 250}
    parts = {
        "issuing": lambda tmp: issuing(tmp, per_client),
        "websockets": lambda tmp: websockets(tmp, total, *((40, 5) if args.quick else (320, HOLD_S))),
        "slowloris": lambda tmp: slowloris(tmp, 100 if args.quick else 500),
    }
    results: dict = {"load_average": {"start": os.getloadavg()}}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d) if args.keep is None else Path(tempfile.mkdtemp(prefix="serve-", dir=args.keep))
        for name in args.only or PARTS:
            results[name] = parts[name](tmp)
            results["load_average"][name] = os.getloadavg()
    report(results)


if __name__ == "__main__":
    main()
