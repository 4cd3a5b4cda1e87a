"""KPI report time over about a million tickets (three years of a busy hall) on SQLite or PostgreSQL.

Run from the repository root:  .venv/bin/python bench/reports.py [--days 1280] [--keep DIR]
                               [--database postgresql+psycopg://user@host/db]   (pip install '.[postgres]')

Seeds the demo hall's five services at 200 tickets per service and weekday
(about 1,000 a day; Saturdays a third), then times the KPI report by service and
by hour for the last full year and for one day: five runs each, median and max —
first from the tickets alone, then after rolling up every closed day (the daily job).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from hallctl.adapters.orm import tickets
from hallctl.bootstrap import bootstrap
from hallctl.config import load_config
from hallctl.migrations import upgrade
from hallctl.reports import kpis, rollups
from hallctl.reports.seed import seed


def timed(hall, first: date, last: date, by: str, runs: int = 5) -> tuple[float, float, int]:
    targets = {s.code: s.target_wait_min * 60 for s in hall.config.services}
    times, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        with hall.uow(write=False) as uow:
            rows = len(kpis.kpis(uow.session, hall.hall_id, first, last, by, targets))
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=1150)
    parser.add_argument("--keep", help="a folder to keep the seeded database in (reused when present)")
    parser.add_argument("--database", help="a SQLAlchemy URL instead of a SQLite file (seeded when empty)")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    config = load_config(str(resources.files("hallctl") / "demo" / "hall.toml"))
    db = args.database or f"sqlite:///{folder / 'reports.db'}"
    config = config.model_copy(update={"hall": config.hall.model_copy(update={"database": db})})
    upgrade(db)
    hall = bootstrap(config)
    end = date(2026, 11, 1)
    with hall.uow(write=False) as uow:
        existing = uow.session.execute(select(func.count()).select_from(tickets)).scalar()
    if not existing:
        start = time.perf_counter()
        count = seed(hall, args.days, end=end, per_service_day=200)
        print(f"seeded {count:,} tickets in {time.perf_counter() - start:.0f} s")
    else:
        print(f"reusing {existing:,} tickets")
    year = (end - timedelta(days=365), end - timedelta(days=1))
    day = (end - timedelta(days=2), end - timedelta(days=2))  # a Friday
    with hall.uow(write=False) as uow:
        in_year = uow.session.execute(
            select(func.count())
            .select_from(tickets)
            .where(tickets.c.business_day >= year[0], tickets.c.business_day <= year[1])
        ).scalar()
    with hall.uow() as uow:
        rollups.forget(uow.session, hall.hall_id, date.min, date.max)
        uow.commit()
    for source in ("the tickets", "daily roll-ups"):
        if source == "daily roll-ups":
            start = time.perf_counter()
            written = rollups.roll_up(hall)
            print(f"rolled up every closed day ({written:,} rows, 6 groupings) in {time.perf_counter() - start:.0f} s")
        print(f"\nfrom {source}:\n{'report':34} {'median':>8} {'max':>8} {'rows':>5}")
        for label, (first, last) in ((f"full year ({in_year:,} tickets)", year), ("one day", day)):
            for by in ("service", "hour"):
                median, worst, rows = timed(hall, first, last, by)
                print(f"{label + ', by ' + by:34} {median * 1000:>6.0f}ms {worst * 1000:>6.0f}ms {rows:>5}")
    hall.close()


if __name__ == "__main__":
    main()
