"""Tokens out of the logs (issue 19, finding 14): the access log of ``hallctl -v serve`` keeps every request line
but never the value of a ``token`` (or ``track_token``, ``password`` …) query parameter; a log record of ours
that carries an Authorization header or such a parameter is redacted the same way."""

import logging
import subprocess
import time

import pytest
import requests

from hallctl.web.log_redaction import REDACTED, RedactSecrets, install
from testbed.servers import free_port
from tests.e2e.served import HALLCTL

SECRET = "SECRET-b7f3c1d2e4"


@pytest.fixture
def verbose_server(prepared, tmp_path):
    """``hallctl -v serve`` (the access log on) as a real process; its URL and its log file."""
    config_file, _kiosk, _display = prepared
    port = free_port()
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [*HALLCTL, "-v", "serve", "--config", str(config_file), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{url}/api/v1/healthz", timeout=1).status_code < 500:
                break
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
    yield url, log_path
    proc.terminate()
    proc.wait(timeout=10)


def test_a_token_in_a_page_url_never_reaches_the_access_log_but_the_request_line_does(verbose_server):
    url, log_path = verbose_server
    for path in (f"/screen?token={SECRET}", f"/t/1?token={SECRET}", f"/t/1?lang=en&track_token={SECRET}&x=1"):
        requests.get(url + path, timeout=5)
    # Werkzeug logs a request before it sends the body: once the replies are in, so are their log lines
    log = log_path.read_text()
    assert SECRET not in log
    assert f'"GET /screen?token={REDACTED} HTTP/1.1" ' in log
    assert f'"GET /t/1?token={REDACTED} HTTP/1.1" 200' in log
    assert f'"GET /t/1?lang=en&track_token={REDACTED}&x=1 HTTP/1.1" 200' in log


@pytest.mark.parametrize(
    ("message", "args", "expected"),
    [
        ('"%s" %s', ("GET /screen?token=abc HTTP/1.1", 200), f'"GET /screen?token={REDACTED} HTTP/1.1" 200'),
        ("%(r)s %(s)s", {"r": "GET /t/5?password=hunter2&a=1", "s": "200"}, f"GET /t/5?password={REDACTED}&a=1 200"),
        ("Authorization: Bearer %s", ("abc.def",), f"Authorization: Bearer {REDACTED}"),
        ("retrying /api?Token=abc;q=1", (), f"retrying /api?Token={REDACTED};q=1"),
        ("no secret in GET /screen?tokens=2", (), "no secret in GET /screen?tokens=2"),
    ],
)
def test_a_log_record_of_any_logger_loses_its_secrets_and_keeps_the_rest(message, args, expected):
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, message, args, None)
    assert RedactSecrets().filter(record) is True
    assert record.getMessage() == expected


def test_installing_twice_adds_one_filter_per_handler_and_logger():
    handler = logging.StreamHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        install()
        install()
        assert sum(isinstance(f, RedactSecrets) for f in handler.filters) == 1
        assert sum(isinstance(f, RedactSecrets) for f in logging.getLogger("werkzeug").filters) == 1
    finally:
        root.removeHandler(handler)
