"""``GET /api/v1/metrics`` over real HTTP (PRODUCT.md §6.1): Prometheus text that parses, counters that follow what
the hall did, bounded label sets, and only managers and ``metrics`` tokens may read it."""

from __future__ import annotations

import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from hallctl.services import auth
from tests.conftest import PASSWORD
from tests.e2e.served import Served, logged_in, run

TICKET_RULE = "/api/v1/tickets/<int:ticket_id>"


def scrape(served, token: str) -> dict[str, list]:
    """The metric families of one scrape with a bearer ``token``, by name, each a list of samples."""
    reply = requests.get(f"{served.url}/api/v1/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {family.name: family.samples for family in text_string_to_metric_families(reply.text)}


def value(families: dict[str, list], sample_name: str, **labels: str) -> float | None:
    """The value of the sample ``sample_name`` whose labels include ``labels`` (None when absent)."""
    family = sample_name.removesuffix("_total").removesuffix("_count").removesuffix("_bucket")
    for sample in families.get(family, []):
        if sample.name == sample_name and labels.items() <= sample.labels.items():
            return sample.value
    return None


def scrape_until(served, token: str, sample_name: str, expected: float, **labels: str) -> dict[str, list]:
    """Scrape until ``sample_name`` shows ``expected`` (the event bus counts issues on its own thread)."""
    deadline = time.monotonic() + 10
    while True:
        families = scrape(served, token)
        if value(families, sample_name, **labels) == expected or time.monotonic() > deadline:
            return families
        time.sleep(0.05)


@pytest.fixture
def metrics_token(served):
    return auth.add_token(served.hall, "prometheus", "metrics")


def test_a_scrape_parses_and_counts_three_issues_and_a_call(served, metrics_token):
    kiosk = {"Authorization": f"Bearer {served.kiosk_token}"}
    for _ in range(3):
        assert requests.post(f"{served.url}/api/v1/tickets", json={"service": "SB"}, headers=kiosk, timeout=5).ok
    staff = logged_in(served.url, "staff1", PASSWORD)
    assert staff.post(f"{served.url}/api/v1/windows/1/login", json={}, timeout=5).status_code == 200
    assert staff.post(f"{served.url}/api/v1/windows/1/call", json={}, timeout=5).status_code == 200

    families = scrape_until(served, metrics_token, "hallctl_tickets_issued_total", 3, service="SB")

    assert value(families, "hallctl_tickets_issued_total", service="SB") == 3
    requests_of = {"method": "POST", "route": "/api/v1/tickets", "status": "201"}
    assert value(families, "hallctl_http_requests_total", **requests_of) == 3
    call = {"method": "POST", "route": "/api/v1/windows/<int:n>/call", "status": "200"}
    assert value(families, "hallctl_http_requests_total", **call) == 1
    assert value(families, "hallctl_http_request_duration_seconds_count", method="POST", route="/api/v1/tickets") == 3
    assert value(families, "hallctl_waiting_tickets", service="SB") == 2
    printer_states = [s for s in families["hallctl_device_state"] if s.labels["device"] == "printer-k1"]
    assert sum(s.value for s in printer_states) == 1, printer_states  # exactly one state is current
    assert {s.labels["subscriber"] for s in families["hallctl_event_bus_pending_events"]} >= {"socketio"}


def test_a_thousand_ticket_ids_add_no_series_because_the_route_label_is_the_rule(served, metrics_token):
    manager = logged_in(served.url, "manager", PASSWORD)
    assert manager.get(f"{served.url}/api/v1/tickets/100000", timeout=5).status_code == 404
    before = scrape(served, metrics_token)
    for ticket_id in range(100001, 101000):
        assert manager.get(f"{served.url}/api/v1/tickets/{ticket_id}", timeout=5).status_code == 404

    after = scrape(served, metrics_token)

    assert len(after["hallctl_http_requests"]) == len(before["hallctl_http_requests"]) + 1  # + the first scrape
    assert value(after, "hallctl_http_requests_total", route=TICKET_RULE, status="404") == 1000
    assert not [s for s in after["hallctl_http_requests"] if "100" in s.labels["route"]]


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("staff", 403), ("kiosk", 403), ("display", 403), ("manager", 200), ("metrics", 200)],
)
def test_only_a_manager_or_a_metrics_token_may_read_the_metrics(served, who, status):
    if who in ("staff", "manager"):
        token, _principal = auth.login(served.hall, "staff1" if who == "staff" else "manager", PASSWORD)
    elif who == "anonymous":
        token = ""
    else:
        token = auth.add_token(served.hall, f"{who}-1", who)
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    reply = requests.get(f"{served.url}/api/v1/metrics", headers=headers, timeout=5)

    assert reply.status_code == status
    if status != 200:
        assert reply.json()["error"]["code"] == ("unauthenticated" if status == 401 else "forbidden")


def test_a_metrics_token_reads_nothing_but_the_metrics(served, metrics_token):
    headers = {"Authorization": f"Bearer {metrics_token}"}
    for path in ("/hall/state", "/devices", "/audit", "/announcements"):
        assert requests.get(f"{served.url}/api/v1{path}", headers=headers, timeout=5).status_code == 403, path
    refused = requests.post(f"{served.url}/api/v1/tickets", json={"service": "SB"}, headers=headers, timeout=5)
    assert refused.status_code == 403


def test_an_operator_makes_a_metrics_token_with_the_cli_and_prometheus_scrapes_hallctl_serve(prepared, tmp_path):
    config, _kiosk, _display = prepared
    made = run("token", "add", "prometheus", "--role", "metrics", "--config", str(config))
    assert made.returncode == 0, made.stderr
    server = Served(config, tmp_path)  # ``hallctl serve``: gunicorn, as in production
    try:
        families = scrape(server, made.stdout.strip())
    finally:
        server.kill()
    assert value(families, "hallctl_http_requests_total", route="/api/v1/healthz", status="200") >= 1
    assert value(families, "hallctl_waiting_tickets", service="SB") == 0
