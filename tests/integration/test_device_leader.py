"""One process drives the devices: the leader lock, takeover, and device jobs relayed from the other processes."""

import json
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
import redis

from hallctl.adapters.database import open_database
from hallctl.adapters.leader import LeaderLock
from hallctl.bootstrap import bootstrap
from hallctl.config import parse_config
from hallctl.domain import events as ev
from hallctl.domain.model import Outcome
from hallctl.services import windows
from hallctl.services.tickets import IssueTicket, issue_ticket
from hallctl.services.windows import WindowAction
from tests.conftest import BOTH_DATABASES, hall_toml, with_queue
from tests.integration.test_printer import FAST, printer_config
from tests.integration.test_voice import voice_toml

HOLD = """
import sys, time
from hallctl.adapters.database import open_database
from hallctl.adapters.leader import LeaderLock
assert LeaderLock(open_database(sys.argv[1]), "t").acquire()
print("held", flush=True)
time.sleep(60)
"""


@BOTH_DATABASES
def test_the_leader_lock_has_one_holder_and_passes_on_when_the_holder_is_killed(db_url):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, db_url], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        mine = LeaderLock(open_database(db_url), "t")
        assert mine.acquire() is False
        assert LeaderLock(open_database(db_url), "another-hall").acquire() or db_url.startswith("sqlite")
        holder.kill()  # kill -9: no clean-up runs
        holder.wait(timeout=10)
        deadline = time.monotonic() + 10
        while not mine.acquire():
            assert time.monotonic() < deadline, "the lock of a killed process was never released"
            time.sleep(0.05)
        assert mine.held()
        mine.release()
        assert not mine.held()
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_every_event_kind_survives_the_trip_to_another_process():
    at = datetime(2026, 11, 23, 1, 2, 3, tzinfo=UTC)
    samples = [
        ev.TicketIssued(at=at, ticket_id=1, number="A001", service="SB", priority="green", kiosk="k1"),
        ev.TicketCalled(at=at, window=3, staff="li", ticket_id=1, number="A001", service="SB", recall=True),
        ev.TicketFinished(
            at=at, window=3, ticket_id=1, number="A001", service="SB", outcome="completed", service_s=61.5
        ),
        ev.EvaluatorInvited(at=at, window=3, staff="li", ticket_id=1, until=at),
        ev.RatingRecorded(at=at, window=3, ticket_id=1, rating_id=9, level=5, channel="phone", reasons=["态度差"]),
        ev.TicketPrintRequested(at=at, ticket_id=1, number="A001", printer="printer-k1", reprint=True),
        ev.DeviceChanged(at=at, device="printer-k1", device_kind="printer", state="paper_out", detail="缺纸"),
        ev.WindowUnpaused(at=at, window=2, staff="li", paused_s=12.0),
    ]
    for event in samples:
        assert ev.from_wire(ev.to_wire(event)) == event
    with pytest.raises(ValueError, match="unknown event kind 'ticket_teleported'"):
        ev.from_wire({"kind": "ticket_teleported", "at": at.isoformat()})
    with pytest.raises(ValueError, match="ticket_called"):
        ev.from_wire({"kind": "ticket_called", "number": "A001"})  # no time
    newer = {**ev.to_wire(samples[1]), "colour": "red"}  # a field from a newer version is ignored
    assert ev.from_wire(newer) == samples[1]


@pytest.fixture
def two_processes(db_url, clock, printer, redis_url):
    """Two halls on one database and one Redis, as two server processes would be; the first leads."""
    text = with_queue(printer_config(db_url, printer.url), redis_url)
    halls = [bootstrap(parse_config(text), clock=clock, devices=True, printer_timing=FAST) for _ in range(2)]
    yield halls
    for hall in halls:
        hall.close()


@BOTH_DATABASES
def test_a_ticket_issued_by_a_process_without_devices_is_printed_once_by_the_leader(two_processes, printer):
    leader, follower = two_processes
    assert leader.device_host.leading and not follower.device_host.leading
    ticket = issue_ticket(follower, IssueTicket(service="SB", kiosk="k1"))
    [printed] = printer.wait_for_tickets(1, timeout=5)
    assert printed.big_lines() == [ticket["number"]]
    deadline = time.monotonic() + 5
    while (
        leader.devices.get("printer-k1")["state"] != "ready" or follower.devices.get("printer-k1")["state"] != "ready"
    ):
        assert time.monotonic() < deadline, "the follower never learned the printer's state from the leader"
        time.sleep(0.02)
    time.sleep(0.3)
    assert len(printer.tickets) == 1


@BOTH_DATABASES
def test_when_the_leader_stops_the_other_process_takes_the_devices_and_prints_what_was_left(two_processes, printer):
    leader, follower = two_processes
    leader.close()
    orphan = issue_ticket(follower, IssueTicket(service="SB", kiosk="k1"))  # nobody drives the printer now
    deadline = time.monotonic() + 10
    while not follower.device_host.leading:
        assert time.monotonic() < deadline, "the second process never took the devices over"
        time.sleep(0.05)
    [printed] = printer.wait_for_tickets(1, timeout=5)
    assert printed.big_lines() == [orphan["number"]]
    after = issue_ticket(follower, IssueTicket(service="SB", kiosk="k1"))
    assert [t.big_lines() for t in printer.wait_for_tickets(2, timeout=5)] == [[orphan["number"]], [after["number"]]]


@pytest.fixture
def two_voiced(db_url, clock, redis_url, pack):
    text = with_queue(voice_toml(db_url, pack), redis_url)
    halls = [bootstrap(parse_config(text), clock=clock, devices=True) for _ in range(2)]
    yield halls
    for hall in halls:
        hall.close()


def test_a_call_made_in_the_standby_process_is_spoken_by_the_leader_only(two_voiced):
    leader, standby = two_voiced
    assert standby.announcer is None
    issue_ticket(standby, IssueTicket(service="SB"))
    windows.login(standby, WindowAction(2, "li"))
    called = windows.call(standby, WindowAction(2, "li"))
    deadline = time.monotonic() + 10
    while not leader.announcer.recent():
        assert time.monotonic() < deadline, "the leader never announced the call made in the other process"
        time.sleep(0.02)
    assert leader.announcer.wait_idle(30)
    [spoken] = leader.announcer.recent()
    assert (spoken["number"], spoken["window"], spoken["state"]) == (called["number"], 2, "played")


def relayed_kinds(hall, redis_url: str, work) -> list[str]:
    """The kinds of event ``hall``'s relay publishes for the other processes while ``work`` runs (which
    finishes a ticket: service times are relayed in every hall, and their event comes last)."""
    pubsub = redis.Redis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(f"hallctl:{hall.hall_id}:events")
    work(hall)
    kinds = []
    deadline = time.monotonic() + 10
    while "ticket_finished" not in kinds:
        assert time.monotonic() < deadline, f"the relay never published the finish; heard {kinds}"
        message = pubsub.get_message(timeout=0.1)
        if message:
            kinds += [event["kind"] for event in json.loads(message["data"])["events"]]
    pubsub.close()
    return kinds


def serve_one(hall) -> None:
    issue_ticket(hall, IssueTicket(service="SB"))
    windows.login(hall, WindowAction(2, "li"))
    windows.call(hall, WindowAction(2, "li"))
    windows.start(hall, WindowAction(2, "li"))
    windows.finish(hall, WindowAction(2, "li"), Outcome.COMPLETED)


def test_the_relay_passes_on_only_what_another_process_acts_on(db_url, clock, redis_url, pack):
    quiet = bootstrap(parse_config(with_queue(hall_toml(db_url), redis_url)), clock=clock)
    try:  # no voice, no RS-485 devices: the other processes only learn service times
        assert relayed_kinds(quiet, redis_url, serve_one) == ["ticket_finished"]
    finally:
        quiet.close()
    voiced = bootstrap(parse_config(with_queue(voice_toml(db_url, pack), redis_url)), clock=clock)
    try:  # the leader speaks calls made in any process
        assert relayed_kinds(voiced, redis_url, serve_one) == ["ticket_called", "ticket_finished"]
    finally:
        voiced.close()
