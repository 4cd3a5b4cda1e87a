"""Issue throughput and latency over HTTP, against a bare Flask + SQLite ceiling; call-next latency.

Run from the repository root:  .venv/bin/python bench/issue_call.py [--quick]

1. ``hallctl serve`` on a fresh SQLite file (WAL, synchronous=FULL): POST /api/v1/tickets with a
   kiosk token at 1, 8 and 32 concurrent keep-alive clients.
2. The ceiling: bench/ceiling_app.py, the same server doing one durable counter update and one insert.
3. Call-next, server side: 10,000 waiting tickets across 20 services, 100 windows each calling,
   starting and finishing in turn; the time of each call_next in the service layer.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._http import ROOT, Server, hallctl, load, percentile, python, serve_args

CONFIG = """
[hall]
id = "bench"
name = "压测大厅"
database = "sqlite:///{db}"
hours = ["00:00-24:00"]
{services}
{windows}
[[kiosks]]
id = "k1"
"""


def bench_config(tmp: Path, services: int = 20, windows: int = 100) -> Path:
    svc = "".join(
        f'\n[[services]]\ncode = "S{i}"\nname = "事项{i}"\nprefix = "{chr(65 + i // 26) if i >= 26 else ""}'
        f'{chr(65 + i % 26)}"\nmax_wait_min = 60\n'
        for i in range(services)
    )
    win = "".join(
        f'\n[[windows]]\nnumber = {n}\nservices = ["S{(n - 1) % services}", {{ code = "S{n % services}", weight = 2 }},'
        f' "S{(n + 7) % services}"]\n'
        for n in range(1, windows + 1)
    )
    path = tmp / "bench.toml"
    path.write_text(CONFIG.format(db=tmp / "hall.db", services=svc, windows=win), encoding="utf-8")
    return path


def issue_over_http(tmp: Path, rounds: dict[int, int], port: int = 18231) -> list[dict]:
    config = bench_config(tmp)
    hallctl("db", "upgrade", "--config", str(config), cwd=tmp)
    token = hallctl("token", "add", "k1", "--role", "kiosk", "--config", str(config), cwd=tmp)
    server = Server(serve_args(config, port), port, "/api/v1/healthz", cwd=tmp)
    try:
        load(port, "/api/v1/tickets", {"service": "S1"}, {"Authorization": f"Bearer {token}"}, 4, 50)  # warm-up
        return [
            load(port, "/api/v1/tickets", {"service": f"S{c % 20}"}, {"Authorization": f"Bearer {token}"}, c, n)
            for c, n in rounds.items()
        ]
    finally:
        server.stop()


def ceiling_over_http(tmp: Path, rounds: dict[int, int], port: int = 18232) -> list[dict]:
    server = Server(
        [python(), str(ROOT / "bench" / "ceiling_app.py"), str(tmp / "ceiling.db"), str(port)], port, "/", cwd=tmp
    )
    try:
        load(port, "/issue", {}, {}, 4, 50)
        return [load(port, "/issue", {}, {}, c, n) for c, n in rounds.items()]
    finally:
        server.stop()


def call_next_latency(tmp: Path, waiting: int = 10_000, calls: int = 2_000) -> dict:
    """Server-side call_next time with ``waiting`` tickets across 20 services and 100 windows."""
    from sqlalchemy import insert

    from hallctl.adapters import orm
    from hallctl.bootstrap import bootstrap
    from hallctl.config import load_config
    from hallctl.domain.model import format_number
    from hallctl.migrations import upgrade
    from hallctl.services import windows as win
    from hallctl.services.windows import WindowAction

    config = load_config(bench_config(tmp / "call"))
    upgrade(config.hall.database)
    hall = bootstrap(config)
    now = datetime.now(UTC)
    day = now.astimezone(config.hall.zone).date()
    rng = random.Random(7)
    rows = []
    for i in range(waiting):
        service = config.services[i % 20]
        seq = i // 20 + 1
        arrival = now - timedelta(seconds=rng.uniform(0, 3000))
        rows.append(
            {
                "hall_id": "bench",
                "service": service.code,
                "number": format_number(service.prefix, seq, 3),
                "seq": seq,
                "business_day": day,
                "hop": 0,
                "priority": "green" if i % 10 == 0 else "normal",
                "status": "waiting",
                "issued_at": arrival,
                "arrival_at": arrival,
                "track_token": f"t{i}",
                "call_count": 0,
                "no_show_count": 0,
                "print_status": "none",
                "version": 1,
            }
        )
    with hall.uow() as uow:
        uow.session.execute(insert(orm.tickets), rows)
        uow.session.commit()
    for n in range(1, 101):
        win.login(hall, WindowAction(n, f"staff{n}"))
    times = []
    for i in range(calls):
        act = WindowAction(i % 100 + 1, f"staff{i % 100 + 1}")
        t0 = time.perf_counter()
        ticket = win.call(hall, act)
        times.append(time.perf_counter() - t0)
        assert ticket is not None
        win.start(hall, act)
        win.finish(hall, act, "completed")
    hall.bus.close()
    return {
        "waiting": waiting,
        "calls": calls,
        "p50_ms": percentile(times, 50) * 1000,
        "p99_ms": percentile(times, 99) * 1000,
        "max_ms": max(times) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    args = parser.parse_args()
    per = {1: 300, 8: 250, 32: 80} if args.quick else {1: 1500, 8: 1000, 32: 250}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "call").mkdir()
        ours = issue_over_http(tmp, per)
        ceiling = ceiling_over_http(tmp, per)
        call = call_next_latency(tmp, calls=500 if args.quick else 2000)
    print(
        f"{'clients':>7} {'hallctl/s':>10} {'p50 ms':>7} {'p99 ms':>7} | {'ceiling/s':>10} {'p50 ms':>7} "
        f"{'p99 ms':>7} | {'ratio':>5}"
    )
    for a, b in zip(ours, ceiling, strict=False):
        print(
            f"{a['clients']:>7} {a['per_s']:>10.0f} {a['p50_ms']:>7.2f} {a['p99_ms']:>7.2f} | {b['per_s']:>10.0f} "
            f"{b['p50_ms']:>7.2f} {b['p99_ms']:>7.2f} | {a['per_s'] / b['per_s']:>5.0%}"
            + (f"  FAILURES {a['failures']}/{b['failures']}" if a["failures"] or b["failures"] else "")
        )
    print(
        f"call-next with {call['waiting']} waiting, 20 services, 100 windows, {call['calls']} calls: "
        f"p50 {call['p50_ms']:.2f} ms, p99 {call['p99_ms']:.2f} ms, max {call['max_ms']:.2f} ms"
    )
    print(json.dumps({"issue": ours, "ceiling": ceiling, "call_next": call}))


if __name__ == "__main__":
    main()
