"""The API of PRODUCT.md §4.3 as a contract.

The CSV export, health, the OpenAPI document, and 4xx JSON (never a 5xx) for garbage and out-of-range ids.
"""

import csv
import io
import json
import os

import pytest

from tests.e2e.helpers.api import error_of, issue, login_window


def test_the_ticket_export_has_one_row_per_ticket_with_durations(api, clock):
    t = issue(api)
    login_window(api)
    clock.advance(minutes=3)
    api["staff1"].post("/windows/1/call", json={})
    clock.advance(seconds=20)
    api["staff1"].post("/windows/1/start", json={})
    clock.advance(minutes=5)
    api["staff1"].post("/windows/1/finish", json={})
    api["anon"].post(f"/tickets/{t['id']}/rating?token={t['track_token']}", json={"level": 4, "reasons": ["效率低"]})
    issue(api, "GJJ")
    response = api["manager"].get("/tickets/export.csv?from=2026-11-23&to=2026-11-23")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["number"] for r in rows] == ["A001", "B001"]
    first = rows[0]
    assert (first["wait_s"], first["walk_s"], first["service_s"]) == ("180.0", "20.0", "300.0")
    assert first["rating_level"] == "4" and first["outcome"] == "completed" and first["staff"] == "staff1"
    assert first["issued_at"] == "2026-11-23T01:00:00Z"
    assert rows[1]["wait_s"] == "" and rows[1]["status"] == "waiting"
    assert (
        api["manager"]
        .get("/tickets/export.csv?from=2026-11-24&to=2026-11-24")
        .get_data(as_text=True)
        .lstrip("\ufeff")
        .count("\n")
        == 1
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?from=2026-11-23",
        "?from=yesterday&to=2026-11-23",
        "?from=2026-11-24&to=2026-11-23",
        "?from=2026-11-23&to=2026-11-23&x=1",
    ],
)
def test_bad_export_ranges_are_422(api, query):
    assert api["manager"].get(f"/tickets/export.csv{query}").status_code == 422


def test_health_answers_without_login(api):
    reply = api["anon"].get("/healthz")
    health = reply.get_json()
    assert reply.status_code == 200
    assert (health["status"], health["hall"], health["pid"], health["devices"]) == ("ok", "t", os.getpid(), "off")
    assert health["checks"]["database"]["ok"] and health["checks"]["disk"]["ok"]
    assert health["checks"]["devices"]["total"] == 0  # this hall runs no devices


def test_the_openapi_document_lists_every_route_with_its_body_schema(web, api):
    _hall, app, _socketio = web
    doc = api["anon"].get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    registered = {(spec.method.lower(), spec.rule) for spec in app.extensions["hallctl.api"].routes}
    listed = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert len(listed) == len(registered) >= 20
    issue_op = doc["paths"]["/api/v1/tickets"]["post"]
    schema = doc["components"]["schemas"][
        issue_op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    ]
    assert schema["required"] == ["service"] and schema["additionalProperties"] is False
    assert "{n}" in "".join(doc["paths"]) and "Idempotency-Key" in json.dumps(issue_op)
    assert "Idempotency-Key" not in json.dumps(doc["paths"]["/api/v1/auth/login"]["post"])  # ignored there


GARBAGE = [
    None,
    "",
    "null",
    "[]",
    "{}",
    '{"ticket": {}}',
    '{"ticket": -1}',
    '{"ticket": "A"}',
    '{"kind": null}',
    '{"reason": ""}',
    '{"outcome": 7}',
    '{"service": []}',
    '{"window": "1"}',
    '{"level": 9}',
    '{"level": true}',
    '"\\ud800"',
    "\u00ff\u00fe",
    '{"a":' * 50,
]


def test_no_post_route_answers_5xx_to_garbage(web, api):
    _hall, app, _socketio = web
    login_window(api)
    routes = [
        spec.rule.replace("<int:n>", "1").replace("<int:ticket_id>", "1")
        for spec in app.extensions["hallctl.api"].routes
        if spec.method == "POST"
    ]
    for route in routes:
        for body in GARBAGE:
            for who in ("staff1", "kiosk", "anon"):
                response = api[who].client.post(
                    f"/api/v1{route}",
                    data=body,
                    headers={"Content-Type": "application/json", **api[who]._headers(None)},
                )
                assert response.status_code < 500, (route, body, who, response.get_data(as_text=True))
                if response.status_code >= 400:
                    error_of(response)


def test_ids_too_large_for_the_database_are_not_found_or_invalid_never_a_server_error(api):
    assert api["anon"].get("/tickets/9223372036854775808?token=x").status_code == 404
    assert api["manager"].post("/followups/4294967296", json={"action": "verify"}).status_code == 404
    login_window(api)
    reply = api["staff1"].post("/windows/1/call", json={"ticket": 2**40})
    assert reply.status_code == 422 and error_of(reply)["field"].startswith("ticket")
