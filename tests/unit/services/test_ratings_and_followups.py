"""Ratings on fakes: from the phone once, from a window's evaluator bound to the finished ticket, and the
follow-up case a bad rating opens."""

from __future__ import annotations

from datetime import date

import pytest

from hallctl.domain.errors import Invalid, Refused
from hallctl.services import followups
from hallctl.services import windows as win
from hallctl.services.ratings import record_rating
from hallctl.services.tickets import RateTicket, public_view, rate_ticket

from .conftest import at_window, issue


def _served(hall, window: int = 2) -> dict:
    ticket = issue(hall)
    act = at_window(hall, window)
    win.call(hall, act)
    win.start(hall, act)
    win.finish(hall, act, "completed")
    return ticket


def test_a_citizen_rates_a_finished_ticket_from_the_phone_once(hall):
    ticket = _served(hall)
    rated = rate_ticket(hall, RateTicket(ticket["id"], ticket["track_token"], 1))
    assert rated["level_name"] == "非常满意" and rated["bound"] and rated["window"] == 2
    assert public_view(hall, ticket["id"], ticket["track_token"])["rated"]
    with pytest.raises(Refused, match="already been rated"):
        rate_ticket(hall, RateTicket(ticket["id"], ticket["track_token"], 2))


def test_a_phone_rating_waits_for_the_finish_and_closes_after_the_window_of_days(hall, clock):
    ticket = _served(hall)
    waiting = issue(hall)
    with pytest.raises(Refused, match="once its service is finished"):
        rate_ticket(hall, RateTicket(waiting["id"], waiting["track_token"], 1))
    with pytest.raises(Invalid):
        rate_ticket(hall, RateTicket(ticket["id"], ticket["track_token"], 6))
    clock.advance(days=hall.config.ratings.phone_window_days, seconds=1)
    with pytest.raises(Refused, match="closed"):
        rate_ticket(hall, RateTicket(ticket["id"], ticket["track_token"], 1))


def test_an_evaluator_press_binds_to_the_ticket_just_finished_and_only_once(hall, clock):
    ticket = _served(hall)
    first = record_rating(hall, 2, 2)
    assert first["ticket_id"] == ticket["id"] and first["bound"] and first["level_name"] == "满意"
    again = record_rating(hall, 2, 1)
    assert again["ticket_id"] is None and not again["bound"]  # counted, rating no ticket
    with pytest.raises(Refused, match="already been rated"):
        rate_ticket(hall, RateTicket(ticket["id"], ticket["track_token"], 1))


def test_an_evaluator_press_after_the_invitation_ran_out_binds_nothing(hall, clock):
    _served(hall)
    clock.advance(seconds=hall.config.routing.rating_timeout_s + 1)
    assert record_rating(hall, 2, 1)["ticket_id"] is None


def test_a_bad_rating_opens_a_case_due_for_verification_in_working_days(hall):
    ticket = _served(hall)
    rate_ticket(hall, RateTicket(ticket["id"], ticket["track_token"], 5, ["态度不好"], "等太久"))
    [case] = followups.listed(hall)
    assert case["state"] == "verify" and case["state_name"] == "待核实" and case["level_name"] == "非常不满意"
    assert case["number"] == ticket["number"] and case["reasons"] == ["态度不好"] and case["comment"] == "等太久"
    assert date.fromisoformat(case["due_on"]) > date(2026, 11, 23)
    moved = followups.act(hall, case["id"], "verify", "manager", "called the citizen")
    assert moved["state"] == "rectify" and [s["to"] for s in moved["steps"]] == ["rectify"]


def test_a_good_rating_opens_no_case(hall):
    ticket = _served(hall)
    rate_ticket(hall, RateTicket(ticket["id"], ticket["track_token"], 3))
    assert followups.listed(hall, "all") == []
