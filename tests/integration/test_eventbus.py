"""The in-process event bus: each subscriber gets, in order, the events it wants and no others; a failing
subscriber does not stop the rest; events relayed from another process reach only the remote subscribers."""

import threading
from datetime import UTC, datetime

import pytest

from hallctl.adapters.eventbus import EventBus
from hallctl.domain import events as ev

AT = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def issued(n: int) -> ev.TicketIssued:
    return ev.TicketIssued(at=AT, ticket_id=n, number=f"A{n:03d}", service="SB")


def called(n: int, window: int = 1) -> ev.TicketCalled:
    return ev.TicketCalled(at=AT, ticket_id=n, number=f"A{n:03d}", service="SB", window=window, staff="s1")


class Recorder:
    def __init__(self) -> None:
        self.batches: list[list[ev.Event]] = []
        self.threads: set[str] = set()

    def __call__(self, batch: list[ev.Event]) -> None:
        self.batches.append(batch)
        self.threads.add(threading.current_thread().name)

    @property
    def numbers(self) -> list[str]:
        return [event.number for batch in self.batches for event in batch]


@pytest.fixture(params=[False, True], ids=["threads", "inline"])
def bus(request):
    bus = EventBus(synchronous=request.param)
    yield bus
    bus.close()


def test_a_subscriber_gets_only_the_events_it_wants_and_is_not_called_for_a_batch_without_one(bus):
    everything, calls = Recorder(), Recorder()
    bus.subscribe("all", everything)
    bus.subscribe("calls", calls, wants=lambda event: isinstance(event, ev.TicketCalled))
    bus.publish([issued(1), issued(2)])
    bus.publish([issued(3), called(1), issued(4), called(3)])
    bus.drain()
    assert everything.numbers == ["A001", "A002", "A003", "A001", "A004", "A003"]
    assert calls.numbers == ["A001", "A003"]
    assert all(isinstance(event, ev.TicketCalled) for batch in calls.batches for event in batch)
    assert len(calls.batches) == 1, "the batch of issues alone must not reach the calls subscriber"


def test_subscribers_run_in_their_own_threads_and_one_that_fails_does_not_stop_the_others():
    bus = EventBus()
    try:
        good = Recorder()

        def broken(batch):
            raise RuntimeError("the LED line is gone")

        bus.subscribe("broken", broken)
        bus.subscribe("good", good)
        bus.publish([issued(1)])
        bus.publish([issued(2)])
        bus.drain()
        assert good.numbers == ["A001", "A002"]
        assert good.threads == {"bus-good"}
    finally:
        bus.close()


def test_events_of_another_process_reach_only_remote_subscribers_that_want_them(bus):
    local, printers, voice = Recorder(), Recorder(), Recorder()
    bus.subscribe("socketio", local)
    bus.subscribe("printers", printers, remote=True, wants=lambda event: isinstance(event, ev.TicketIssued))
    bus.subscribe("voice", voice, remote=True, wants=lambda event: isinstance(event, ev.TicketCalled))
    bus.publish_remote([issued(7), called(7, window=2)])
    bus.drain()
    assert local.numbers == []
    assert printers.numbers == ["A007"] and voice.numbers == ["A007"]
    assert voice.batches[0][0].window == 2


def test_after_unsubscribing_a_subscriber_hears_nothing_more(bus):
    gone = Recorder()
    bus.subscribe("gone", gone)
    bus.publish([issued(1)])
    bus.drain()
    bus.unsubscribe("gone")
    bus.publish([issued(2)])
    bus.drain()
    assert gone.numbers == ["A001"]
