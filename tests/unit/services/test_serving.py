"""Serving a ticket on fakes: start, finish, transfer, hold and resume, pause, staff at one window."""

from __future__ import annotations

import pytest

from hallctl.domain.errors import InvalidTransition
from hallctl.domain.model import HoldKind, Outcome
from hallctl.domain.window import NotThisWindow
from hallctl.services import queries
from hallctl.services import windows as win
from hallctl.services.tickets import public_view
from hallctl.services.windows import WindowAction

from .conftest import at_window, issue


def test_start_then_finish_records_the_outcome_and_the_service_time(hall, clock):
    ticket = issue(hall)
    act = at_window(hall, 2)
    win.call(hall, act)
    clock.advance(seconds=30)
    assert win.start(hall, act)["status"] == "serving"
    clock.advance(minutes=5)
    finished = win.finish(hall, act, Outcome.COMPLETED)
    assert finished["status"] == "finished" and finished["outcome"] == "completed"
    view = public_view(hall, ticket["id"], ticket["track_token"])
    assert view["can_rate"] and not view["rated"]
    assert hall.bus.kinds()[-2:] == ["ticket_finished", "evaluator_invited"]


def test_a_transfer_keeps_the_number_in_the_target_queue(hall):
    ticket = issue(hall)
    act = at_window(hall, 2)
    win.call(hall, act)
    moved = win.transfer(hall, act, "BDC", None)
    assert moved["status"] == "transferred"
    child = moved["child"]
    assert child["number"] == ticket["number"] and child["service"] == "BDC" and child["parent_id"] == ticket["id"]
    assert win.call(hall, at_window(hall, 4))["id"] == child["id"]


def test_a_transfer_to_a_window_is_called_there_first(hall):
    issue(hall, "GJJ")
    ticket = issue(hall)
    act = at_window(hall, 2)
    win.call(hall, act)
    child = win.transfer(hall, act, None, 3)["child"]
    assert child["target_window"] == 3 and child["number"] == ticket["number"]
    assert win.call(hall, at_window(hall, 3))["id"] == child["id"]


def test_a_ticket_held_with_its_documents_resumes_only_at_its_window(hall):
    ticket = issue(hall)
    act = at_window(hall, 2)
    win.call(hall, act)
    win.start(hall, act)
    assert win.hold(hall, act, HoldKind.HOLDING)["status"] == "held"
    assert [t["id"] for t in queries.window_view(hall, 2)["held"]] == [ticket["id"]]
    with pytest.raises(InvalidTransition, match="held at window 2"):
        win.resume(hall, at_window(hall, 1), ticket["id"])
    resumed = win.resume(hall, act, ticket["id"])
    assert resumed["status"] == "waiting" and resumed["target_window"] == 2
    assert win.call(hall, act)["id"] == ticket["id"]


def test_a_paused_window_calls_nobody_until_unpaused(hall):
    issue(hall)
    act = at_window(hall, 2)
    assert win.pause(hall, act, "break")["state"] == "paused"
    with pytest.raises(InvalidTransition, match="paused"):
        win.call(hall, act)
    assert win.unpause(hall, act)["state"] == "idle"
    assert win.call(hall, act)["number"] == "A001"
    assert [(p["reason"], p["ended_at"] is not None) for p in hall.database.pauses] == [("break", True)]


def test_staff_are_logged_in_at_one_window_at_a_time(hall):
    at_window(hall, 1)
    with pytest.raises(InvalidTransition, match="logged in at window 1"):
        win.login(hall, WindowAction(2, "staff1"))
    with pytest.raises(InvalidTransition, match="open for staff1"):
        win.call(hall, WindowAction(1, "staff2"))
    assert win.logout(hall, WindowAction(1, "staff1"))["state"] == "closed"
    assert win.login(hall, WindowAction(2, "staff1"))["staff"] == "staff1"


# -- a window acts only on tickets of its services or sent to it -------------------------------------------------


def test_a_window_cannot_hold_a_waiting_ticket_of_a_service_it_does_not_serve(hall):
    sb = issue(hall)
    with pytest.raises(NotThisWindow, match="window 4 does not serve SB") as refused:
        win.hold(hall, at_window(hall, 4), HoldKind.HOLDING, sb["id"])
    assert refused.value.code == "not_this_window" and "/ " in refused.value.message
    assert win.call(hall, at_window(hall, 2))["id"] == sb["id"]  # still waiting in its own queue


def test_a_window_cannot_resume_a_held_ticket_of_a_service_it_does_not_serve(hall):
    sb = issue(hall)
    win.hold(hall, at_window(hall, 2), HoldKind.WAITING, sb["id"])
    with pytest.raises(NotThisWindow, match="window 4 does not serve SB"):
        win.resume(hall, at_window(hall, 4), sb["id"])
    resumed = win.resume(hall, at_window(hall, 1), sb["id"])  # window 1 serves SB
    assert resumed["status"] == "waiting" and resumed["target_window"] is None


def test_a_ticket_sent_to_one_window_cannot_be_held_or_called_by_another(hall):
    issue(hall)
    act = at_window(hall, 2)
    win.call(hall, act)
    child = win.transfer(hall, act, None, 3)["child"]
    window1 = at_window(hall, 1)  # serves SB, but the ticket was sent to window 3
    with pytest.raises(NotThisWindow, match="sent to window 3"):
        win.hold(hall, window1, HoldKind.HOLDING, child["id"])
    with pytest.raises(NotThisWindow, match="sent to window 3"):
        win.call(hall, window1, child["id"])
    assert win.call(hall, window1) is None
    assert win.call(hall, at_window(hall, 3))["id"] == child["id"]


def test_a_ticket_held_here_with_its_documents_by_a_window_that_does_not_serve_it_resumes_here(hall):
    issue(hall)
    act = at_window(hall, 2)
    win.call(hall, act)
    child = win.transfer(hall, act, None, 4)["child"]  # an SB ticket sent to window 4, which serves only BDC
    window4 = at_window(hall, 4)
    assert win.call(hall, window4)["id"] == child["id"]
    win.start(hall, window4)
    win.hold(hall, window4, HoldKind.NOT_HOLDING)
    assert win.resume(hall, window4, child["id"])["status"] == "waiting"
