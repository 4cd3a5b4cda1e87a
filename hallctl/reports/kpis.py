"""KPIs by service, window, staff, hour, day or weekday over a range of business days.

Definitions (docs/metrics.md), applied to every ticket issued on the business
days ``first``..``last`` in the hall's time zone — a transfer's child is a ticket
of its target service:

- issued: tickets; served: finished; no_show: ended as no-show; transferred:
  ended as transferred; held: held at least once.
- wait = first call − issue, over tickets that were called; walk = start − last
  call; service = end − start (finished, or transferred while serving).
- percentiles are nearest-rank: the value at rank ⌈p·n/100⌉ of the sorted values.
- sl_pct: called tickets whose wait was within their service's target, over called tickets.
- ratings: bound ratings of these tickets by level, leaving out those an approved appeal (申诉)
  excluded and those the default rule gave (``ratings_default``, counted apart);
  satisfaction_pct: levels 1–2 over the real ones.

Counts, means and ratings are one SQL aggregate over columns the tickets carry
(``wait_s``, ``walk_s``, ``service_s``, ``issue_hour``, ``issue_weekday``), the
same on SQLite and PostgreSQL; percentiles take a second pass.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from hallctl.domain.model import Outcome

from .groups import GROUPS, Group, R, T, count_if, in_range
from .kpi_days import load


def accumulate(
    session: Session, scope, group_column, targets_s: dict[str, float], per_day: bool = False
) -> dict[tuple, Group]:
    """Groups of the tickets in ``scope``: ``{(business_day or None, key): Group}``.

    Two passes: one aggregate over the columns the tickets carry, one fetching wait and
    service times for the nearest-rank percentiles (about half the time of two
    window-function queries on SQLite, docs/benchmarks.md).
    """
    key = group_column.label("key")
    columns = [T.c.business_day.label("day"), key] if per_day else [key]
    target = case(*((T.c.service == code, literal(seconds)) for code, seconds in targets_s.items()), else_=None)
    stmt = (
        select(
            *columns,
            func.count().label("issued"),
            count_if(T.c.status == "finished").label("served"),
            count_if(T.c.status == "no_show").label("no_show"),
            count_if(T.c.status == "transferred").label("transferred"),
            count_if(T.c.hold_kind.is_not(None)).label("held"),
            func.count(T.c.wait_s).label("called"),
            func.sum(T.c.wait_s).label("wait_sum"),
            func.max(T.c.wait_s).label("wait_max"),
            func.sum(T.c.walk_s).label("walk_sum"),
            func.count(T.c.walk_s).label("walk_n"),
            func.sum(T.c.service_s).label("service_sum"),
            func.count(T.c.service_s).label("service_n"),
            count_if(T.c.wait_s <= target).label("within_target"),
            *(count_if(T.c.outcome == o.value).label(f"outcome_{o.value}") for o in Outcome),
        )
        .where(scope)
        .group_by(*columns)
    )
    groups = {}
    for row in session.execute(stmt):
        figures = row._asdict()
        groups[(figures.pop("day", None), figures.pop("key"))] = Group(figures)
    values = select(*columns, T.c.wait_s, T.c.service_s).where(
        scope, or_(T.c.wait_s.is_not(None), T.c.service_s.is_not(None))
    )
    for *where, wait, service in session.execute(values):
        group = groups[(where[0], where[1]) if per_day else (None, where[0])]
        if wait is not None:
            group.waits.append(wait)
        if service is not None:
            group.services.append(service)
    return groups


def kpis(session: Session, hall_id: str, first: date, last: date, by: str, targets_s: dict[str, float]) -> list[dict]:
    """One row per group, ordered by key (no key first).

    Closed business days rolled up by :mod:`hallctl.reports.rollups` are read from
    there; the other days from the tickets.

    Args:
        targets_s: each service's target wait in seconds (for sl_pct).
    """
    groups: dict = {}
    covered = load(session, hall_id, by, first, last, targets_s, groups)
    scope = in_range(hall_id, first, last)
    live = and_(scope, T.c.business_day.not_in(covered)) if covered else scope
    for (_day, key), group in accumulate(session, live, GROUPS[by], targets_s).items():
        groups.setdefault(key, Group({})).add(group)
    rows = {key: _row(key, group) for key, group in sorted(groups.items(), key=lambda kv: _sort_key(kv[0]))}
    for (group, level, defaulted), count in _ratings(session, GROUPS[by].label("key"), scope).items():
        if defaulted:
            rows[group]["ratings_default"] += count
        else:
            rows[group]["ratings"][str(level)] = count
    for row in rows.values():
        rated = sum(row["ratings"].values())
        good = row["ratings"]["1"] + row["ratings"]["2"]
        row["satisfaction_pct"] = round1(100 * good / rated) if rated else None
    return [_public_key(row, by) for row in rows.values()]


def _sort_key(key) -> tuple:
    return (key is not None, key if key is not None else 0)


def _mean(total, n) -> float | None:
    return round1(total / n) if n else None


def _percentile(values: list[float], p: int) -> float | None:
    return round1(values[nearest_rank(p, len(values)) - 1]) if values else None


def _row(key, group: Group) -> dict:
    f = group.figures
    issued, called = f["issued"], f["called"] or 0
    waits, services = sorted(group.waits), sorted(group.services)
    return {
        "key": key,
        "issued": issued,
        "served": f["served"] or 0,
        "no_show": f["no_show"] or 0,
        "no_show_pct": round1(100 * (f["no_show"] or 0) / issued) if issued else None,
        "transferred": f["transferred"] or 0,
        "held": f["held"] or 0,
        "called": called,
        "wait_mean_s": _mean(f["wait_sum"], called),
        "wait_p50_s": _percentile(waits, 50),
        "wait_p90_s": _percentile(waits, 90),
        "wait_max_s": round1(f["wait_max"]),
        "walk_mean_s": _mean(f["walk_sum"], f["walk_n"]),
        "service_mean_s": _mean(f["service_sum"], f["service_n"]),
        "service_p50_s": _percentile(services, 50),
        "service_p90_s": _percentile(services, 90),
        "sl_pct": round1(100 * (f["within_target"] or 0) / called) if called else None,
        "ratings": {str(level): 0 for level in range(1, 6)},
        "ratings_default": 0,
        "satisfaction_pct": None,
        "outcomes": {o.value: f[f"outcome_{o.value}"] or 0 for o in Outcome},
    }


def _ratings(session: Session, key, scope) -> dict:
    """(group, level, given by the default rule) → count, over bound ratings not excluded by an appeal."""
    defaulted = R.c.channel == "default"
    stmt = (
        select(key, R.c.level, defaulted, func.count())
        .select_from(T.join(R, R.c.ticket_id == T.c.id))
        .where(scope, R.c.bound, R.c.excluded.is_(False))
        .group_by(key, R.c.level, defaulted)
    )
    return {(group, level, bool(flag)): count for group, level, flag, count in session.execute(stmt)}


def nearest_rank(p: int, n: int) -> int:
    """The 1-based rank of the p-th percentile among n sorted values: ⌈p·n/100⌉."""
    return (p * n + 99) // 100


def round1(value) -> float | None:
    """The value as a float rounded to one decimal; None stays None."""
    return None if value is None else round(float(value), 1)


def _public_key(row: dict, by: str) -> dict:
    if by == "day" and row["key"] is not None:
        row["key"] = row["key"].isoformat()
    return row


FLAT_COLUMNS = [
    "key",
    "issued",
    "served",
    "no_show",
    "no_show_pct",
    "transferred",
    "held",
    "called",
    "wait_mean_s",
    "wait_p50_s",
    "wait_p90_s",
    "wait_max_s",
    "walk_mean_s",
    "service_mean_s",
    "service_p50_s",
    "service_p90_s",
    "sl_pct",
    *(f"ratings_{n}" for n in range(1, 6)),
    "ratings_default",
    "satisfaction_pct",
    *(f"outcome_{o.value}" for o in Outcome),
]


def flatten(row: dict) -> dict:
    """One flat record per row, for CSV and XLSX."""
    flat = {k: v for k, v in row.items() if k not in ("ratings", "outcomes")}
    flat.update({f"ratings_{level}": count for level, count in row["ratings"].items()})
    flat.update({f"outcome_{name}": count for name, count in row["outcomes"].items()})
    return {column: flat.get(column) for column in FLAT_COLUMNS}
