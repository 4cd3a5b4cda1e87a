"""Hall-wide reads: services, hall state, ticket export, health; login and logout."""

from __future__ import annotations

import os
import secrets
from typing import cast

from flask import Response, request, session, stream_with_context

from hallctl.adapters import health
from hallctl.adapters.database import Database
from hallctl.reports import reading
from hallctl.services import audit, auth, queries

from . import limits, schemas
from .api import ApiBlueprint, ApiError, current_hall
from .roles import ISSUERS, MANAGERS, PUBLIC, STAFF, VIEWERS

bp = ApiBlueprint("hall", __name__)


@bp.api_route("/services", "GET", summary="Services with waiting counts and wait estimates", roles=PUBLIC)
def services(principal, body, query):
    """The services a kiosk offers, with how many wait and the wait estimate; for anyone."""
    return 200, queries.services_list(current_hall())


@bp.api_route("/appointments/slots", "GET", summary="Today's appointment slots in the hall's time zone", roles=ISSUERS)
def appointment_slots(principal, body, query):
    """Today's appointment slots; for kiosks and staff."""
    return 200, queries.appointment_slots(current_hall())


@bp.api_route("/hall/state", "GET", summary="Windows, queues, longest waits, devices", roles=VIEWERS)
def state(principal, body, query):
    """The whole hall as a screen shows it; for displays and staff (managers also get ``alerts``)."""
    hall_state = queries.hall_state(current_hall())
    if principal.role in MANAGERS:
        hall_state["alerts"] = limits.issue_alerts()  # kiosk tokens over their issuing rate
    return hall_state


@bp.api_route("/devices", "GET", summary="Every device: kind, address, state, last error, counters", roles=MANAGERS)
def devices(principal, body, query):
    """Every configured device with its state and counters; for managers."""
    return 200, current_hall().devices.snapshot()


@bp.api_route(
    "/tickets/export.csv",
    "GET",
    summary="One CSV row per ticket issued in the range",
    roles=MANAGERS,
    query=schemas.RangeQuery,
    responses={200: "text/csv"},
)
def export_csv(principal, body, query):
    """The per-ticket CSV of a range of business days, streamed; for managers."""
    lines = reading.ticket_csv(current_hall(), query.from_, query.to)
    name = f"tickets-{query.from_}-{query.to}.csv"
    return Response(
        stream_with_context(lines), mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"}
    )


@bp.api_route(
    "/audit",
    "GET",
    summary="Recent staff and manager actions and login attempts (read-only)",
    roles=MANAGERS,
    query=schemas.LimitQuery,
)
def audit_log(principal, body, query):
    """The newest audit lines; for managers."""
    return 200, audit.recent(current_hall(), query.limit)


@bp.api_route(
    "/announcements",
    "GET",
    roles=MANAGERS,
    query=schemas.LimitQuery,
    summary="Recent voice announcements, newest first: tokens, clip files, state, times",
)
def announcements(principal, body, query):
    """The newest voice announcements of this process's announcer (none without one); for managers."""
    announcer = current_hall().announcer
    return 200, announcer.recent(query.limit) if announcer else []


@bp.api_route(
    "/healthz",
    "GET",
    summary="200 when the database accepts a write and its disk has room; else 503 naming each failing check",
    roles=PUBLIC,
    responses={200: "Healthy", 503: "A check failed: database not writable, disk full"},
)
def healthz(principal, body, query):
    """``{status, hall, pid, devices, checks}``: 200 when every check passes, else 503 with ``error``; for anyone."""
    hall = current_hall()
    result = health.check(cast(Database, hall.database), hall.devices.snapshot(), hall.now())
    host = hall.device_host
    reply = {
        "status": "ok" if result.ok else "failing",
        "hall": hall.hall_id,
        "pid": os.getpid(),
        "devices": "off" if host is None else "leader" if host.leading else "standby",
        "checks": result.checks,
    }
    if result.ok:
        return 200, reply
    failing = [name for name, outcome in result.checks.items() if not outcome["ok"]]
    message = f"failing checks / 未通过的检查: {', '.join(failing)}"
    return 503, {**reply, "error": {"code": result.failure, "message": message, "field": None}}


@bp.api_route(
    "/auth/login",
    "POST",
    summary="Log in; returns a token and sets a session cookie",
    roles=PUBLIC,
    body=schemas.LoginIn,
    responses={
        200: "Logged in",
        403: "Wrong username or password",
        429: "Too many failed log-ins of this account from this address (locked_out, with Retry-After), or from"
        " this address in a minute (too_many_requests)",
    },
)
def login(principal, body, query):
    """A new session for a user's name and password: its token, role and CSRF token, and the cookie.

    Failures of one account from one address make it wait longer and longer (:func:`auth.retry_delay_s`).
    """
    try:
        token, who = auth.login(current_hall(), body.username, body.password, request.remote_addr or "?")
    except auth.LoginDelayed as delayed:
        raise RetryLater(delayed) from None
    session.clear()
    session["token"] = token
    session["csrf"] = secrets.token_urlsafe(24)
    session.permanent = True
    return {"token": token, "role": who.role, "username": who.name, "csrf": session["csrf"]}


class RetryLater(ApiError):
    """A 429 ``locked_out`` that says in ``Retry-After`` how many seconds the next attempt must wait."""

    def __init__(self, delayed: auth.LoginDelayed) -> None:
        super().__init__(429, delayed.code, delayed.message, delayed.field)
        self.retry_after_s = delayed.retry_after_s

    def response(self) -> Response:
        """The JSON error reply with its ``Retry-After`` header."""
        reply = super().response()
        reply.headers["Retry-After"] = str(self.retry_after_s)
        return reply


@bp.api_route("/auth/logout", "POST", summary="End the session", roles=PUBLIC, body=schemas.Empty)
def logout(principal, body, query):
    """End the caller's session (if any) and clear the cookie."""
    if principal is not None:
        auth.logout(current_hall(), principal)
    session.clear()
    return {"ok": True}


@bp.api_route("/auth/me", "GET", summary="Who am I (nulls when not logged in)", roles=PUBLIC)
def me(principal, body, query):
    """The logged-in staff member's name, role and CSRF token; nulls for anyone else."""
    if principal is None or principal.role not in STAFF:
        return {"username": None, "role": None, "csrf": None}
    return {"username": principal.name, "role": principal.role, "csrf": session.get("csrf")}
