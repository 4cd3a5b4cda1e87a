"""The OpenAPI 3.1 document, built from the registered routes and their pydantic models."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from .api import RouteSpec

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": ["string", "null"]},
            },
        }
    },
}


def _path(rule: str) -> tuple[str, list[dict]]:
    """The OpenAPI path of a Flask rule (``<int:n>`` → ``{n}``) and its path parameters."""
    params = []

    def repl(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        schema = {"type": "integer", "minimum": 0} if kind == "int" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return re.sub(r"<(?:(\w+):)?(\w+)>", repl, rule), params


def _schema(model: type[BaseModel], components: dict) -> dict:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _query_params(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema["properties"].items()
    ]


def build(routes: Iterable[RouteSpec], prefix: str, title: str) -> dict:
    """The OpenAPI document of ``routes`` (rules below ``prefix``), their models as components."""
    components: dict = {"Error": _ERROR}
    paths: dict = {}
    for spec in routes:
        path, params = _path(spec.rule)
        paths.setdefault(prefix + path, {})[spec.method.lower()] = _operation(spec, path, params, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


def _operation(spec: RouteSpec, path: str, params: list[dict], components: dict) -> dict:
    op: dict = {
        "summary": spec.summary,
        "operationId": f"{spec.method.lower()}_{spec.tag}_{path}",
        "tags": [spec.tag],
        "parameters": params + (_query_params(spec.query) if spec.query else []),
    }
    if spec.body is not None:
        op["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": _schema(spec.body, components)}},
        }
    if spec.method == "POST" and spec.roles:  # open routes (log-in, a phone's rating) ignore the key
        op["parameters"].append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "the caller's key: a repeat of the same request returns the first 2xx reply (24 h)",
                "schema": {"type": "string", "maxLength": 128},
            }
        )
    op["responses"] = _responses(spec)
    if spec.roles:
        op["security"] = [{"bearer": []}, {"session": []}]
        op["description"] = "Roles: " + ", ".join(sorted(spec.roles))
    return op


def _responses(spec: RouteSpec) -> dict[str, dict[str, Any]]:
    responses: dict[str, dict[str, Any]] = {str(code): {"description": text} for code, text in spec.responses.items()}
    for code, text in ((401, "Not logged in"), (403, "Role not allowed"), (422, "Invalid input")):
        if spec.roles or code == 422:
            responses.setdefault(str(code), {"description": text})
    for status, response in responses.items():
        if status.startswith(("4", "5")):
            response["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return responses
