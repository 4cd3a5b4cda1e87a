"""Hall-wide reads: services, hall state, ticket export, health; login and logout."""

from __future__ import annotations

import os
import secrets

from flask import Blueprint, Response, current_app, session, stream_with_context
from sqlalchemy import text

from hallctl.reports import export
from hallctl.services import audit, auth, queries

from . import schemas
from .api import ISSUERS, MANAGERS, PUBLIC, STAFF, VIEWERS, ApiError, Registry


def register(api: Registry) -> Blueprint:
    bp = Blueprint("hall", __name__)

    def hall():
        return current_app.config["HALL"]

    @api.route(bp, "/services", "GET", summary="Services with waiting counts and wait estimates", roles=PUBLIC)
    def services(principal, body, query):
        return 200, queries.services_list(hall())

    @api.route(
        bp, "/appointments/slots", "GET", summary="Today's appointment slots in the hall's time zone", roles=ISSUERS
    )
    def appointment_slots(principal, body, query):
        return 200, queries.appointment_slots(hall())

    @api.route(bp, "/hall/state", "GET", summary="Windows, queues, longest waits, devices", roles=VIEWERS)
    def state(principal, body, query):
        return queries.hall_state(hall())

    @api.route(
        bp, "/devices", "GET", summary="Every device: kind, address, state, last error, counters", roles=MANAGERS
    )
    def devices(principal, body, query):
        return 200, hall().devices.snapshot()

    @api.route(
        bp,
        "/tickets/export.csv",
        "GET",
        summary="One CSV row per ticket issued in the range",
        roles=MANAGERS,
        query=schemas.RangeQuery,
        responses={200: "text/csv"},
    )
    def export_csv(principal, body, query):
        h = hall()

        def generate():
            with h.uow(write=False) as uow:
                rows = export.ticket_rows(uow.session, h.hall_id, query.from_, query.to)
                yield from export.csv_lines(rows)

        name = f"tickets-{query.from_}-{query.to}.csv"
        return Response(
            stream_with_context(generate()),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )

    @api.route(
        bp,
        "/audit",
        "GET",
        summary="Recent staff and manager actions and login attempts (read-only)",
        roles=MANAGERS,
        query=schemas.LimitQuery,
    )
    def audit_log(principal, body, query):
        return 200, audit.recent(hall(), query.limit)

    @api.route(
        bp,
        "/announcements",
        "GET",
        roles=MANAGERS,
        query=schemas.LimitQuery,
        summary="Recent voice announcements, newest first: tokens, clip files, state, times",
    )
    def announcements(principal, body, query):
        announcer = hall().announcer
        return 200, announcer.recent(query.limit) if announcer else []

    @api.route(
        bp,
        "/healthz",
        "GET",
        summary="200 when the server and the database answer",
        roles=PUBLIC,
        responses={200: "Healthy", 503: "Database unreachable"},
    )
    def healthz(principal, body, query):
        try:
            with hall().uow(write=False) as uow:
                uow.session.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means: not healthy
            raise ApiError(503, "database_unavailable", f"the database does not answer: {type(exc).__name__}") from None
        host = hall().device_host
        return {
            "status": "ok",
            "hall": hall().hall_id,
            "pid": os.getpid(),
            "devices": "off" if host is None else "leader" if host.leading else "standby",
        }

    @api.route(
        bp,
        "/auth/login",
        "POST",
        summary="Log in; returns a token and sets a session cookie",
        roles=PUBLIC,
        body=schemas.LoginIn,
        responses={200: "Logged in", 403: "Wrong username or password"},
    )
    def login(principal, body, query):
        token, who = auth.login(hall(), body.username, body.password)
        session.clear()
        session["token"] = token
        session["csrf"] = secrets.token_urlsafe(24)
        session.permanent = True
        return {"token": token, "role": who.role, "username": who.name, "csrf": session["csrf"]}

    @api.route(bp, "/auth/logout", "POST", summary="End the session", roles=PUBLIC, body=schemas.Empty)
    def logout(principal, body, query):
        if principal is not None:
            auth.logout(hall(), principal)
        session.clear()
        return {"ok": True}

    @api.route(bp, "/auth/me", "GET", summary="Who am I (nulls when not logged in)", roles=PUBLIC)
    def me(principal, body, query):
        if principal is None or principal.role not in STAFF:
            return {"username": None, "role": None, "csrf": None}
        return {"username": principal.name, "role": principal.role, "csrf": session.get("csrf")}

    return bp
