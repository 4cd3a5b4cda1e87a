"""The group-commit writer: a failing write fails its callers at once, stores nothing, and the writer goes on."""
import threading
import time

from sqlalchemy import insert, select

from hallctl.adapters import orm
from hallctl.services.tickets import IssueTicket, issue_ticket


def submit_in_thread(hall, job, outcomes: list) -> threading.Thread:
    def run():
        try:
            outcomes.append(("ok", hall.writer.submit(job)))
        except Exception as exc:
            outcomes.append(("error", str(exc)))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def stored_settings(hall) -> list[str]:
    with hall.uow(write=False) as uow:
        return list(uow.session.scalars(select(orm.settings.c.key).where(orm.settings.c.key.like("test-%"))))


def test_a_job_that_fails_in_the_database_fails_its_caller_instead_of_hanging(hall):
    def duplicate(uow):
        row = {"key": "test-twice", "value": "x"}
        uow.session.execute(insert(orm.settings), [row, row])

    outcomes = []
    submit_in_thread(hall, duplicate, outcomes).join(10)
    assert len(outcomes) == 1, "the caller is still waiting for a batch that failed"
    assert outcomes[0][0] == "error" and "UNIQUE constraint failed" in outcomes[0][1]
    assert stored_settings(hall) == []
    assert issue_ticket(hall, IssueTicket("SB"))["number"] == "A001"  # the writer goes on


def test_when_one_job_breaks_the_shared_transaction_every_caller_of_the_batch_hears_of_it(hall):
    gate = threading.Event()
    outcomes = []
    holder = submit_in_thread(hall, lambda uow: gate.wait(5), [])  # holds the writer while the batch queues

    def good(name):
        return lambda uow: uow.session.execute(insert(orm.settings), [{"key": name, "value": "v"}]) and name

    def bad(uow):
        raise RuntimeError("the disk is full")

    threads = [submit_in_thread(hall, job, outcomes) for job in (good("test-a"), bad, good("test-b"))]
    deadline = time.monotonic() + 5
    while hall.writer._queue.qsize() < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.set()
    for thread in (holder, *threads):
        thread.join(10)
    assert sorted(outcomes) == [("error", "the disk is full")] * 3
    assert stored_settings(hall) == []
