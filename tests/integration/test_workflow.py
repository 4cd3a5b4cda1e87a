"""Window workflow through the service layer on a real SQLite file: what is stored after each action."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hallctl.adapters import orm
from hallctl.domain.errors import InvalidTransition, NotFound
from hallctl.domain.model import HoldKind, Outcome
from hallctl.services import windows as win
from hallctl.services.tickets import Appointment, IssueTicket, issue_ticket
from hallctl.services.windows import WindowAction

W1, W2, W3, W4 = (WindowAction(n, f"staff{n}") for n in (1, 2, 3, 4))


def issue(hall, service="SB", **kw):
    return issue_ticket(hall, IssueTicket(service=service, **kw))


def open_windows(hall, *acts):
    for act in acts:
        win.login(hall, act)


def timeline(hall, ticket_id):
    with hall.uow(write=False) as uow:
        rows = uow.session.execute(
            select(orm.events.c.kind, orm.events.c.window, orm.events.c.staff, orm.events.c.data)
            .where(orm.events.c.ticket_id == ticket_id)
            .order_by(orm.events.c.id)
        ).all()
    return [(r.kind, r.window, r.staff) for r in rows]


def stored(hall, ticket_id):
    with hall.uow(write=False) as uow:
        return uow.session.execute(select(orm.tickets).where(orm.tickets.c.id == ticket_id)).one()


def test_issue_call_start_finish_is_stored_with_its_timeline_and_times(hall, clock):
    open_windows(hall, W1)
    t = issue(hall)
    clock.advance(minutes=4)
    called = win.call(hall, W1)
    assert called["number"] == "A001" and called["status"] == "called" and called["window"] == 1
    clock.advance(seconds=30)
    win.recall(hall, W1)
    clock.advance(seconds=40)
    win.start(hall, W1)
    clock.advance(minutes=7)
    done = win.finish(hall, W1, Outcome.ACCEPTED)
    assert done["status"] == "finished" and done["outcome"] == "accepted"
    row = stored(hall, t["id"])
    assert (row.first_called_at - row.issued_at) == timedelta(minutes=4)
    assert (row.started_at - row.last_called_at) == timedelta(seconds=40)
    assert (row.ended_at - row.started_at) == timedelta(minutes=7)
    assert timeline(hall, t["id"]) == [
        ("ticket_issued", None, None),
        ("ticket_called", 1, "staff1"),
        ("ticket_called", 1, "staff1"),
        ("service_started", 1, "staff1"),
        ("ticket_finished", 1, "staff1"),
        ("evaluator_invited", 1, "staff1"),
    ]


def test_call_returns_none_when_nothing_waits_and_the_window_stays_idle(hall):
    open_windows(hall, W1)
    assert win.call(hall, W1) is None
    assert win.logout(hall, W1)["state"] == "closed"


def test_a_window_that_is_not_open_or_open_for_someone_else_cannot_act(hall):
    issue(hall)
    with pytest.raises(InvalidTransition, match="not open"):
        win.call(hall, W1)
    open_windows(hall, W1)
    with pytest.raises(InvalidTransition, match="open for staff1"):
        win.call(hall, WindowAction(1, "intruder"))
    with pytest.raises(NotFound):
        win.call(hall, WindowAction(99, "staff1"))


def test_staff_cannot_be_logged_in_at_two_windows(hall):
    open_windows(hall, W1)
    with pytest.raises(InvalidTransition, match="logged in at window 1"):
        win.login(hall, WindowAction(2, "staff1"))


def test_a_window_with_a_called_ticket_must_resolve_it_before_calling_again(hall):
    open_windows(hall, W1)
    issue(hall), issue(hall)
    win.call(hall, W1)
    with pytest.raises(InvalidTransition, match="start it or mark it no-show"):
        win.call(hall, W1)
    win.start(hall, W1)
    with pytest.raises(InvalidTransition, match="finish, transfer or hold"):
        win.call(hall, W1)


def test_invalid_actions_on_an_idle_window_are_refused(hall):
    open_windows(hall, W1)
    for action in (win.recall, win.no_show, win.start, lambda h, a: win.finish(h, a, Outcome.COMPLETED)):
        with pytest.raises(InvalidTransition, match="no current ticket"):
            action(hall, W1)


def test_no_show_ends_the_ticket_and_frees_the_window(hall):
    open_windows(hall, W1)
    t = issue(hall)
    win.call(hall, W1)
    assert win.no_show(hall, W1)["status"] == "no_show"
    assert win.call(hall, W1) is None
    assert stored(hall, t["id"]).ended_at is not None


def test_no_show_requeue_puts_the_ticket_back_once_at_the_end_of_the_line(make_hall, clock):
    hall = make_hall(requeue=True)
    open_windows(hall, W1)
    a = issue(hall)
    clock.advance(minutes=1)
    b = issue(hall)
    clock.advance(minutes=1)
    win.call(hall, W1)
    assert win.no_show(hall, W1)["status"] == "waiting"
    assert win.call(hall, W1)["id"] == b["id"]  # A001 went to the back
    win.start(hall, W1)
    win.finish(hall, W1, Outcome.COMPLETED)
    assert win.call(hall, W1)["id"] == a["id"]
    assert win.no_show(hall, W1)["status"] == "no_show"  # second time it ends


def test_transfer_to_a_service_ends_the_parent_and_queues_a_child_with_the_same_number(hall):
    open_windows(hall, W1, W3)
    t = issue(hall)
    win.call(hall, W1)
    win.start(hall, W1)
    result = win.transfer(hall, W1, "BDC", None)
    child = result["child"]
    assert result["status"] == "transferred"
    assert (child["number"], child["service"], child["parent_id"], child["status"]) == (
        "A001",
        "BDC",
        t["id"],
        "waiting",
    )
    assert win.call(hall, W3)["id"] == child["id"]
    assert timeline(hall, t["id"])[-1] == ("ticket_transferred", 1, "staff1")
    assert timeline(hall, child["id"])[0] == ("ticket_issued", None, None)


def test_transfer_to_a_window_goes_first_there_and_nowhere_else(hall, clock):
    open_windows(hall, W1, W2, W4)
    issue(hall)
    clock.advance(minutes=1)
    older = issue(hall, "BDC")
    clock.advance(minutes=1)
    win.call(hall, W1)
    child = win.transfer(hall, W1, None, 4)["child"]
    assert child["target_window"] == 4 and child["service"] == "SB"
    assert win.call(hall, W2) is None  # window 2 serves SB but the child is for window 4
    assert win.call(hall, W4)["id"] == child["id"]  # before the older BDC ticket
    win.start(hall, W4)
    win.finish(hall, W4, Outcome.COMPLETED)
    assert win.call(hall, W4)["id"] == older["id"]


def test_transfer_needs_a_target_and_not_the_same_window(hall):
    open_windows(hall, W1)
    issue(hall)
    win.call(hall, W1)
    with pytest.raises(InvalidTransition, match="own window"):
        win.transfer(hall, W1, None, 1)
    with pytest.raises(InvalidTransition, match="service or a window"):
        win.transfer(hall, W1, None, None)


def test_hold_holding_comes_back_to_the_same_window_first(hall, clock):
    open_windows(hall, W1, W2)
    t = issue(hall)
    clock.advance(minutes=1)
    other = issue(hall)
    win.call(hall, W1)
    win.start(hall, W1)
    held = win.hold(hall, W1, HoldKind.HOLDING)
    assert held["status"] == "held" and held["hold_kind"] == "holding"
    with pytest.raises(InvalidTransition, match="held at window 1"):
        win.resume(hall, W2, t["id"])
    assert win.resume(hall, W1, t["id"])["target_window"] == 1
    assert win.call(hall, W2)["id"] == other["id"]
    assert win.call(hall, W1)["id"] == t["id"]


def test_hold_not_holding_returns_to_the_general_queue_keeping_its_place(hall, clock):
    open_windows(hall, W1, W2)
    t = issue(hall)
    clock.advance(minutes=1)
    issue(hall)
    win.call(hall, W1)
    win.start(hall, W1)
    win.hold(hall, W1, HoldKind.NOT_HOLDING)
    clock.advance(minutes=10)
    win.resume(hall, W2, t["id"])
    assert win.call(hall, W2)["id"] == t["id"]  # its original arrival still counts


def test_a_waiting_ticket_can_be_held_by_id(hall):
    open_windows(hall, W1)
    t = issue(hall)
    assert win.hold(hall, W1, HoldKind.WAITING, t["id"])["status"] == "held"
    assert win.call(hall, W1) is None


def test_pause_records_its_reason_and_blocks_calls_until_unpaused(hall, clock):
    open_windows(hall, W1)
    issue(hall)
    assert win.pause(hall, W1, "午休")["state"] == "paused"
    with pytest.raises(InvalidTransition, match="paused"):
        win.call(hall, W1)
    clock.advance(minutes=30)
    assert win.unpause(hall, W1)["state"] == "idle"
    assert win.call(hall, W1)["number"] == "A001"
    with hall.uow(write=False) as uow:
        pause = uow.session.execute(select(orm.window_pauses)).one()
    assert pause.reason == "午休" and pause.ended_at - pause.started_at == timedelta(minutes=30)


def test_login_and_logout_are_stored_as_a_session(hall, clock):
    open_windows(hall, W1)
    clock.advance(hours=3)
    win.logout(hall, W1)
    with hall.uow(write=False) as uow:
        session = uow.session.execute(select(orm.window_sessions)).one()
    assert session.staff == "staff1" and session.ended_at - session.started_at == timedelta(hours=3)


def test_calling_a_specific_ticket_by_number_or_id(hall, clock):
    open_windows(hall, W1, W3)
    issue(hall)
    b = issue(hall)
    c = issue(hall, "BDC")
    assert win.call(hall, W1, "a002")["id"] == b["id"]
    win.no_show(hall, W1)
    with pytest.raises(InvalidTransition, match="does not serve"):
        win.call(hall, W1, c["id"])
    with pytest.raises(InvalidTransition, match="not waiting"):
        win.call(hall, W3, b["id"])
    with pytest.raises(NotFound):
        win.call(hall, W1, "A999")


def test_a_due_appointment_is_called_before_older_walk_ins(hall, clock):
    open_windows(hall, W1)
    walk_in = issue(hall)
    clock.advance(minutes=5)
    slot = clock() + timedelta(minutes=2)
    booked = issue(hall, appointment=Appointment("YY-1", slot))
    assert win.call(hall, W1)["id"] == walk_in["id"]
    win.no_show(hall, W1)
    issue(hall)
    clock.advance(minutes=3)
    assert win.call(hall, W1)["id"] == booked["id"]


def test_green_tickets_jump_by_weight_and_interleave_two_to_one(make_hall, clock):
    hall = make_hall(interleave=2)
    open_windows(hall, W2)
    normals = [issue(hall)["number"] for _ in range(3)]
    clock.advance(minutes=1)
    greens = [issue(hall, priority="green")["number"] for _ in range(3)]
    clock.advance(minutes=1)
    order = []
    for _ in range(6):
        order.append(win.call(hall, W2)["number"])
        win.no_show(hall, W2)
    assert order == [greens[0], greens[1], normals[0], greens[2], normals[1], normals[2]]


def test_the_max_wait_guard_overrides_weights(hall, clock):
    open_windows(hall, W1)
    old = issue(hall)  # SB, max_wait 45 min, weight 1
    clock.advance(minutes=20)
    issue(hall, "GJJ", priority="green")  # 3 x 2 x 26 min beats 1 x 1 x 46 min
    clock.advance(minutes=26)
    assert win.call(hall, W1)["id"] == old["id"]


def test_tickets_crossing_midnight_keep_waiting_and_can_be_called(hall, clock):
    open_windows(hall, W1)
    clock.set(datetime(2026, 11, 23, 15, 50, tzinfo=UTC))  # 23:50 Shanghai
    t = issue(hall, enforce_hours=False)
    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # 09:00 next day
    fresh = issue(hall)
    assert fresh["number"] == "A001" and t["number"] == "A001"
    assert win.call(hall, W1)["id"] == t["id"]
