"""The group-commit writer: requests of a batch reach their handler together and share one commit; a refused
request leaves its batch-mates alone; a failing write fails every caller of its batch at once, stores nothing,
and the writer goes on."""

import threading
import time
from datetime import timedelta

from sqlalchemy import insert, select

from hallctl.adapters import orm
from hallctl.domain.errors import Refused
from hallctl.services.tickets import Appointment, IssueTicket, issue_ticket


def submit_in_thread(hall, handler, request, outcomes: list) -> threading.Thread:
    return call_in_thread(lambda: hall.writer.submit(handler, request), outcomes)


def call_in_thread(call, outcomes: list) -> threading.Thread:
    def run():
        try:
            outcomes.append(("ok", call()))
        except Exception as exc:
            outcomes.append(("error", str(exc)))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def stored_settings(hall) -> list[str]:
    with hall.uow(write=False) as uow:
        return sorted(uow.session.scalars(select(orm.settings.c.key).where(orm.settings.c.key.like("test-%"))))


def store_settings(uow, names):
    """A handler: stores a setting per request, refusing names that start with 'no-'."""
    outcomes = [Refused(f"{name} is refused") if name.startswith("no-") else name for name in names]
    stored = [{"key": name, "value": "v"} for name in names if not name.startswith("no-")]
    if stored:
        uow.session.execute(insert(orm.settings), stored)
    return outcomes


def fail(uow, requests):
    raise RuntimeError("the disk is full")


def queue_behind_a_busy_writer(hall, jobs: list) -> list:
    """Hold the writer while ``jobs`` queue up, so that they form one batch; their outcomes in queue order.

    Args:
        jobs: (handler, request) pairs to submit, or calls that submit.
    """
    holding, gate = threading.Event(), threading.Event()

    def hold(uow, requests):
        holding.set()
        return [gate.wait(5) for _ in requests]

    holder = submit_in_thread(hall, hold, None, [])
    assert holding.wait(5)
    outcomes: list = [[] for _ in jobs]
    threads = []
    for job, outcome in zip(jobs, outcomes, strict=False):
        call = (lambda job=job: hall.writer.submit(*job)) if isinstance(job, tuple) else job
        threads.append(call_in_thread(call, outcome))
        deadline = time.monotonic() + 5  # one at a time, so that they queue in this order
        while hall.writer._queue.qsize() < len(threads) and time.monotonic() < deadline:
            time.sleep(0.005)
    gate.set()
    for thread in (holder, *threads):
        thread.join(10)
    return [outcome[0] for outcome in outcomes]


def test_a_request_that_fails_in_the_database_fails_its_caller_instead_of_hanging(hall):
    def duplicate(uow, requests):
        row = {"key": "test-twice", "value": "x"}
        uow.session.execute(insert(orm.settings), [row, row])
        return requests

    outcomes = []
    submit_in_thread(hall, duplicate, None, outcomes).join(10)
    assert len(outcomes) == 1, "the caller is still waiting for a batch that failed"
    assert outcomes[0][0] == "error" and "UNIQUE constraint failed" in outcomes[0][1]
    assert stored_settings(hall) == []
    assert issue_ticket(hall, IssueTicket("SB"))["number"] == "A001"  # the writer goes on


def test_a_batch_reaches_its_handler_in_one_call_and_a_refusal_leaves_its_batch_mates_stored(hall):
    calls = []

    def recording(uow, names):
        calls.append(list(names))
        return store_settings(uow, names)

    outcomes = queue_behind_a_busy_writer(hall, [(recording, "test-a"), (recording, "no-b"), (recording, "test-c")])
    assert calls == [["test-a", "no-b", "test-c"]]
    assert outcomes == [("ok", "test-a"), ("error", "no-b is refused"), ("ok", "test-c")]
    assert stored_settings(hall) == ["test-a", "test-c"]


def test_when_one_handler_breaks_the_shared_transaction_every_caller_of_the_batch_hears_of_it(hall):
    outcomes = queue_behind_a_busy_writer(hall, [(store_settings, "test-a"), (fail, None), (store_settings, "test-b")])
    assert sorted(outcomes) == [("error", "the disk is full")] * 3
    assert stored_settings(hall) == []


def test_a_handler_that_answers_too_few_requests_fails_its_batch(hall):
    def first_only(uow, names):
        return names[:1]

    outcomes = queue_behind_a_busy_writer(hall, [(first_only, "test-a"), (first_only, "test-b")])
    assert len(outcomes) == 2 and all(kind == "error" and "answered 1 of 2" in text for kind, text in outcomes)


def test_tickets_issued_in_one_batch_are_numbered_in_order_with_the_people_ahead_and_the_daily_cap_counted(hall):
    issue_ticket(hall, IssueTicket("SB"))  # A001, waiting before the batch
    afternoon = Appointment(code="Y-1", slot=hall.now() + timedelta(hours=6))
    assert issue_ticket(hall, IssueTicket("SB", appointment=afternoon))["number"] == "A002"  # queued for 15:00
    issue_ticket(hall, IssueTicket("BDC"))  # C001; BDC allows 3 a day
    services = ["SB", "BDC", "SB", "BDC", "BDC", "GJJ", "SB"]
    outcomes = queue_behind_a_busy_writer(
        hall, [lambda s=s: issue_ticket(hall, IssueTicket(s, kiosk="k1")) for s in services]
    )
    issued = [(kind, out["number"], out["ahead"]) if kind == "ok" else (kind, out) for kind, out in outcomes]
    assert issued == [
        ("ok", "A003", 1),
        ("ok", "C002", 1),
        ("ok", "A004", 2),
        ("ok", "C003", 2),
        ("error", "不动产登记 has reached today's limit of 3 tickets / 今日号源已满"),
        ("ok", "B001", 0),
        ("ok", "A005", 3),
    ], "the 15:00 appointment is not ahead of the walk-ins"
    ids = [out["id"] for kind, out in outcomes if kind == "ok"]
    assert ids == sorted(ids), "ids follow the order the requests arrived in"
    with hall.uow(write=False) as uow:
        tickets = [uow.tickets.get(i) for i in ids]
        assert [t.number for t in tickets] == ["A003", "C002", "A004", "C003", "B001", "A005"]
        assert [uow.tickets.ahead_of(t) for t in tickets] == [1, 1, 2, 2, 0, 3], "the same as counted one by one"
        assert uow.tickets.issued_today("BDC", uow.tickets.get(ids[0]).business_day) == 3
        kinds = list(
            uow.session.execute(
                select(orm.events.c.ticket_id, orm.events.c.kind)
                .where(orm.events.c.ticket_id.in_(ids))
                .order_by(orm.events.c.id)
            )
        )
    assert sorted(kinds) == sorted([(i, "ticket_issued") for i in ids])
