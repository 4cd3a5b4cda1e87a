"""Synthetic history for demos, tests and benchmarks (``hallctl seed``).

Each past business day (Monday–Friday, Saturday at a third of the load) gets,
per service, arrivals from a non-homogeneous Poisson process that peaks around
10:00 and 14:30 inside the opening hours; the windows serving a service work
its queue first come, first served; service times are lognormal around the
service's ``avg_service_min``; 5 % no-shows, 3 % transfers (with their linked
child ticket), 2 % holds; 65 % of finished tickets are rated. Rows go in through
bulk inserts, with the same columns the live server writes.
"""

from __future__ import annotations

import heapq
import math
import random
import secrets
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select, text

from hallctl.adapters import orm
from hallctl.config import Config
from hallctl.domain.model import format_number
from hallctl.reports import rollups

LEVEL_WEIGHTS = (0.62, 0.25, 0.08, 0.03, 0.02)
OUTCOME_WEIGHTS = {"completed": 0.6, "accepted": 0.15, "needs_materials": 0.12, "rejected": 0.03, "consulted": 0.10}
PEAKS = ((10.0, 1.0), (14.5, 0.8))  # (hour, relative height)


def _intensity(hour: float) -> float:
    return 0.25 + sum(height * math.exp(-((hour - peak) ** 2) / 1.5) for peak, height in PEAKS)


def _spans(config: Config) -> list[tuple[float, float]]:
    spans = []
    for start, end in config.hall.spans():
        spans.append((start.hour + start.minute / 60, 24.0 if end is None else end.hour + end.minute / 60))
    return [(8.5, 12.0), (13.5, 17.5)] if spans == [(0.0, 24.0)] else spans


def _arrivals(rng: random.Random, per_day: float, spans: list[tuple[float, float]]) -> list[float]:
    """Arrival hours (local) by thinning: a day's expected count is ``per_day``."""
    open_hours = [h / 60 for a, b in spans for h in range(int(a * 60), int(b * 60))]
    peak = max(_intensity(h) for h in open_hours)
    mean = sum(_intensity(h) for h in open_hours) / len(open_hours)
    total_hours = sum(b - a for a, b in spans)
    rate = per_day / total_hours * peak / mean  # candidate arrivals per hour
    out = []
    for a, b in spans:
        t = a
        while True:
            t += rng.expovariate(rate)
            if t >= b:
                break
            if rng.random() < _intensity(t) / peak:
                out.append(t)
    return out


class _Day:
    """Builds one business day's ticket and rating rows."""

    def __init__(self, config: Config, day: date, rng: random.Random, next_id: int) -> None:
        self.config, self.day, self.rng = config, day, rng
        self.zone = config.hall.zone
        self.next_id = next_id
        self.seq: dict[str, int] = {}
        self.tickets: list[dict] = []
        self.ratings: list[dict] = []

    def utc(self, hour: float) -> datetime:
        """The UTC instant of ``hour`` (local, fractional) on this business day."""
        return (datetime.combine(self.day, time(), tzinfo=self.zone) + timedelta(hours=hour)).astimezone(UTC)

    def ticket(self, service: str, issued: float, **fields) -> dict:
        cfg = self.config.service(service)
        seq = self.seq[service] = self.seq.get(service, 0) + 1
        issued_at = self.utc(issued)
        row = {
            "id": self.next_id,
            "hall_id": self.config.hall.id,
            "service": service,
            "number": fields.pop("number", None) or format_number(cfg.prefix, seq, cfg.digits),
            "seq": seq,
            "business_day": self.day,
            "hop": 0,
            "priority": "normal",
            "status": "waiting",
            "issued_at": issued_at,
            "arrival_at": issued_at,
            "track_token": secrets.token_urlsafe(8),
            "kiosk": None,
            "appointment_code": None,
            "appointment_at": None,
            "parent_id": None,
            "target_window": None,
            "window": None,
            "staff": None,
            "outcome": None,
            "first_called_at": None,
            "last_called_at": None,
            "started_at": None,
            "ended_at": None,
            "call_count": 0,
            "no_show_count": 0,
            "hold_kind": None,
            "held_at": None,
            "print_status": "printed",
            "issue_hour": issued_at.astimezone(self.zone).hour,
            "issue_weekday": issued_at.astimezone(self.zone).isoweekday(),
            "wait_s": None,
            "walk_s": None,
            "service_s": None,
            "version": 1,
        }
        row.update(fields)
        self.next_id += 1
        self.tickets.append(row)
        return row

    def serve(self, row: dict, call: float, window: int, mean_min: float) -> float:
        """Call, start and end a ticket at ``call`` hours; returns when the window is free again."""
        rng = self.rng
        row.update(
            window=window,
            staff=f"staff{window}",
            call_count=1,
            first_called_at=self.utc(call),
            last_called_at=self.utc(call),
            wait_s=round((call - row["_issued"]) * 3600, 3),
        )
        if rng.random() < 0.05:
            row.update(status="no_show", no_show_count=1, ended_at=self.utc(call + 60 / 3600))
            return call + 60 / 3600
        walk = rng.uniform(15, 75) / 3600
        minutes = rng.lognormvariate(math.log(mean_min) - 0.125, 0.5)
        start, end = call + walk, call + walk + minutes / 60
        row.update(
            started_at=self.utc(start),
            ended_at=self.utc(end),
            walk_s=round(walk * 3600, 3),
            service_s=round(minutes * 60, 3),
        )
        if rng.random() < 0.02:
            row["hold_kind"], row["held_at"] = "not_holding", self.utc(start + minutes / 120)
        if rng.random() < 0.03:
            row.update(status="transferred")
            self._child(row, end)
            return end
        row.update(status="finished", outcome=rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0])
        if rng.random() < 0.65:
            level = rng.choices(range(1, 6), LEVEL_WEIGHTS)[0]
            self.ratings.append(
                {
                    "hall_id": row["hall_id"],
                    "ticket_id": row["id"],
                    "window": window,
                    "staff": row["staff"],
                    "service": row["service"],
                    "level": level,
                    "channel": "evaluator",
                    "reasons": [],
                    "comment": "",
                    "at": self.utc(end + 10 / 3600),
                    "bound": True,
                }
            )
        return end

    def _child(self, parent: dict, at: float) -> None:
        others = [s.code for s in self.config.services if s.code != parent["service"]]
        if not others:
            return
        target = self.rng.choice(others)
        windows = [w.number for w in self.config.windows if target in w.work_profile]
        child = self.ticket(
            target, at, number=parent["number"], hop=parent["hop"] + 1, parent_id=parent["id"], seq=parent["seq"]
        )
        self.seq[target] -= 1  # the child keeps its parent's number
        child["_issued"] = at
        if windows:
            self.serve(
                child,
                at + self.rng.uniform(1, 10) / 60,
                self.rng.choice(windows),
                self.config.service(target).avg_service_min,
            )


UTILISATION = 0.75


def capacity_per_day(config: Config, service, open_hours: float) -> float:
    """Tickets a day the windows can serve for ``service``: a window serving k services gives each 1/k of its time."""
    share = sum(1 / len(w.work_profile) for w in config.windows if service.code in w.work_profile)
    return share * open_hours * 60 / service.avg_service_min


def seed(
    hall, days: int, end: date | None = None, per_service_day: float | None = None, rng_seed: int = 20261122
) -> int:
    """Fill ``days`` business days ending the day before ``end`` (default today); returns tickets written.

    Args:
        per_service_day: mean tickets per service on a weekday; default 75 % of what its windows can serve.
    """
    config = hall.config
    rng = random.Random(rng_seed)
    end = end or datetime.now(config.hall.zone).date()
    spans = _spans(config)
    with hall.uow() as uow:
        next_id = (
            uow.session.execute(select(orm.tickets.c.id).order_by(orm.tickets.c.id.desc()).limit(1)).scalar() or 0
        ) + 1
        total = 0
        for offset in range(days, 0, -1):
            day = end - timedelta(days=offset)
            if day.isoweekday() == 7:
                continue
            weekday_load = 0.33 if day.isoweekday() == 6 else 1.0
            builder = _Day(config, day, rng, next_id)
            for service in config.services:
                open_hours = sum(b - a for a, b in spans)
                load = weekday_load * (per_service_day or UTILISATION * capacity_per_day(config, service, open_hours))
                windows = [w.number for w in config.windows if service.code in w.work_profile]
                free = [(spans[0][0], n) for n in windows]
                heapq.heapify(free)
                for arrival in _arrivals(rng, load * rng.uniform(0.8, 1.2), spans):
                    row = builder.ticket(service.code, arrival)
                    row["_issued"] = arrival
                    at, window = heapq.heappop(free)
                    done = builder.serve(row, max(at, arrival), window, service.avg_service_min)
                    heapq.heappush(free, (done, window))
            for row in builder.tickets:
                row.pop("_issued", None)
            builder.tickets.sort(key=lambda r: r["id"])
            if builder.tickets:
                uow.session.execute(insert(orm.tickets), builder.tickets)
            if builder.ratings:
                uow.session.execute(insert(orm.ratings), builder.ratings)
            counters = [
                {"hall_id": hall.hall_id, "service": code, "business_day": day, "last_seq": last}
                for code, last in builder.seq.items()
                if last > 0
            ]
            if counters:  # the day numbers on after its seeded tickets (a time-zone change can make it today)
                uow.session.execute(insert(orm.counters), counters)
            next_id = builder.next_id
            total += len(builder.tickets)
        rollups.forget(uow.session, hall.hall_id, end - timedelta(days=days), end - timedelta(days=1))
        _advance_sequences(uow.session)
        uow.session.commit()
    return total


def _advance_sequences(session) -> None:
    """The rows were written with their ids; on PostgreSQL move the id sequences past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in (orm.tickets, orm.ratings):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
            )
        )
