"""The hall's time zone as the database last ran it: a change is adopted at start only when no ticket is open.

A ticket's business day is fixed when it is issued (``tickets.business_day``) and numbers count per service and
business day. A new zone moves "today": from Shanghai to Honolulu at 09:00 it is yesterday again, from Honolulu
to Shanghai it is tomorrow — a day whose numbers start again at 001 while the first A001 may still wait. So a
start with another zone than the recorded one is refused while tickets of the recorded zone's current business
day are waiting, called, serving or held; otherwise the new zone is recorded and takes effect.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from hallctl.adapters import orm
from hallctl.adapters.database import Database, DatabaseUnusable
from hallctl.domain.model import Status, business_day

log = logging.getLogger(__name__)

OPEN = (Status.WAITING, Status.CALLED, Status.SERVING, Status.HELD)
"""A ticket in one of these states is still in the hall's queue or at a window."""


class TimeZoneChangeRefused(DatabaseUnusable):
    """The configured time zone differs from the recorded one while tickets of its current business day are open."""


def setting_key(hall_id: str) -> str:
    """Where the hall's time zone is recorded in the database's settings."""
    return f"time_zone:{hall_id}"


def adopt_time_zone(database: Database, hall_id: str, zone: str, now: datetime) -> None:
    """Record ``zone`` as the hall's time zone, unless that would renumber open tickets.

    Raises:
        TimeZoneChangeRefused: another zone is recorded and tickets of its business day at ``now`` are open.
    """
    key = setting_key(hall_id)
    settings, tickets = orm.settings, orm.tickets
    with database.write_lock, database.write_engine.begin() as conn:
        recorded = conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
        if recorded == zone:
            return
        if recorded is None:
            try:
                with conn.begin_nested():
                    conn.execute(insert(settings).values(key=key, value=zone))
            except IntegrityError:  # another process of the hall recorded it first
                pass
            return
        day = business_day(now, ZoneInfo(recorded))
        open_count = conn.execute(
            select(func.count()).where(
                tickets.c.hall_id == hall_id, tickets.c.business_day == day, tickets.c.status.in_(OPEN)
            )
        ).scalar_one()
        if open_count:
            tickets_text = "1 ticket" if open_count == 1 else f"{open_count} tickets"
            raise TimeZoneChangeRefused(
                f"the hall's time zone changed from {recorded} to {zone} while {tickets_text} of {day} "
                f"(in {recorded}) are still waiting, called, serving or held and would be numbered again: finish "
                f"them or keep {recorded} until they are / 今日仍有 {open_count} 张号票未办结，暂不能更改时区"
            )
        conn.execute(update(settings).where(settings.c.key == key).values(value=zone))
    log.warning("the hall's time zone is now %s (was %s)", zone, recorded)
