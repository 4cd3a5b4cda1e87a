"""Evaluator poll cycle on one 9600-baud RS-485 line, against its physical bound, and press-to-record time.

Run from the repository root:  .venv/bin/python bench/bus_cycle.py [--seconds 20]

The line simulator adds the wire time of every frame (10 bits a byte at 9600
baud) and the 3.5-character silence after a request; the master (pymodbus)
waits for the silence after each reply itself. Reading an evaluator's three input
registers is an 8-byte request and an 11-byte reply:
(8 + 11) × 1.0417 ms + 2 × 3.646 ms = 27.1 ms per device — the bound, before any
turnaround in the device or the host. Presses are made at random moments; the
time until the bus worker hands each one over is press-to-record.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.bus import BusTiming, BusWorker
from devices.registry import DeviceRegistry
from devices.simulators.hallbus_line import HallBusLine

BAUD = 9600
CHAR_MS = 10 / BAUD * 1000
BOUND_MS = (8 + 11) * CHAR_MS + 2 * 3.5 * CHAR_MS


def run(count: int, seconds: float) -> dict:
    folder = Path(tempfile.mkdtemp())
    line = HallBusLine(folder / "bus", dict.fromkeys(range(1, count + 1), "evaluator"), baudrate=BAUD).start()
    devices = [SimpleNamespace(name=f"eval-{a}", kind="evaluator", address=a) for a in range(1, count + 1)]
    registry = DeviceRegistry(
        [SimpleNamespace(name=d.name, kind=d.kind, address=d.address, url=None, bus="bus") for d in devices],
        lambda events: None,
    )
    pressed: dict[str, float] = {}
    delays: list[float] = []

    def on_press(name: str, key: int, presses: int) -> None:
        if name in pressed:
            delays.append(time.monotonic() - pressed.pop(name))

    worker = BusWorker("bus", str(line.link), BAUD, devices, registry, on_press, BusTiming()).start()
    worker.wait_for_cycles(2, timeout=60)  # every counter has its baseline
    stop = threading.Event()

    def presser():
        rng = random.Random(count)
        while not stop.wait(rng.uniform(0.05, 0.3)):
            address = rng.randint(1, count)
            name = f"eval-{address}"
            if name not in pressed:
                pressed[name] = time.monotonic()
                line[address].press(rng.randint(1, 5))

    threading.Thread(target=presser, daemon=True).start()

    def polls() -> int:
        return sum(d["counters"].get("polls", 0) for d in registry.snapshot())

    start_polls, start = polls(), time.monotonic()
    time.sleep(seconds)
    done, elapsed = polls() - start_polls, time.monotonic() - start
    stop.set()
    worker.stop()
    line.stop()
    cycle_s = elapsed / done * count  # one cycle polls every device once
    return {
        "devices": count,
        "cycle_s": cycle_s,
        "bound_s": count * BOUND_MS / 1000,
        "press_median_s": statistics.median(delays),
        "press_max_s": max(delays),
        "presses": len(delays),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    print(f"bound per evaluator at {BAUD} baud: {BOUND_MS:.1f} ms")
    print(
        f"{'evaluators':>10} {'cycle':>8} {'bound':>8} {'ratio':>6} {'press→record median':>20} "
        f"{'/cycle':>7} {'max':>7} {'presses':>8}"
    )
    for count in (10, 40, 80):
        r = run(count, args.seconds)
        print(
            f"{r['devices']:>10} {r['cycle_s']:>7.3f}s {r['bound_s']:>7.3f}s {r['cycle_s'] / r['bound_s']:>6.2f} "
            f"{r['press_median_s']:>19.3f}s {r['press_median_s'] / r['cycle_s']:>7.2f} {r['press_max_s']:>6.3f}s "
            f"{r['presses']:>8}"
        )


if __name__ == "__main__":
    main()
