"""Ticket and window state machines (PRODUCT.md §2): every transition, and the invalid ones."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hallctl.domain import events as ev
from hallctl.domain.errors import InvalidTransition
from hallctl.domain.model import HoldKind, Outcome, Status, Ticket, Window, WindowState, business_day, format_number

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def ticket(**kw):
    t = Ticket(
        hall_id="t",
        service="SB",
        number="A001",
        seq=1,
        business_day=date(2026, 11, 23),
        priority="normal",
        issued_at=T0,
        track_token="x",
        **kw,
    )
    t.id = 1
    return t


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def in_state(status):
    t = ticket()
    steps = {
        Status.WAITING: [],
        Status.CALLED: [lambda: t.call(1, "s", at(1))],
        Status.SERVING: [lambda: t.call(1, "s", at(1)), lambda: t.start(at(2))],
        Status.HELD: [
            lambda: t.call(1, "s", at(1)),
            lambda: t.start(at(2)),
            lambda: t.hold(HoldKind.NOT_HOLDING, at(3), 1, "s"),
        ],
        Status.FINISHED: [
            lambda: t.call(1, "s", at(1)),
            lambda: t.start(at(2)),
            lambda: t.finish(Outcome.COMPLETED, at(3)),
        ],
        Status.NO_SHOW: [lambda: t.call(1, "s", at(1)), lambda: t.no_show(at(2), False)],
        Status.TRANSFERRED: [lambda: t.call(1, "s", at(1)), lambda: t.transfer(at(2), "GJJ", None)],
        Status.CANCELLED: [lambda: t.cancel(at(1), "left")],
    }[status]
    for step in steps:
        step()
    assert t.status == status
    t.events.clear()
    return t


ACTIONS = {
    "call": (lambda t: t.call(2, "s", at(9)), {Status.WAITING}),
    "recall": (lambda t: t.recall(at(9)), {Status.CALLED}),
    "no_show": (lambda t: t.no_show(at(9), False), {Status.CALLED}),
    "start": (lambda t: t.start(at(9)), {Status.CALLED}),
    "finish": (lambda t: t.finish(Outcome.ACCEPTED, at(9)), {Status.SERVING}),
    "hold": (lambda t: t.hold(HoldKind.WAITING, at(9), 1, "s"), {Status.WAITING, Status.SERVING}),
    "resume": (lambda t: t.resume(at(9), 1, "s"), {Status.HELD}),
    "transfer": (lambda t: t.transfer(at(9), "GJJ", None), {Status.CALLED, Status.SERVING}),
    "cancel": (lambda t: t.cancel(at(9), "x"), {Status.WAITING, Status.HELD}),
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_action_is_allowed_exactly_in_its_states(action, status):
    fn, allowed = ACTIONS[action]
    t = in_state(status)
    if status in allowed:
        fn(t)
    else:
        with pytest.raises(InvalidTransition) as info:
            fn(t)
        assert t.number in info.value.message and status.value in info.value.message
        assert t.status == status and t.events == []


def test_the_full_happy_path_records_times_and_events():
    t = ticket()
    t.call(3, "li", at(5))
    t.recall(at(6))
    t.start(at(7))
    t.finish(Outcome.NEEDS_MATERIALS, at(15))
    assert (t.first_called_at, t.last_called_at, t.started_at, t.ended_at) == (at(5), at(6), at(7), at(15))
    assert t.call_count == 2 and t.outcome == "needs_materials" and t.window == 3 and t.staff == "li"
    kinds = [(e.kind, getattr(e, "recall", None)) for e in t.events]
    assert kinds == [
        ("ticket_called", False),
        ("ticket_called", True),
        ("service_started", None),
        ("ticket_finished", None),
    ]
    assert all(e.window == 3 and e.staff == "li" for e in t.events)


def test_a_no_show_ends_the_ticket_unless_requeue_is_allowed_once():
    t = ticket()
    t.call(1, "s", at(1))
    assert t.no_show(at(2), requeue_allowed=True) is True
    assert t.status == Status.WAITING and t.arrival_at == at(2) and t.window is None
    t.call(2, "s", at(3))
    assert t.no_show(at(4), requeue_allowed=True) is False
    assert t.status == Status.NO_SHOW and t.ended_at == at(4)
    assert t.first_called_at == at(1)


def test_a_transfer_creates_a_child_keeping_the_number_linked_to_its_parent():
    t = ticket()
    t.call(1, "s", at(1))
    t.start(at(2))
    child = t.transfer(at(5), "GJJ", 4)
    assert t.status == Status.TRANSFERRED and t.ended_at == at(5)
    assert (child.number, child.service, child.parent_id, child.hop, child.target_window) == ("A001", "GJJ", 1, 1, 4)
    assert child.status == Status.WAITING and child.arrival_at == at(5)
    child.id = 2
    t.transferred(child, at(5))
    assert isinstance(t.events[-1], ev.TicketTransferred) and t.events[-1].child_id == 2
    assert isinstance(child.events[-1], ev.TicketIssued)


def test_holding_brings_the_ticket_back_to_the_same_window_only():
    t = in_state(Status.SERVING)
    t.hold(HoldKind.HOLDING, at(3), 1, "s")
    with pytest.raises(InvalidTransition, match="held at window 1"):
        t.resume(at(4), 2, "other")
    t.resume(at(4), 1, "s")
    assert t.status == Status.WAITING and t.target_window == 1


@pytest.mark.parametrize("kind", [HoldKind.NOT_HOLDING, HoldKind.WAITING])
def test_other_hold_kinds_return_to_the_general_queue(kind):
    t = in_state(Status.SERVING)
    t.hold(kind, at(3), 1, "s")
    t.resume(at(4), 2, "other")
    assert t.status == Status.WAITING and t.target_window is None


def test_numbers_are_prefix_and_zero_padded_sequence():
    assert format_number("A", 1, 3) == "A001"
    assert format_number("BC", 42, 4) == "BC0042"
    assert format_number("A", 1000, 3) == "A1000"


def test_the_business_day_follows_the_hall_timezone_not_utc():
    shanghai = ZoneInfo("Asia/Shanghai")
    assert business_day(datetime(2026, 11, 22, 15, 59, tzinfo=UTC), shanghai) == date(2026, 11, 22)
    assert business_day(datetime(2026, 11, 22, 16, 0, tzinfo=UTC), shanghai) == date(2026, 11, 23)
    new_york = ZoneInfo("America/New_York")  # DST ends 2026-11-01: midnight is 05:00 UTC after it
    assert business_day(datetime(2026, 11, 2, 4, 59, tzinfo=UTC), new_york) == date(2026, 11, 1)
    assert business_day(datetime(2026, 11, 2, 5, 0, tzinfo=UTC), new_york) == date(2026, 11, 2)


def window_open():
    w = Window(hall_id="t", number=3, name="3号窗口")
    w.login("li", at(0))
    return w


def test_a_window_goes_closed_idle_calling_serving_idle_closed():
    w = Window(hall_id="t", number=3, name="3号窗口")
    assert w.state == WindowState.CLOSED
    w.login("li", at(0))
    assert w.state == WindowState.IDLE
    t = ticket()
    t.call(3, "li", at(1))
    w.take(t)
    assert w.state == WindowState.CALLING
    t.start(at(2))
    w.track(t)
    assert w.state == WindowState.SERVING
    t.finish(Outcome.COMPLETED, at(3))
    w.track(t)
    assert w.state == WindowState.IDLE and w.current_ticket_id is None
    w.logout(at(4))
    assert w.state == WindowState.CLOSED


def test_a_window_refuses_a_second_staff_member_and_logout_with_a_ticket():
    w = window_open()
    with pytest.raises(InvalidTransition, match="already open for li"):
        w.login("wang", at(1))
    t = ticket()
    t.call(3, "li", at(1))
    w.take(t)
    with pytest.raises(InvalidTransition, match="still has a ticket"):
        w.logout(at(2))


def test_pause_needs_a_free_or_serving_window_and_unpause_records_the_duration():
    w = window_open()
    w.pause("午休", at(1))
    assert w.state == WindowState.PAUSED
    with pytest.raises(InvalidTransition, match="already paused"):
        w.pause("again", at(2))
    with pytest.raises(InvalidTransition, match="paused"):
        w.require_ready_to_call()
    w.unpause(at(31))
    assert w.events[-1].paused_s == 1800.0
    with pytest.raises(InvalidTransition, match="not paused"):
        w.unpause(at(32))


def test_a_window_with_a_called_ticket_cannot_pause_or_call_again():
    w = window_open()
    t = ticket()
    t.call(3, "li", at(1))
    w.take(t)
    with pytest.raises(InvalidTransition, match="start it or mark it no-show"):
        w.pause("x", at(2))
    with pytest.raises(InvalidTransition, match="start it or mark it no-show"):
        w.require_ready_to_call()


def test_an_evaluator_invitation_binds_one_press_within_its_time():
    w = window_open()
    t = ticket()
    w.invite_rating(t, at(0), timeout_s=60)
    assert w.take_invitation(at(0.5)) == 1
    assert w.take_invitation(at(0.6)) is None
    w.invite_rating(t, at(1), timeout_s=60)
    assert w.take_invitation(at(2.01)) is None
