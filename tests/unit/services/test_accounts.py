"""Users, tokens, the audit log and idempotency keys on fakes."""

from __future__ import annotations

import pytest

from hallctl.domain.errors import ConcurrencyConflict, Forbidden, Invalid, LockedOut, Refused
from hallctl.services import audit, auth, idempotency

PASSWORD = "test-pass-1"


def test_a_user_logs_in_and_the_session_token_names_them_until_logout(hall):
    auth.add_user(hall, "li", "staff", PASSWORD)
    token, who = auth.login(hall, "li", PASSWORD)
    assert (who.name, who.role) == ("li", "staff")
    assert auth.resolve(hall, token) == who
    auth.logout(hall, who)
    assert auth.resolve(hall, token) is None


def test_a_wrong_password_and_an_unknown_user_are_refused_alike(hall):
    auth.add_user(hall, "li", "staff", PASSWORD)
    with pytest.raises(Forbidden) as wrong:
        auth.login(hall, "li", "not-the-password")
    with pytest.raises(Forbidden) as unknown:
        auth.login(hall, "nobody", PASSWORD)
    assert wrong.value.message == unknown.value.message
    with pytest.raises(Invalid, match="at least 8"):
        auth.add_user(hall, "wang", "staff", "short")


def test_five_failed_logins_lock_the_name_for_fifteen_minutes(hall, clock):
    auth.add_user(hall, "li", "staff", PASSWORD)
    for _ in range(auth.LOCKOUT_FAILURES):
        audit.record(hall, "li", "login", "POST", audit.LOGIN_PATH, 403, "10.0.0.9")
    with pytest.raises(LockedOut, match="09:15"):
        auth.login(hall, "li", PASSWORD)
    clock.advance(minutes=auth.LOCKOUT_MINUTES, seconds=1)
    assert auth.login(hall, "li", PASSWORD)[1].name == "li"


def test_a_revoked_device_token_stops_working_at_once(hall):
    token = auth.add_token(hall, "k1", "kiosk")
    assert auth.resolve(hall, token).role == "kiosk"
    assert auth.revoke_tokens(hall, "k1") == 1
    assert auth.resolve(hall, token) is None


def test_the_audit_log_lists_the_latest_lines_first(hall, clock):
    audit.record(hall, "li", "staff", "POST", "/api/v1/windows/1/call", 200, "10.0.0.1")
    clock.advance(seconds=1)
    audit.record(hall, "x" * 100, "manager", "GET", "/api/v1/reports/kpis", 200, "")
    latest, first = audit.recent(hall, 10)
    assert (latest["actor"], first["path"]) == ("x" * 64, "/api/v1/windows/1/call")
    assert latest["at"] == "2026-11-23T01:00:01Z"


def test_a_repeated_idempotency_key_replays_the_first_result(hall):
    runs = []

    def action():
        runs.append(1)
        return 201, {"n": len(runs)}

    def refused(exc):
        return 409, {"error": exc.message}

    first = idempotency.run_once(hall, "kiosk:k1", "key-1", "POST", "/api/v1/tickets", action, refused)
    again = idempotency.run_once(hall, "kiosk:k1", "key-1", "POST", "/api/v1/tickets", action, refused)
    assert first == again == (201, {"n": 1}) and len(runs) == 1
    with pytest.raises(ConcurrencyConflict, match="already used for POST /api/v1/tickets"):
        idempotency.run_once(hall, "kiosk:k1", "key-1", "POST", "/api/v1/other", action, refused)


def test_a_domain_error_is_replayed_and_a_crash_lets_the_key_run_again(hall):
    def refuse():
        raise Refused("the hall is closed")

    def refused(exc):
        return 409, {"error": exc.message}

    replies = [idempotency.run_once(hall, "p", "k", "POST", "/x", refuse, refused) for _ in range(2)]
    assert replies == [(409, {"error": "the hall is closed"})] * 2

    def crash():
        raise RuntimeError("the process broke")

    with pytest.raises(RuntimeError):
        idempotency.run_once(hall, "p", "k2", "POST", "/x", crash, refused)
    assert idempotency.run_once(hall, "p", "k2", "POST", "/x", lambda: (200, None), refused) == (200, None)
