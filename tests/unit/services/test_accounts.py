"""Users, tokens and the audit log on fakes (idempotency keys: test_idempotency.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hallctl.domain.errors import Forbidden, Invalid, LockedOut, NotFound
from hallctl.services import audit, auth

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


def test_guessing_one_account_from_one_address_slows_down_with_a_growing_delay(hall, clock):
    auth.add_user(hall, "li", "staff", PASSWORD)
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(Forbidden):
            auth.login(hall, "li", "guess", "10.0.0.9")
    for delay_s in (2, 4, 8):
        with pytest.raises(LockedOut, match="try again after") as refused:
            auth.login(hall, "li", PASSWORD, "10.0.0.9")  # refused before the password is even looked at
        assert refused.value.retry_after_s == delay_s
        clock.advance(seconds=delay_s)
        with pytest.raises(Forbidden):
            auth.login(hall, "li", "guess", "10.0.0.9")
    assert auth.retry_delay_s(40) == auth.MAX_DELAY_S == 15 * 60
    clock.advance(seconds=16)
    assert auth.login(hall, "li", PASSWORD, "10.0.0.9")[1].name == "li"
    for _ in range(auth.FREE_FAILURES):  # a success starts the pair's count again
        with pytest.raises(Forbidden):
            auth.login(hall, "li", "guess", "10.0.0.9")


def test_a_pairs_failures_are_forgotten_a_day_after_the_latest(hall, clock):
    auth.add_user(hall, "li", "staff", PASSWORD)
    for _ in range(auth.FREE_FAILURES + 1):
        clock.advance(minutes=20)
        with pytest.raises(Forbidden):
            auth.login(hall, "li", "guess", "10.0.0.9")
    clock.advance(hours=24, seconds=1)
    for _ in range(auth.FREE_FAILURES):  # free again, with no wait between them
        with pytest.raises(Forbidden):
            auth.login(hall, "li", "guess", "10.0.0.9")


@given(st.integers(min_value=0, max_value=10**9))
def test_the_wait_after_failures_never_shrinks_as_guesses_go_on_and_never_exceeds_fifteen_minutes(failures):
    delay = auth.retry_delay_s(failures)
    assert 0 <= auth.retry_delay_s(max(failures - 1, 0)) <= delay <= auth.MAX_DELAY_S
    assert (delay == 0) == (failures < auth.FREE_FAILURES)


def test_failures_from_another_address_never_keep_the_right_password_out(hall):
    auth.add_user(hall, "li", "staff", PASSWORD)
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(Forbidden):
            auth.login(hall, "li", "guess", "10.0.0.66")
    with pytest.raises(LockedOut):
        auth.login(hall, "li", "guess", "10.0.0.66")
    assert auth.login(hall, "li", PASSWORD, "10.0.0.9")[1].name == "li"


def test_a_disabled_user_can_neither_log_in_nor_keep_using_a_session(hall):
    auth.add_user(hall, "li", "staff", PASSWORD)
    auth.add_user(hall, "wang", "staff", PASSWORD)
    token, _who = auth.login(hall, "li", PASSWORD)
    other, wang = auth.login(hall, "wang", PASSWORD)
    assert auth.disable_user(hall, "li") == 1
    assert auth.resolve(hall, token) is None
    assert auth.resolve(hall, other) == wang
    with pytest.raises(Forbidden):
        auth.login(hall, "li", PASSWORD)
    with pytest.raises(NotFound, match="no user named ghost"):
        auth.disable_user(hall, "ghost")


def test_a_password_change_or_a_role_change_ends_the_users_sessions(hall):
    auth.add_user(hall, "li", "staff", PASSWORD)
    token, _who = auth.login(hall, "li", PASSWORD)
    assert auth.set_password(hall, "li", "another-pass-2") == 1
    assert auth.resolve(hall, token) is None
    with pytest.raises(Forbidden):
        auth.login(hall, "li", PASSWORD)
    token, _who = auth.login(hall, "li", "another-pass-2")
    auth.add_user(hall, "li", "manager", "manager-pass-12")
    assert auth.resolve(hall, token) is None
    assert auth.login(hall, "li", "manager-pass-12")[1].role == "manager"
    with pytest.raises(NotFound):
        auth.set_password(hall, "ghost", "another-pass-2")


def test_a_manager_or_admin_password_needs_twelve_characters_and_no_common_password_passes(hall):
    for role in ("manager", "admin"):
        with pytest.raises(Invalid, match="at least 12"):
            auth.add_user(hall, "boss", role, "12345678abc")
    for common in ("12345678", "woaini1314", "Password123!", "qwertyuiop123"):
        with pytest.raises(Invalid, match="too common"):
            auth.add_user(hall, "li", "staff", common)
    with pytest.raises(Invalid, match="must not contain the username"):
        auth.add_user(hall, "zhangwei", "staff", "zhangwei-2026")
    auth.add_user(hall, "boss", "admin", "brass-lantern-47")


@pytest.mark.parametrize("name", ["li\nroot", "li\x1b[31m", " li", "李 伟", "", "x" * 65, "li/../x"])
def test_a_username_with_whitespace_control_characters_or_odd_symbols_is_refused(hall, name):
    with pytest.raises(Invalid, match="letters, digits"):
        auth.add_user(hall, name, "staff", PASSWORD)


def test_a_revoked_device_token_stops_working_at_once(hall):
    token = auth.add_token(hall, "k1", "kiosk")
    assert auth.resolve(hall, token).role == "kiosk"
    assert auth.revoke_tokens(hall, "k1") == 1
    assert auth.resolve(hall, token) is None


def test_a_token_of_an_unknown_role_is_refused_in_both_languages(hall):
    with pytest.raises(Invalid, match=r"role must be one of kiosk.*角色须为 kiosk、"):
        auth.add_token(hall, "x", "root")


def test_the_audit_log_lists_the_latest_lines_first(hall, clock):
    audit.record(hall, "li", "staff", "POST", "/api/v1/windows/1/call", 200, "10.0.0.1")
    clock.advance(seconds=1)
    audit.record(hall, "x" * 100, "manager", "GET", "/api/v1/reports/kpis", 200, "")
    latest, first = audit.recent(hall, 10)
    assert (latest["actor"], first["path"]) == ("x" * 64, "/api/v1/windows/1/call")
    assert latest["at"] == "2026-11-23T01:00:01Z"
