"""The window endpoints of PRODUCT.md §4.3.

A window's whole workflow, refused transitions, the window view and the hall state, idempotency keys, and — on
the served hall over real HTTP — a window that reaches for another window's tickets.
"""

import requests

from hallctl.services import auth
from tests.conftest import PASSWORD
from tests.e2e.helpers.api import error_of, issue, login_window
from tests.e2e.served import logged_in


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


# -- a window acts only within its services and the tickets sent to it (served hall, real HTTP) -------------------


def _staff_at(served, n: int) -> requests.Session:
    """staff{n}, added if the served hall lacks them, logged in by cookie at window ``n``."""
    name = f"staff{n}"
    if n > 2:  # the served hall has staff1 and staff2
        auth.add_user(served.hall, name, "staff", PASSWORD)
    http = logged_in(served.url, name, PASSWORD)
    assert http.post(f"{served.url}/api/v1/windows/{n}/login", json={}, timeout=5).ok
    return http


def _kiosk_issue(served, service: str) -> dict:
    reply = requests.post(
        f"{served.url}/api/v1/tickets",
        json={"service": service},
        headers={"Authorization": f"Bearer {served.kiosk_token}"},
        timeout=5,
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def _refused_as_not_this_window(reply: requests.Response) -> str:
    assert reply.status_code == 409, reply.text
    error = reply.json()["error"]
    assert error["code"] == "not_this_window" and error["field"] == "ticket"
    return error["message"]


def test_a_window_cannot_hold_or_resume_a_ticket_of_a_service_it_does_not_serve(served):
    url = served.url + "/api/v1/windows"
    sb = _kiosk_issue(served, "SB")
    window4 = _staff_at(served, 4)  # serves BDC only
    message = _refused_as_not_this_window(
        window4.post(f"{url}/4/hold", json={"kind": "holding", "ticket": sb["id"]}, timeout=5)
    )
    assert "window 4 does not serve SB" in message and "/ " in message
    window2 = _staff_at(served, 2)  # serves SB: holds it while the citizen fetches a document
    assert window2.post(f"{url}/2/hold", json={"kind": "waiting", "ticket": sb["id"]}, timeout=5).ok
    _refused_as_not_this_window(window4.post(f"{url}/4/resume", json={"ticket": sb["id"]}, timeout=5))
    resumed = window2.post(f"{url}/2/resume", json={"ticket": sb["id"]}, timeout=5).json()
    assert resumed["status"] == "waiting" and resumed["target_window"] is None
    assert window2.post(f"{url}/2/call", json={}, timeout=5).json()["ticket"]["id"] == sb["id"]


def test_a_ticket_sent_to_window_3_cannot_be_taken_by_window_1(served):
    url = served.url + "/api/v1/windows"
    _kiosk_issue(served, "SB")
    window2 = _staff_at(served, 2)
    window2.post(f"{url}/2/call", json={}, timeout=5)
    child = window2.post(f"{url}/2/transfer", json={"window": 3}, timeout=5).json()["child"]
    window1 = _staff_at(served, 1)  # serves SB, the ticket's service, but it was sent to window 3
    hold = window1.post(f"{url}/1/hold", json={"kind": "holding", "ticket": child["id"]}, timeout=5)
    assert "sent to window 3" in _refused_as_not_this_window(hold)
    _refused_as_not_this_window(window1.post(f"{url}/1/call", json={"ticket": child["id"]}, timeout=5))
    assert window1.post(f"{url}/1/call", json={}, timeout=5).status_code == 204
    called = _staff_at(served, 3).post(f"{url}/3/call", json={}, timeout=5).json()["ticket"]
    assert called["id"] == child["id"] and called["number"] == child["number"]
