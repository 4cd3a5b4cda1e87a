"""The zh/en label catalogue: the names every page, export and ticket shows for the hall's states and codes.

The domain keeps codes (``waiting``, ``idle``, level ``4``); what a person reads
for them lives here, once, in both languages. Look a name up with
:func:`zh` or :func:`en`, e.g. ``zh(TICKET_STATUS, ticket.status)``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from hallctl.domain.followup import CaseState
from hallctl.domain.ticket import Outcome, Status
from hallctl.domain.window import WindowState

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Label:
    """One name in the hall's two languages."""

    zh: str
    en: str


TICKET_STATUS: Mapping[str, Label] = {
    Status.WAITING: Label("等候中", "Waiting"),
    Status.CALLED: Label("已叫号", "Called"),
    Status.SERVING: Label("办理中", "Being served"),
    Status.HELD: Label("挂起", "Held"),
    Status.FINISHED: Label("已办结", "Finished"),
    Status.NO_SHOW: Label("过号", "No-show"),
    Status.TRANSFERRED: Label("已转移", "Transferred"),
    Status.CANCELLED: Label("已取消", "Cancelled"),
}

WINDOW_STATE: Mapping[str, Label] = {
    WindowState.CLOSED: Label("未开放", "Closed"),
    WindowState.IDLE: Label("空闲", "Idle"),
    WindowState.CALLING: Label("叫号中", "Calling"),
    WindowState.SERVING: Label("办理中", "Serving"),
    WindowState.PAUSED: Label("暂停服务", "Paused"),
}

RATING_LEVEL: Mapping[int, Label] = {
    1: Label("非常满意", "Very satisfied"),
    2: Label("满意", "Satisfied"),
    3: Label("基本满意", "Fair"),
    4: Label("不满意", "Dissatisfied"),
    5: Label("非常不满意", "Very dissatisfied"),
}

OUTCOME: Mapping[str, Label] = {
    Outcome.COMPLETED: Label("办结", "Completed"),
    Outcome.ACCEPTED: Label("受理（承诺件）", "Accepted (promised)"),
    Outcome.NEEDS_MATERIALS: Label("补正告知", "Needs materials"),
    Outcome.REJECTED: Label("不予受理", "Rejected"),
    Outcome.CONSULTED: Label("咨询", "Enquiry"),
}

FOLLOW_UP_STATE: Mapping[str, Label] = {
    CaseState.VERIFY: Label("待核实", "To verify"),
    CaseState.RECTIFY: Label("待整改", "To rectify"),
    CaseState.REVISIT: Label("待回访", "To revisit"),
    CaseState.REVISITED: Label("已回访", "Revisited"),
    CaseState.APPEALED: Label("申诉待复核", "Appeal under review"),
    CaseState.CLOSED: Label("已办结", "Closed"),
}


def zh(catalogue: Mapping[Key, Label], key: Key) -> str:
    """The Chinese name of ``key`` in ``catalogue`` (e.g. ``zh(WINDOW_STATE, window.state)``)."""
    return catalogue[key].zh


def en(catalogue: Mapping[Key, Label], key: Key) -> str:
    """The English name of ``key`` in ``catalogue``."""
    return catalogue[key].en
