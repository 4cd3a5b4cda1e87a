"""How good are the wait estimates? Replay seeded history and compare each estimate with the real wait.

Run from the repository root:  .venv/bin/python bench/estimates.py [--days 60]

Seeds the demo hall, then walks through every ticket in issue order. At each
issue it computes what the kiosk would have shown — people ahead in the same
service, the windows serving it, the mean service time learned only from
services that had finished before that moment (the server's EWMA per service
and hour) — and compares with the wait that followed: mean absolute error of
the point estimate, and the share of real waits inside the shown range. The
same with the configured ``avg_service_min`` instead of the learned time, for
comparison.
"""

from __future__ import annotations

import argparse
import heapq
import sys
import tempfile
from datetime import date
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from hallctl.adapters.orm import tickets
from hallctl.bootstrap import bootstrap
from hallctl.config import load_config
from hallctl.domain.estimates import ServiceTimes, wait_estimate
from hallctl.migrations import upgrade
from hallctl.reports.seed import seed


def evaluate(hall, rows, learned: bool) -> dict:
    config = hall.config
    times = ServiceTimes({s.code: s.avg_service_min for s in config.services}, config.hall.zone)
    servers = {s.code: sum(1 for w in config.windows if s.code in w.work_profile) for s in config.services}
    finishes = sorted((r.ended_at, r.service, r.service_s) for r in rows if r.service_s is not None)
    waiting: dict[str, list] = {s.code: [] for s in config.services}  # heaps of (first call, end)
    serving: dict[str, list] = {s.code: [] for s in config.services}  # heaps of end times of called tickets
    errors, inside, f = [], 0, 0
    for row in rows:  # in issue order
        while learned and f < len(finishes) and finishes[f][0] <= row.issued_at:
            times.observe(finishes[f][1], finishes[f][0], finishes[f][2])
            f += 1
        queue, busy = waiting[row.service], serving[row.service]
        while queue and queue[0][0] <= row.issued_at:  # called by now: it occupies a window until it ends
            heapq.heappush(busy, heapq.heappop(queue)[1])
        while busy and busy[0] <= row.issued_at:
            heapq.heappop(busy)
        if row.wait_s is None:
            continue
        free = max(0, servers[row.service] - len(busy))
        lo, hi, point = wait_estimate(
            len(queue), servers[row.service], times.mean_min(row.service, row.issued_at), free
        )
        actual = row.wait_s / 60
        errors.append(abs(point - actual))
        inside += lo <= actual <= hi
        heapq.heappush(queue, (row.first_called_at, row.ended_at))
    return {
        "tickets": len(errors),
        "mae_min": sum(errors) / len(errors),
        "coverage": inside / len(errors),
        "mean_wait_min": sum(r.wait_s for r in rows if r.wait_s is not None) / 60 / len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    config = load_config(str(resources.files("hallctl") / "demo" / "hall.toml"))
    db = f"sqlite:///{folder / 'estimates.db'}"
    config = config.model_copy(update={"hall": config.hall.model_copy(update={"database": db})})
    upgrade(db)
    hall = bootstrap(config)
    count = seed(hall, args.days, end=date(2026, 11, 1))
    with hall.uow(write=False) as uow:
        rows = uow.session.execute(
            select(
                tickets.c.service,
                tickets.c.issued_at,
                tickets.c.first_called_at,
                tickets.c.ended_at,
                tickets.c.wait_s,
                tickets.c.service_s,
            ).order_by(tickets.c.issued_at, tickets.c.id)
        ).all()
    hall.close()
    print(f"{count:,} seeded tickets over {args.days} days (demo hall, 75 % utilisation)")
    for label, learned in (
        ("learned service time (EWMA per service, hour)", True),
        ("configured avg_service_min", False),
    ):
        result = evaluate(hall, rows, learned)
        print(
            f"{label:48} MAE {result['mae_min']:.2f} min   inside the range {result['coverage']:.1%}   "
            f"({result['tickets']:,} tickets, mean wait {result['mean_wait_min']:.2f} min)"
        )


if __name__ == "__main__":
    main()
