"""The names of the hall's states, outcomes and reasons, in zh and en.

One name per code, in the wording of the 政务服务 halls (PRODUCT.md §1): the pages, the exports and the printed
ticket all take their names from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hallctl.domain.followup import CaseState
from hallctl.domain.ticket import HoldKind, Outcome, PrintStatus, Status
from hallctl.domain.window import WindowState


@dataclass(frozen=True)
class Label:
    """One name in the hall's two languages."""

    zh: str
    en: str


TICKET_STATUS: Mapping[str, Label] = {
    Status.WAITING: Label("等候中", "Waiting"),
    Status.CALLED: Label("已叫号", "Called"),
    Status.SERVING: Label("办理中", "Being served"),
    Status.HELD: Label("已挂起", "On hold"),
    Status.FINISHED: Label("已办结", "Finished"),
    Status.NO_SHOW: Label("已过号", "No-show"),
    Status.TRANSFERRED: Label("已转移", "Transferred"),
    Status.CANCELLED: Label("已取消", "Cancelled"),
}

TICKET_STATUS_HELP: Mapping[str, Label] = {
    Status.HELD: Label(
        "您的号码已挂起，准备好材料后请回到窗口", "Your number is on hold. Come back to the window when you are ready"
    ),
    Status.NO_SHOW: Label(
        "您的号码已过号，请到服务台咨询",
        "Your number was called but you were not there. Please ask at the service desk",
    ),
    Status.TRANSFERRED: Label(
        "您的业务已转移，请留意叫号", "Your matter was transferred. Please listen for your number"
    ),
    Status.CANCELLED: Label(
        "您的号码已取消，如需办理请重新取号", "Your number was cancelled. Take a new one if you still need it"
    ),
}
"""What a citizen's phone page says under the status, for the states that need explaining."""

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

HOLD_KIND: Mapping[str, Label] = {
    HoldKind.NOT_HOLDING: Label("取材料（可到任一窗口）", "Fetching documents (any window)"),
    HoldKind.HOLDING: Label("材料留本窗口", "Documents kept here"),
    HoldKind.WAITING: Label("等待其他事项", "Waiting on another matter"),
}

PAUSE_REASON: Mapping[str, Label] = {
    "meeting": Label("会议", "Meeting"),
    "break": Label("休息", "Break"),
    "consult": Label("业务咨询", "Consultation"),
    "equipment": Label("设备故障", "Equipment fault"),
    "other": Label("其他", "Other"),
    "keypad": Label("呼叫器暂停", "Paused at the keypad"),
}
"""The reasons for a pause: the staff console offers the first five; a caller keypad's pause is ``keypad``."""

PRINT_STATUS: Mapping[str, Label] = {
    PrintStatus.NONE: Label("不打印", "Not printed"),
    PrintStatus.PENDING: Label("打印中", "Printing"),
    PrintStatus.PRINTED: Label("已打印", "Printed"),
    PrintStatus.FAILED: Label("打印失败", "Print failed"),
}

FOLLOW_UP_STATE: Mapping[str, Label] = {
    CaseState.VERIFY: Label("待核实", "To verify"),
    CaseState.RECTIFY: Label("待整改", "To rectify"),
    CaseState.REVISIT: Label("待回访", "To revisit"),
    CaseState.REVISITED: Label("已回访", "Revisited"),
    CaseState.APPEALED: Label("申诉待复核", "Appeal under review"),
    CaseState.CLOSED: Label("已办结", "Closed"),
}

FOLLOW_UP_ACTION: Mapping[str, Label] = {
    "verify": Label("核实", "Verified"),
    "rectify": Label("整改完成", "Rectified"),
    "revisit": Label("已回访", "Revisited"),
    "close": Label("办结", "Close"),
    "appeal": Label("申诉", "Appeal"),
    "approve_appeal": Label("同意申诉", "Approve appeal"),
    "reject_appeal": Label("驳回申诉", "Reject appeal"),
}

DEVICE_STATE: Mapping[str, Label] = {
    "ready": Label("正常", "Ready"),
    "unknown": Label("无应答", "Not answering"),
    "offline": Label("离线", "Offline"),
    "error": Label("故障", "Fault"),
    "paper_near_end": Label("纸将尽", "Paper low"),
    "paper_out": Label("缺纸", "Out of paper"),
    "cover_open": Label("纸仓盖未关", "Cover open"),
}
"""Every device's states (worker states and a printer's own); ``unknown`` is a device that has not answered."""

DEVICE_KIND: Mapping[str, Label] = {
    "printer": Label("打印机", "Printer"),
    "window_led": Label("窗口屏", "Window LED"),
    "hall_led": Label("综合屏", "Hall LED"),
    "evaluator": Label("评价器", "Evaluator"),
    "caller": Label("呼叫器", "Caller"),
}
