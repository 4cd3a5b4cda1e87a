"""The API route decorator: authenticate, check the role, validate, run once per Idempotency-Key.

Each API blueprint keeps the spec of every route it declares; the OpenAPI document lists the routes of the
blueprints an app registered, with the same pydantic models the views validate with.
"""

from __future__ import annotations

import functools
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request, session
from pydantic import BaseModel, ValidationError

from hallctl.domain import errors
from hallctl.services import auth, idempotency
from hallctl.services.context import Hall

View = Callable[..., Any]
"""A view: gets ``principal``, ``body``, ``query`` and the URL's arguments as keywords; returns
``(status, json_body)``, a JSON body (200) or a ``Response``."""

STATUS = {
    errors.InvalidTransition: 409,
    errors.Refused: 409,
    errors.ConcurrencyConflict: 409,
    errors.NotFound: 404,
    errors.Forbidden: 403,
    errors.Invalid: 422,
    errors.LockedOut: 429,
}


HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_entity_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}
"""The error code of an HTTP error the framework answers (an unknown path, a body too large, a rate exceeded)."""


def http_error_code(status: int) -> str:
    """The error code of the framework's HTTP error ``status`` (``bad_request`` or ``internal`` when unlisted):
    every code the API returns is in the label catalogue (:data:`hallctl.labels.errors.ERRORS`)."""
    return HTTP_ERROR_CODES.get(status, "bad_request" if status < 500 else "internal")


class ApiError(Exception):
    """An error reply: ``{"error": {"code", "message", "field"}}``."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def response(self) -> Response:
        """The JSON reply with this error's status."""
        return error_response(self.status, self.code, self.message, self.field)


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    """A JSON error reply ``{"error": {"code", "message", "field"}}`` with ``status``."""
    reply = jsonify({"error": {"code": code, "message": message, "field": field}})
    reply.status_code = status
    return reply


def domain_error(exc: errors.DomainError) -> tuple[int, dict]:
    """The status (409, 404 …; 400 for any other) and JSON body of a refusal by a service."""
    status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
    return status, {"error": {"code": exc.code, "message": exc.message, "field": exc.field}}


def validation_error(exc: ValidationError) -> ApiError:
    """A 422 naming the first invalid field (and how many more there are)."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or None
    message = first["msg"].removeprefix("Value error, ")
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return ApiError(422, "invalid", f"{field or 'body'}: {message}{more}" if field else message + more, field)


@dataclass
class RouteSpec:
    """One API route as the OpenAPI document describes it (``rule`` below the API prefix)."""

    rule: str
    method: str
    summary: str
    roles: frozenset[str]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    responses: dict[int, str] = field(default_factory=dict)
    tag: str = ""


class ApiBlueprint(Blueprint):
    """A blueprint of API views: :meth:`api_route` adds a route and keeps its spec in :attr:`specs`."""

    def __init__(self, name: str, import_name: str) -> None:
        super().__init__(name, import_name)
        self.specs: list[RouteSpec] = []

    def api_route(
        self,
        rule: str,
        method: str,
        *,
        summary: str,
        roles: frozenset[str],
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        responses: dict[int, str] | None = None,
    ) -> Callable[[View], View]:
        """Route ``method rule`` to the decorated view (see :data:`View`), for ``roles`` (empty: anyone),
        with its body and query validated by ``body`` and ``query``."""
        spec = RouteSpec(rule, method, summary, roles, body, query, responses or {200: "OK"}, self.name)
        self.specs.append(spec)

        def decorate(view: View) -> View:
            self.add_url_rule(rule, view.__name__, _guarded(spec, view), methods=[method])
            return view

        return decorate


@dataclass(frozen=True)
class ApiIndex:
    """The API routes one app serves, in the order its blueprints were registered."""

    routes: tuple[RouteSpec, ...]

    @classmethod
    def of(cls, app: Flask) -> ApiIndex:
        """The routes of every API blueprint registered on ``app``."""
        return cls(tuple(spec for bp in app.blueprints.values() if isinstance(bp, ApiBlueprint) for spec in bp.specs))


def current_hall() -> Hall:
    """The hall the app serving this request was made for."""
    hall: Hall = current_app.config["HALL"]
    return hall


def current_principal() -> auth.Principal | None:
    """Who sent this request: by bearer token, else by session cookie; None when neither is valid."""
    if "principal" in g:
        principal: auth.Principal | None = g.principal
        return principal
    header = request.headers.get("Authorization", "")
    bearer = header.lower().startswith("bearer ")
    token = header[7:].strip() if bearer else session.get("token")
    g.principal = auth.resolve(current_hall(), token) if token else None
    g.by_cookie = g.principal is not None and not bearer
    return g.principal


def _guarded(spec: RouteSpec, view: View) -> View:
    @functools.wraps(view)
    def guarded(**kwargs: Any) -> Response:
        principal = current_principal()
        _authorize(spec, principal)
        _check_csrf(spec)
        parsed_body = _parse_body(spec.body) if spec.body else None
        parsed_query = _parse_query(spec.query) if spec.query else None
        call = functools.partial(view, principal=principal, body=parsed_body, query=parsed_query, **kwargs)
        return _run(spec, principal, call)

    return guarded


CSRF_HEADER = "X-CSRF-Token"
CSRF_EXEMPT = frozenset({"hall.login", "hall.logout"})


def _check_csrf(spec: RouteSpec) -> None:
    """A POST authenticated by the session cookie must carry the session's CSRF token in a header.

    A cross-site page can make the browser send the cookie (were SameSite ever relaxed) but cannot
    read the token, which the hall's own pages get from the log-in reply or ``GET /auth/me``.
    """
    if spec.method != "POST" or not g.get("by_cookie") or request.endpoint in CSRF_EXEMPT:
        return
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(request.headers.get(CSRF_HEADER, ""), expected):
        raise ApiError(403, "csrf", f"the {CSRF_HEADER} header is missing or stale; reload the page", CSRF_HEADER)


def _authorize(spec: RouteSpec, principal: auth.Principal | None) -> None:
    if not spec.roles:
        return
    if principal is None:
        raise ApiError(401, "unauthenticated", "log in or send a bearer token (Authorization: Bearer …)")
    if principal.role not in spec.roles:
        raise ApiError(403, "forbidden", f"a {principal.role} may not {spec.method} {request.path}")


def _parse_body(model: type[BaseModel]) -> BaseModel:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raw = b"{}"
    elif not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise ApiError(400, "bad_json", "the body is not valid JSON") from None
        if any(e["type"] == "model_type" and not e["loc"] for e in exc.errors()):
            raise ApiError(422, "invalid", "the body must be a JSON object") from None
        raise validation_error(exc) from None


def _parse_query(model: type[BaseModel]) -> BaseModel:
    args = dict(request.args.items())
    try:
        return model.model_validate(args, strict=False)
    except ValidationError as exc:
        raise validation_error(exc) from None


def _status_and_body(result: Any) -> tuple[int, Any]:
    return result if isinstance(result, tuple) else (200, result)


def _run(spec: RouteSpec, principal: auth.Principal | None, call: Callable[[], Any]) -> Response:
    """Run the view, once per Idempotency-Key of an authenticated principal on a POST that needs a role."""
    # anonymous, or a route open to anyone (it authenticates by its body or query): the key is ignored
    keyed = spec.method == "POST" and spec.roles and principal is not None
    key = request.headers.get("Idempotency-Key") if keyed else None
    if key is not None and len(key) > 128:
        raise ApiError(
            422, "invalid", "Idempotency-Key may be at most 128 characters / 幂等键最长128个字符", "Idempotency-Key"
        )
    try:
        if key and principal is not None:
            result: Any = idempotency.run_once(
                current_hall(),
                idempotency.scope_of(principal),
                key,
                _fingerprint(spec),
                lambda: _status_and_body(call()),
            )
        else:
            result = call()
    except errors.DomainError as exc:
        result = domain_error(exc)
    if isinstance(result, Response):
        return result
    status, body = _status_and_body(result)
    if status == 204:
        return Response(status=204)
    reply = jsonify(body)
    reply.status_code = status
    return reply


def _fingerprint(spec: RouteSpec) -> idempotency.Fingerprint:
    """The request's method, path, and its body (validated JSON; ``{}`` when empty) and query, canonically."""
    raw = request.get_data(cache=True)
    body = json.loads(raw) if raw.strip() else {}
    return idempotency.Fingerprint.of(spec.method, request.path, body, request.args.items(multi=True))
