"""Call-next is atomic: one ticket never goes to two windows, in one process or across two."""

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import text

from hallctl.bootstrap import bootstrap
from hallctl.config import parse_config
from hallctl.services import tickets
from hallctl.services import windows as win
from hallctl.services.tickets import IssueTicket, issue_batch, issue_ticket
from hallctl.services.windows import WindowAction
from tests.conftest import BOTH_DATABASES, hall_toml

SB_WINDOWS = (1, 2)


def race(halls, tickets_per_window=40):
    """Windows 1 and 2 (both serve SB) call, start and finish as fast as they can from several threads."""
    called: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def window_loop(hall, number):
        act = WindowAction(number, f"staff{number}")
        try:
            while True:
                ticket = win.call(hall, act)
                if ticket is None:
                    return
                with lock:
                    called.append(ticket["id"])
                win.start(hall, act)
                win.finish(hall, act, "completed")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=window_loop, args=(hall, n)) for hall, n in halls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return called, errors


def announced(function, event):
    """``function`` that sets ``event`` each time it is called, before it runs."""

    def announcing(*args, **kwargs):
        event.set()
        return function(*args, **kwargs)

    return announcing


@BOTH_DATABASES
def test_many_windows_calling_at_once_never_share_a_ticket(make_hall):
    hall = make_hall(synchronous_bus=False)
    for _ in range(300):
        issue_ticket(hall, IssueTicket(service="SB"))
    for n in SB_WINDOWS:
        win.login(hall, WindowAction(n, f"staff{n}"))
    called, errors = race([(hall, 1), (hall, 2)])
    assert errors == []
    assert sorted(called) == sorted(set(called))
    assert len(called) == 300
    with hall.uow(write=False) as uow:
        per_status = dict(uow.session.execute(text("SELECT status, count(*) FROM tickets GROUP BY status")).all())
        finishes = uow.session.execute(
            text(
                "SELECT ticket_id, count(*) FROM events WHERE kind = 'ticket_called'"
                " GROUP BY ticket_id HAVING count(*) > 1"
            )
        ).all()
    assert per_status == {"finished": 300}
    assert finishes == []


@BOTH_DATABASES
def test_two_hall_processes_on_one_database_never_call_the_same_ticket(db_url, clock):
    """Two independent halls on one file: separate locks, connections and caches, like two processes."""
    halls = [bootstrap(parse_config(hall_toml(db_url)), clock=clock, synchronous_bus=True) for _ in range(2)]
    try:
        for _ in range(200):
            issue_ticket(halls[0], IssueTicket(service="SB"))
        for hall, n in zip(halls, SB_WINDOWS, strict=False):
            win.login(hall, WindowAction(n, f"staff{n}"))
        called, errors = race([(halls[0], 1), (halls[1], 2)])
        assert errors == []
        counts = Counter(called)
        assert [t for t, c in counts.items() if c > 1] == []
        assert len(called) == 200
    finally:
        for hall in halls:
            hall.close()


@BOTH_DATABASES
def test_issuing_from_two_processes_keeps_numbers_unique(db_url, clock):
    halls = [bootstrap(parse_config(hall_toml(db_url)), clock=clock, synchronous_bus=True) for _ in range(2)]
    numbers: list[str] = []
    lock = threading.Lock()

    def issue_many(hall):
        mine = [issue_ticket(hall, IssueTicket(service="GJJ"))["number"] for _ in range(150)]
        with lock:
            numbers.extend(mine)

    try:
        threads = [threading.Thread(target=issue_many, args=(h,)) for h in halls for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for hall in halls:
            hall.close()
    assert len(numbers) == 900 and len(set(numbers)) == 900
    assert max(numbers) == "B900"


def test_a_candidate_taken_by_another_window_meanwhile_makes_call_next_pick_again(hall, monkeypatch):
    """What PostgreSQL's READ COMMITTED allows: window 2 read the candidates, then window 1 called the first."""
    from hallctl.adapters.repositories import TicketRepository

    first = issue_ticket(hall, IssueTicket(service="SB"))
    second = issue_ticket(hall, IssueTicket(service="SB"))
    for n in SB_WINDOWS:
        win.login(hall, WindowAction(n, f"staff{n}"))
    real_candidates = TicketRepository.candidates
    profile = hall.profile(2)
    with hall.uow(write=False) as uow:  # read while A001 still waits
        snapshot = uow.tickets.candidates(2, list(profile.service_weights), list(profile.class_weights), hall.now())
    assert [c.id for c in snapshot.heads] == [first["id"]]
    assert win.call(hall, WindowAction(1, "staff1"))["id"] == first["id"]
    skips = []

    def stale_first_read(self, window, services, classes, now, skip=()):
        skips.append(set(skip))
        return snapshot if len(skips) == 1 else real_candidates(self, window, services, classes, now, skip)

    monkeypatch.setattr(TicketRepository, "candidates", stale_first_read)
    assert win.call(hall, WindowAction(2, "staff2"))["id"] == second["id"]
    assert skips == [set(), {first["id"]}]  # the stale choice could not be claimed, so it was left out


@BOTH_DATABASES
def test_a_number_taken_while_another_process_held_the_counter_is_not_called_before_the_earlier_one(
    db_url, clock, monkeypatch
):
    """Process B starts its batch (reading the clock) before process A, but A takes the counter first: B's ticket
    gets the next number and must not carry the earlier time, or it would be called first."""
    first, second = (bootstrap(parse_config(hall_toml(db_url)), clock=clock, synchronous_bus=True) for _ in range(2))
    holding, release, b_at_counter = threading.Event(), threading.Event(), threading.Event()

    def issue_then_hold(uow, requests):
        """A's batch is numbered and inserted, then waits uncommitted; B's says when it reaches the counter A holds."""
        if holding.is_set():
            uow.tickets.reserve_seqs = announced(uow.tickets.reserve_seqs, b_at_counter)
        outcomes = issue_batch(uow, requests)
        if not holding.is_set():
            holding.set()
            release.wait(10)
        return outcomes

    monkeypatch.setattr(tickets, "issue_batch", issue_then_hold)
    started = clock()
    late: list[dict] = []
    try:
        a = threading.Thread(target=issue_ticket, args=(first, IssueTicket(service="SB")))
        a.start()
        assert holding.wait(10)
        clock.set(started - timedelta(seconds=1))  # B's batch begins "before" A's…
        b = threading.Thread(target=lambda: late.append(issue_ticket(second, IssueTicket(service="SB"))))
        b.start()
        assert b_at_counter.wait(10)  # …and reaches A's counter, which it cannot take before A commits
        clock.set(started + timedelta(seconds=1))
        release.set()
        a.join(10)
        b.join(30)
        assert late[0]["number"] == "A002"
        win.login(first, WindowAction(1, "staff1"))
        assert win.call(first, WindowAction(1, "staff1"))["number"] == "A001"
    finally:
        release.set()
        for hall in (first, second):
            hall.close()
