"""Issuing tickets and calling them, on fakes: numbers, queue positions, routing, recall, no-show."""

from __future__ import annotations

import pytest

from hallctl.domain.errors import InvalidTransition, Refused
from hallctl.services import queries
from hallctl.services import windows as win
from hallctl.services.tickets import public_view

from .conftest import at_window, issue


def test_tickets_are_numbered_per_service_and_count_the_people_ahead(hall):
    first, second, other = issue(hall), issue(hall), issue(hall, "GJJ")
    assert [first["number"], second["number"], other["number"]] == ["A001", "A002", "B001"]
    assert (first["ahead"], second["ahead"], other["ahead"]) == (0, 1, 0)
    assert second["est_wait_min"][0] <= second["est_wait_min"][1]
    assert hall.bus.kinds() == ["ticket_issued"] * 3


def test_a_kiosk_is_refused_past_the_daily_cap_and_when_the_hall_is_closed(hall, clock):
    for _ in range(3):
        issue(hall, "BDC")
    with pytest.raises(Refused, match="limit of 3"):
        issue(hall, "BDC")
    assert issue(hall, "BDC", enforce_hours=False)["number"] == "C004"  # staff may issue past the cap
    clock.advance(hours=4)  # 13:00, the lunch break
    with pytest.raises(Refused, match="closed"):
        issue(hall)


def test_call_next_takes_the_oldest_ticket_of_the_windows_services(hall, clock):
    bdc = issue(hall, "BDC")
    clock.advance(minutes=1)
    sb = issue(hall, "SB")
    called = win.call(hall, at_window(hall, 2))  # window 2 serves SB only
    assert called["id"] == sb["id"] and called["status"] == "called" and called["window"] == 2
    assert win.call(hall, at_window(hall, 4))["id"] == bdc["id"]
    assert win.call(hall, at_window(hall, 1)) is None  # nothing left for window 1
    view = public_view(hall, sb["id"], sb["track_token"])
    assert view["window"] == 2 and view["ahead"] == 0


def test_a_higher_service_weight_wins_at_a_window_serving_two_queues(hall, clock):
    sb = issue(hall, "SB")
    gjj = issue(hall, "GJJ")  # the same wait, weight 2 at window 1
    clock.advance(minutes=5)
    act = at_window(hall, 1)
    assert win.call(hall, act)["id"] == gjj["id"]
    win.start(hall, act)
    win.finish(hall, act, "completed")
    assert win.call(hall, act)["id"] == sb["id"]


def test_a_recall_calls_the_same_ticket_again(hall):
    ticket = issue(hall)
    act = at_window(hall, 2)
    win.call(hall, act)
    recalled = win.recall(hall, act)
    assert recalled["id"] == ticket["id"] and recalled["call_count"] == 2
    calls = queries.hall_state(hall)["calls"]
    assert [(c["number"], c["recall"]) for c in calls] == [("A001", True), ("A001", False)]


def test_a_no_show_ends_the_ticket_and_frees_the_window(hall):
    ticket = issue(hall)
    act = at_window(hall, 2)
    win.call(hall, act)
    assert win.no_show(hall, act)["status"] == "no_show"
    assert public_view(hall, ticket["id"], ticket["track_token"])["status"] == "no_show"
    assert queries.window_view(hall, 2)["window"]["state"] == "idle"


def test_a_no_show_goes_back_to_the_end_of_the_queue_when_the_hall_requeues(make_fake_hall, clock):
    hall = make_fake_hall(requeue=True)
    first = issue(hall)
    clock.advance(minutes=1)
    second = issue(hall)
    act = at_window(hall, 2)
    win.call(hall, act)
    clock.advance(minutes=1)
    assert win.no_show(hall, act)["status"] == "waiting"
    assert public_view(hall, first["id"], first["track_token"])["ahead"] == 1  # behind A002 now
    assert win.call(hall, act)["id"] == second["id"]


def test_a_window_with_a_called_ticket_cannot_call_another(hall):
    issue(hall)
    issue(hall)
    act = at_window(hall, 2)
    win.call(hall, act)
    with pytest.raises(InvalidTransition, match="start it or mark it no-show"):
        win.call(hall, act)
