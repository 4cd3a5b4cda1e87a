"""`hallctl serve` on gunicorn as a real process: a graceful stop under load, many websockets and idle
connections beside ordinary clients, a body over the limit, and starts refused with one line.

The ``prepared`` fixture (tests/e2e/conftest.py) migrates the database and adds staff li and the kiosk and display
tokens.
"""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import struct
import threading
import time
from pathlib import Path

import pytest
import requests
import socketio
import websocket

from hallctl.config.server import ServerConfig
from hallctl.web.limits import RATE_VARIABLE
from testbed.servers import free_port
from tests.e2e.served import Served, run

WEBSOCKETS = 40
IDLE_CONNECTIONS = 150
SLOW_CONNECTIONS = 150  # 300 in all, as the issue's slowloris


@pytest.fixture(autouse=True)
def issuing_at_load(monkeypatch):
    """These tests load the hall through one kiosk's token, far faster than a kiosk issues (web/limits.py)."""
    monkeypatch.setenv(RATE_VARIABLE, "100000 per minute")


def issue(url: str, kiosk: str, http: requests.Session | None = None) -> requests.Response:
    return (http or requests).post(
        f"{url}/api/v1/tickets", json={"service": "SB"}, headers={"Authorization": f"Bearer {kiosk}"}, timeout=10
    )


def devices_role(url: str) -> str:
    return requests.get(f"{url}/api/v1/healthz", timeout=5).json()["devices"]


def test_sigterm_under_issue_load_loses_no_acknowledged_ticket_exits_0_and_hands_over_the_devices(prepared, tmp_path):
    config, kiosk, _display = prepared
    first = Served(config, tmp_path)
    second = Served(config, tmp_path)  # started while the first leads: it waits for the devices
    acknowledged: list[int] = []
    lock = threading.Lock()

    def hammer():
        http = requests.Session()
        while True:
            try:
                response = issue(first.url, kiosk, http)
            except requests.RequestException:
                return  # the server stopped accepting: this ticket was never acknowledged
            if response.status_code != 201:
                return
            with lock:
                acknowledged.append(response.json()["id"])

    try:
        assert devices_role(first.url) == "leader"
        assert devices_role(second.url) != "leader"
        workers = [threading.Thread(target=hammer) for _ in range(4)]
        for worker in workers:
            worker.start()
        while len(acknowledged) < 60:
            time.sleep(0.01)
        first.proc.send_signal(signal.SIGTERM)
        assert first.proc.wait(timeout=30) == 0
        for worker in workers:
            worker.join()
        with sqlite3.connect(tmp_path / "hall.db") as database:
            stored = {row[0] for row in database.execute("SELECT id FROM tickets")}
        assert set(acknowledged) <= stored
        deadline = time.monotonic() + 10  # the leader lock is retried every 2 s (adapters/device_host.py)
        while devices_role(second.url) != "leader" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert devices_role(second.url) == "leader"
        assert issue(second.url, kiosk).status_code == 201
    finally:
        if first.proc.poll() is None:
            first.kill()
        second.kill()


def test_many_open_websockets_do_not_keep_other_clients_waiting(prepared, tmp_path):
    config, kiosk, display = prepared
    server = Served(config, tmp_path)
    clients = [socketio.Client() for _ in range(WEBSOCKETS)]
    try:
        for client in clients:
            client.connect(server.url, auth={"token": display}, transports=["websocket"], wait_timeout=10)
        assert all(client.connected for client in clients)
        replies = [issue(server.url, kiosk).status_code for _ in range(20)]
        assert replies == [201] * 20
        assert clients[0].call("join", {"room": "hall"}, timeout=10) == {"ok": True}
    finally:
        for client in clients:
            client.disconnect()
        server.kill()


def worker_threads_and_rss_mib(server: Served) -> tuple[int, float]:
    """The gunicorn worker's thread count and resident memory (MiB), from /proc."""
    (worker,) = server.worker_pids()
    status = dict(line.split(":", 1) for line in Path(f"/proc/{worker}/status").read_text().splitlines())
    return int(status["Threads"]), int(status["VmRSS"].split()[0]) / 1024


def test_idle_and_slow_connections_do_not_stop_other_clients_from_being_served(prepared, tmp_path):
    config, kiosk, _display = prepared
    server = Served(config, tmp_path)
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(IDLE_CONNECTIONS)]
    slow = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(SLOW_CONNECTIONS)]
    try:
        for connection in slow:  # a request line and one header, then nothing (slowloris)
            connection.sendall(b"GET /api/v1/healthz HTTP/1.1\r\nHost: hall\r\n")
        replies = [issue(server.url, kiosk).status_code for _ in range(20)]
        assert replies == [201] * 20
        threads, rss_mib = worker_threads_and_rss_mib(server)
        assert threads <= ServerConfig().threads + 32  # bounded by [server] threads, whatever the clients do
        assert rss_mib < 512
    finally:
        for connection in idle + slow:
            connection.close()
    try:
        assert [issue(server.url, kiosk).status_code for _ in range(20)] == [201] * 20
    finally:
        server.kill()


def test_clients_that_vanish_mid_request_or_drop_their_websocket_leave_no_traceback_and_others_are_served(
    prepared, tmp_path
):
    config, kiosk, display = prepared
    server = Served(config, tmp_path)
    try:
        with socket.create_connection(("127.0.0.1", server.port)) as vanishing:
            vanishing.sendall(
                b"POST /api/v1/tickets HTTP/1.1\r\nHost: hall\r\nContent-Type: application/json\r\n"
                + f"Authorization: Bearer {kiosk}\r\nContent-Length: 1000\r\n\r\n".encode()
                + b'{"service"'
            )
            vanishing.shutdown(socket.SHUT_WR)  # gone before the body it announced
            answer = vanishing.recv(4096)  # the server gives up on the body: an answer, or the connection closed
        assert not answer.startswith(b"HTTP/1.1 5")
        dropped = websocket.create_connection(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket")
        assert dropped.recv().startswith("0")  # engine.io's open packet
        dropped.send("40" + json.dumps({"token": display}))
        assert dropped.recv().startswith("40")  # Socket.IO connected
        threads_while_open, _rss = worker_threads_and_rss_mib(server)
        dropped.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        dropped.sock.close()  # a reset: no close frame, as a phone that loses its network
        deadline = time.monotonic() + 10
        while worker_threads_and_rss_mib(server)[0] >= threads_while_open and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker_threads_and_rss_mib(server)[0] < threads_while_open  # the websocket's threads are let go
        assert [issue(server.url, kiosk).status_code for _ in range(10)] == [201] * 10
    finally:
        server.kill()
    assert "Traceback" not in (tmp_path / f"serve-{server.port}.log").read_text()


def test_a_body_over_the_configured_limit_is_refused_with_413_and_the_json_error_shape(prepared, tmp_path):
    config, kiosk, _display = prepared
    config.write_text(config.read_text(encoding="utf-8") + "\n[server]\nmax_body_kb = 8\n", "utf-8")
    server = Served(config, tmp_path)
    try:
        reply = requests.post(
            f"{server.url}/api/v1/tickets",
            data=b'{"service": "SB", "pad": "' + b"x" * 9 * 1024 + b'"}',
            headers={"Authorization": f"Bearer {kiosk}", "Content-Type": "application/json"},
            timeout=10,
        )
        assert reply.status_code == 413
        assert reply.json()["error"] == {
            "code": "request_entity_too_large",
            "message": "the request body is larger than 8 KiB",
            "field": None,
        }
        assert issue(server.url, kiosk).status_code == 201
    finally:
        server.kill()


def test_a_taken_port_refuses_the_start_with_one_line_and_exit_2(prepared):
    config, _kiosk, _display = prepared
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--config", str(config), "--host", "127.0.0.1", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"hallctl: 127.0.0.1:{port} is already in use (another hallctl serve?); stop it or choose another --port "
        "/ 端口已被占用"
    ]
    assert "gunicorn" not in result.stdout + result.stderr


def test_a_missing_config_refuses_the_start_with_one_line_and_exit_2(tmp_path):
    result = run("serve", "--config", str(tmp_path / "absent.toml"), "--port", str(free_port()))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "absent.toml" in result.stderr and "No such file" in result.stderr


def test_a_database_in_an_unwritable_directory_refuses_the_start_with_one_line_and_exit_2(config_file):
    text = config_file.read_text(encoding="utf-8")
    start = text.index('database = "')
    end = text.index("\n", start)
    config_file.write_text(text[:start] + 'database = "sqlite:////proc/hallctl/hall.db"' + text[end:], "utf-8")
    result = run("serve", "--config", str(config_file), "--host", "127.0.0.1", "--port", str(free_port()))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("hallctl: cannot create the database's folder /proc/hallctl")
    assert "gunicorn" not in result.stdout + result.stderr
