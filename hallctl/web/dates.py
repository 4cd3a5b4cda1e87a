"""Dates, instants and months as a request may give them: real calendar dates within the years a hall can have.

Every date-like field of a body or a query uses one of these types, so a service never sees year 1, the end of
year 9999 or 30 February: converting such a date to the hall's time zone, or adding a day to it, overflows
Python's calendar (an uncaught ``OverflowError``, a 500). A date outside the bounds, or one that is not in the
calendar, is a 422 that names the field and says what is accepted.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, Field, Strict, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError

EARLIEST = date(2000, 1, 1)
"""The first day a hall's records or requests may name."""
LATEST = date(2099, 12, 31)
"""The last day a hall's records or requests may name (far from the calendar's end in any time zone)."""
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"

_DAY_MESSAGE = f"a date YYYY-MM-DD from {EARLIEST} to {LATEST} / 日期须为 {EARLIEST} 至 {LATEST} 之间的 YYYY-MM-DD"
_MOMENT_MESSAGE = (
    f"an ISO 8601 time with its UTC offset, from {EARLIEST} to {LATEST}"
    f" / 时间须为带时区的 ISO 8601 时间，日期在 {EARLIEST} 至 {LATEST} 之间"
)
_FIRST_MONTH, _LAST_MONTH = f"{EARLIEST:%Y-%m}", f"{LATEST:%Y-%m}"
_MONTH_MESSAGE = (
    f"a month YYYY-MM from {_FIRST_MONTH} to {_LAST_MONTH} / 月份须为 {_FIRST_MONTH} 至 {_LAST_MONTH} 之间的 YYYY-MM"
)


def _out_of_range(message: str) -> PydanticCustomError:
    return PydanticCustomError("date_out_of_range", message)


def _bounded_day(value: Any, handler: ValidatorFunctionWrapHandler) -> date:
    try:
        day: date = handler(value)
    except ValueError:  # pydantic's ValidationError is a ValueError: not a date of the calendar
        raise _out_of_range(_DAY_MESSAGE) from None
    if not EARLIEST <= day <= LATEST:
        raise _out_of_range(_DAY_MESSAGE)
    return day


def _bounded_moment(value: Any, handler: ValidatorFunctionWrapHandler) -> datetime:
    try:
        moment: datetime = handler(value)
    except ValueError:  # not an ISO 8601 time with an offset, or not a date of the calendar
        raise _out_of_range(_MOMENT_MESSAGE) from None
    # the date as written (its own offset): within the bounds, the UTC instant is within a day of them
    if not EARLIEST <= moment.date() <= LATEST:
        raise _out_of_range(_MOMENT_MESSAGE)
    return moment


def _bounded_month(value: Any, _handler: ValidatorFunctionWrapHandler) -> str:
    if not isinstance(value, str) or not re.fullmatch(MONTH_PATTERN, value, re.ASCII):
        raise _out_of_range(_MONTH_MESSAGE)
    if not _FIRST_MONTH <= value <= _LAST_MONTH:  # same width: text order is time order
        raise _out_of_range(_MONTH_MESSAGE)
    return value


Day = Annotated[
    date,
    Strict(False),  # a wrap validator hands the inner one the JSON text, which a strict date refuses
    WrapValidator(_bounded_day),
    Field(description=f"YYYY-MM-DD, {EARLIEST} to {LATEST}", examples=["2026-03-02"]),
]
"""A calendar date from :data:`EARLIEST` to :data:`LATEST`."""
Moment = Annotated[
    AwareDatetime,
    Strict(False),  # as for Day: the inner validator gets the JSON text
    WrapValidator(_bounded_moment),
    Field(description=f"ISO 8601 with a UTC offset, {EARLIEST} to {LATEST}", examples=["2026-03-02T09:30:00+08:00"]),
]
"""An aware ISO 8601 instant whose date (as written) is from :data:`EARLIEST` to :data:`LATEST`."""
Month = Annotated[
    str,
    WrapValidator(_bounded_month),
    Field(
        description=f"YYYY-MM, {_FIRST_MONTH} to {_LAST_MONTH}",
        examples=["2026-03"],
        json_schema_extra={"pattern": MONTH_PATTERN},
    ),
]
"""A month ``YYYY-MM`` from :data:`EARLIEST`'s to :data:`LATEST`'s."""
