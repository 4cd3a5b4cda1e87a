"""Window actions by the staff member logged in there."""

from __future__ import annotations

from flask import Blueprint, current_app

from hallctl.domain import model
from hallctl.services import queries, windows
from hallctl.services.windows import WindowAction

from . import schemas
from .api import STAFF, Registry

TICKET_REPLY = {200: "The ticket after the action", 404: "No such window", 409: "Not allowed in this state"}


def register(api: Registry) -> Blueprint:
    bp = Blueprint("windows", __name__)

    def hall():
        return current_app.config["HALL"]

    def act(principal, n):
        return WindowAction(window=n, staff=principal.name)

    def action(path: str, summary: str, body=schemas.Empty, responses=TICKET_REPLY):
        return api.route(
            bp, f"/windows/<int:n>/{path}", "POST", summary=summary, roles=STAFF, body=body, responses=responses
        )

    @api.route(bp, "/windows/<int:n>", "GET", summary="A window, its current ticket and its queue", roles=STAFF)
    def view(principal, body, query, n):
        return queries.window_view(hall(), n)

    @action("login", "Open your shift at window n", responses={200: "Window"})
    def login(principal, body, query, n):
        return windows.login(hall(), act(principal, n))

    @action("logout", "Close your shift at window n", responses={200: "Window"})
    def logout(principal, body, query, n):
        return windows.logout(hall(), act(principal, n))

    @action(
        "call",
        "Call the next ticket (叫号), or a specific one",
        body=schemas.CallIn,
        responses={200: "The called ticket", 204: "Nothing waits", 409: "Window busy or paused"},
    )
    def call(principal, body, query, n):
        ticket = windows.call(hall(), act(principal, n), body.ticket)
        return (204, None) if ticket is None else {"ticket": ticket}

    @action("recall", "Call the current ticket again (重呼)")
    def recall(principal, body, query, n):
        return windows.recall(hall(), act(principal, n))

    @action("no-show", "Mark the called ticket as no-show (过号)")
    def no_show(principal, body, query, n):
        return windows.no_show(hall(), act(principal, n))

    @action("start", "Start serving the called ticket")
    def start(principal, body, query, n):
        return windows.start(hall(), act(principal, n))

    @action("finish", "Finish service (办结) with an outcome", body=schemas.FinishIn)
    def finish(principal, body, query, n):
        return windows.finish(hall(), act(principal, n), model.Outcome(body.outcome))

    @action("transfer", "Transfer (转移) to another service or window", body=schemas.TransferIn)
    def transfer(principal, body, query, n):
        return windows.transfer(hall(), act(principal, n), body.service, body.window)

    @action("hold", "Hold (挂起) the current ticket or a waiting one", body=schemas.HoldIn)
    def hold(principal, body, query, n):
        return windows.hold(hall(), act(principal, n), model.HoldKind(body.kind), body.ticket)

    @action("resume", "Resume a held ticket", body=schemas.ResumeIn)
    def resume(principal, body, query, n):
        return windows.resume(hall(), act(principal, n), body.ticket)

    @action("pause", "Pause the window (暂停) with a reason", body=schemas.PauseIn, responses={200: "Window"})
    def pause(principal, body, query, n):
        return windows.pause(hall(), act(principal, n), body.reason)

    @action("unpause", "End the pause", responses={200: "Window"})
    def unpause(principal, body, query, n):
        return windows.unpause(hall(), act(principal, n))

    return bp
