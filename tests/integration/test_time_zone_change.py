"""A change of the hall's time zone between two starts: refused while today's tickets are open, else adopted
without numbering a ticket again (issue 19, finding 12)."""

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hallctl.adapters import orm
from hallctl.adapters.database import DatabaseUnusable
from hallctl.bootstrap import bootstrap
from hallctl.config import parse_config
from hallctl.domain.model import Outcome
from hallctl.services import windows as win
from hallctl.services.tickets import IssueTicket, issue_ticket
from hallctl.services.windows import WindowAction
from tests.conftest import BOTH_DATABASES, hall_toml

SHANGHAI, HONOLULU = "Asia/Shanghai", "Pacific/Honolulu"
WINDOW_2 = WindowAction(2, "staff2")  # serves SB only


def config_in(db_url, zone):
    return parse_config(hall_toml(db_url).replace(f'timezone = "{SHANGHAI}"', f'timezone = "{zone}"'))


def start(db_url, zone, clock):
    return bootstrap(config_in(db_url, zone), clock=clock, synchronous_bus=True)


def issue_sb(hall):
    return issue_ticket(hall, IssueTicket(service="SB", enforce_hours=False))["number"]


def active_numbers(hall):
    with hall.uow(write=False) as uow:
        rows = uow.session.execute(
            select(orm.tickets.c.number).where(orm.tickets.c.status.in_(["waiting", "called", "serving", "held"]))
        )
        return sorted(rows.scalars())


@BOTH_DATABASES
def test_a_time_zone_change_while_todays_tickets_wait_is_refused_rather_than_number_them_again(db_url, clock):
    hall = start(db_url, SHANGHAI, clock)  # Monday 09:00 in Shanghai, Sunday 15:00 in Honolulu
    assert [issue_sb(hall), issue_sb(hall)] == ["A001", "A002"]
    hall.close()
    with pytest.raises(DatabaseUnusable) as refused:
        start(db_url, HONOLULU, clock)
    message = str(refused.value)
    assert "\n" not in message
    assert all(words in message for words in ("2 tickets", SHANGHAI, HONOLULU, "2026-11-23"))
    again = start(db_url, SHANGHAI, clock)  # the old zone still starts, and numbering goes on
    try:
        assert issue_sb(again) == "A003"
    finally:
        again.close()


def test_a_time_zone_change_is_adopted_once_todays_tickets_are_done_and_numbers_never_repeat(db_url, clock):
    hall = start(db_url, SHANGHAI, clock)
    win.login(hall, WINDOW_2)
    for _ in range(2):
        issue_sb(hall)
        win.call(hall, WINDOW_2)
        win.start(hall, WINDOW_2)
        win.finish(hall, WINDOW_2, Outcome.COMPLETED)
    hall.close()
    moved = start(db_url, HONOLULU, clock)  # nothing of Monday is open: the change takes effect
    try:
        first = issue_sb(moved)  # Sunday 15:00 in Honolulu: a business day of its own, whose first number is A001
        assert active_numbers(moved) == [first] == ["A001"]
    finally:
        moved.close()


def test_the_next_day_a_change_goes_through_and_yesterdays_waiting_numbers_are_not_issued_again(db_url, clock):
    hall = start(db_url, SHANGHAI, clock)
    assert [issue_sb(hall), issue_sb(hall)] == ["A001", "A002"]  # left waiting at closing time
    hall.close()
    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # Tuesday 09:00 in Shanghai, Monday 15:00 in Honolulu
    moved = start(db_url, HONOLULU, clock)
    try:
        assert issue_sb(moved) == "A003"  # Honolulu's Monday goes on from Monday's counter
        assert active_numbers(moved) == ["A001", "A002", "A003"]
    finally:
        moved.close()


def test_the_cli_refuses_to_open_the_hall_in_another_zone_with_one_line(db_url, tmp_path):
    hall = bootstrap(config_in(db_url, SHANGHAI))  # the real clock, as the command has
    issue_sb(hall)
    hall.close()
    config_file = tmp_path / "hall.toml"
    config_file.write_text(hall_toml(db_url).replace(SHANGHAI, HONOLULU), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "hallctl.cli", "purge", "--config", str(config_file)], capture_output=True, text=True
    )
    assert run.returncode == 2
    [line] = run.stderr.splitlines()
    assert line.startswith("hallctl: ") and "1 ticket of" in line and HONOLULU in line
