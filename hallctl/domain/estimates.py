"""Wait estimates shown to citizens (kiosk, ticket, phone page).

Queue-length estimator: with ``n`` tickets ahead competing for ``s`` windows
of which ``f`` are free, and mean service time ``S`` minutes, the ticket waits
for k = n − f + 1 departures at rate s/S: about k·S/s (none when n < f).
Even a perfect model errs by about 1/√k (the Erlang spread), so we show a
range, never a single number (REFERENCE.md §7).

``S`` is learned: an exponentially weighted moving average of service times per
service and local hour, seeded from history at start and updated on every
finish; until a service and hour have history, the service's overall average,
and before that its configured ``avg_service_min``.
"""

from __future__ import annotations

import math
import threading
from datetime import datetime, tzinfo

from .events import Event, TicketFinished

ALPHA = 0.05  # weight of each new service time (about the last 40 tickets matter)
MIN_SAMPLES = 10  # a (service, hour) average is trusted after this many services


def wait_range(ahead: int, servers: int, mean_service_min: float, free: int = 0) -> tuple[int, int]:
    """Estimated wait in whole minutes as ``[lo, hi]``.

    Args:
        ahead: tickets ahead of this one in its queue.
        servers: windows currently serving that queue (at least 1 is assumed).
        mean_service_min: mean service time of the service, minutes.
        free: of those windows, how many are free now.
    """
    lo, hi, _point = wait_estimate(ahead, servers, mean_service_min, free)
    return lo, hi


def wait_estimate(ahead: int, servers: int, mean_service_min: float, free: int = 0) -> tuple[int, int, float]:
    """``(lo, hi, point)``: the range in whole minutes and the point estimate in minutes."""
    servers = max(servers, 1)
    departures = ahead - min(free, servers) + 1
    if departures <= 0:  # a window is free for this ticket
        return 0, math.ceil(mean_service_min / servers), 0.0
    mean = departures * mean_service_min / servers
    spread = 1 / math.sqrt(departures)
    return max(0, math.floor(mean * (1 - spread))), math.ceil(mean * (1 + spread)), mean


class _Average:
    """An exponentially weighted moving average and how many values it has seen."""

    __slots__ = ("samples", "value")

    def __init__(self) -> None:
        self.value = 0.0
        self.samples = 0

    def add(self, x: float) -> None:
        self.value = x if self.samples == 0 else (1 - ALPHA) * self.value + ALPHA * x
        self.samples += 1


class ServiceTimes:
    """Learned mean service time (minutes) per service and local hour."""

    def __init__(self, defaults_min: dict[str, float], zone: tzinfo) -> None:
        self.defaults = defaults_min
        self.zone = zone
        self._by_hour: dict[tuple[str, int], _Average] = {}
        self._overall: dict[str, _Average] = {}
        self._lock = threading.Lock()

    def observe(self, service: str, ended_at: datetime, service_s: float) -> None:
        """Learn one finished service of ``service_s`` seconds."""
        hour = ended_at.astimezone(self.zone).hour
        with self._lock:
            self._by_hour.setdefault((service, hour), _Average()).add(service_s / 60)
            self._overall.setdefault(service, _Average()).add(service_s / 60)

    def mean_min(self, service: str, at: datetime) -> float:
        """The mean service time of ``service`` at the local hour of ``at`` (minutes)."""
        hour = at.astimezone(self.zone).hour
        with self._lock:
            by_hour = self._by_hour.get((service, hour))
            if by_hour is not None and by_hour.samples >= MIN_SAMPLES:
                return by_hour.value
            overall = self._overall.get(service)
            if overall is not None and overall.samples >= MIN_SAMPLES:
                return overall.value
        return self.defaults[service]

    def on_domain_events(self, batch: list[Event]) -> None:
        """Learn from each finish as it happens."""
        for event in batch:
            if isinstance(event, TicketFinished) and event.service_s is not None and event.service in self.defaults:
                self.observe(event.service, event.at, event.service_s)
