"""The request date types of hallctl/web/dates.py (issue 19, finding 11), as properties over the whole calendar:
whatever they accept, a hall in any time zone can turn into its business day and step a day or a month from,
without overflowing; whatever they refuse is a validation error (a 422), never another exception."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from hallctl.web import schemas
from hallctl.web.dates import EARLIEST, LATEST, Day, Moment, Month

ZONES = [ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12"), ZoneInfo("Asia/Shanghai"), ZoneInfo("UTC")]
OFFSETS = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))


def _refused(adapter: TypeAdapter, text: str) -> None:
    with pytest.raises(ValidationError, match="date_out_of_range"):
        adapter.validate_python(text)


@given(st.datetimes(timezones=OFFSETS))
def test_an_accepted_instant_is_a_business_day_in_any_zone_and_a_refused_one_is_a_validation_error(moment):
    if not EARLIEST <= moment.date() <= LATEST:
        _refused(TypeAdapter(Moment), moment.isoformat())
        return
    accepted = TypeAdapter(Moment).validate_python(moment.isoformat())
    for zone in ZONES:
        day = accepted.astimezone(zone).date()
        assert EARLIEST - timedelta(days=2) <= day <= LATEST + timedelta(days=2)  # offsets up to ±23:59, zones ±14 h
        assert day + timedelta(days=31) > day - timedelta(days=31)


@given(st.dates())
def test_a_day_is_accepted_exactly_within_the_supported_years(day):
    if not EARLIEST <= day <= LATEST:
        _refused(TypeAdapter(Day), day.isoformat())
        return
    assert TypeAdapter(Day).validate_python(day.isoformat()) == day


def _month_of(text: str) -> date | None:
    try:
        first = datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return None
    return first if len(text) == 7 and text.isascii() else None


@given(st.from_regex(r"\A\d{4}-\d{2}\Z") | st.text(max_size=8))
def test_a_month_is_accepted_exactly_when_it_is_a_month_of_the_supported_years(text):
    first = _month_of(text)
    if first is None or not EARLIEST <= first <= LATEST:
        _refused(TypeAdapter(Month), text)
        return
    assert TypeAdapter(Month).validate_python(text) == text


def test_a_strict_json_body_takes_a_good_day_and_instant_and_refuses_a_bad_one():
    """The API's bodies are strict models read from JSON (every appointment check-in went through one)."""

    class Appointment(schemas.Body):
        day: Day
        slot: Moment

    body = Appointment.model_validate_json('{"day": "2026-03-02", "slot": "2026-03-02T09:30:00+08:00"}')
    assert (body.day, body.slot.isoformat()) == (date(2026, 3, 2), "2026-03-02T09:30:00+08:00")
    with pytest.raises(ValidationError, match="date_out_of_range"):
        Appointment.model_validate_json('{"day": "2026-02-30", "slot": "9999-12-31T23:59:59-12:00"}')
