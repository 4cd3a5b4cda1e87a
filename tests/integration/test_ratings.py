"""好差评 binding: a press rates the ticket the window just finished, exactly once."""
import pytest
from sqlalchemy import select

from hallctl.adapters import orm
from hallctl.domain.errors import Invalid, NotFound, Refused
from hallctl.services import windows as win
from hallctl.services.ratings import record_rating
from hallctl.services.tickets import IssueTicket, RateTicket, issue_ticket, rate_ticket
from hallctl.services.windows import WindowAction

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
    assert (row.ticket_id, row.window, row.staff, row.service, row.level, row.channel) == \
        (t["id"], 1, "staff1", "SB", 2, "evaluator")


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
