"""Request bodies and queries: the views validate with these, and the OpenAPI document is built from them.

``…In`` is the body of a POST, ``…Query`` the query of a GET. A body's docstring becomes its description in
the OpenAPI document, so it is written for a client.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .dates import Day, Moment, Month

Short = Annotated[str, Field(min_length=1, max_length=64)]
Code = Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")]
TicketNumber = Annotated[str, Field(pattern=r"^[A-Za-z]{1,2}[0-9]{2,6}$")]


MAX_ROW_ID = 2**31 - 1
"""Row ids are 32-bit INTEGER columns (PostgreSQL); a larger number names nothing."""
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


class Body(BaseModel):
    """A strict, frozen JSON body: unknown fields and mistyped values are refused (422)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Empty(Body):
    """No fields."""


class AppointmentIn(Body):
    """An appointment (预约) to check in: its booking code and its booked slot (aware ISO 8601)."""

    code: Annotated[str, Field(min_length=1, max_length=32)]
    slot: Moment


class IssueIn(Body):
    """A ticket to issue: a service code, an optional priority class (绿色通道), the kiosk, an appointment.

    ``citizen_id`` (an ID number or phone) counts repeat visits; only its keyed hash is stored.
    """

    service: Code
    priority: Code | None = None
    kiosk: Code | None = None
    appointment: AppointmentIn | None = None
    citizen_id: Annotated[str, Field(min_length=7, max_length=32)] | None = None


class RatingIn(Body):
    """A 好差评 rating: level 1 (very satisfied) to 5 (very dissatisfied), reasons and a comment."""

    level: Annotated[int, Field(ge=1, le=5, description="1 非常满意 … 5 非常不满意")]
    reasons: Annotated[list[Annotated[str, Field(max_length=32)]], Field(max_length=10)] = []
    comment: Annotated[str, Field(max_length=500)] = ""


class LoginIn(Body):
    """A staff member's username and password."""

    username: Short
    password: Annotated[str, Field(min_length=1, max_length=256)]


class CallIn(Body):
    """Which ticket to call: its id or number; none for the next one routing chooses."""

    ticket: RowId | TicketNumber | None = None


class FinishIn(Body):
    """How service ended (办结类型); ``completed`` when not given."""

    outcome: Literal["completed", "accepted", "needs_materials", "rejected", "consulted"] = "completed"


class TransferIn(Body):
    """Where to transfer the current ticket: another service, a window, or both."""

    service: Code | None = None
    window: Annotated[int, Field(ge=1, le=999)] | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> TransferIn:
        if self.service is None and self.window is None:
            raise ValueError("give a service or a window to transfer to")
        return self


class HoldIn(Body):
    """How to hold (挂起) a ticket, and which one: a waiting ticket's id, or none for the window's current one."""

    kind: Literal["not_holding", "holding", "waiting"]
    ticket: RowId | None = None


class ResumeIn(Body):
    """The held ticket to bring back to waiting."""

    ticket: RowId


class PauseIn(Body):
    """Why the window pauses (暂停服务)."""

    reason: Short


class ReprintIn(Body):
    """The printer to print on; none for the printer of the kiosk that issued the ticket."""

    printer: Code | None = None


class TokenQuery(Body):
    """The ticket's tracking token, from its QR code."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    token: Annotated[str, Field(max_length=64)] | None = None


class RangeQuery(Body):
    """A range of business days, ``from`` to ``to`` inclusive, at most 10 years."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_: Annotated[Day, Field(alias="from")]
    to: Day

    @model_validator(mode="after")
    def _ordered(self) -> RangeQuery:
        if self.to < self.from_:
            raise ValueError("'to' is before 'from'")
        if (self.to - self.from_).days > 3660:
            raise ValueError("the range may span at most 10 years")
        return self


class KpiQuery(RangeQuery):
    """A range of business days and what to group the figures by."""

    by: Literal["service", "window", "staff", "hour", "day", "weekday"] = "service"


class StaffingQuery(RangeQuery):
    """The weekday to plan (1 Monday … 7 Sunday), the share to serve within target, the day to compare."""

    weekday: Annotated[int, Field(ge=1, le=7)]
    share: Annotated[float, Field(gt=0, lt=1)] = 0.8
    day: Day | None = None


class FollowUpIn(Body):
    """A step on a 差评整改 case, with a note."""

    action: Literal["verify", "rectify", "revisit", "close", "appeal", "approve_appeal", "reject_appeal"]
    note: Annotated[str, Field(max_length=2000)] = ""


class FollowUpQuery(Body):
    """Which cases to list: open, overdue, closed or all."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    state: Literal["open", "overdue", "closed", "all"] = "open"


class PaperRatingIn(RatingIn):
    """A rating the citizen wrote on a paper form, entered by staff."""


class MonthQuery(Body):
    """The month (``YYYY-MM``) to publish results for, by window or by staff."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    month: Month
    by: Literal["window", "staff"] = "window"


class RepeatQuery(RangeQuery):
    """A range of business days and how many days a return counts as a repeat visit."""

    days: Annotated[int, Field(ge=1, le=365)] = 30


class LimitQuery(Body):
    """How many of the newest entries to return (1 to 1000)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    limit: Annotated[int, Field(ge=1, le=1000)] = 100
