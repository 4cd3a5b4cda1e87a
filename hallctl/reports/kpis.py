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

from hallctl.adapters import orm
from hallctl.domain.model import Outcome

T, R = orm.tickets, orm.ratings
GROUPS = {
    "service": T.c.service, "window": T.c.window, "staff": T.c.staff,
    "hour": T.c.issue_hour, "day": T.c.business_day, "weekday": T.c.issue_weekday,
}
PERCENTILES = (50, 90)


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _scope(hall_id: str, first: date, last: date):
    return and_(T.c.hall_id == hall_id, T.c.business_day >= first, T.c.business_day <= last)


def kpis(session: Session, hall_id: str, first: date, last: date, by: str,
         targets_s: dict[str, float]) -> list[dict]:
    """One row per group, ordered by key.

    Args:
        targets_s: each service's target wait in seconds (for sl_pct).
    """
    key = GROUPS[by].label("key")
    scope = _scope(hall_id, first, last)
    target = case(*((T.c.service == code, literal(seconds)) for code, seconds in targets_s.items()), else_=None)
    stmt = select(
        key, func.count().label("issued"),
        _count(T.c.status == "finished").label("served"), _count(T.c.status == "no_show").label("no_show"),
        _count(T.c.status == "transferred").label("transferred"), _count(T.c.hold_kind.is_not(None)).label("held"),
        func.count(T.c.wait_s).label("called"), func.avg(T.c.wait_s).label("wait_mean_s"),
        func.max(T.c.wait_s).label("wait_max_s"), func.avg(T.c.walk_s).label("walk_mean_s"),
        func.avg(T.c.service_s).label("service_mean_s"), _count(T.c.wait_s <= target).label("within_target"),
        *(_count(T.c.outcome == o.value).label(f"outcome_{o.value}") for o in Outcome),
    ).where(scope).group_by(key).order_by(key)
    rows = {row.key: _row(row) for row in session.execute(stmt)}
    for (group, level), count in _ratings(session, key, scope).items():
        rows[group]["ratings"][str(level)] = count
    for group, count in _defaulted(session, key, scope).items():
        rows[group]["ratings_default"] = count
    for (group, column, p), value in _percentiles(session, GROUPS[by], scope).items():
        rows[group][f"{column}_p{p}_s"] = _round(value)
    for row in rows.values():
        rated = sum(row["ratings"].values())
        good = row["ratings"]["1"] + row["ratings"]["2"]
        row["satisfaction_pct"] = _round(100 * good / rated) if rated else None
    return [_public_key(row, by) for row in rows.values()]


def _row(row) -> dict:
    called = row.called or 0
    return {
        "key": row.key, "issued": row.issued, "served": row.served or 0, "no_show": row.no_show or 0,
        "no_show_pct": _round(100 * (row.no_show or 0) / row.issued) if row.issued else None,
        "transferred": row.transferred or 0, "held": row.held or 0, "called": called,
        "wait_mean_s": _round(row.wait_mean_s), "wait_p50_s": None, "wait_p90_s": None,
        "wait_max_s": _round(row.wait_max_s), "walk_mean_s": _round(row.walk_mean_s),
        "service_mean_s": _round(row.service_mean_s), "service_p50_s": None, "service_p90_s": None,
        "sl_pct": _round(100 * (row.within_target or 0) / called) if called else None,
        "ratings": {str(level): 0 for level in range(1, 6)}, "ratings_default": 0, "satisfaction_pct": None,
        "outcomes": {o.value: getattr(row, f"outcome_{o.value}") or 0 for o in Outcome},
    }


def _ratings(session: Session, key, scope) -> dict:
    stmt = (select(key, R.c.level, func.count()).select_from(T.join(R, R.c.ticket_id == T.c.id))
            .where(scope, R.c.bound, R.c.excluded.is_(False), R.c.channel != "default").group_by(key, R.c.level))
    return {(group, level): count for group, level, count in session.execute(stmt)}


def _defaulted(session: Session, key, scope) -> dict:
    stmt = (select(key, func.count()).select_from(T.join(R, R.c.ticket_id == T.c.id))
            .where(scope, R.c.channel == "default").group_by(key))
    return dict(session.execute(stmt).all())


def _percentiles(session: Session, group_column, scope) -> dict:
    """Nearest-rank p50 and p90 of wait and service per group.

    One pass fetching the two columns and sorting per group in Python: on SQLite this
    takes about half the time of two window-function queries (docs/benchmarks.md).
    """
    values: dict[tuple, list[float]] = {}
    stmt = select(group_column, T.c.wait_s, T.c.service_s).where(
        scope, or_(T.c.wait_s.is_not(None), T.c.service_s.is_not(None)))
    for group, wait, service in session.execute(stmt):
        if wait is not None:
            values.setdefault((group, "wait"), []).append(wait)
        if service is not None:
            values.setdefault((group, "service"), []).append(service)
    out = {}
    for (group, column), numbers in values.items():
        numbers.sort()
        for p in PERCENTILES:
            out[(group, column, p)] = numbers[nearest_rank(p, len(numbers)) - 1]
    return out


def nearest_rank(p: int, n: int) -> int:
    """The 1-based rank of the p-th percentile among n sorted values: ⌈p·n/100⌉."""
    return (p * n + 99) // 100


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _public_key(row: dict, by: str) -> dict:
    if by == "day" and row["key"] is not None:
        row["key"] = row["key"].isoformat()
    return row


FLAT_COLUMNS = ["key", "issued", "served", "no_show", "no_show_pct", "transferred", "held", "called",
                "wait_mean_s", "wait_p50_s", "wait_p90_s", "wait_max_s", "walk_mean_s", "service_mean_s",
                "service_p50_s", "service_p90_s", "sl_pct", *(f"ratings_{n}" for n in range(1, 6)), "ratings_default",
                "satisfaction_pct", *(f"outcome_{o.value}" for o in Outcome)]


def flatten(row: dict) -> dict:
    """One flat record per row, for CSV and XLSX."""
    flat = {k: v for k, v in row.items() if k not in ("ratings", "outcomes")}
    flat.update({f"ratings_{level}": count for level, count in row["ratings"].items()})
    flat.update({f"outcome_{name}": count for name, count in row["outcomes"].items()})
    return {column: flat.get(column) for column in FLAT_COLUMNS}
