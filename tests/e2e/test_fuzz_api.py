"""Schemathesis: requests generated from the OpenAPI document never get a 5xx; every 4xx has the error shape."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def api_schema(web):
    _hall, app, _socketio = web
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_generated_requests_get_an_answer_never_a_server_error(case, api):
    response = case.call(headers={"Authorization": f"Bearer {api['admin'].token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    )
    if response.status_code >= 400 and response.headers.get("content-type", [""])[0].startswith("application/json"):
        error = response.json()["error"]
        assert set(error) == {"code", "message", "field"} and error["message"]
