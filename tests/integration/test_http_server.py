"""The HTTP server of ``hallctl serve`` (real sockets): worker threads that accept connections themselves, as
many as connections are open at once, and stop when the server does."""

import socket
import threading
import time

import pytest
import requests

from hallctl.web.server import PooledWSGIServer


def hello(environ, start_response):
    body = f"{environ['PATH_INFO']} {environ['wsgi.multithread']}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture
def served():
    server = PooledWSGIServer("127.0.0.1", 0, hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def all_idle(server: PooledWSGIServer) -> None:
    """Wait until every worker is back to accepting (a reply reaches the client before its worker is idle)."""
    deadline = time.monotonic() + 5
    while server.idle != server.workers:
        assert time.monotonic() < deadline, f"{server.idle} of {server.workers} workers idle after 5 s"
        time.sleep(0.005)


def test_requests_one_after_another_are_served_by_the_same_few_workers(served):
    server, url = served
    for n in range(30):
        reply = requests.get(f"{url}/n{n}", timeout=5)
        assert (reply.status_code, reply.text) == (200, f"/n{n} True")
        assert reply.headers["Connection"] == "close"  # Werkzeug's handler: one request a connection
        all_idle(server)
    # the first worker took the first connection as the last idle one and started a second; from then on one
    # of two idle workers takes each connection, so no other starts
    assert server.workers == 2


def test_connections_held_open_do_not_keep_a_new_one_waiting(served):
    server, url = served
    held = [socket.create_connection(("127.0.0.1", server.server_port)) for _ in range(6)]  # like websockets
    try:
        deadline = time.monotonic() + 5
        while server.workers < 7:  # each held connection has a worker of its own, and one more is idle
            assert time.monotonic() < deadline, f"{server.workers} workers for 6 open connections"
            time.sleep(0.01)
        assert requests.get(f"{url}/while-held", timeout=5).text == "/while-held True"
    finally:
        for conn in held:
            conn.close()


def test_a_failed_accept_does_not_end_the_worker(monkeypatch):
    server = PooledWSGIServer("127.0.0.1", 0, hello)
    accept = server.get_request
    failures = [OSError(24, "Too many open files")]

    def flaky():
        if failures:
            raise failures.pop()
        return accept()

    monkeypatch.setattr(server, "get_request", flaky)  # the first worker's first accept fails
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for n in range(5):
            reply = requests.get(f"http://127.0.0.1:{server.server_port}/after-failure-{n}", timeout=5)
            assert reply.text == f"/after-failure-{n} True"
        assert not failures  # the failure did happen, and the server went on serving
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_after_shutdown_the_port_refuses_connections(served):
    server, url = served
    assert requests.get(f"{url}/before", timeout=5).ok
    server.shutdown()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/after", timeout=5)
