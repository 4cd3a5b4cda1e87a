"""Arrivals and waits by weekday × hour of issue, for the dashboard's heat map."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .groups import T, in_range
from .kpis import round1


def weekday_hour(session: Session, hall_id: str, first: date, last: date) -> dict:
    """Per (weekday 1-7, hour 0-23) with tickets: arrivals per such weekday in the range, mean wait.

    ``arrivals_per_day`` divides by the number of calendar days of that weekday in the range
    (days the hall was closed count too, so the figure is what a planner should expect).
    """
    stmt = (
        select(T.c.issue_weekday, T.c.issue_hour, func.count(), func.avg(T.c.wait_s))
        .where(in_range(hall_id, first, last))
        .group_by(T.c.issue_weekday, T.c.issue_hour)
        .order_by(T.c.issue_weekday, T.c.issue_hour)
    )
    days = dict.fromkeys(range(1, 8), 0)
    for offset in range((last - first).days + 1):
        days[(first + timedelta(days=offset)).isoweekday()] += 1
    cells = [
        {
            "weekday": weekday,
            "hour": hour,
            "issued": issued,
            "arrivals_per_day": round1(issued / days[weekday]) if days[weekday] else None,
            "wait_mean_s": round1(wait),
        }
        for weekday, hour, issued, wait in session.execute(stmt)
    ]
    return {"from": first.isoformat(), "to": last.isoformat(), "days": days, "cells": cells}
