"""The issue + call + finish mix over HTTP with Socket.IO clients listening: one process on SQLite, one and two
processes on PostgreSQL + Redis. Throughput, p99, and every event delivered exactly once.

Run from the repository root:  .venv/bin/python bench/load.py [--seconds 20] [--rounds 3]
(needs Debian's postgresql and redis-server, which `make test` installs)

The PostgreSQL scenarios run in alternating rounds (one process, two processes, one, two, …) and the
ratio is the median of the rounds' ratios: on a shared 2-core machine one run swings ±15 %.

Each scenario starts fresh: ``hallctl serve`` ×N (sharing the database and, on PostgreSQL, Redis as the
message queue), two hall screens (Socket.IO clients in the ``hall`` room: the same two however many
processes), 4 kiosk threads issuing and 8 window threads calling, starting and finishing, all spread over
the processes round-robin (the bench is the load balancer). Afterwards every screen must have seen each
issued ticket's ``ticket_issued`` and each acknowledged call's ``ticket_called`` exactly once.

The load generator shares the machine's two cores with what it measures, so it is kept lean: a hand-built
HTTP request per connection, and screens that speak Socket.IO over a raw websocket (bench/lean_clients.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._http import Server, hallctl, percentile, serve_args
from bench.lean_clients import Client, Screen
from testbed.servers import PostgresServer, RedisServer, free_port

KIOSKS, WINDOWS, SCREENS = 4, 8, 2
SERVICES = ("SB", "GJJ", "BDC", "SW")
CONFIG = """
[hall]
id = "load"
name = "负载压测"
database = "{database}"
hours = ["00:00-24:00"]
message_queue = "{queue}"
{services}
{windows}
"""


def config_text(database: str, queue: str) -> str:
    services = "".join(
        f'\n[[services]]\ncode = "{code}"\nname = "事项{i}"\nprefix = "{chr(65 + i)}"\n'
        for i, code in enumerate(SERVICES)
    )
    windows = "".join(
        f"\n[[windows]]\nnumber = {n}\nservices = {json.dumps(list(SERVICES))}\n" for n in range(1, WINDOWS + 1)
    )
    return CONFIG.format(database=database, queue=queue, services=services, windows=windows)


def scenario(name: str, database: str, queue: str, processes: int, seconds: float, tmp: Path) -> dict:
    config = tmp / f"{name}.toml"
    config.write_text(config_text(database, queue), encoding="utf-8")
    hallctl("db", "upgrade", "--config", str(config), cwd=tmp)
    kiosk = hallctl("token", "add", "k1", "--role", "kiosk", "--config", str(config), cwd=tmp)
    display = hallctl("token", "add", "screen", "--role", "display", "--config", str(config), cwd=tmp)
    staff = {}
    for n in range(1, WINDOWS + 1):
        hallctl(
            "user",
            "add",
            f"w{n}",
            "--role",
            "staff",
            "--config",
            str(config),
            "--password-stdin",
            cwd=tmp,
            stdin="load-pass-1\n",
        )
    ports = [free_port() for _ in range(processes)]
    servers = [Server(serve_args(config, port), port, "/api/v1/healthz", tmp) for port in ports]
    for n in range(1, WINDOWS + 1):
        login = http.client.HTTPConnection("127.0.0.1", ports[n % processes], timeout=10)
        login.request(
            "POST",
            "/api/v1/auth/login",
            json.dumps({"username": f"w{n}", "password": "load-pass-1"}),
            {"Content-Type": "application/json"},
        )
        staff[n] = json.loads(login.getresponse().read())["token"]
    seen: list[Counter] = [Counter() for _ in range(SCREENS)]
    listeners = [Screen(ports[i % processes], display, counter) for i, counter in enumerate(seen)]
    issued, called, latencies, errors = [], [], [], Counter()
    lock = threading.Lock()
    stop = threading.Event()

    def kiosk_loop(i: int) -> None:
        client = Client(ports[i % processes], kiosk)
        while not stop.is_set():
            status, body, took = client.post("/tickets", {"service": SERVICES[i % len(SERVICES)]})
            with lock:
                latencies.append(took)
                if status == 201:
                    issued.append(body["id"])
                else:
                    errors[f"issue {status}"] += 1

    def window_loop(n: int) -> None:
        client = Client(ports[n % processes], staff[n])
        client.post(f"/windows/{n}/login", {})
        while not stop.is_set():
            status, body, took = client.post(f"/windows/{n}/call", {})
            with lock:
                latencies.append(took)
            if status != 200:
                time.sleep(0.01)  # nothing waiting yet
                continue
            with lock:
                called.append(body["ticket"]["id"])
            for step in ("start", "finish"):
                status, _body, took = client.post(f"/windows/{n}/{step}", {})
                with lock:
                    latencies.append(took)
                    if status != 200:
                        errors[f"{step} {status}"] += 1

    threads = [threading.Thread(target=kiosk_loop, args=(i,)) for i in range(KIOSKS)] + [
        threading.Thread(target=window_loop, args=(n,)) for n in range(1, WINDOWS + 1)
    ]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    operations = len(latencies)
    time.sleep(2)  # let the last events arrive
    expected = Counter([("issued", i) for i in issued] + [("called", i) for i in called])
    lost = sum(max(expected[k] - counter[k], 0) for counter in seen for k in expected)
    duplicated = sum(max(counter[k] - expected[k], 0) for counter in seen for k in counter)
    for listener in listeners:
        listener.disconnect()
    for server in servers:
        server.stop()
    return {
        "scenario": name,
        "processes": processes,
        "ops_per_s": operations / seconds,
        "issued": len(issued),
        "called": len(called),
        "p99_ms": percentile([t * 1000 for t in latencies], 99),
        "lost": lost,
        "duplicated": duplicated,
        "errors": dict(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of one and two processes")
    args = parser.parse_args()
    if not 1 <= args.rounds <= 7:
        parser.error("--rounds must be 1 to 7 (each scenario gets one of Redis's 16 databases)")
    tmp = Path(tempfile.mkdtemp(prefix="load-"))
    postgres = PostgresServer(durable=True)  # default durability: fsync on, synchronous commit
    redis = RedisServer(tmp / "redis.log").start()
    databases = iter(range(1, 16))  # a Redis database per scenario: log-in limits start afresh

    def on_postgres(processes: int, name: str) -> dict:
        queue = f"redis://127.0.0.1:{redis.port}/{next(databases)}"
        return scenario(name, postgres.url(postgres.create_database()), queue, processes, args.seconds, tmp)

    try:
        results = [scenario("sqlite-1", f"sqlite:///{tmp / 'hall.db'}", "", 1, args.seconds, tmp)]
        for round_ in range(1, args.rounds + 1):
            results += [on_postgres(1, f"postgresql-1 #{round_}"), on_postgres(2, f"postgresql-2 #{round_}")]
    finally:
        redis.stop()
        postgres.stop()
    print(
        f"{'scenario':16} {'procs':>5} {'ops/s':>7} {'issued':>7} {'called':>7} {'p99 ms':>7} {'lost':>5} {'dup':>4}"
        "  errors"
    )
    for r in results:
        print(
            f"{r['scenario']:16} {r['processes']:>5} {r['ops_per_s']:>7.0f} {r['issued']:>7} {r['called']:>7} "
            f"{r['p99_ms']:>7.1f} {r['lost']:>5} {r['duplicated']:>4}  {r['errors'] or ''}"
        )
    ratios = [two["ops_per_s"] / one["ops_per_s"] for one, two in zip(results[1::2], results[2::2], strict=False)]
    print(
        "two processes / one process on PostgreSQL + Redis, by round: "
        + ", ".join(f"{ratio:.2f}×" for ratio in ratios)
        + f"; median {statistics.median(ratios):.2f}×"
    )


if __name__ == "__main__":
    main()
