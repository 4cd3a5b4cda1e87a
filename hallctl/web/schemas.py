"""Request bodies and queries: the views validate with these, and the OpenAPI document is built from them.

``…In`` is the body of a POST, ``…Query`` the query of a GET. A model's docstring becomes its description in
the OpenAPI document, so only the models whose description tells a client something have one.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Short = Annotated[str, Field(min_length=1, max_length=64)]
Code = Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")]
TicketNumber = Annotated[str, Field(pattern=r"^[A-Za-z]{1,2}[0-9]{2,6}$")]


MAX_ROW_ID = 2**31 - 1
"""Row ids are 32-bit INTEGER columns (PostgreSQL); a larger number names nothing."""
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Empty(Body):
    """No fields."""


class AppointmentIn(Body):
    code: Annotated[str, Field(min_length=1, max_length=32)]
    slot: AwareDatetime


class IssueIn(Body):
    service: Code
    priority: Code | None = None
    kiosk: Code | None = None
    appointment: AppointmentIn | None = None
    citizen_id: Annotated[str, Field(min_length=7, max_length=32)] | None = None


class RatingIn(Body):
    level: Annotated[int, Field(ge=1, le=5, description="1 非常满意 … 5 非常不满意")]
    reasons: Annotated[list[Annotated[str, Field(max_length=32)]], Field(max_length=10)] = []
    comment: Annotated[str, Field(max_length=500)] = ""


class LoginIn(Body):
    username: Short
    password: Annotated[str, Field(min_length=1, max_length=256)]


class CallIn(Body):
    ticket: RowId | TicketNumber | None = None


class FinishIn(Body):
    outcome: Literal["completed", "accepted", "needs_materials", "rejected", "consulted"] = "completed"


class TransferIn(Body):
    service: Code | None = None
    window: Annotated[int, Field(ge=1, le=999)] | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> TransferIn:
        if self.service is None and self.window is None:
            raise ValueError("give a service or a window to transfer to")
        return self


class HoldIn(Body):
    kind: Literal["not_holding", "holding", "waiting"]
    ticket: RowId | None = None


class ResumeIn(Body):
    ticket: RowId


class PauseIn(Body):
    reason: Short


class ReprintIn(Body):
    printer: Code | None = None


class TokenQuery(Body):
    model_config = ConfigDict(extra="forbid", frozen=True)
    token: Annotated[str, Field(max_length=64)] | None = None


class RangeQuery(Body):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_: Annotated[date, Field(alias="from")]
    to: date

    @model_validator(mode="after")
    def _ordered(self) -> RangeQuery:
        if self.to < self.from_:
            raise ValueError("'to' is before 'from'")
        if (self.to - self.from_).days > 3660:
            raise ValueError("the range may span at most 10 years")
        return self


class KpiQuery(RangeQuery):
    by: Literal["service", "window", "staff", "hour", "day", "weekday"] = "service"


class StaffingQuery(RangeQuery):
    weekday: Annotated[int, Field(ge=1, le=7)]
    share: Annotated[float, Field(gt=0, lt=1)] = 0.8
    day: date | None = None


class FollowUpIn(Body):
    action: Literal["verify", "rectify", "revisit", "close", "appeal", "approve_appeal", "reject_appeal"]
    note: Annotated[str, Field(max_length=2000)] = ""


class FollowUpQuery(Body):
    model_config = ConfigDict(extra="forbid", frozen=True)
    state: Literal["open", "overdue", "closed", "all"] = "open"


class PaperRatingIn(RatingIn):
    """A rating the citizen wrote on a paper form, entered by staff."""


class MonthQuery(Body):
    model_config = ConfigDict(extra="forbid", frozen=True)
    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    by: Literal["window", "staff"] = "window"


class RepeatQuery(RangeQuery):
    days: Annotated[int, Field(ge=1, le=365)] = 30


class LimitQuery(Body):
    model_config = ConfigDict(extra="forbid", frozen=True)
    limit: Annotated[int, Field(ge=1, le=1000)] = 100
