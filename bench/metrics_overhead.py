"""The cost of the request metrics (GET /api/v1/metrics): issue throughput with and without them.

Run from the repository root:  .venv/bin/python bench/metrics_overhead.py [--rounds 3] [--per-client 150]

Each round starts two fresh servers in turn on gunicorn with the settings of ``hallctl serve``: the app as
served (request counter and latency histogram on every request), and the same app with those two request hooks
taken off (the hall's gauges stay: they cost only at scrape). 8 keep-alive clients POST /api/v1/tickets;
the figures are the medians over the rounds (one run on the shared 2-core machine swings by several %).
Beside them, less noisy: the CPU time the two hooks take per request, timed in-process on a matched request.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._http import Server, hallctl, load, python
from bench.issue_call import bench_config

CLIENTS = 8


def serve(config: Path, port: int, with_request_metrics: bool) -> int:
    """Serve the hall of ``config`` as ``hallctl serve`` does, with or without the request metrics."""
    from hallctl.bootstrap import build_app
    from hallctl.config import load_config
    from hallctl.web.gunicorn_app import HallServer

    settings = load_config(config)

    def build():
        hall, app, socketio = build_app(settings, devices=True, housekeeping=True)
        if not with_request_metrics:  # take off the hooks hallctl/web/metrics.py put on the app
            for hooks in (app.before_request_funcs, app.after_request_funcs):
                hooks[None] = [f for f in hooks[None] if getattr(f, "__module__", "") != "hallctl.web.metrics"]
        return app, socketio.server.eio.disconnect, hall.close

    return HallServer(build, f"127.0.0.1:{port}", settings.server).run()


def one_run(tmp: Path, port: int, with_request_metrics: bool, per_client: int) -> dict:
    """Issue throughput at :data:`CLIENTS` clients on a fresh hall."""
    tmp.mkdir(parents=True)
    config = bench_config(tmp)
    hallctl("db", "upgrade", "--config", str(config), cwd=tmp)
    token = hallctl("token", "add", "k1", "--role", "kiosk", "--config", str(config), cwd=tmp)
    flag = "on" if with_request_metrics else "off"
    args = [python(), __file__, "serve", str(config), str(port), flag]
    server = Server(args, port, "/api/v1/healthz", cwd=tmp)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        load(port, "/api/v1/tickets", {"service": "S1"}, headers, 4, 50)  # warm-up
        return load(port, "/api/v1/tickets", {"service": "S2"}, headers, CLIENTS, per_client)
    finally:
        server.stop()


def hook_cost_us(calls: int = 20_000) -> float:
    """Microseconds of CPU the request metrics' two hooks take per request (``POST /api/v1/tickets``, 201)."""
    from flask import Response

    from hallctl.bootstrap import build_app
    from hallctl.config import load_config

    with tempfile.TemporaryDirectory() as tmp:
        config = bench_config(Path(tmp))
        hallctl("db", "upgrade", "--config", str(config), cwd=Path(tmp))
        hall, app, _socketio = build_app(load_config(config))
        try:
            hooks = [f for f in app.before_request_funcs[None] if f.__module__ == "hallctl.web.metrics"]
            after = [f for f in app.after_request_funcs[None] if f.__module__ == "hallctl.web.metrics"]
            reply = Response(status=201)
            with app.test_request_context("/api/v1/tickets", method="POST"):
                started = time.process_time()
                for _ in range(calls):
                    for hook in hooks:
                        hook()
                    for hook in after:
                        hook(reply)
                return (time.process_time() - started) / calls * 1e6
        finally:
            hall.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-client", type=int, default=150)
    args = parser.parse_args()
    runs: dict[bool, list[dict]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.rounds):
            for metrics_on in (True, False):
                run = one_run(Path(tmp) / f"{n}-{metrics_on}", 18241 + 2 * n + metrics_on, metrics_on, args.per_client)
                runs[metrics_on].append(run)
                print(f"round {n + 1} request metrics {'on ' if metrics_on else 'off'}: {run}", flush=True)
    on, off = (statistics.median(r["per_s"] for r in runs[flag]) for flag in (True, False))
    for label, flag in (("with", True), ("without", False)):
        p50 = statistics.median(r["p50_ms"] for r in runs[flag])
        p99 = statistics.median(r["p99_ms"] for r in runs[flag])
        rate = on if flag else off
        print(f"{label:>7} request metrics: {rate:7.1f} tickets/s  p50 {p50:5.1f} ms  p99 {p99:5.1f} ms")
    print(f"overhead: {100 * (off - on) / off:+.1f} % of the throughput without them")
    cost = hook_cost_us()
    print(f"the two hooks: {cost:.1f} µs of CPU per request = {cost * on / 1e4:.2f} % of a second's CPU at {on:.0f}/s")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "serve":
        sys.exit(serve(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "on"))
    main()
