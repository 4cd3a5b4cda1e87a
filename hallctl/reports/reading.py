"""The read side as a hall asks for it: each function opens its own read-only session on the hall's database.

The web views call these with the hall and the request's parameters; they never see a session or SQL.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy.orm import Session

from hallctl.adapters.unit_of_work import UnitOfWork as SqlUnitOfWork
from hallctl.domain.model import business_day
from hallctl.services.context import Hall

from . import export, heatmap, kpis, ratings, repeat_visits, staffing


@contextmanager
def read_session(hall: Hall) -> Iterator[Session]:
    """A read-only SQLAlchemy session on the hall's database, closed when the block ends.

    Raises:
        TypeError: the hall runs on a storage that is not an SQL database (reports need SQL).
    """
    with hall.uow(write=False) as uow:
        if not isinstance(uow, SqlUnitOfWork):
            raise TypeError(f"reports read an SQL database; this hall's units of work are {type(uow).__name__}")
        yield uow.session


def today(hall: Hall) -> date:
    """The hall's business day now, in its time zone."""
    return business_day(hall.now(), hall.config.hall.zone)


def kpi_rows(hall: Hall, first: date, last: date, by: str) -> list[dict]:
    """The KPI rows of business days ``first``..``last`` grouped ``by`` (see :func:`hallctl.reports.kpis.kpis`)."""
    targets_s = {s.code: s.target_wait_min * 60 for s in hall.config.services}
    with read_session(hall) as session:
        return kpis.kpis(session, hall.hall_id, first, last, by, targets_s)


def weekday_hour(hall: Hall, first: date, last: date) -> dict:
    """Arrivals and mean waits by weekday × hour (see :func:`hallctl.reports.heatmap.weekday_hour`)."""
    with read_session(hall) as session:
        return heatmap.weekday_hour(session, hall.hall_id, first, last)


def staffing_plan(hall: Hall, weekday: int, first: date, last: date, share: float, day: date | None) -> dict:
    """Windows needed per interval of ``weekday`` beside those staffed on ``day`` (default: today)."""
    with read_session(hall) as session:
        return staffing.staffing_plan(session, hall.config, weekday, first, last, share, day or today(hall))


def public_results(hall: Hall, first: date, last: date) -> dict:
    """The published 好差评 results of ``first``..``last`` (see :func:`hallctl.reports.ratings.public_results`)."""
    with read_session(hall) as session:
        return ratings.public_results(session, hall.config, first, last)


def monthly_rankings(hall: Hall, month: str, by: str) -> dict:
    """Windows or staff (``by``) of ``month`` (``YYYY-MM``) ranked by satisfaction: ``{month, by, rows}``."""
    first = date.fromisoformat(month + "-01")
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])  # no day after it: 9999-12 is fine
    with read_session(hall) as session:
        rows = ratings.rankings(session, hall.hall_id, first, last, by)
    return {"month": month, "by": by, "rows": rows}


def repeat_visit_rows(hall: Hall, first: date, last: date, within_days: int) -> list[dict]:
    """Per service, citizens who came again within ``within_days`` (see :mod:`hallctl.reports.repeat_visits`)."""
    with read_session(hall) as session:
        return repeat_visits.repeat_visits(session, hall.hall_id, first, last, within_days)


def ticket_csv(hall: Hall, first: date, last: date) -> Iterator[str]:
    """The per-ticket export of ``first``..``last`` as CSV lines, read in one snapshot while they stream."""
    with read_session(hall) as session:
        yield from export.csv_lines(export.ticket_rows(session, hall.hall_id, first, last))
