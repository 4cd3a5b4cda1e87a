"""Window actions by the staff member logged in there."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from hallctl.domain import model
from hallctl.services import queries, windows
from hallctl.services.windows import WindowAction

from . import schemas
from .api import ApiBlueprint, View, current_hall
from .roles import STAFF

TICKET_REPLY = {200: "The ticket after the action", 404: "No such window", 409: "Not allowed in this state"}

bp = ApiBlueprint("windows", __name__)


def _action(
    path: str, summary: str, body: type[BaseModel] = schemas.Empty, responses: dict[int, str] = TICKET_REPLY
) -> Callable[[View], View]:
    return bp.api_route(
        f"/windows/<int:n>/{path}", "POST", summary=summary, roles=STAFF, body=body, responses=responses
    )


def _by(principal, n: int) -> WindowAction:
    return WindowAction(window=n, staff=principal.name)


@bp.api_route("/windows/<int:n>", "GET", summary="A window, its current ticket and its queue", roles=STAFF)
def view(principal, body, query, n):
    """Window ``n``: its state, staff, current ticket and queue; for staff."""
    return queries.window_view(current_hall(), n)


@_action("login", "Open your shift at window n", responses={200: "Window"})
def login(principal, body, query, n):
    """Window ``n`` after the caller opened their shift there."""
    return windows.login(current_hall(), _by(principal, n))


@_action("logout", "Close your shift at window n", responses={200: "Window"})
def logout(principal, body, query, n):
    """Window ``n`` after the caller closed their shift there."""
    return windows.logout(current_hall(), _by(principal, n))


@_action(
    "call",
    "Call the next ticket (叫号), or a specific one",
    body=schemas.CallIn,
    responses={200: "The called ticket", 204: "Nothing waits", 409: "Window busy or paused"},
)
def call(principal, body, query, n):
    """``{ticket}``: the ticket called to window ``n`` (the next, or the one named); 204 when nothing waits."""
    ticket = windows.call(current_hall(), _by(principal, n), body.ticket)
    return (204, None) if ticket is None else {"ticket": ticket}


@_action("recall", "Call the current ticket again (重呼)")
def recall(principal, body, query, n):
    """The current ticket, called again."""
    return windows.recall(current_hall(), _by(principal, n))


@_action("no-show", "Mark the called ticket as no-show (过号)")
def no_show(principal, body, query, n):
    """The called ticket, marked as a no-show."""
    return windows.no_show(current_hall(), _by(principal, n))


@_action("start", "Start serving the called ticket")
def start(principal, body, query, n):
    """The called ticket, now being served."""
    return windows.start(current_hall(), _by(principal, n))


@_action("finish", "Finish service (办结) with an outcome", body=schemas.FinishIn)
def finish(principal, body, query, n):
    """The ticket being served, finished with the outcome given."""
    return windows.finish(current_hall(), _by(principal, n), model.Outcome(body.outcome))


@_action("transfer", "Transfer (转移) to another service or window", body=schemas.TransferIn)
def transfer(principal, body, query, n):
    """The current ticket, transferred to another service or window."""
    return windows.transfer(current_hall(), _by(principal, n), body.service, body.window)


@_action("hold", "Hold (挂起) the current ticket or a waiting one", body=schemas.HoldIn)
def hold(principal, body, query, n):
    """The ticket put on hold (the current one, or the waiting one named)."""
    return windows.hold(current_hall(), _by(principal, n), model.HoldKind(body.kind), body.ticket)


@_action("resume", "Resume a held ticket", body=schemas.ResumeIn)
def resume(principal, body, query, n):
    """The held ticket named, resumed at window ``n``."""
    return windows.resume(current_hall(), _by(principal, n), body.ticket)


@_action("pause", "Pause the window (暂停) with a reason", body=schemas.PauseIn, responses={200: "Window"})
def pause(principal, body, query, n):
    """Window ``n``, paused for the reason given."""
    return windows.pause(current_hall(), _by(principal, n), body.reason)


@_action("unpause", "End the pause", responses={200: "Window"})
def unpause(principal, body, query, n):
    """Window ``n``, no longer paused."""
    return windows.unpause(current_hall(), _by(principal, n))
