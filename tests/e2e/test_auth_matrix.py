"""Every API route × every role: refused exactly when the role is not allowed (PRODUCT.md §4.3)."""

import pytest

from hallctl.services import auth
from tests.conftest import Api

ROLES = ["anon", "kiosk", "display", "device", "metrics", "staff1", "manager", "admin"]
ROLE_OF = {
    "anon": None,
    "kiosk": "kiosk",
    "display": "display",
    "device": "device",
    "metrics": "metrics",
    "staff1": "staff",
    "manager": "manager",
    "admin": "admin",
}
QUERY = {
    "/tickets/export.csv": "?from=2026-11-23&to=2026-11-23",
    "/reports/kpis": "?from=2026-11-23&to=2026-11-23",
    "/reports/kpis.csv": "?from=2026-11-23&to=2026-11-23",
    "/reports/kpis.xlsx": "?from=2026-11-23&to=2026-11-23",
    "/reports/staffing": "?from=2026-11-23&to=2026-11-23&weekday=1",
    "/reports/repeat-visits": "?from=2026-11-23&to=2026-11-23",
    "/reports/rankings": "?month=2026-11",
    "/public/results": "?from=2026-11-23&to=2026-11-23",
}


def routes(web):
    """Every route; logging out last, as it ends the caller's session."""
    specs = [(spec.method, spec.rule, spec.roles) for spec in web[1].extensions["hallctl.api"].routes]
    return sorted(specs, key=lambda spec: spec[1] == "/auth/logout")


def test_the_matrix_covers_every_registered_route(web):
    assert len(routes(web)) >= 35


@pytest.mark.parametrize("who", ROLES)
def test_each_role_is_refused_exactly_where_it_is_not_allowed(api, web, who):
    api = {**api, "metrics": Api(web[1].test_client(), auth.add_token(web[0], "prometheus", "metrics"))}
    ticket = api["kiosk"].post("/tickets", json={"service": "SB"}).get_json()
    for method, rule, roles in routes(web):
        path = rule.replace("<int:n>", "1").replace("<int:ticket_id>", str(ticket["id"])).replace(
            "<int:case_id>", "1"
        ) + QUERY.get(rule, "")
        client = api[who]
        response = client.get(path) if method == "GET" else client.post(path, json={})
        role = ROLE_OF[who]
        allowed = not roles or role in roles
        if allowed:
            assert response.status_code not in (401, 403) or rule == "/auth/login", (who, method, rule)
        else:
            assert response.status_code == (401 if role is None else 403), (who, method, rule, response.status_code)
        assert response.status_code < 500, (who, method, rule, response.get_data(as_text=True))
