"""The window endpoints of PRODUCT.md §4.3.

A window's whole workflow, refused transitions, the window view and the hall state, idempotency keys.
"""

from tests.e2e.helpers.api import error_of, issue, login_window


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
