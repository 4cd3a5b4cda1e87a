"""最多跑一次: citizens who came back for the same service, from keyed hashes only."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from hallctl.adapters import orm

T = orm.tickets


def repeat_visits(session, hall_id: str, first: date, last: date, within_days: int) -> list[dict]:
    """Per service: citizens identified at the kiosk, and those who came again within ``within_days``."""
    stmt = (
        select(T.c.service, T.c.citizen_hash, T.c.issued_at)
        .where(
            T.c.hall_id == hall_id,
            T.c.business_day >= first,
            T.c.business_day <= last,
            T.c.hop == 0,
            T.c.citizen_hash.is_not(None),
        )
        .order_by(T.c.service, T.c.citizen_hash, T.c.issued_at)
    )
    stats: dict[str, dict] = {}
    previous: tuple | None = None
    for service, citizen, issued_at in session.execute(stmt):
        row = stats.setdefault(service, {"service": service, "citizens": set(), "visits": 0, "repeat": set()})
        row["citizens"].add(citizen)
        row["visits"] += 1
        if previous and previous[:2] == (service, citizen) and issued_at - previous[2] <= timedelta(days=within_days):
            row["repeat"].add(citizen)
        previous = (service, citizen, issued_at)
    out = []
    for row in stats.values():
        citizens, repeat = len(row["citizens"]), len(row["repeat"])
        out.append(
            {
                "service": row["service"],
                "citizens": citizens,
                "visits": row["visits"],
                "repeat_citizens": repeat,
                "one_trip_pct": round(100 * (citizens - repeat) / citizens, 1),
            }
        )
    return out
