"""The HTTP API of PRODUCT.md §4.3: every endpoint, bad input as 4xx JSON, roles, idempotency."""

import csv
import io
import json
import os

import pytest

from tests.conftest import BOTH_DATABASES, PASSWORD


def error_of(response):
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message", "field"} <= set(body["error"]), body
    return body["error"]


def issue(api, service="SB", **extra):
    response = api["kiosk"].post("/tickets", json={"service": service, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def login_window(api, who="staff1", n=1):
    assert api[who].post(f"/windows/{n}/login", json={}).status_code == 200


# -- services, tickets -------------------------------------------------------------------------


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


# -- roles ------------------------------------------------------------------------------------


def test_nobody_calls_without_logging_in_and_a_kiosk_cannot_call(api):
    assert error_of(api["anon"].post("/windows/1/call", json={}))["code"] == "unauthenticated"
    assert api["kiosk"].post("/windows/1/call", json={}).status_code == 403
    assert api["display"].post("/windows/1/call", json={}).status_code == 403


def test_staff_cannot_read_manager_exports_and_kiosks_cannot_read_the_hall(api):
    assert api["staff1"].get("/tickets/export.csv?from=2026-11-23&to=2026-11-23").status_code == 403
    assert api["kiosk"].get("/hall/state").status_code == 403
    assert api["display"].get("/hall/state").status_code == 200
    assert api["manager"].get("/tickets/export.csv?from=2026-11-23&to=2026-11-23").status_code == 200


def test_an_unknown_or_garbage_bearer_token_is_unauthenticated(api):
    api["anon"].token = "x" * 300
    assert api["anon"].get("/hall/state").status_code == 401


# -- windows ---------------------------------------------------------------------------------


def test_staff_run_a_window_through_the_whole_workflow(api):
    staff = api["staff1"]
    t = issue(api)
    login_window(api)
    called = staff.post("/windows/1/call", json={})
    assert called.status_code == 200 and called.get_json()["ticket"]["number"] == "A001"
    assert staff.post("/windows/1/recall", json={}).get_json()["call_count"] == 2
    assert staff.post("/windows/1/start").get_json()["status"] == "serving"
    finished = staff.post("/windows/1/finish", json={"outcome": "needs_materials"})
    assert finished.get_json()["outcome"] == "needs_materials"
    assert staff.post("/windows/1/call", json={}).status_code == 204
    view = api["anon"].get(f"/tickets/{t['id']}?token={t['track_token']}").get_json()
    assert view["status"] == "finished" and view["can_rate"] is True
    rated = api["anon"].post(f"/tickets/{t['id']}/rating?token={t['track_token']}", json={"level": 1})
    assert rated.status_code == 201 and rated.get_json()["level_name"] == "非常满意"
    again = api["anon"].post(f"/tickets/{t['id']}/rating?token={t['track_token']}", json={"level": 2})
    assert again.status_code == 409 and "already" in error_of(again)["message"]


def test_transfer_hold_resume_pause_over_the_api(api):
    staff = api["staff1"]
    issue(api)
    login_window(api)
    staff.post("/windows/1/call", json={})
    bad = staff.post("/windows/1/transfer", json={})
    assert bad.status_code == 422 and "service or a window" in error_of(bad)["message"]
    moved = staff.post("/windows/1/transfer", json={"service": "GJJ"}).get_json()
    assert moved["status"] == "transferred" and moved["child"]["service"] == "GJJ"
    called = staff.post("/windows/1/call", json={}).get_json()["ticket"]
    assert called["id"] == moved["child"]["id"] and called["number"] == "A001"
    staff.post("/windows/1/start", json={})
    held = staff.post("/windows/1/hold", json={"kind": "holding"}).get_json()
    assert held["status"] == "held"
    assert staff.post("/windows/1/resume", json={"ticket": held["id"]}).get_json()["target_window"] == 1
    assert staff.post("/windows/1/hold", json={"kind": "sideways"}).status_code == 422
    assert staff.post("/windows/1/pause", json={"reason": "午休"}).get_json()["state"] == "paused"
    assert staff.post("/windows/1/pause", json={"reason": "again"}).status_code == 409
    assert staff.post("/windows/1/unpause").get_json()["state"] == "idle"


def test_invalid_transitions_are_409_with_a_clear_message(api):
    login_window(api)
    response = api["staff1"].post("/windows/1/start", json={})
    assert response.status_code == 409 and "no current ticket" in error_of(response)["message"]
    other = api["staff2"].post("/windows/1/call", json={})
    assert other.status_code == 409 and "open for staff1" in error_of(other)["message"]
    assert api["staff1"].post("/windows/99/call", json={}).status_code == 404
    assert api["staff1"].post("/windows/1/finish", json={"outcome": "great"}).status_code == 422


def test_window_view_and_hall_state_show_the_queue(api):
    issue(api), issue(api, "GJJ")
    login_window(api)
    api["staff1"].post("/windows/1/call", json={})
    view = api["staff1"].get("/windows/1").get_json()
    assert view["current"]["number"] in ("A001", "B001") and len(view["queue"]) == 1
    state = api["display"].get("/hall/state").get_json()
    window1 = next(w for w in state["windows"] if w["number"] == 1)
    assert window1["state"] == "calling" and window1["staff"] == "staff1"
    assert state["waiting"] == 1 and state["hall"]["name"] == "测试政务服务中心"
    assert state["hall"]["day"] == "2026-11-23"


def test_the_hall_state_lists_todays_calls_newest_first_with_recalls(api, web):
    hall, _app, _socketio = web
    issue(api), issue(api)
    login_window(api)
    api["staff1"].post("/windows/1/call", json={})
    api["staff1"].post("/windows/1/no-show", json={})
    api["staff1"].post("/windows/1/call", json={})
    api["staff1"].post("/windows/1/recall", json={})
    calls = api["display"].get("/hall/state").get_json()["calls"]
    assert [(c["number"], c["window"], c["recall"]) for c in calls] == [
        ("A002", 1, True),
        ("A002", 1, False),
        ("A001", 1, False),
    ]
    assert calls[0]["service"] == "SB" and calls[0]["at"].endswith("Z")
    hall.clock.advance(days=1)  # yesterday's calls are off the hall screen
    assert api["display"].get("/hall/state").get_json()["calls"] == []


# -- idempotency ------------------------------------------------------------------------------


def test_a_repeated_idempotency_key_returns_the_first_ticket_and_issues_one(api):
    headers = {"Idempotency-Key": "tap-1"}
    first = api["kiosk"].post("/tickets", json={"service": "SB"}, headers=headers)
    second = api["kiosk"].post("/tickets", json={"service": "SB"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert api["anon"].get("/services").get_json()[0]["waiting"] == 1


def test_a_double_click_on_call_calls_once(api):
    issue(api), issue(api)
    login_window(api)
    headers = {"Idempotency-Key": "click-7"}
    a = api["staff1"].post("/windows/1/call", json={}, headers=headers)
    b = api["staff1"].post("/windows/1/call", json={}, headers=headers)
    assert a.get_json() == b.get_json() and a.get_json()["ticket"]["number"] == "A001"
    assert api["staff1"].get("/windows/1").get_json()["queue"][0]["number"] == "A002"


def test_a_refusal_is_replayed_too_and_a_key_cannot_change_endpoint(api):
    headers = {"Idempotency-Key": "k-9"}
    first = api["kiosk"].post("/tickets", json={"service": "NOPE"}, headers=headers)
    assert first.status_code == 422
    assert api["kiosk"].post("/tickets", json={"service": "SB"}, headers=headers).status_code == 422
    login_window(api)
    reuse = api["staff1"].post("/windows/1/call", json={}, headers={"Idempotency-Key": "k-9"})
    assert reuse.status_code == 204  # another principal: a different key space
    other = api["staff1"].post("/windows/1/pause", json={"reason": "x"}, headers={"Idempotency-Key": "k-9"})
    assert other.status_code == 409 and "already used" in error_of(other)["message"]


# -- export, auth, health, openapi --------------------------------------------------------------


def test_the_ticket_export_has_one_row_per_ticket_with_durations(api, clock):
    t = issue(api)
    login_window(api)
    clock.advance(minutes=3)
    api["staff1"].post("/windows/1/call", json={})
    clock.advance(seconds=20)
    api["staff1"].post("/windows/1/start", json={})
    clock.advance(minutes=5)
    api["staff1"].post("/windows/1/finish", json={})
    api["anon"].post(f"/tickets/{t['id']}/rating?token={t['track_token']}", json={"level": 4, "reasons": ["效率低"]})
    issue(api, "GJJ")
    response = api["manager"].get("/tickets/export.csv?from=2026-11-23&to=2026-11-23")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["number"] for r in rows] == ["A001", "B001"]
    first = rows[0]
    assert (first["wait_s"], first["walk_s"], first["service_s"]) == ("180.0", "20.0", "300.0")
    assert first["rating_level"] == "4" and first["outcome"] == "completed" and first["staff"] == "staff1"
    assert first["issued_at"] == "2026-11-23T01:00:00Z"
    assert rows[1]["wait_s"] == "" and rows[1]["status"] == "waiting"
    assert (
        api["manager"]
        .get("/tickets/export.csv?from=2026-11-24&to=2026-11-24")
        .get_data(as_text=True)
        .lstrip("\ufeff")
        .count("\n")
        == 1
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?from=2026-11-23",
        "?from=yesterday&to=2026-11-23",
        "?from=2026-11-24&to=2026-11-23",
        "?from=2026-11-23&to=2026-11-23&x=1",
    ],
)
def test_bad_export_ranges_are_422(api, query):
    assert api["manager"].get(f"/tickets/export.csv{query}").status_code == 422


def test_login_sets_a_session_cookie_that_works_and_logout_ends_it(web):
    _hall, app, _socketio = web
    from hallctl.services import auth

    auth.add_user(_hall, "li", "staff", PASSWORD)
    client = app.test_client()
    wrong = client.post("/api/v1/auth/login", json={"username": "li", "password": "nope"})
    assert wrong.status_code == 403 and "用户名或密码错误" in wrong.get_json()["error"]["message"]
    unknown = client.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope"})
    assert unknown.get_json() == wrong.get_json()
    ok = client.post("/api/v1/auth/login", json={"username": "li", "password": PASSWORD})
    assert ok.status_code == 200 and ok.get_json()["role"] == "staff"
    assert "HttpOnly" in ok.headers["Set-Cookie"] and "SameSite=Strict" in ok.headers["Set-Cookie"]
    refused = client.post("/api/v1/windows/1/login", json={})  # the cookie alone is not enough for a POST
    assert refused.status_code == 403 and error_of(refused)["code"] == "csrf"
    stale = client.post("/api/v1/windows/1/login", json={}, headers={"X-CSRF-Token": "guessed"})
    assert stale.status_code == 403
    csrf = {"X-CSRF-Token": ok.get_json()["csrf"]}
    assert client.post("/api/v1/windows/1/login", json={}, headers=csrf).status_code == 200
    assert client.get("/api/v1/auth/me").get_json()["csrf"] == csrf["X-CSRF-Token"]
    token = ok.get_json()["token"]
    bearer = app.test_client()
    me = bearer.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me == {"username": "li", "role": "staff", "csrf": None}  # a bearer token needs no CSRF token
    client.post("/api/v1/auth/logout", json={})
    nobody = {"username": None, "role": None, "csrf": None}
    assert client.get("/api/v1/auth/me").get_json() == nobody
    assert bearer.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).get_json() == nobody
    assert client.post("/api/v1/windows/1/call", json={}).status_code == 401


def test_health_answers_without_login(api):
    health = api["anon"].get("/healthz").get_json()
    assert health == {"status": "ok", "hall": "t", "pid": os.getpid(), "devices": "off"}  # this hall runs no devices


def test_the_openapi_document_lists_every_route_with_its_body_schema(web, api):
    _hall, app, _socketio = web
    doc = api["anon"].get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    registered = {(spec.method.lower(), spec.rule) for spec in app.extensions["hallctl.api"].routes}
    listed = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert len(listed) == len(registered) >= 20
    issue_op = doc["paths"]["/api/v1/tickets"]["post"]
    schema = doc["components"]["schemas"][
        issue_op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    ]
    assert schema["required"] == ["service"] and schema["additionalProperties"] is False
    assert "{n}" in "".join(doc["paths"]) and "Idempotency-Key" in json.dumps(issue_op)


GARBAGE = [
    None,
    "",
    "null",
    "[]",
    "{}",
    '{"ticket": {}}',
    '{"ticket": -1}',
    '{"ticket": "A"}',
    '{"kind": null}',
    '{"reason": ""}',
    '{"outcome": 7}',
    '{"service": []}',
    '{"window": "1"}',
    '{"level": 9}',
    '{"level": true}',
    '"\\ud800"',
    "\u00ff\u00fe",
    '{"a":' * 50,
]


def test_no_post_route_answers_5xx_to_garbage(web, api):
    _hall, app, _socketio = web
    login_window(api)
    routes = [
        spec.rule.replace("<int:n>", "1").replace("<int:ticket_id>", "1")
        for spec in app.extensions["hallctl.api"].routes
        if spec.method == "POST"
    ]
    for route in routes:
        for body in GARBAGE:
            for who in ("staff1", "kiosk", "anon"):
                response = api[who].client.post(
                    f"/api/v1{route}",
                    data=body,
                    headers={"Content-Type": "application/json", **api[who]._headers(None)},
                )
                assert response.status_code < 500, (route, body, who, response.get_data(as_text=True))
                if response.status_code >= 400:
                    error_of(response)


@BOTH_DATABASES
def test_staff_actions_and_login_attempts_are_audited_and_only_managers_read_the_log(api, web):
    api["kiosk"].post("/tickets", json={"service": "SB"})
    login_window(api)
    api["staff1"].post("/windows/1/call", json={})
    api["anon"].post("/auth/login", json={"username": "staff1", "password": "wrong"})
    log = api["manager"].get("/audit?limit=10").get_json()
    entries = [(e["actor"], e["role"], e["path"], e["status"]) for e in log]
    assert ("staff1", "staff", "/api/v1/windows/1/call", 200) in entries
    assert ("staff1", "staff", "/api/v1/windows/1/login", 200) in entries
    assert ("staff1", "login", "/api/v1/auth/login", 403) in entries
    assert not any(e[2] == "/api/v1/tickets" for e in entries)  # kiosks issuing are not staff actions
    assert all(e["remote_addr"] and e["at"].endswith("Z") for e in log)
    assert api["staff1"].get("/audit").status_code == 403
    assert api["admin"].client.delete("/api/v1/audit").status_code == 405
    assert api["admin"].post("/audit", json={}).status_code == 405


def test_responses_carry_security_headers(api, web):
    for response in (api["anon"].get("/services"), web[1].test_client().get("/results"), api["anon"].get("/nowhere")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_revoked_kiosk_token_is_refused_at_once(api, web):
    from hallctl.services import auth

    assert api["kiosk"].post("/tickets", json={"service": "SB"}).status_code == 201
    assert auth.revoke_tokens(web[0], "k1") == 1
    assert api["kiosk"].post("/tickets", json={"service": "SB"}).status_code == 401


def test_ids_too_large_for_the_database_are_not_found_or_invalid_never_a_server_error(api):
    assert api["anon"].get("/tickets/9223372036854775808?token=x").status_code == 404
    assert api["manager"].post("/followups/4294967296", json={"action": "verify"}).status_code == 404
    login_window(api)
    reply = api["staff1"].post("/windows/1/call", json={"ticket": 2**40})
    assert reply.status_code == 422 and error_of(reply)["field"].startswith("ticket")


@BOTH_DATABASES
def test_five_failed_log_ins_lock_the_name_for_15_minutes_even_with_the_right_password(web):
    hall, app, _socketio = web
    from hallctl.services import auth

    auth.add_user(hall, "li", "staff", PASSWORD)
    client = app.test_client()
    assert client.post("/api/v1/auth/login", json={"username": "li", "password": PASSWORD}).status_code == 200
    for _ in range(5):
        assert client.post("/api/v1/auth/login", json={"username": "li", "password": "guess"}).status_code == 403
    locked = client.post("/api/v1/auth/login", json={"username": "li", "password": PASSWORD})
    assert locked.status_code == 429 and error_of(locked)["code"] == "locked_out"
    assert "try again after 09:15" in error_of(locked)["message"]
    hall.clock.advance(minutes=15, seconds=1)
    assert client.post("/api/v1/auth/login", json={"username": "li", "password": PASSWORD}).status_code == 200


def test_one_address_may_try_ten_log_ins_a_minute(web):
    _hall, app, _socketio = web
    client = app.test_client()
    replies = [client.post("/api/v1/auth/login", json={"username": f"nobody{i}", "password": "x"}) for i in range(11)]
    assert [r.status_code for r in replies] == [403] * 10 + [429]
    assert error_of(replies[-1])["code"] == "too_many_requests"


def test_appointment_slots_are_todays_half_hours_of_the_opening_spans_in_the_hall_zone(api):
    slots = api["kiosk"].get("/appointments/slots").get_json()
    assert [s["label"] for s in slots][:3] == ["08:30", "09:00", "09:30"] and len(slots) == 7 + 8
    assert slots[0]["slot"] == "2026-11-23T00:30:00Z" and slots[-1]["label"] == "17:00"
    assert api["anon"].get("/appointments/slots").status_code == 401
    ticket = api["kiosk"].post(
        "/tickets", json={"service": "SB", "appointment": {"code": "YY1", "slot": slots[1]["slot"]}}
    )
    assert ticket.status_code == 201
