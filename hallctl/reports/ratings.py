"""好差评 results: what a hall publishes, and the monthly window and staff rankings.

Only aggregates: no ticket numbers, no comments, nothing about a citizen.
Ratings excluded by an approved appeal are left out; a bad rating counts as
rectified once its follow-up case is closed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select

from hallctl.adapters import orm

T, R, F = orm.tickets, orm.ratings, orm.followups


def _rating_rows(session, hall_id: str, first: date, last: date, key):
    good = func.sum(case((R.c.level <= 2, 1), else_=0))
    bad = func.sum(case((R.c.level >= 4, 1), else_=0))
    rectified = func.sum(case(((R.c.level >= 4) & (F.c.state == "closed"), 1), else_=0))
    stmt = (
        select(
            key.label("key"),
            func.count().label("rated"),
            good.label("good"),
            bad.label("bad"),
            rectified.label("rectified"),
        )
        .select_from(R.join(T, T.c.id == R.c.ticket_id).outerjoin(F, F.c.rating_id == R.c.id))
        .where(
            T.c.hall_id == hall_id,
            T.c.business_day >= first,
            T.c.business_day <= last,
            R.c.bound,
            R.c.excluded.is_(False),
            R.c.channel != "default",
        )
        .group_by(key)
        .order_by(key)
    )
    return {row.key: row for row in session.execute(stmt)}


def _row(row) -> dict:
    """Figures of one group; a group nobody rated has zeros."""
    if row is None:
        return {"rated": 0, "satisfaction_pct": None, "bad": 0, "rectified": 0}
    return {
        "rated": row.rated,
        "satisfaction_pct": round(100 * row.good / row.rated, 1) if row.rated else None,
        "bad": row.bad or 0,
        "rectified": row.rectified or 0,
    }


def public_results(session, config, first: date, last: date) -> dict:
    """Satisfaction by service and window for a period, with bad ratings and how many were rectified."""
    by_service = _rating_rows(session, config.hall.id, first, last, T.c.service)
    by_window = _rating_rows(session, config.hall.id, first, last, T.c.window)
    return {
        "hall": config.hall.name,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "services": [
            {"code": s.code, "name": s.name, "name_en": s.name_en, **_row(by_service.get(s.code))}
            for s in config.services
        ],
        "windows": [{"number": w.number, "name": w.label, **_row(by_window.get(w.number))} for w in config.windows],
    }


def rankings(session, hall_id: str, first: date, last: date, by: str) -> list[dict]:
    """Windows or staff ranked by satisfaction (then fewer bad ratings, then more served); the last two marked."""
    key = T.c.window if by == "window" else T.c.staff
    served = dict(
        session.execute(
            select(key, func.count())
            .where(
                T.c.hall_id == hall_id,
                T.c.business_day >= first,
                T.c.business_day <= last,
                T.c.status == "finished",
                key.is_not(None),
            )
            .group_by(key)
        ).all()
    )
    rated = _rating_rows(session, hall_id, first, last, key)
    keys = set(served) | {k for k in rated if k is not None}
    rows = [{"key": k, "served": served.get(k, 0), **_row(rated.get(k))} for k in keys]
    rows.sort(
        key=lambda r: (
            -(r["satisfaction_pct"] if r["satisfaction_pct"] is not None else -1),
            r["bad"],
            -r["served"],
            str(r["key"]),
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["bottom"] = len(rows) > 2 and rank > len(rows) - 2
    return rows
