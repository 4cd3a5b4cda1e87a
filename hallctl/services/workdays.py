"""Working days on the Chinese calendar: public holidays and the weekend days made working days (调休).

Uses the ``chinesecalendar`` package, which carries each year's State Council
schedule once it is published; for a year it does not know yet, Monday to
Friday are assumed and a warning is logged once — update the package then.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar

log = logging.getLogger(__name__)
_warned: set[int] = set()


def is_workday(day: date) -> bool:
    """Whether ``day`` is a working day in mainland China (Monday–Friday when the year's calendar is unknown)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned:
            _warned.add(day.year)
            log.warning(
                "the Chinese holiday calendar for %d is not installed; counting Monday-Friday "
                "(upgrade the chinesecalendar package)",
                day.year,
            )
        return day.isoweekday() <= 5


def add_working_days(start: date, days: int) -> date:
    """The working day that is ``days`` working days after ``start`` (``start`` itself not counted)."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day
