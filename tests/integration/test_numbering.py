"""Ticket numbers on a real SQLite file: per service and business day, unique under concurrency."""

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from hallctl.adapters import orm
from hallctl.domain.errors import Invalid, Refused
from hallctl.domain.model import format_number
from hallctl.reports.seed import seed
from hallctl.services.tickets import IssueTicket, issue_ticket
from tests.conftest import BOTH_DATABASES


def issue(hall, service="SB", **kw):
    return issue_ticket(hall, IssueTicket(service=service, **kw))


def test_numbers_count_up_per_service_with_prefix_and_padding(hall):
    assert [issue(hall)["number"] for _ in range(3)] == ["A001", "A002", "A003"]
    assert issue(hall, "GJJ")["number"] == "B001"
    assert issue(hall)["number"] == "A004"


@BOTH_DATABASES
def test_numbers_restart_at_midnight_in_the_hall_timezone_and_history_stays(hall, clock):
    clock.set(datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC))  # 23:59:59 in Shanghai
    assert issue(hall, enforce_hours=False)["number"] == "A001"
    assert issue(hall, enforce_hours=False)["number"] == "A002"
    clock.set(datetime(2026, 11, 23, 16, 0, 0, tzinfo=UTC))  # 00:00 next day in Shanghai
    fresh = issue(hall, enforce_hours=False)
    assert fresh["number"] == "A001"
    with hall.uow(write=False) as uow:
        days = uow.session.execute(
            select(orm.tickets.c.business_day, orm.tickets.c.number).order_by(orm.tickets.c.id)
        ).all()
    assert [(str(d), n) for d, n in days] == [("2026-11-23", "A001"), ("2026-11-23", "A002"), ("2026-11-24", "A001")]


def test_the_day_does_not_roll_at_utc_midnight(hall, clock):
    clock.set(datetime(2026, 11, 23, 23, 59, tzinfo=UTC))  # 07:59 on the 24th in Shanghai
    issue(hall, enforce_hours=False)
    clock.set(datetime(2026, 11, 24, 0, 1, tzinfo=UTC))  # 08:01 on the 24th: same business day
    assert issue(hall, enforce_hours=False)["number"] == "A002"


@BOTH_DATABASES
def test_sixteen_threads_issuing_two_hundred_each_never_duplicate_a_number(make_hall):
    hall = make_hall(synchronous_bus=False)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker():
        try:
            mine = [issue(hall, "SB" if i % 2 else "GJJ")["number"] for i in range(200)]
        except BaseException as exc:  # report in the main thread
            errors.append(exc)
            return
        with lock:
            numbers.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(numbers) == 3200
    duplicates = [n for n, count in Counter(numbers).items() if count > 1]
    assert duplicates == []
    assert {n for n in numbers if n.startswith("A")} == {format_number("A", i, 3) for i in range(1, 1601)}
    with hall.uow(write=False) as uow:
        stored = uow.session.execute(text("SELECT count(*), count(DISTINCT number) FROM tickets")).one()
        counters = dict(uow.session.execute(text("SELECT service, last_seq FROM counters")).all())
    assert tuple(stored) == (3200, 3200)
    assert counters == {"SB": 1600, "GJJ": 1600}


def test_kiosks_are_refused_outside_opening_hours_but_staff_may_issue(hall, clock):
    clock.set(datetime(2026, 11, 23, 4, 30, tzinfo=UTC))  # 12:30, lunch break
    with pytest.raises(Refused, match="closed"):
        issue(hall)
    assert issue(hall, enforce_hours=False)["number"] == "A001"


def test_the_daily_cap_refuses_kiosk_tickets_past_it(hall):
    assert [issue(hall, "BDC")["number"] for _ in range(3)] == ["C001", "C002", "C003"]
    with pytest.raises(Refused, match="limit of 3"):
        issue(hall, "BDC")


def test_unknown_service_priority_or_kiosk_is_invalid_and_issues_nothing(hall):
    for kw, field in (
        ({"service": "NOPE"}, "service"),
        ({"service": "SB", "priority": "vip"}, "priority"),
        ({"service": "SB", "kiosk": "k9"}, "kiosk"),
    ):
        with pytest.raises(Invalid) as info:
            issue_ticket(hall, IssueTicket(**kw))
        assert info.value.field == field
    assert issue(hall)["number"] == "A001"


@BOTH_DATABASES
def test_a_day_filled_by_seed_goes_on_numbering_after_its_last_seeded_ticket(hall, clock):
    today = clock().astimezone(hall.config.hall.zone).date()
    seed(hall, 1, end=today + timedelta(days=1))  # today itself, as after a time-zone change back into a seeded day
    with hall.uow(write=False) as uow:
        seeded = uow.session.execute(
            select(func.max(orm.tickets.c.seq)).where(
                orm.tickets.c.service == "SB", orm.tickets.c.business_day == today
            )
        ).scalar_one()
    assert issue(hall)["number"] == format_number("A", seeded + 1, 3)
