"""差评整改: working-day due dates on the Chinese calendar and the follow-up state machine."""

from datetime import UTC, date, datetime

import pytest

from hallctl.domain.errors import Forbidden, Invalid, InvalidTransition
from hallctl.domain.followup import MOVES, FollowUp
from hallctl.services.workdays import add_working_days, is_workday

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_an_adjusted_saturday_counts_and_the_spring_festival_does_not():
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)  # Saturday 调休 workday
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)  # 15th-23rd off
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)  # National Day, then Saturday 10th
    assert add_working_days(date(2026, 11, 20), 15) == date(2026, 12, 11)


def test_a_year_the_calendar_does_not_know_falls_back_to_weekdays():
    assert is_workday(date(2031, 1, 6)) and not is_workday(date(2031, 1, 5))
    assert add_working_days(date(2031, 1, 3), 1) == date(2031, 1, 6)


def case(state="verify"):
    c = FollowUp(
        hall_id="t",
        rating_id=1,
        ticket_id=1,
        window=1,
        staff="li",
        service="SB",
        level=5,
        opened_at=NOW,
        due_on=date(2026, 11, 24),
    )
    c.state = state
    return c


@pytest.mark.parametrize("action", list(MOVES))
@pytest.mark.parametrize("state", ["verify", "rectify", "revisit", "revisited", "appealed", "closed"])
def test_each_action_is_allowed_exactly_in_its_states(action, state):
    c = case(state)
    c.appealed_by, c.appeal_from = "boss", "verify"
    allowed, _target = MOVES[action]
    if state in allowed:
        c.act(action, "second", NOW, "reason")
        assert c.state != state or action == "reject_appeal"
    else:
        with pytest.raises(InvalidTransition):
            c.act(action, "second", NOW, "reason")
        assert c.state == state


def test_the_path_verify_rectify_revisit_close():
    c = case()
    assert [c.act(a, "boss", NOW, "")[1] for a in ("verify", "rectify", "revisit", "close")] == [
        "rectify",
        "revisit",
        "revisited",
        "closed",
    ]
    assert c.closed_at == NOW and not c.excluded


def test_an_appeal_needs_a_reason_and_another_manager_and_then_excludes_the_rating():
    c = case("rectify")
    with pytest.raises(Invalid, match="reason"):
        c.act("appeal", "boss", NOW, "  ")
    c.act("appeal", "boss", NOW, "评价器误按")
    with pytest.raises(Forbidden, match="second manager"):
        c.act("approve_appeal", "boss", NOW, "")
    assert c.act("approve_appeal", "deputy", NOW, "核实为误按") == ("appealed", "closed")
    assert c.excluded


def test_a_rejected_appeal_returns_to_where_it_was():
    c = case("rectify")
    c.act("appeal", "boss", NOW, "不认可")
    assert c.act("reject_appeal", "deputy", NOW, "")[1] == "rectify" and not c.excluded


def test_overdue_means_past_the_due_day_in_a_timed_state():
    assert not case().overdue(date(2026, 11, 24)) and case().overdue(date(2026, 11, 25))
    assert not case("closed").overdue(date(2027, 1, 1))


def test_an_unknown_action_names_the_choices():
    with pytest.raises(Invalid, match="verify"):
        case().act("delete", "boss", NOW, "")
