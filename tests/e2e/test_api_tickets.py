"""The ticket endpoints of PRODUCT.md §4.3.

Services, issuing and reading tickets, bad bodies as 4xx JSON naming the field, opening hours, appointment slots.
"""

import json

import pytest

from tests.e2e.helpers.api import error_of, issue


def test_services_are_public_with_waiting_counts_and_estimates(api):
    issue(api), issue(api)
    services = {s["code"]: s for s in api["anon"].get("/services").get_json()}
    assert services["SB"]["waiting"] == 2 and services["SB"]["open"] is True
    lo, hi = services["SB"]["est_wait_min"]
    assert 0 <= lo <= hi and services["SB"]["name"] == "社保医保"


def test_a_kiosk_issues_a_ticket_with_number_ahead_estimate_and_track_token(api):
    first = issue(api)
    second = issue(api)
    assert (first["number"], second["number"]) == ("A001", "A002")
    assert (
        second["ahead"] == 1 and second["status"] == "waiting" and second["print"] == {"status": "none", "message": ""}
    )
    assert len(second["track_token"]) >= 16 and second["issued_at"].endswith("Z")
    assert len(second["est_wait_min"]) == 2


def test_a_citizen_reads_the_ticket_with_its_token_only(api):
    t = issue(api)
    mine = api["anon"].get(f"/tickets/{t['id']}?token={t['track_token']}")
    assert mine.status_code == 200 and mine.get_json()["status"] == "waiting"
    assert "staff" not in mine.get_json()
    assert error_of(api["anon"].get(f"/tickets/{t['id']}?token=guess"))["code"] == "not_found"
    assert api["anon"].get(f"/tickets/{t['id']}").status_code == 404
    assert api["staff1"].get(f"/tickets/{t['id']}").get_json()["number"] == "A001"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"service": "NOPE"}, "service"),
        ({"service": 5}, "service"),
        ({}, "service"),
        ({"service": "SB", "priority": "vip"}, "priority"),
        ({"service": "SB", "priority": 3}, "priority"),
        ({"service": "SB" * 40}, "service"),
        ({"service": "SB", "extra": 1}, "extra"),
        ({"service": "SB", "appointment": {"code": "x", "slot": "not a time"}}, "appointment.slot"),
        ({"service": "SB", "appointment": {"code": "x", "slot": "2026-11-23T09:30:00"}}, "appointment.slot"),
        ({"service": "S\u0000B"}, "service"),
    ],
)
def test_bad_issue_bodies_get_422_naming_the_field_and_issue_nothing(api, body, field):
    response = api["kiosk"].post("/tickets", json=body)
    assert response.status_code == 422
    assert error_of(response)["field"] == field
    assert api["anon"].get("/services").get_json()[0]["waiting"] == 0


def test_malformed_requests_get_clear_4xx(api):
    kiosk = api["kiosk"]
    bad_json = kiosk.post("/tickets", data="{bad", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400 and error_of(bad_json)["code"] == "bad_json"
    not_object = kiosk.post("/tickets", json=[1, 2])
    assert not_object.status_code == 422 and "JSON object" in error_of(not_object)["message"]
    form = kiosk.post("/tickets", data="service=SB", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415
    huge = kiosk.post(
        "/tickets", data=json.dumps({"service": "x" * 70_000}), headers={"Content-Type": "application/json"}
    )
    assert huge.status_code == 413 and error_of(huge)["code"] == "request_entity_too_large"
    assert error_of(kiosk.get("/nowhere"))["code"] == "not_found"
    assert api["anon"].client.delete("/api/v1/tickets").status_code == 405


def test_the_appointment_slot_must_be_today(api):
    response = api["kiosk"].post(
        "/tickets", json={"service": "SB", "appointment": {"code": "YY1", "slot": "2026-12-01T01:00:00Z"}}
    )
    assert response.status_code == 422 and "not today" in error_of(response)["message"]
    ok = api["kiosk"].post(
        "/tickets", json={"service": "SB", "appointment": {"code": "YY1", "slot": "2026-11-23T01:30:00Z"}}
    )
    assert ok.status_code == 201 and ok.get_json()["appointment_at"] == "2026-11-23T01:30:00Z"


def test_a_kiosk_outside_hours_is_refused_with_the_opening_hours(api, clock):
    clock.advance(hours=4)  # 13:00 Shanghai, lunch
    response = api["kiosk"].post("/tickets", json={"service": "SB"})
    assert response.status_code == 409 and "08:30-12:00" in error_of(response)["message"]
    assert api["staff1"].post("/tickets", json={"service": "SB"}).status_code == 201


def test_appointment_slots_are_todays_half_hours_of_the_opening_spans_in_the_hall_zone(api):
    slots = api["kiosk"].get("/appointments/slots").get_json()
    assert [s["label"] for s in slots][:3] == ["08:30", "09:00", "09:30"] and len(slots) == 7 + 8
    assert slots[0]["slot"] == "2026-11-23T00:30:00Z" and slots[-1]["label"] == "17:00"
    assert api["anon"].get("/appointments/slots").status_code == 401
    ticket = api["kiosk"].post(
        "/tickets", json={"service": "SB", "appointment": {"code": "YY1", "slot": slots[1]["slot"]}}
    )
    assert ticket.status_code == 201
