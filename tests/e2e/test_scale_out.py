"""Two `hallctl serve` processes on one PostgreSQL database and one Redis (Debian packages, started by the tests)."""

import json
import signal
import threading
import time

import pytest
import redis
import requests
import socketio

from hallctl.web.limits import RATE_VARIABLE
from tests.conftest import hall_toml, with_queue
from tests.e2e.served import Served, logged_in, real_clock_toml, run
from tests.integration.test_printer import printer_config


@pytest.fixture
def shared_config(tmp_path, postgres, redis_url, monkeypatch):
    monkeypatch.setenv(RATE_VARIABLE, "100000 per minute")  # one kiosk's token issues for the whole test hall
    name = postgres.create_database(postgres.template)
    text = real_clock_toml(hall_toml(postgres.url(name)))
    text = with_queue(text, redis_url)
    path = tmp_path / "hall.toml"
    path.write_text(text, encoding="utf-8")
    yield path
    postgres.drop_database(name)


def test_a_call_through_one_process_reaches_a_screen_on_the_other_and_numbers_stay_unique(shared_config, tmp_path):
    config = str(shared_config)
    assert (
        run(
            "user", "add", "li", "--role", "staff", "--config", config, "--password-stdin", input="correct-horse\n"
        ).returncode
        == 0
    )
    kiosk = run("token", "add", "k1", "--role", "kiosk", "--config", config).stdout.strip()
    display = run("token", "add", "screen", "--role", "display", "--config", config).stdout.strip()
    first, second = Served(config, tmp_path), Served(config, tmp_path)
    screen = socketio.Client()
    calls, issued = [], []
    got_call = threading.Event()
    screen.on("ticket_called", lambda data: (calls.append(data), got_call.set()))
    screen.on("ticket_issued", issued.append)
    try:
        screen.connect(first.url, auth={"token": display}, transports=["websocket"], wait_timeout=10)
        assert screen.call("join", {"room": "hall"}, timeout=10) == {"ok": True}
        numbers, lock = [], threading.Lock()

        def take(server, count):
            http = requests.Session()
            for _ in range(count):
                reply = http.post(
                    f"{server.url}/api/v1/tickets",
                    json={"service": "SB"},
                    headers={"Authorization": f"Bearer {kiosk}"},
                    timeout=10,
                )
                with lock:
                    numbers.append(reply.json()["number"])

        takers = [threading.Thread(target=take, args=(server, 25)) for server in (first, second, first, second)]
        for taker in takers:
            taker.start()
        for taker in takers:
            taker.join()
        assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 101)]

        staff = logged_in(second.url, "li", "correct-horse")
        staff.post(f"{second.url}/api/v1/windows/2/login", json={}, timeout=5).raise_for_status()
        called = staff.post(f"{second.url}/api/v1/windows/2/call", json={}, timeout=5).json()["ticket"]
        assert got_call.wait(10), "the call made through the second process never reached the first one's client"
        assert calls == [{"id": called["id"], "number": "A001", "service": "SB", "window": 2, "recall": False}]
        deadline = time.time() + 10
        while len(issued) < 100 and time.time() < deadline:
            time.sleep(0.05)
        assert sorted(e["number"] for e in issued) == sorted(numbers)  # from both processes, none twice
    finally:
        screen.disconnect()
        first.kill()
        second.kill()


def next_message(pubsub, timeout: float = 5) -> dict | None:
    """The next message on ``pubsub`` within ``timeout`` (get_message also returns None for the ignored
    subscription confirmation)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        message = pubsub.get_message(timeout=0.1)
        if message is not None:
            return message
    return None


def test_a_calls_emits_travel_as_one_redis_message_and_each_screen_hears_each_once(shared_config, tmp_path, redis_url):
    config = str(shared_config)
    assert (
        run(
            "user", "add", "li", "--role", "staff", "--config", config, "--password-stdin", input="correct-horse\n"
        ).returncode
        == 0
    )
    kiosk = run("token", "add", "k1", "--role", "kiosk", "--config", config).stdout.strip()
    display = run("token", "add", "screen", "--role", "display", "--config", config).stdout.strip()
    servers = [Served(config, tmp_path), Served(config, tmp_path)]
    heard: list[list[tuple[str, dict]]] = [[], []]
    screens = []
    raw = redis.Redis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)
    try:
        for server, log in zip(servers, heard, strict=False):
            screen = socketio.Client()
            for name in ("ticket_called", "queue_changed", "window_changed", "announcement"):
                screen.on(name, lambda data, name=name, log=log: log.append((name, data)))
            screen.connect(server.url, auth={"token": display}, transports=["websocket"], wait_timeout=10)
            assert screen.call("join", {"room": "hall"}, timeout=10) == {"ok": True}
            screens.append(screen)
        requests.post(
            f"{servers[0].url}/api/v1/tickets",
            json={"service": "SB"},
            headers={"Authorization": f"Bearer {kiosk}"},
            timeout=10,
        ).raise_for_status()
        staff = logged_in(servers[1].url, "li", "correct-horse")
        staff.post(f"{servers[1].url}/api/v1/windows/2/login", json={}, timeout=5).raise_for_status()
        time.sleep(1)  # the issue's and the log-in's events have come and gone
        raw.subscribe("flask-socketio")
        for log in heard:
            log.clear()

        called = staff.post(f"{servers[1].url}/api/v1/windows/2/call", json={}, timeout=5).json()["ticket"]

        _host, *emits = json.loads(next_message(raw)["data"])
        assert [(e["event"], e["room"]) for e in emits] == [
            ("ticket_called", ["hall", "window:2", f"ticket:{called['id']}"]),
            ("queue_changed", ["hall", "queue:SB", "window:1", "window:2"]),
            ("window_changed", ["hall", "window:2"]),
        ]
        assert next_message(raw, timeout=1) is None  # the whole call was that one message
        for log in heard:  # the calling process's screen and the other one's: each event once
            assert [name for name, _ in log] == ["ticket_called", "queue_changed", "window_changed"]
            assert log[0][1]["number"] == called["number"] == log[2][1]["current"]["number"]

        publisher = redis.Redis.from_url(redis_url)  # a garbled batch is dropped; the listener goes on
        publisher.publish("flask-socketio", b'["another-host", {"method": "emit"')
        publisher.publish(
            "flask-socketio",
            json.dumps(
                [
                    "another-host",
                    {
                        "method": "emit",
                        "event": "announcement",
                        "data": [{"number": "A009"}],
                        "namespace": "/",
                        "room": ["hall"],
                        "host_id": "another-host",
                    },
                ]
            ),
        )
        deadline = time.time() + 10
        while not all(("announcement", {"number": "A009"}) in log for log in heard):
            assert time.time() < deadline, f"the batch after a garbled one was never delivered: {heard}"
            time.sleep(0.05)
    finally:
        raw.close()
        for screen in screens:
            screen.disconnect()
        for server in servers:
            server.kill()


def wait_role(server: Served, role: str, timeout: float = 15) -> None:
    deadline = time.time() + timeout
    while requests.get(f"{server.url}/api/v1/healthz", timeout=5).json()["devices"] != role:
        assert time.time() < deadline, f"{server.url} never became the device {role}"
        time.sleep(0.1)


def test_only_one_process_drives_the_printer_and_the_other_takes_over_when_it_is_killed(
    tmp_path, postgres, redis_url, printer
):
    name = postgres.create_database(postgres.template)
    config = tmp_path / "printing.toml"
    config.write_text(
        with_queue(real_clock_toml(printer_config(postgres.url(name), printer.url)), redis_url), encoding="utf-8"
    )
    kiosk = run("token", "add", "k1", "--role", "kiosk", "--config", str(config)).stdout.strip()
    first = Served(config, tmp_path)
    wait_role(first, "leader")
    second = Served(config, tmp_path)

    def issue(server: Served) -> dict:
        reply = requests.post(
            f"{server.url}/api/v1/tickets",
            json={"service": "SB", "kiosk": "k1"},
            headers={"Authorization": f"Bearer {kiosk}"},
            timeout=10,
        )
        assert reply.status_code == 201, reply.text
        return reply.json()

    def recorded_printed(server: Served, ticket: dict) -> None:
        deadline = time.time() + 10
        url = f"{server.url}/api/v1/tickets/{ticket['id']}?token={ticket['track_token']}"
        while requests.get(url, timeout=5).json()["print"]["status"] != "printed":
            assert time.time() < deadline, f"{ticket['number']} was never recorded as printed"
            time.sleep(0.05)

    try:
        wait_role(second, "standby")
        through_standby = issue(second)
        assert [t.big_lines() for t in printer.wait_for_tickets(1, timeout=10)] == [[through_standby["number"]]]
        recorded_printed(second, through_standby)  # (killed between printing and recording, it would print again)
        first.kill(signal.SIGKILL)
        wait_role(second, "leader")
        after = issue(second)
        printer.wait_for_tickets(2, timeout=10)
        recorded_printed(second, after)
        assert [t.big_lines() for t in printer.tickets] == [[through_standby["number"]], [after["number"]]]
    finally:
        if first.proc.poll() is None:
            first.kill()
        second.kill()
        postgres.drop_database(name)
