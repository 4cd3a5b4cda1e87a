"""好差评 binding: a press rates the ticket the window just finished, exactly once."""

import json

import pytest
from sqlalchemy import select

from hallctl.adapters import orm
from hallctl.domain.errors import Invalid, NotFound, Refused
from hallctl.services import auth
from hallctl.services import windows as win
from hallctl.services.ratings import record_rating
from hallctl.services.tickets import IssueTicket, RateTicket, issue_ticket, rate_ticket
from hallctl.services.windows import WindowAction
from tests.conftest import PASSWORD

W1 = WindowAction(1, "staff1")


def served(hall, service="SB"):
    ticket = issue_ticket(hall, IssueTicket(service=service))
    win.call(hall, W1)
    win.start(hall, W1)
    win.finish(hall, W1, "completed")
    return ticket


def ratings(hall):
    with hall.uow(write=False) as uow:
        return uow.session.execute(select(orm.ratings).order_by(orm.ratings.c.id)).all()


@pytest.fixture
def open_hall(hall):
    win.login(hall, W1)
    return hall


def test_a_press_after_finish_is_bound_to_that_ticket_window_staff_and_service(open_hall, clock):
    t = served(open_hall)
    clock.advance(seconds=10)
    result = record_rating(open_hall, 1, 2)
    assert result["bound"] and result["ticket_id"] == t["id"] and result["number"] == "A001"
    [row] = ratings(open_hall)
    assert (row.ticket_id, row.window, row.staff, row.service, row.level, row.channel) == (
        t["id"],
        1,
        "staff1",
        "SB",
        2,
        "evaluator",
    )


def test_a_second_press_and_a_repeated_poll_do_not_rate_twice(open_hall):
    t = served(open_hall)
    record_rating(open_hall, 1, 1)
    again = record_rating(open_hall, 1, 5)
    assert again["bound"] is False and again["ticket_id"] is None
    bound = [r for r in ratings(open_hall) if r.bound]
    assert [(r.ticket_id, r.level) for r in bound] == [(t["id"], 1)]


def test_a_press_while_not_inviting_is_counted_but_bound_to_nothing(open_hall):
    result = record_rating(open_hall, 1, 3)
    assert result["bound"] is False
    [row] = ratings(open_hall)
    assert row.ticket_id is None and row.level == 3 and row.window == 1


def test_a_press_after_the_invitation_timed_out_is_unbound(open_hall, clock):
    served(open_hall)
    clock.advance(seconds=61)
    assert record_rating(open_hall, 1, 4)["bound"] is False


def test_the_next_finished_ticket_gets_the_next_press(open_hall):
    a = served(open_hall)
    record_rating(open_hall, 1, 1)
    b = served(open_hall)
    assert record_rating(open_hall, 1, 4)["ticket_id"] == b["id"]
    assert {r.ticket_id: r.level for r in ratings(open_hall)} == {a["id"]: 1, b["id"]: 4}


def test_a_bad_level_or_window_is_refused_and_nothing_is_stored(open_hall):
    served(open_hall)
    with pytest.raises(Invalid):
        record_rating(open_hall, 1, 6)
    with pytest.raises(NotFound):
        record_rating(open_hall, 42, 1)
    assert ratings(open_hall) == []


def test_the_phone_rates_once_and_the_evaluator_then_binds_nothing(open_hall):
    t = served(open_hall)
    result = rate_ticket(open_hall, RateTicket(t["id"], t["track_token"], 5, ["态度不好"], "等太久"))
    assert result["channel"] == "phone" and result["reasons"] == ["态度不好"]
    with pytest.raises(Refused, match="already been rated"):
        rate_ticket(open_hall, RateTicket(t["id"], t["track_token"], 1))
    assert record_rating(open_hall, 1, 1)["bound"] is False
    assert [(r.level, r.bound) for r in ratings(open_hall)] == [(5, True), (1, False)]


def test_the_phone_needs_the_right_token_and_a_finished_ticket(open_hall):
    t = issue_ticket(open_hall, IssueTicket(service="SB"))
    with pytest.raises(NotFound):
        rate_ticket(open_hall, RateTicket(t["id"], "wrong", 1))
    with pytest.raises(Refused, match="once its service is finished"):
        rate_ticket(open_hall, RateTicket(t["id"], t["track_token"], 1))


def test_reasons_are_kept_only_for_bad_ratings(open_hall):
    t = served(open_hall)
    assert rate_ticket(open_hall, RateTicket(t["id"], t["track_token"], 2, ["效率低"]))["reasons"] == []


def test_a_bad_phone_rating_opens_a_case_worked_to_closed_over_the_api(api, web, clock):
    hall = web[0]
    t = api["kiosk"].post("/tickets", json={"service": "SB"}).get_json()
    api["staff1"].post("/windows/1/login", json={})
    for action in ("call", "start", "finish"):
        api["staff1"].post(f"/windows/1/{action}", json={})
    bad = api["anon"].post(
        f"/tickets/{t['id']}/rating?token={t['track_token']}", json={"level": 5, "reasons": ["乱写"]}
    )
    assert bad.status_code == 422 and "态度不好" in bad.get_json()["error"]["message"]
    api["anon"].post(
        f"/tickets/{t['id']}/rating?token={t['track_token']}",
        json={"level": 5, "reasons": ["态度不好"], "comment": "窗口人员不耐烦"},
    )
    [case] = api["manager"].get("/followups").get_json()
    assert (case["state"], case["number"], case["staff"], case["reasons"]) == ("verify", "A001", "staff1", ["态度不好"])
    assert case["due_on"] == "2026-11-24" and case["overdue"] is False  # Monday + 1 working day
    assert api["staff1"].get("/followups").status_code == 403
    clock.advance(days=2)
    api["manager"].token = auth.login(hall, "manager", PASSWORD)[0]  # the 12-hour session ended meanwhile
    overdue = api["manager"].get("/followups?state=overdue").get_json()
    assert isinstance(overdue, list), overdue
    assert [c["id"] for c in overdue] == [case["id"]]
    for action, state in (("verify", "rectify"), ("rectify", "revisit"), ("revisit", "revisited"), ("close", "closed")):
        reply = api["manager"].post(f"/followups/{case['id']}", json={"action": action, "note": f"{action} done"})
        assert reply.status_code == 200 and reply.get_json()["state"] == state
    done = api["manager"].get("/followups?state=closed").get_json()[0]
    assert [s["action"] for s in done["steps"]] == ["verify", "rectify", "revisit", "close"]
    assert done["steps"][0]["actor"] == "manager" and done["closed_at"]
    again = api["manager"].post(f"/followups/{case['id']}", json={"action": "verify"})
    assert again.status_code == 409


def test_an_approved_appeal_leaves_the_rating_out_of_satisfaction(api, web, clock):
    hall = web[0]
    api["kiosk"].post("/tickets", json={"service": "SB"}).get_json()
    api["staff1"].post("/windows/1/login", json={})
    for action in ("call", "start", "finish"):
        api["staff1"].post(f"/windows/1/{action}", json={})
    record_rating(hall, 1, 4)  # the evaluator
    [case] = api["manager"].get("/followups").get_json()
    appeal = api["manager"].post(f"/followups/{case['id']}", json={"action": "appeal", "note": "评价器误按"})
    assert appeal.get_json()["state"] == "appealed"
    own = api["manager"].post(f"/followups/{case['id']}", json={"action": "approve_appeal"})
    assert own.status_code == 403
    approved = api["admin"].post(f"/followups/{case['id']}", json={"action": "approve_appeal", "note": "同意"})
    assert approved.get_json()["excluded"] is True and approved.get_json()["state"] == "closed"
    kpi = api["manager"].get("/reports/kpis?from=2026-11-23&to=2026-11-23").get_json()["rows"][0]
    assert kpi["ratings"]["4"] == 0 and kpi["satisfaction_pct"] is None
    assert [r.level for r in ratings(hall)] == [4]  # kept


def serve_and_rate(api, window_staff, window, level, channel="phone", reasons=()):
    t = api["kiosk"].post("/tickets", json={"service": "SB"}).get_json()
    for action in ("call", "start", "finish"):
        api[window_staff].post(f"/windows/{window}/{action}", json={})
    if channel == "paper":
        reply = api["staff2"].post(f"/tickets/{t['id']}/paper-rating", json={"level": level})  # a colleague enters it
    else:
        reply = api["anon"].post(
            f"/tickets/{t['id']}/rating?token={t['track_token']}", json={"level": level, "reasons": list(reasons)}
        )
    assert reply.status_code == 201, reply.get_json()
    return t


def test_staff_enter_a_paper_form_once(api, web):
    api["staff1"].post("/windows/1/login", json={})
    t = serve_and_rate(api, "staff1", 1, 2, channel="paper")
    again = api["staff2"].post(f"/tickets/{t['id']}/paper-rating", json={"level": 1})
    assert again.status_code == 409 and "already" in again.get_json()["error"]["message"]
    assert api["kiosk"].post(f"/tickets/{t['id']}/paper-rating", json={"level": 1}).status_code == 403
    assert [(r.channel, r.level) for r in ratings(web[0])] == [("paper", 2)]


def test_public_results_and_the_page_show_satisfaction_bad_and_rectified_without_citizen_data(api, web):
    api["staff1"].post("/windows/1/login", json={})
    serve_and_rate(api, "staff1", 1, 1)
    serve_and_rate(api, "staff1", 1, 5, reasons=["效率低"])
    serve_and_rate(api, "staff1", 1, 4, reasons=["态度不好"])
    [case, _other] = api["manager"].get("/followups").get_json()
    for action in ("verify", "rectify", "revisit", "close"):
        api["manager"].post(f"/followups/{case['id']}", json={"action": action})
    body = api["anon"].get("/public/results?from=2026-11-23&to=2026-11-23").get_json()
    sb = next(s for s in body["services"] if s["code"] == "SB")
    assert (sb["rated"], sb["satisfaction_pct"], sb["bad"], sb["rectified"]) == (3, 33.3, 2, 1)
    assert next(w for w in body["windows"] if w["number"] == 1)["bad"] == 2
    text = json.dumps(body, ensure_ascii=False)
    assert "A00" not in text and "效率低" not in text and "token" not in text
    page = web[1].test_client().get("/results?from=2026-11-23&to=2026-11-23").get_data(as_text=True)
    assert "好差评结果公示" in page and "社保医保" in page and "33.3%" in page
    assert web[1].test_client().get("/results?from=yesterday").status_code == 400


def test_monthly_rankings_mark_the_bottom_two(api, web):
    for n, staff in ((1, "staff1"), (2, "staff2"), (3, "staff3")):
        api[staff].post(f"/windows/{n}/login", json={})
    serve_and_rate(api, "staff1", 1, 1)  # window 1: 100 %
    serve_and_rate(api, "staff2", 2, 2)  # window 2: one 满意 …
    serve_and_rate(api, "staff2", 2, 5)  # … and one 非常不满意: 50 %
    api["kiosk"].post("/tickets", json={"service": "GJJ"})
    for action in ("call", "start", "finish"):
        api["staff3"].post(f"/windows/3/{action}", json={})  # window 3: served, never rated
    assert api["staff1"].get("/reports/rankings?month=2026-11").status_code == 403
    body = api["manager"].get("/reports/rankings?month=2026-11&by=window").get_json()
    assert [(r["key"], r["rank"], r["satisfaction_pct"], r["bottom"]) for r in body["rows"]] == [
        (1, 1, 100.0, False),
        (2, 2, 50.0, True),
        (3, 3, None, True),
    ]
    staff = api["manager"].get("/reports/rankings?month=2026-11&by=staff").get_json()["rows"]
    assert [r["key"] for r in staff] == ["staff1", "staff2", "staff3"]
    assert api["manager"].get("/reports/rankings?month=2026-13").status_code == 422


def test_the_default_rating_rule_is_off_unless_configured_and_reported_apart(api, web, clock):
    from hallctl.services.default_ratings import apply_default_ratings

    hall = web[0]
    api["staff1"].post("/windows/1/login", json={})
    rated = serve_and_rate(api, "staff1", 1, 1)
    t = api["kiosk"].post("/tickets", json={"service": "SB"}).get_json()
    for action in ("call", "start", "finish"):
        api["staff1"].post(f"/windows/1/{action}", json={})
    clock.advance(days=8)
    assert apply_default_ratings(hall) == 0  # off by default: an unrated ticket stays unrated
    config = hall.config.model_copy(
        update={"ratings": hall.config.ratings.model_copy(update={"default_after_days": 7, "default_level": 3})}
    )
    hall.config = config
    assert apply_default_ratings(hall) == 1
    assert apply_default_ratings(hall) == 0  # once
    rows = {r.ticket_id: (r.level, r.channel) for r in ratings(hall)}
    assert rows == {rated["id"]: (1, "phone"), t["id"]: (3, "default")}
    api["manager"].token = auth.login(hall, "manager", PASSWORD)[0]
    kpi = api["manager"].get("/reports/kpis?from=2026-11-23&to=2026-11-23").get_json()["rows"][0]
    assert kpi["ratings"] == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 0} and kpi["ratings_default"] == 1
    assert kpi["satisfaction_pct"] == 100.0
    assert api["manager"].get("/followups?state=all").get_json() == []
