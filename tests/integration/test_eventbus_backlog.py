"""The event bus's lag read-out (``hallctl_event_bus_*`` metrics): a subscriber that falls behind is visible."""

import threading
from datetime import UTC, datetime

from hallctl.adapters.eventbus import Backlog, EventBus
from hallctl.domain import events as ev

AT = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def issued(n: int) -> ev.TicketIssued:
    return ev.TicketIssued(at=AT, ticket_id=n, number=f"A{n:03d}", service="SB")


def test_a_stuck_subscriber_shows_how_many_events_wait_for_it_and_since_when():
    bus = EventBus()
    entered, release = threading.Event(), threading.Event()

    def stuck_led(batch: list[ev.Event]) -> None:
        entered.set()
        release.wait(10)

    bus.subscribe("led", stuck_led)
    bus.subscribe("socketio", lambda batch: None, wants=lambda event: False)
    try:
        bus.publish([issued(1)])
        assert entered.wait(5)
        bus.publish([issued(2), issued(3)])
        bus.publish([issued(4)])

        behind = {backlog.subscriber: backlog for backlog in bus.backlog()}

        assert behind["led"].pending == 4  # one being handled, three queued
        assert behind["led"].oldest_age_s > 0
        assert behind["socketio"] == Backlog("socketio", 0, 0.0)
        release.set()
        bus.drain()
        assert {backlog.subscriber: backlog.pending for backlog in bus.backlog()} == {"led": 0, "socketio": 0}
    finally:
        release.set()
        bus.close()


def test_an_inline_bus_is_never_behind():
    bus = EventBus(synchronous=True)
    bus.subscribe("led", lambda batch: None)
    bus.publish([issued(1)])

    assert bus.backlog() == [Backlog("led", 0, 0.0)]
