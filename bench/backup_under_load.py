"""`hallctl backup` of a year-old hall while clients issue: how long it takes and what issuing sees meanwhile.

Run from the repository root:  .venv/bin/python bench/backup_under_load.py [--days 365] [--clients 4]

Seeds ``--days`` of history into a county-sized bench hall (bench/issue_call.py's, 6 services and 12 windows),
serves it as ``hallctl serve`` does, lets ``--clients`` keep-alive clients issue tickets as fast as they can, and
after a few seconds runs ``hallctl backup`` as a separate process. Prints the backup's line and time, and issuing
(tickets/s, p50, p99, every status seen) during the backup against before and after it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._http import Server, hallctl, percentile, serve_args
from bench.issue_call import bench_config
from hallctl.web.limits import RATE_VARIABLE

PORT = 18241
SETTLE_S = 5


def issuing(token: str, stop: threading.Event, seen: list[tuple[float, float, int]]) -> None:
    """Issue tickets until ``stop``; append (start, latency, status) per request."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    body = json.dumps({"service": "S1"})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    while not stop.is_set():
        started = time.monotonic()
        conn.request("POST", "/api/v1/tickets", body, headers)
        reply = conn.getresponse()
        reply.read()
        seen.append((started, time.monotonic() - started, reply.status))


def summary(rows: list[tuple[float, float, int]], seconds: float) -> str:
    latencies = [latency for _, latency, _ in rows]
    statuses = sorted({status for _, _, status in rows})
    return (
        f"{len(rows) / seconds:.0f} tickets/s, p50 {percentile(latencies, 50) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 99) * 1000:.0f} ms, statuses {statuses}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        config = bench_config(tmp, services=6, windows=12)  # a county hall
        hallctl("db", "upgrade", "--config", str(config), cwd=tmp)
        hallctl("seed", "--days", str(args.days), "--config", str(config), cwd=tmp)
        token = hallctl("token", "add", "k1", "--role", "kiosk", "--config", str(config), cwd=tmp)
        server = Server(
            serve_args(config, PORT), PORT, "/api/v1/healthz", cwd=tmp, env={RATE_VARIABLE: "100000 per minute"}
        )
        seen: list[tuple[float, float, int]] = []
        stop = threading.Event()
        workers = [threading.Thread(target=issuing, args=(token, stop, seen)) for _ in range(args.clients)]
        try:
            for worker in workers:
                worker.start()
            began = time.monotonic()
            time.sleep(SETTLE_S)  # issuing before the backup, the baseline
            backup_began = time.monotonic()
            line = hallctl("backup", "--config", str(config), "--out", str(tmp / "backup.sqlite3"), cwd=tmp)
            backup_ended = time.monotonic()
            time.sleep(SETTLE_S)
            stop.set()
            for worker in workers:
                worker.join()
            ended = time.monotonic()
        finally:
            stop.set()
            server.stop()
    during = [row for row in seen if backup_began <= row[0] <= backup_ended]
    outside = [row for row in seen if not backup_began <= row[0] <= backup_ended]
    print(line)
    print(f"hallctl backup took {backup_ended - backup_began:.1f} s (the process, Python's start included)")
    print(f"issuing during the backup: {summary(during, backup_ended - backup_began)}")
    print(f"issuing before and after:  {summary(outside, ended - began - (backup_ended - backup_began))}")


if __name__ == "__main__":
    main()
