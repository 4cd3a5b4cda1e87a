"""Erlang C: how many open windows a 30-minute interval needs to meet a service level.

A = λ·E[S] (offered load, in windows); with N > A windows:
P(wait) = (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A))
W_q = P(wait)·E[S]/(N−A);  SL(t) = 1 − P(wait)·e^{−(N−A)·t/E[S]}.
Worked example (docs/metrics.md): λ = 60/h, E[S] = 8 min, N = 10 → P(wait) 0.409, W_q 1.64 min, SL(15 min) 99.0 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from hallctl.adapters import orm


@dataclass(frozen=True)
class ErlangC:
    """Erlang C figures for ``windows`` windows: load in windows, P(wait), mean wait, share within target."""

    windows: int
    load: float  # A, in windows
    p_wait: float  # probability a citizen waits at all
    mean_wait_min: float
    service_level: float  # share answered within the target


def erlang_c(arrivals_per_hour: float, service_min: float, windows: int, target_min: float) -> ErlangC:
    """Erlang C figures; with N ≤ A the queue grows without bound (p_wait 1, infinite wait, SL 0)."""
    load = arrivals_per_hour * service_min / 60
    if windows <= load:
        return ErlangC(windows, load, 1.0, math.inf, 0.0)
    term = 1.0  # A^k/k!, built up to avoid huge powers and factorials
    below = 0.0
    for k in range(windows):
        below += term
        term *= load / (k + 1)
    top = term * windows / (windows - load)
    p_wait = top / (below + top)
    mean_wait = p_wait * service_min / (windows - load)
    level = 1 - p_wait * math.exp(-(windows - load) * target_min / service_min)
    return ErlangC(windows, load, p_wait, mean_wait, level)


def windows_needed(
    arrivals_per_hour: float, service_min: float, target_min: float, share: float = 0.8, limit: int = 200
) -> int:
    """Fewest windows so that at least ``share`` of citizens wait at most ``target_min``."""
    if arrivals_per_hour <= 0:
        return 0
    n = max(1, math.floor(arrivals_per_hour * service_min / 60) + 1)
    while n < limit and erlang_c(arrivals_per_hour, service_min, n, target_min).service_level < share:
        n += 1
    return n


INTERVAL_MIN = 30


def staffing_plan(session, config, weekday: int, first: date, last: date, share: float, day: date) -> dict:
    """Windows needed per 30-minute interval of ``weekday``, from history ``first``..``last``.

    For each service and interval: λ = its tickets issued in that interval on those weekdays, per
    hour and per day; E[S] = their mean service time (else ``avg_service_min``); windows =
    :func:`windows_needed` for the service's ``target_wait_min`` and ``share``. ``needed`` adds the
    services up (as if each had its own windows: an upper bound where windows are shared).
    ``staffed`` is how many windows had someone logged in during the interval on ``day``.
    """
    t, s = orm.tickets, orm.window_sessions
    zone = config.hall.zone
    days = sum(1 for n in range((last - first).days + 1) if (first + timedelta(days=n)).isoweekday() == weekday)
    rows = session.execute(
        select(t.c.service, t.c.issued_at, t.c.service_s).where(
            t.c.hall_id == config.hall.id,
            t.c.business_day >= first,
            t.c.business_day <= last,
            t.c.issue_weekday == weekday,
        )
    ).all()
    counts: dict[tuple[int, str], int] = {}
    durations: dict[tuple[int, str], list[float]] = {}
    for service, issued_at, service_s in rows:
        local = issued_at.astimezone(zone)
        slot = (local.hour * 60 + local.minute) // INTERVAL_MIN
        counts[(slot, service)] = counts.get((slot, service), 0) + 1
        if service_s is not None:
            durations.setdefault((slot, service), []).append(service_s / 60)
    sessions = session.execute(
        select(s.c.window, s.c.started_at, s.c.ended_at).where(s.c.hall_id == config.hall.id)
    ).all()
    intervals = []
    for slot in sorted({slot for slot, _service in counts}):
        services, needed = {}, 0
        for svc in config.services:
            arrivals = counts.get((slot, svc.code), 0) / max(days, 1) * 60 / INTERVAL_MIN
            observed = durations.get((slot, svc.code))
            mean = sum(observed) / len(observed) if observed else svc.avg_service_min
            windows = windows_needed(arrivals, mean, svc.target_wait_min, share)
            services[svc.code] = {
                "arrivals_per_hour": round(arrivals, 2),
                "service_min": round(mean, 2),
                "windows": windows,
            }
            needed += windows
        start = datetime.combine(day, time(), tzinfo=zone) + timedelta(minutes=slot * INTERVAL_MIN)
        end = start + timedelta(minutes=INTERVAL_MIN)
        staffed = len({w for w, began, ended in sessions if began < end and (ended is None or ended > start)})
        intervals.append({"start": start.strftime("%H:%M"), "services": services, "needed": needed, "staffed": staffed})
    return {
        "weekday": weekday,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "days": days,
        "share": share,
        "day": day.isoformat(),
        "intervals": intervals,
    }
