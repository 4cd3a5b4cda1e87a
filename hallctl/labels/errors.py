"""What a person reads for each error code the server returns, in zh and en.

The API's ``{"error": {"code", "message"}}`` keeps its ``message`` for integrators; the pages show the text
here for the ``code`` instead, written for whoever sees it: a citizen at the kiosk or on the phone, window staff,
a manager. Where one code reaches different people, :attr:`ErrorText.where` holds the text that suits the place
it shows up (a page: ``kiosk``, ``phone``, ``staff``, ``manage``, ``screen``; or the log-in form: ``login``).

Every code raised anywhere in the server has an entry (``tests/unit/test_labels.py`` scans the source).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .states import Label

PLACES = ("kiosk", "phone", "staff", "manage", "screen", "login")
"""Where an error can show: the pages, and the log-in form of the staff console and the dashboard."""


@dataclass(frozen=True)
class ErrorText:
    """An error code's message for anyone, and the messages that suit particular places better."""

    message: Label
    where: Mapping[str, Label] = field(default_factory=dict)


GENERIC = Label("操作未成功，请稍后再试", "That did not work. Please try again later.")
"""What a page shows for an error code it has no text for."""

_ASK_STAFF_KIOSK = Label(
    "系统暂时无法保存号票，请联系工作人员。给您带来不便，敬请谅解",
    "Tickets cannot be saved right now. Please ask staff for help.",
)
_NOT_SAVED = ErrorText(
    Label(
        "系统暂时无法保存数据，本次操作未完成，请联系系统管理员",
        "The system cannot save anything right now; nothing was done. Please call the system administrator.",
    ),
    {"kiosk": _ASK_STAFF_KIOSK},
)
_RELOAD = Label("请求未能处理，请刷新页面后重试", "The request could not be handled. Reload the page and try again.")
_TOO_LONG = Label("提交的内容过长，请删减后重试", "What you sent is too long. Shorten it and try again.")

ERRORS: Mapping[str, ErrorText] = {
    # who is asking
    "unauthenticated": ErrorText(
        Label("请先登录", "Please log in first."),
        {
            "kiosk": Label(
                "本机未激活，请联系工作人员为本机设置取号授权",
                "This kiosk is not activated. Please ask staff to set it up.",
            ),
            "screen": Label(
                "本屏未激活，请联系工作人员", "This screen is not activated. Please ask staff to set it up."
            ),
            "phone": Label(
                "无法查看这张号票，请重新扫描号票上的二维码",
                "This ticket cannot be shown. Please scan the QR code on your ticket again.",
            ),
            "staff": Label("登录已失效，请重新登录", "You are no longer logged in. Please log in again."),
            "manage": Label("登录已失效，请重新登录", "You are no longer logged in. Please log in again."),
        },
    ),
    "forbidden": ErrorText(
        Label("您没有进行此操作的权限", "You are not allowed to do this."),
        {
            "login": Label("用户名或密码错误，请重新输入", "Wrong user name or password. Please try again."),
            "kiosk": Label("本机无权取号，请联系工作人员", "This kiosk may not issue numbers. Please ask staff."),
            "phone": Label("您无权进行此操作", "You cannot do this with this ticket."),
            "manage": Label(
                "您无权进行此操作；申诉须由另一位管理人员复核",
                "You may not do this; an appeal must be reviewed by another manager.",
            ),
        },
    ),
    "csrf": ErrorText(Label("页面已过期，请刷新页面后重试", "This page has expired. Reload it and try again.")),
    "locked_out": ErrorText(
        Label("登录失败次数过多，请稍后再试", "Too many failed log-ins. Please wait a moment and try again.")
    ),
    "too_many_requests": ErrorText(
        Label("操作过于频繁，请稍后再试", "Too many attempts. Please wait a minute and try again."),
        {
            "kiosk": Label(
                "取号过于频繁，请稍候片刻再试", "Too many numbers at once. Please wait a moment and try again."
            ),
            "login": Label("登录尝试过多，请一分钟后再试", "Too many log-in attempts. Please try again in a minute."),
        },
    ),
    "own_ticket": ErrorText(
        Label("不能为自己办理的业务录入评价", "You cannot enter a rating for a citizen you served yourself.")
    ),
    "kiosk_mismatch": ErrorText(
        Label("取号机设置有误，请联系系统管理员", "The kiosk is set up wrongly. Please call the system administrator."),
        {"kiosk": Label("本机设置有误，请联系工作人员", "This kiosk is set up wrongly. Please ask staff.")},
    ),
    "unknown_kiosk": ErrorText(
        Label(
            "该取号机未在大厅登记，请联系系统管理员",
            "This kiosk is not registered. Please call the system administrator.",
        ),
        {
            "kiosk": Label(
                "本机未在大厅登记，请联系工作人员", "This kiosk is not registered in the hall. Please ask staff."
            )
        },
    ),
    # what was asked
    "invalid": ErrorText(
        Label("填写的内容有误，请检查后重试", "Something you entered is not right. Please check it and try again."),
        {
            "kiosk": Label(
                "未能取号，请重新选择事项；如仍不行请联系工作人员", "No number was issued. Choose again, or ask staff."
            ),
            "phone": Label(
                "评价内容有误，请检查后重新提交", "The rating is not complete. Please check it and send it again."
            ),
            "staff": Label(
                "号码或所填内容有误，请核对后重试", "The number or another entry is not right. Please check it."
            ),
        },
    ),
    "not_found": ErrorText(
        Label("没有找到要办理的对象，请刷新后重试", "That could not be found. Reload and try again."),
        {
            "phone": Label(
                "没有找到这张号票，请重新扫描号票上的二维码",
                "This ticket was not found. Please scan the QR code on your ticket again.",
            ),
            "staff": Label(
                "今天没有这个号码，或窗口不存在，请核对后重试", "No such number today, or no such window. Please check."
            ),
            "kiosk": Label("没有找到该事项，请重新选择", "That service was not found. Please choose again."),
        },
    ),
    "unsupported_language": ErrorText(
        Label("不支持该语言，请选择中文或英文", "That language is not available. Choose Chinese or English.")
    ),
    "bad_request": ErrorText(_RELOAD),
    "bad_json": ErrorText(_RELOAD),
    "unsupported_media_type": ErrorText(_RELOAD),
    "method_not_allowed": ErrorText(_RELOAD),
    "request_entity_too_large": ErrorText(_TOO_LONG),
    "idempotency_mismatch": ErrorText(
        Label(
            "这次操作与刚才的操作不一致，请刷新页面后重试",
            "This does not match your previous attempt. Reload and try again.",
        )
    ),
    "idempotency_in_progress": ErrorText(
        Label("上一次操作仍在处理中，请稍候", "Your previous attempt is still being handled. Please wait a moment.")
    ),
    # the state of the hall
    "invalid_transition": ErrorText(
        Label("当前状态下不能进行此操作，请刷新后重试", "This cannot be done right now. Reload and try again."),
        {
            "staff": Label(
                "窗口或号码的当前状态不允许此操作，请查看最新状态后重试",
                "The window or ticket does not allow this now. Check its state and try again.",
            ),
            "manage": Label("该整改件当前不能进行这一步", "This follow-up case cannot take that step now."),
        },
    ),
    "not_this_window": ErrorText(
        Label("这个号码不属于本窗口办理的事项，不能在此操作", "That number is not for this window.")
    ),
    "conflict": ErrorText(
        Label("其他窗口同时进行了操作，请重试", "Another window acted at the same moment. Please try again."),
        {"kiosk": Label("取号繁忙，请再试一次", "Busy right now. Please try once more.")},
    ),
    "refused": ErrorText(
        Label("现在不能办理此操作，请稍后再试或咨询工作人员", "This cannot be done now. Try later, or ask staff."),
        {
            "kiosk": Label(
                "现在不能取号：不在办理时间，或今日号已取完。请咨询工作人员",
                "No number now: the hall is closed, or today's numbers are gone. Please ask staff.",
            ),
            "phone": Label(
                "现在不能评价：业务尚未办结、已经评价过或已过评价期",
                "You cannot rate now: the service is not finished, it is already rated, or rating has closed.",
            ),
        },
    ),
    "domain_error": ErrorText(GENERIC),
    # the server itself
    "storage_full": _NOT_SAVED,
    "storage_corrupt": _NOT_SAVED,
    "storage_read_only": _NOT_SAVED,
    "storage_io_error": _NOT_SAVED,
    "database_unwritable": _NOT_SAVED,
    "internal": ErrorText(
        Label(
            "系统出现故障，本次操作未完成，请稍后再试或联系系统管理员",
            "Something went wrong and nothing was done. Try again later, or call the system administrator.",
        )
    ),
    "unknown_room": ErrorText(
        Label("无法接收实时信息，请刷新页面", "Live updates are not available. Reload the page.")
    ),
}
