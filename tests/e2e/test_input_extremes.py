"""Extreme and impossible dates at the edge (issue 19, finding 11): every date-like parameter of every route is
checked against the calendar and the hall's supported years before a service sees it, so year 1, the end of
year 9999, a month 13 or 30 February give a 422 naming the field — never a 500 from arithmetic that overflowed.

The routes are found in the served OpenAPI document, so a new route with a date parameter is tested too.
"""

import json

import pytest
import requests

from tests.conftest import PASSWORD
from tests.e2e.served import logged_in

VALID = {"from": "2026-11-01", "to": "2026-11-30", "day": "2026-11-02", "month": "2026-11", "weekday": "1"}
"""A valid value for each query parameter a route with dates may require."""
BAD_DAYS = ["0001-01-01", "9999-12-31", "0000-01-01", "2026-13-01", "2026-02-30", "1999-12-31", "2100-01-01"]
BAD_MONTHS = ["0001-01", "9999-12", "0000-01", "2026-13", "1999-12", "2100-01"]
BAD_SLOTS = [
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+00:00",
    "0001-01-01T00:00:00+14:00",
    "2026-02-30T10:00:00+08:00",
    "2026-13-01T10:00:00+08:00",
]


def _date_parameters(base_url: str) -> list[tuple[str, str, list[str]]]:
    """(path, parameter, its required parameters) of every GET query parameter that is a date or a month."""
    doc = requests.get(f"{base_url}/api/v1/openapi.json", timeout=5).json()
    found = []
    for path, operations in doc["paths"].items():
        params = operations.get("get", {}).get("parameters", [])
        required = [p["name"] for p in params if p["required"]]
        for param in params:
            if param["name"] == "month" or '"format": "date"' in json.dumps(param["schema"]):
                found.append((path, param["name"], required))
    return found


@pytest.fixture
def manager(served):
    return logged_in(served.url, "manager", PASSWORD)


def test_every_date_parameter_is_found_in_the_openapi_document(served):
    names = {(path, name) for path, name, _required in _date_parameters(served.url)}
    expected = {("/reports/rankings", "month"), ("/reports/staffing", "day"), ("/tickets/export.csv", "from")}
    assert {(f"/api/v1{path}", name) for path, name in expected} <= names
    assert len(names) >= 17


def test_an_impossible_or_out_of_range_date_in_any_report_is_a_422_naming_the_field_never_a_500(served, manager):
    for path, name, required in _date_parameters(served.url):
        for bad in BAD_MONTHS if name == "month" else BAD_DAYS:
            query = {**{p: VALID[p] for p in required}, name: bad}
            reply = manager.get(served.url + path, params=query, timeout=10)
            assert reply.status_code == 422, f"{path}?{name}={bad}: {reply.status_code} {reply.text[:200]}"
            error = reply.json()["error"]
            assert error["code"] == "invalid" and error["field"] == name, (path, name, bad, error)
            assert "2000" in error["message"] and ("日期" in error["message"] or "月份" in error["message"]), error


def test_an_appointment_slot_at_the_ends_of_the_calendar_is_a_422_naming_the_slot_never_a_500(served):
    kiosk = {"Authorization": f"Bearer {served.kiosk_token}"}
    for slot in BAD_SLOTS:
        body = {"service": "SB", "kiosk": "k1", "appointment": {"code": "YY0001", "slot": slot}}
        reply = requests.post(f"{served.url}/api/v1/tickets", json=body, headers=kiosk, timeout=10)
        assert reply.status_code == 422, f"{slot}: {reply.status_code} {reply.text[:200]}"
        assert reply.json()["error"]["field"] == "appointment.slot", (slot, reply.json())


def test_the_ranking_of_the_last_supported_month_is_answered(served, manager):
    reply = manager.get(f"{served.url}/api/v1/reports/rankings", params={"month": "2099-12"}, timeout=10)
    assert reply.status_code == 200 and reply.json()["rows"] == []


def test_the_public_results_page_refuses_an_extreme_period_with_a_400(served):
    for bad in ("9999-12-31", "0001-01-01", "2026-02-30"):
        reply = requests.get(f"{served.url}/results", params={"from": bad, "to": bad}, timeout=10)
        assert reply.status_code == 400, (bad, reply.status_code)
