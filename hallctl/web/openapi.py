"""The OpenAPI 3.1 document, built from the registered routes and their pydantic models."""

from __future__ import annotations

import re

from pydantic import BaseModel

from .api import Registry

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
    params = []

    def repl(match):
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


def build(api: Registry, prefix: str, title: str) -> dict:
    components: dict = {"Error": _ERROR}
    paths: dict = {}
    for spec in api.routes:
        path, params = _path(spec.rule)
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
        if spec.method == "POST":
            op["parameters"].append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 128},
                }
            )
        responses = {str(code): {"description": text} for code, text in spec.responses.items()}
        for code, text in ((401, "Not logged in"), (403, "Role not allowed"), (422, "Invalid input")):
            if spec.roles or code == 422:
                responses.setdefault(str(code), {"description": text})
        for code, resp in responses.items():
            if code.startswith("4") or code.startswith("5"):
                resp["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        op["responses"] = responses
        if spec.roles:
            op["security"] = [{"bearer": []}, {"session": []}]
            op["description"] = "Roles: " + ", ".join(sorted(spec.roles))
        paths.setdefault(prefix + path, {})[spec.method.lower()] = op
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
