"""`hallctl serve` as a real process: HTTP and Socket.IO, kill -9 durability, and the hall screen across a restart.

The ``prepared`` fixture (tests/e2e/conftest.py) migrates the database and adds staff li and the kiosk and display
tokens.
"""

import re
import signal
import sqlite3
import threading
import time
from datetime import date, timedelta

import pytest
import requests
import socketio

from hallctl.web.limits import RATE_VARIABLE
from tests.e2e.served import Served, logged_in, run


@pytest.fixture(autouse=True)
def issuing_at_load(monkeypatch):
    """These tests load the hall through one kiosk's token, far faster than a kiosk issues (web/limits.py)."""
    monkeypatch.setenv(RATE_VARIABLE, "100000 per minute")


def kill_9_while(server: Served, workers: list[threading.Thread], stop: threading.Event, ready) -> None:
    """Start the workers, SIGKILL the server (master and worker) once ``ready()`` holds, then join the workers."""
    for worker in workers:
        worker.start()
    while not ready():
        time.sleep(0.01)
    server.kill(signal.SIGKILL)  # a power cut: gunicorn's worker goes with its master
    stop.set()
    for worker in workers:
        worker.join()


def test_a_served_hall_issues_calls_and_pushes_the_call_to_a_socketio_client(prepared, tmp_path):
    config, kiosk, display = prepared
    server = Served(config, tmp_path)
    client = socketio.Client()
    try:
        calls, snapshots = [], []
        got_call = threading.Event()
        client.on("ticket_called", lambda data: (calls.append(data), got_call.set()))
        client.on("snapshot", snapshots.append)
        client.connect(server.url, auth={"token": display}, transports=["websocket"], wait_timeout=10)
        assert client.call("join", {"room": "hall"}, timeout=10) == {"ok": True}
        ticket = requests.post(
            f"{server.url}/api/v1/tickets",
            json={"service": "GJJ"},
            headers={"Authorization": f"Bearer {kiosk}"},
            timeout=5,
        ).json()
        staff = logged_in(server.url, "li", "correct-horse")
        assert staff.post(f"{server.url}/api/v1/windows/3/login", json={}, timeout=5).ok
        called = staff.post(f"{server.url}/api/v1/windows/3/call", json={}, timeout=5).json()["ticket"]
        assert called["number"] == ticket["number"] == "B001"
        assert got_call.wait(10)
        assert calls == [{"id": ticket["id"], "number": "B001", "service": "GJJ", "window": 3, "recall": False}]
        assert snapshots[0]["state"]["hall"]["id"] == "t"
    finally:
        client.disconnect()
        server.kill()


def test_every_acknowledged_ticket_survives_kill_9_and_numbering_continues(prepared, tmp_path):
    config, kiosk, _display = prepared
    server = Served(config, tmp_path)
    acknowledged: list[dict] = []
    lock = threading.Lock()
    stop = threading.Event()

    def hammer():
        http = requests.Session()
        while not stop.is_set():
            try:
                response = http.post(
                    f"{server.url}/api/v1/tickets",
                    json={"service": "SB"},
                    headers={"Authorization": f"Bearer {kiosk}"},
                    timeout=5,
                )
            except requests.RequestException:
                return  # the server died mid-request: that ticket was never acknowledged
            if response.status_code == 201:
                with lock:
                    acknowledged.append(response.json())

    kill_9_while(server, [threading.Thread(target=hammer) for _ in range(4)], stop, lambda: len(acknowledged) >= 150)

    server = Served(config, tmp_path)
    try:
        assert (
            run(
                "user",
                "add",
                "boss",
                "--role",
                "manager",
                "--config",
                str(config),
                "--password-stdin",
                input="manager-pass\n",
            ).returncode
            == 0
        )
        boss = logged_in(server.url, "boss", "manager-pass")
        utc_day = date.fromisoformat(acknowledged[0]["issued_at"][:10])
        span = f"from={utc_day - timedelta(days=1)}&to={utc_day + timedelta(days=1)}"
        export = boss.get(f"{server.url}/api/v1/tickets/export.csv?{span}", timeout=10).text
        stored = {line.split(",")[0]: line.split(",")[1] for line in export.lstrip("\ufeff").splitlines()[1:]}
        for ticket in acknowledged:
            assert stored.get(str(ticket["id"])) == ticket["number"], f"acknowledged {ticket['number']} lost"
        assert len(set(stored.values())) == len(stored), "a number was issued twice"
        after = requests.post(
            f"{server.url}/api/v1/tickets",
            json={"service": "SB"},
            headers={"Authorization": f"Bearer {kiosk}"},
            timeout=5,
        ).json()
        highest = max(int(n[1:]) for n in stored.values())
        assert int(after["number"][1:]) == highest + 1
    finally:
        server.kill()


def test_kill_9_while_three_windows_call_start_and_finish_leaves_no_ticket_in_two_states(prepared, tmp_path):
    config, kiosk, _display = prepared
    for name in ("wang", "zhao"):
        assert (
            run(
                "user",
                "add",
                name,
                "--role",
                "staff",
                "--config",
                str(config),
                "--password-stdin",
                input="correct-horse\n",
            ).returncode
            == 0
        )
    server = Served(config, tmp_path)
    http = requests.Session()
    for service in ["SB"] * 120 + ["GJJ"] * 60:
        http.post(
            f"{server.url}/api/v1/tickets",
            json={"service": service},
            headers={"Authorization": f"Bearer {kiosk}"},
            timeout=5,
        ).raise_for_status()
    called, finished = set(), set()
    lock = threading.Lock()
    stop = threading.Event()

    def work(user: str, window: int) -> None:
        base = f"{server.url}/api/v1/windows/{window}"
        try:
            staff = logged_in(server.url, user, "correct-horse")
            staff.post(f"{base}/login", json={}, timeout=5).raise_for_status()
            while not stop.is_set():
                reply = staff.post(f"{base}/call", json={}, timeout=5)
                if reply.status_code != 200:
                    continue
                ticket = reply.json()["ticket"]["id"]
                with lock:
                    called.add(ticket)
                staff.post(f"{base}/start", json={}, timeout=5).raise_for_status()
                if staff.post(f"{base}/finish", json={"outcome": "completed"}, timeout=5).status_code == 200:
                    with lock:
                        finished.add(ticket)
        except requests.RequestException:
            return  # the server died mid-request: that action was never acknowledged

    workers = [threading.Thread(target=work, args=args) for args in (("li", 1), ("wang", 2), ("zhao", 3))]
    kill_9_while(server, workers, stop, lambda: len(finished) >= 40)

    database = sqlite3.connect(tmp_path / "hall.db")
    status = dict(database.execute("SELECT id, status FROM tickets"))
    at_window = dict(database.execute("SELECT id, window FROM tickets WHERE status IN ('called', 'serving')"))
    current = dict(
        database.execute("SELECT current_ticket_id, number FROM windows WHERE current_ticket_id IS NOT NULL")
    )
    database.close()
    assert all(status[t] == "finished" for t in finished), "an acknowledged finish was lost"
    assert all(status[t] != "waiting" for t in called), "an acknowledged call was lost"
    assert at_window == current, "a ticket at a window that does not hold it, or a window holding a ticket elsewhere"

    server = Served(config, tmp_path)
    try:  # the windows go on where they stopped
        for user, window in (("li", 1), ("wang", 2), ("zhao", 3)):
            staff = logged_in(server.url, user, "correct-horse")
            base = f"{server.url}/api/v1/windows/{window}"
            view = staff.get(base, timeout=5).json()
            if view["current"] and view["current"]["status"] == "called":
                staff.post(f"{base}/start", json={}, timeout=5).raise_for_status()
            if view["current"]:
                staff.post(f"{base}/finish", json={}, timeout=5).raise_for_status()
            assert staff.post(f"{base}/call", json={}, timeout=5).status_code == 200
    finally:
        server.kill()


def test_the_hall_screen_shows_calls_live_and_heals_after_the_server_restarts(prepared, tmp_path, browser):
    from playwright.sync_api import expect

    from tests.e2e.conftest import Pages

    config, kiosk, display = prepared
    server = Served(config, tmp_path)
    pages = Pages(browser, server.url)

    def call(window: int, service: str) -> None:
        requests.post(
            f"{server.url}/api/v1/tickets",
            json={"service": service},
            headers={"Authorization": f"Bearer {kiosk}"},
            timeout=5,
        ).raise_for_status()
        staff = logged_in(server.url, "li", "correct-horse")
        staff.post(f"{server.url}/api/v1/windows/{window}/login", json={}, timeout=5)
        staff.post(f"{server.url}/api/v1/windows/{window}/no-show", json={}, timeout=5)  # frees the window, if called
        staff.post(f"{server.url}/api/v1/windows/{window}/call", json={}, timeout=5).raise_for_status()

    try:
        screen = pages.open(f"/screen?token={display}", viewport=(1920, 1080))
        expect(screen.locator(".now-number")).to_have_text("—")
        call(3, "GJJ")
        expect(screen.locator(".now-number")).to_have_text("B001")
        expect(screen.locator(".now-window")).to_have_text("3 号窗口")
        expect(screen.locator(".now-en")).to_contain_text("Number B001, please go to window 3")
        expect(screen.locator(".queues li[data-service=GJJ] .waiting")).to_have_text("0")

        server.kill()
        expect(screen.locator(".toast")).to_contain_text("连接中断")
        server = Served(config, tmp_path, port=server.port)
        expect(screen.locator(".toast")).to_be_hidden(timeout=15_000)
        call(3, "GJJ")
        expect(screen.locator(".now-number")).to_have_text("B002")
        expect(screen.locator(".recent tbody tr")).to_have_count(2)
        expect(screen.locator(".recent tbody tr").nth(1)).to_contain_text("B001")
        pages.screenshot(screen, "hall-screen")
        staff = logged_in(server.url, "li", "correct-horse")
        staff.post(f"{server.url}/api/v1/windows/3/recall", json={}, timeout=5).raise_for_status()
        expect(screen.locator(".recent tbody tr").first).to_contain_text("重呼 recall")
        expect(screen.locator(".now")).to_have_class(re.compile(r"\bflash\b"))
        # while the server was down the browser logged its refused reconnection attempts (reset ones while it was
        # stopping: the worker's listening socket, no longer accepting, is closed as it exits), and nothing else
        refused = ("ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET")
        assert all(any(reason in error for reason in refused) for error in pages.errors), pages.errors
    finally:
        pages.close()
        server.kill()
