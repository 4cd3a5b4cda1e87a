"""A busy day, compressed: tickets issued at a kiosk with a printer, three windows calling and finishing with
window LEDs, evaluators and a caller keypad on an RS-485 line, calls spoken through libvlc — with faults
injected along the way (paper out, a garbled evaluator, a silent LED) — then every ticket, print, rating and
announcement is accounted for, and the server's memory compared between the first quarter and the end.

Run from the repository root:  .venv/bin/python bench/soak.py [--tickets 883] [--seconds 600]
(883 tickets is the daily average of a real county centre). ``tests/e2e/test_soak.py`` runs a short form
(``--tickets 80 --seconds 25 --json``).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._http import voice_section
from devices.bus import BusTiming
from devices.printer import PrinterTiming
from devices.simulators.escpos_printer import PrinterSimulator
from devices.simulators.hallbus_line import HallBusLine
from devices.worker import Backoff
from hallctl.bootstrap import build_app
from hallctl.config import parse_config
from hallctl.migrations import upgrade
from hallctl.services import auth

# window → (LED, evaluator, caller) bus addresses; None where the window has no such device
WINDOWS = {1: (1, 2, 3), 2: (4, 5, None), 3: (None, 6, None)}
KINDS = {0: "window_led", 1: "evaluator", 2: "caller"}
FAULT_S = 4.0
CONFIG = """
[hall]
id = "soak"
name = "浸泡测试大厅"
database = "sqlite:///{db}"
hours = ["00:00-24:00"]

[routing]
rating_timeout_s = 600

{voice}
[[services]]
code = "SB"
name = "社保医保"
prefix = "A"

[[services]]
code = "GJJ"
name = "公积金"
prefix = "B"

[[kiosks]]
id = "k1"
printer = "printer-k1"

[[buses]]
name = "bus-a"
url = "{bus}"

[[devices]]
name = "printer-k1"
kind = "printer"
url = "{printer}"
"""


def config_text(tmp: Path, printer: str, bus: str) -> str:
    text = CONFIG.format(db=tmp / "hall.db", voice=voice_section(), bus=bus, printer=printer)
    for number, addresses in WINDOWS.items():
        names = {KINDS[i]: f"{KINDS[i]}-{number}" for i, a in enumerate(addresses) if a is not None}
        text += f'\n[[windows]]\nnumber = {number}\nservices = ["SB", "GJJ"]\n'
        text += "".join(
            f'{key} = "{names[kind]}"\n'
            for key, kind in (("led", "window_led"), ("evaluator", "evaluator"), ("caller", "caller"))
            if kind in names
        )
        for i, address in enumerate(addresses):
            if address is not None:
                text += (
                    f'\n[[devices]]\nname = "{KINDS[i]}-{number}"\nkind = "{KINDS[i]}"\nbus = "bus-a"\n'
                    f"address = {address}\n"
                )
    return text


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def pending_prints(hall, issued: list[int]) -> int:
    """Tickets still waiting for the printer (a function, so that the tickets it loads are not kept alive
    in a local of ``soak`` when memory is measured)."""
    with hall.uow(write=False) as uow:
        return sum(uow.tickets.get(t).print_status == "pending" for t in issued)


def soak(tmp: Path, tickets: int, seconds: float, seed: int = 7, trace_memory: bool = False) -> dict:
    """Run the day; returns what it counted. Raises AssertionError naming anything lost.

    Args:
        trace_memory: trace Python allocations (tracemalloc, slower) and report the lines whose
            memory grew most between the first quarter of the tickets and the end.
    """
    if trace_memory:
        tracemalloc.start(8)
    rng = random.Random(seed)
    printer = PrinterSimulator(tmp / "dev" / "printer-k1").start()
    line = HallBusLine(
        tmp / "dev" / "bus-a",
        {a: KINDS[i] for addresses in WINDOWS.values() for i, a in enumerate(addresses) if a is not None},
    ).start()
    upgrade(f"sqlite:///{tmp / 'hall.db'}")
    hall, app, _socketio = build_app(
        parse_config(config_text(tmp, printer.url, str(line.link))),
        devices=True,
        printer_timing=PrinterTiming(
            status_timeout_s=0.2, poll_s=0.5, retry_window_s=3, backoff=Backoff(first_s=0.1, cap_s=0.5)
        ),
        # tracemalloc slows every thread, the line simulator's too: give the devices time to answer
        bus_timing=BusTiming(
            reply_margin_s=0.5 if trace_memory else 0.05, backoff=Backoff(first_s=0.1, cap_s=0.5), idle_s=0.01
        ),
    )
    kiosk = {"Authorization": f"Bearer {auth.add_token(hall, 'k1', 'kiosk')}"}
    issued, rated, served, lock = [], {}, [], threading.Lock()
    done_issuing = threading.Event()
    memory: dict[str, float] = {}  # RSS at ¼, ½ and ¾ of the tickets, and at the end
    marks = {tickets // 4: "¼", tickets // 2: "½", 3 * tickets // 4: "¾"}
    snapshots: dict[str, tracemalloc.Snapshot] = {}

    def issue_all() -> None:
        client = app.test_client()
        for n in range(tickets):
            reply = client.post("/api/v1/tickets", json={"service": rng.choice(["SB", "SB", "GJJ"])}, headers=kiosk)
            assert reply.status_code == 201, reply.get_json()
            with lock:
                issued.append(reply.get_json()["id"])
            if n in marks:
                gc.collect()
                memory[marks[n]] = rss_mb()
                if trace_memory and marks[n] == "¼":
                    snapshots["¼"] = tracemalloc.take_snapshot()
            time.sleep(seconds / tickets)
        done_issuing.set()

    def rating_of(ticket: int):
        with hall.uow(write=False) as uow:
            return uow.ratings.for_ticket(ticket)

    def work(number: int) -> None:
        auth.add_user(hall, f"staff{number}", "staff", "soak-pass-1")
        client = app.test_client()
        csrf = client.post(
            "/api/v1/auth/login", json={"username": f"staff{number}", "password": "soak-pass-1"}
        ).get_json()["csrf"]
        client.environ_base["HTTP_X_CSRF_TOKEN"] = csrf  # a cookie session sends its CSRF token on POSTs
        base = f"/api/v1/windows/{number}"
        client.post(f"{base}/login", json={})
        evaluator = WINDOWS[number][1]
        while True:
            reply = client.post(f"{base}/call", json={})
            if reply.status_code == 204:
                if done_issuing.is_set():
                    return
                time.sleep(0.02)
                continue
            ticket = reply.get_json()["ticket"]["id"]
            for step in ("start", "finish"):
                assert client.post(f"{base}/{step}", json={}).status_code == 200
            with lock:
                served.append(ticket)
            if rng.random() < 0.8:  # most citizens press a key
                level = rng.choice([1, 1, 1, 2, 2, 3, 4, 5])
                line[evaluator].press(level)
                deadline = time.monotonic() + 10
                while rating_of(ticket) is None and time.monotonic() < deadline:
                    time.sleep(0.02)
                with lock:
                    rated[ticket] = level

    def faults() -> None:
        """Each fault lasts FAULT_S, shorter than the wait for a rating: a longer evaluator outage loses all
        but the last of the presses made meanwhile (the device keeps one key and a counter)."""
        steps = [
            (0.2, lambda on: setattr(printer, "paper_out", on)),
            (0.45, lambda on: (line.garbled.add if on else line.garbled.discard)(5)),
            (0.65, lambda on: (line.silent.add if on else line.silent.discard)(1)),
        ]
        start = time.monotonic()
        for at, switch in steps:
            time.sleep(max(0.0, start + at * seconds - time.monotonic()))
            switch(True)
            time.sleep(FAULT_S)
            switch(False)

    threads = [
        threading.Thread(target=issue_all),
        threading.Thread(target=faults, daemon=True),
        *(threading.Thread(target=work, args=(n,)) for n in WINDOWS),
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    hall.announcer.wait_idle(120)
    deadline = time.monotonic() + 10  # the last prints
    while pending_prints(hall, issued) and time.monotonic() < deadline:
        time.sleep(0.1)
    gc.collect()
    memory["end"] = rss_mb()
    growth = []
    if trace_memory:
        traced = tracemalloc.take_snapshot()
        diff = traced.compare_to(snapshots["¼"], "lineno")
        total = sum(d.size_diff for d in diff)
        growth = [f"{total / 1024:+.0f} KiB of Python objects in all"]
        growth += [f"{d.size_diff / 1024:+.0f} KiB {d.count_diff:+d} blocks {d.traceback[0]}" for d in diff[:12]]
        tracemalloc.stop()
    with hall.uow(write=False) as uow:
        stored = {t: (lambda k: (k.status, k.print_status, k.number))(uow.tickets.get(t)) for t in issued}
        ratings = {t: (lambda r: r and (r.level, bool(r.bound)))(uow.ratings.for_ticket(t)) for t in rated}
    totals = dict(hall.announcer.totals)
    printed_text = "\n".join(ticket.text for ticket in printer.tickets)
    result = {
        "tickets": len(issued),
        "served": len(served),
        "seconds": round(elapsed, 1),
        "printed": sum(p == "printed" for _s, p, _n in stored.values()),
        "print_failed": sum(p == "failed" for _s, p, _n in stored.values()),
        "rated": len(rated),
        "announcements": totals.get("made", 0),
        "announcements_played": totals.get("played", 0),
        "announcements_failed": totals.get("failed", 0),
        "rss_mb": {mark: round(memory[mark], 1) for mark in ("¼", "½", "¾", "end")},
    }
    if growth:
        result["python_memory_growth"] = "\n  " + "\n  ".join(growth)
    hall.close()
    line.unplug()
    printer.stop()
    lost = [number for status, _p, number in stored.values() if status != "finished"]
    assert not lost, f"tickets not served to the end: {lost[:10]}"
    assert result["printed"] + result["print_failed"] == len(issued), "a print job was lost"
    assert all(number in printed_text for _s, p, number in stored.values() if p == "printed")
    wrong = {t: (level, ratings[t]) for t, level in rated.items() if ratings[t] != (level, True)}
    assert not wrong, f"presses not recorded as one bound rating of their ticket: {list(wrong.items())[:5]}"
    assert result["announcements"] == len(served), "an announcement was dropped"
    assert result["announcements_played"] + result["announcements_failed"] == len(served), "one never finished"
    return result


def main() -> None:
    """Run the day from the command line; print what it counted (exit 1, naming it, if anything was lost)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=883)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument(
        "--trace-memory", action="store_true", help="tracemalloc: the lines whose allocations grew most (slower)"
    )
    parser.add_argument("--dir", type=Path, help="for the database and the device links (default: a new temporary one)")
    parser.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="soak-"))
    result = soak(folder, args.tickets, args.seconds, trace_memory=args.trace_memory)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        print(f"{key:22} {value}")


if __name__ == "__main__":
    main()
