"""Call-next latency, server side, and the bench hall other benchmarks serve (:func:`bench_config`).

Run from the repository root:  .venv/bin/python bench/issue_call.py [--quick]

10,000 waiting tickets across 20 services on a fresh SQLite file (WAL, synchronous=FULL), 100 windows each
calling, starting and finishing in turn; the time of each call_next in the service layer. Issue throughput
over HTTP is bench/serve.py's.
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

from bench._http import percentile

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
    parser.add_argument("--quick", action="store_true", help="fewer calls (a smoke run)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "call").mkdir()
        call = call_next_latency(tmp, calls=500 if args.quick else 2000)
    print(
        f"call-next with {call['waiting']} waiting, 20 services, 100 windows, {call['calls']} calls: "
        f"p50 {call['p50_ms']:.2f} ms, p99 {call['p99_ms']:.2f} ms, max {call['max_ms']:.2f} ms"
    )
    print(json.dumps({"call_next": call}))


if __name__ == "__main__":
    main()
