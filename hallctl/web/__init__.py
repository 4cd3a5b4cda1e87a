"""Flask app factory: API blueprints under /api/v1, Socket.IO, JSON errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, Response, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_socketio import SocketIO
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from hallctl.adapters.storage_errors import storage_failure
from hallctl.services import audit
from hallctl.services.context import Hall

from . import (
    limits,
    metrics,
    openapi,
    origins,
    pages,
    routes_hall,
    routes_labels,
    routes_reports,
    routes_tickets,
    routes_windows,
)
from .api import ApiError, ApiIndex, error_response, http_error_code
from .message_queue import BatchingRedisManager
from .proxies import trust_proxies
from .realtime import Realtime
from .schemas import MAX_ROW_ID

API_PREFIX = "/api/v1"


def create_app(hall: Hall, secret_key: str) -> tuple[Flask, SocketIO]:
    """Build the Flask app and its Socket.IO server for a bootstrapped hall."""
    app = Flask(__name__)
    app.url_map.converters["int"] = RowIdConverter
    app.config.update(
        HALL=hall,
        SECRET_KEY=secret_key,
        MAX_CONTENT_LENGTH=hall.config.server.max_body_kb * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=hall.config.hall.public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
    )
    app.json = UnicodeJSONProvider(app)
    for module in (routes_tickets, routes_windows, routes_hall, routes_reports, routes_labels, metrics):
        app.register_blueprint(module.bp, url_prefix=API_PREFIX)
    metrics.instrument(app, hall)  # first: its clock starts before the other hooks, its count sees their reply
    app.register_blueprint(pages.bp)
    limits.limit_logins(app, hall)
    limits.limit_issuing(app, hall)
    api = ApiIndex.of(app)
    app.extensions["hallctl.api"] = api
    document = openapi.build(api.routes, API_PREFIX, f"hallctl — {hall.config.hall.name}")
    app.add_url_rule(f"{API_PREFIX}/openapi.json", "openapi", lambda: jsonify(document))
    _errors(app)
    _headers_and_audit(app, hall)
    accepted = origins.origin_check(hall.config.hall.public_url, hall.config.hall.allowed_origins)  # else 400
    socketio = SocketIO(
        app, async_mode="threading", cors_allowed_origins=accepted, json=app.json, **_message_queue(hall)
    )
    Realtime(socketio, hall)
    trust_proxies(app, hall.config.server.proxy_networks)  # after SocketIO: its connects see the client too
    return app, socketio


class UnicodeJSONProvider(DefaultJSONProvider):
    """JSON replies with 中文 as UTF-8, not ``\\u`` escapes."""

    ensure_ascii = False


def _message_queue(hall: Hall) -> dict[str, Any]:
    """Socket.IO's options for the hall's message queue: Redis with batched emits, another URL as is, or none."""
    queue = hall.config.hall.message_queue
    if queue.startswith(("redis://", "rediss://")):
        return {"client_manager": BatchingRedisManager(queue)}
    return {"message_queue": queue or None}


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in routes: only numbers a 32-bit INTEGER column can hold match (a larger one is a 404, not a 500)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
}


def _headers_and_audit(app: Flask, hall: Hall) -> None:
    """Put the security headers on every reply; write an audit line for every audited POST to the API."""

    @app.after_request
    def after(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.method != "POST" or not request.path.startswith(API_PREFIX):
            return response
        actor, role = _poster()
        if role in audit.AUDITED_ROLES or role == "login":
            try:
                audit.record(
                    hall,
                    actor or "?",
                    role,
                    request.method,
                    request.path,
                    response.status_code,
                    request.remote_addr or "?",
                )
            except Exception:  # the action itself is done; losing its audit line is logged, not a 5xx
                app.logger.exception("could not write the audit log for %s %s", request.method, request.path)
        return response


def _poster() -> tuple[str | None, str | None]:
    """``(actor, role)`` of this POST; a log-in attempt is role ``login``, by the name it tried."""
    if request.path == f"{API_PREFIX}/auth/login":
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
        # whoever the session belonged to, this is an attempt to log in as ``name``
        return (name if isinstance(name, str) else "?"), "login"
    principal = g.get("principal")
    return (principal.name, principal.role) if principal else (None, None)


def _errors(app: Flask) -> None:
    """JSON error replies under the API prefix; pages keep Werkzeug's HTML errors."""

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return exc.response()

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> HTTPException | Response:
        if not request.path.startswith(API_PREFIX):
            return exc
        status = exc.code or 400
        code = http_error_code(status)
        messages = {
            404: f"no such endpoint: {request.method} {request.path}",
            405: f"{request.method} is not allowed on {request.path}",
            413: f"the request body is larger than {app.config['MAX_CONTENT_LENGTH'] // 1024} KiB",
        }
        return error_response(status, code, messages.get(status) or exc.description or code)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        failure = storage_failure(exc)
        if failure:  # a full disk or a damaged database: the request saved nothing; say so, not "internal"
            app.logger.error("storage failure on %s %s: %s", request.method, request.path, exc)
            return error_response(503, *failure)
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal", "internal error; the hall log has the details")
