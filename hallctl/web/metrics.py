"""``GET /api/v1/metrics``: the hall's Prometheus metrics (docs/metrics.md, section "Prometheus").

Each app has its own registry (tests build many apps in one process). Requests are counted by the URL rule that
matched (``/api/v1/tickets/<int:ticket_id>``), never the raw path, so the label sets stay bounded; the hall's
gauges (waiting, devices, announcements, the event bus) are read from the hall when Prometheus scrapes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from flask import Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

from hallctl.adapters.eventbus import EventBus
from hallctl.domain import events as ev
from hallctl.services import gauges
from hallctl.services.context import Hall

from .api import ApiBlueprint
from .roles import METRICS_READERS

bp = ApiBlueprint("metrics", __name__)
REGISTRY_KEY = "hallctl.metrics"
UNMATCHED = "<unmatched>"
"""The route label of a request no URL rule matched (a 404 for an unknown path)."""
DEVICE_STATES = ("ready", "paper_near_end", "paper_out", "cover_open", "offline", "error", "unknown")
"""The states a device can be in (docs/devices.md); each device has one sample per state, 1 for the current one."""


@bp.api_route(
    "/metrics",
    "GET",
    summary="Prometheus metrics: requests, latency, tickets issued, waiting, devices, announcements, event bus",
    roles=METRICS_READERS,
    responses={200: "Prometheus text format 0.0.4"},
)
def metrics(principal, body, query):
    """The app's metrics in Prometheus text format; for managers and ``metrics`` tokens."""
    registry = current_app.extensions[REGISTRY_KEY]
    # 0.0.4, not the client's newest: the Prometheus of Debian 12 (2.42) knows no other; the names need no escaping
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_PLAIN_0_0_4)


def instrument(app: Flask, hall: Hall) -> CollectorRegistry:
    """Give ``app`` its registry: request counts and latency by route, tickets issued, and the hall's gauges.

    Returns:
        The registry ``GET /api/v1/metrics`` serves (also ``app.extensions["hallctl.metrics"]``).
    """
    registry = CollectorRegistry(auto_describe=True)
    app.extensions[REGISTRY_KEY] = registry
    _count_requests(app, registry)
    _count_issues(hall, registry)
    registry.register(HallCollector(hall))
    return registry


def _count_requests(app: Flask, registry: CollectorRegistry) -> None:
    """Count every request by method, URL rule and status, and time it by method and URL rule."""
    requests = Counter(
        "hallctl_http_requests",
        "HTTP requests by method, URL rule (not the raw path) and status",
        ["method", "route", "status"],
        registry=registry,
    )
    latency = Histogram(
        "hallctl_http_request_duration_seconds",
        "Time from the request's arrival in Flask to its reply (a streamed body not included), by URL rule",
        ["method", "route"],
        registry=registry,
    )

    @app.before_request
    def start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def count(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        route = request.url_rule.rule if request.url_rule else UNMATCHED
        requests.labels(request.method, route, str(response.status_code)).inc()
        if started is not None:
            latency.labels(request.method, route).observe(time.perf_counter() - started)
        return response


def _count_issues(hall: Hall, registry: CollectorRegistry) -> None:
    """Count the tickets this process issued, by service, from the event bus."""
    issued = Counter(
        "hallctl_tickets_issued", "Tickets issued by this process, by service", ["service"], registry=registry
    )

    def on_issued(batch: list[ev.Event]) -> None:
        for event in batch:
            if isinstance(event, ev.TicketIssued):  # what ``wants`` lets through
                issued.labels(event.service).inc()

    hall.bus.subscribe("metrics", on_issued, wants=lambda event: isinstance(event, ev.TicketIssued))


class HallCollector(Collector):
    """The hall's gauges, read at each scrape: waiting per service, device states, announcements, event-bus lag."""

    def __init__(self, hall: Hall) -> None:
        self.hall = hall

    def describe(self) -> list:
        """Nothing to check at registration (the families depend on the hall's state)."""
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """One family per gauge, read from the hall now."""
        yield self._waiting()
        yield self._devices()
        yield self._announcements()
        yield from self._event_bus()

    def _waiting(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily("hallctl_waiting_tickets", "Tickets waiting now, by service", labels=["service"])
        for service, count in gauges.waiting_by_service(self.hall).items():
            family.add_metric([service], count)
        return family

    def _devices(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily(
            "hallctl_device_state", "1 for each device's current state, 0 for its others", labels=["device", "state"]
        )
        for device in self.hall.devices.snapshot():
            states = DEVICE_STATES if device["state"] in DEVICE_STATES else (*DEVICE_STATES, device["state"])
            for state in states:
                family.add_metric([device["name"], state], 1 if state == device["state"] else 0)
        return family

    def _announcements(self) -> GaugeMetricFamily:
        announcer = self.hall.announcer
        queued = sum(record["state"] == "queued" for record in announcer.recent(limit=10_000)) if announcer else 0
        return GaugeMetricFamily(
            "hallctl_announcements_queued", "Voice announcements waiting to be played by this process", value=queued
        )

    def _event_bus(self) -> Iterator[GaugeMetricFamily]:
        pending = GaugeMetricFamily(
            "hallctl_event_bus_pending_events", "Events queued for a subscriber or being handled", labels=["subscriber"]
        )
        age = GaugeMetricFamily(
            "hallctl_event_bus_oldest_event_age_seconds",
            "Age of the oldest event a subscriber has not finished handling (0 when none)",
            labels=["subscriber"],
        )
        backlogs = self.hall.bus.backlog() if isinstance(self.hall.bus, EventBus) else []
        for backlog in backlogs:
            pending.add_metric([backlog.subscriber], backlog.pending)
            age.add_metric([backlog.subscriber], backlog.oldest_age_s)
        yield pending
        yield age
