"""Idempotency keys on fakes: replays to the same request only, no stored failure or secret, retention."""

from __future__ import annotations

import pytest

from hallctl.domain.errors import Refused
from hallctl.services import idempotency
from hallctl.services.auth import Principal
from hallctl.services.idempotency import Fingerprint, KeyInProgress, KeyMismatch

ISSUE = Fingerprint.of("POST", "/api/v1/tickets", {"service": "SB"}, [])


class Counted:
    """An action that counts its runs and answers ``reply``."""

    def __init__(self, reply=(201, {"id": 1})) -> None:
        self.runs, self.reply = 0, reply

    def __call__(self):
        self.runs += 1
        return self.reply


def test_a_repeated_key_replays_the_first_success_without_running_it_again(hall):
    action = Counted()
    first = idempotency.run_once(hall, "token:1", "k", ISSUE, action)
    again = idempotency.run_once(hall, "token:1", "k", ISSUE, action)
    assert first == again == (201, {"id": 1}) and action.runs == 1


def test_a_key_cannot_be_replayed_for_another_body_path_or_query(hall):
    idempotency.run_once(hall, "token:1", "k", ISSUE, Counted())
    others = [
        Fingerprint.of("POST", "/api/v1/tickets", {"service": "GJJ"}, []),
        Fingerprint.of("POST", "/api/v1/other", {"service": "SB"}, []),
        Fingerprint.of("POST", "/api/v1/tickets", {"service": "SB"}, [("token", "x")]),
    ]
    for other in others:
        with pytest.raises(KeyMismatch, match="another request") as refused:
            idempotency.run_once(hall, "token:1", "k", other, Counted())
        assert refused.value.code == "idempotency_mismatch"


def test_the_fingerprint_ignores_key_order_and_query_order_only():
    a = Fingerprint.of("POST", "/p", {"a": 1, "b": [1, 2]}, [("x", "1"), ("y", "2")])
    assert a == Fingerprint.of("POST", "/p", {"b": [1, 2], "a": 1}, [("y", "2"), ("x", "1")])
    assert a != Fingerprint.of("POST", "/p", {"a": 1, "b": [2, 1]}, [("x", "1"), ("y", "2")])


def test_another_principal_with_the_same_key_runs_its_own_request(hall):
    action = Counted()
    idempotency.run_once(hall, "token:1", "k", ISSUE, action)
    idempotency.run_once(hall, "token:2", "k", ISSUE, action)
    assert action.runs == 2


def test_a_reissued_device_token_is_a_new_principal_and_a_user_is_one_across_sessions():
    old, new = Principal("k1", "kiosk", 7), Principal("k1", "kiosk", 9)
    assert idempotency.scope_of(old) != idempotency.scope_of(new)
    assert idempotency.scope_of(Principal("li", "staff", 3)) == idempotency.scope_of(Principal("li", "staff", 4))
    assert idempotency.scope_of(Principal("li", "staff", 3)) != idempotency.scope_of(Principal("li", "manager", 3))


def test_a_refused_request_is_not_stored_so_a_retry_runs_again(hall):
    def refuse():
        raise Refused("closed")

    for _ in range(2):
        with pytest.raises(Refused):
            idempotency.run_once(hall, "token:1", "k", ISSUE, refuse)
    action = Counted()
    assert idempotency.run_once(hall, "token:1", "k", ISSUE, action) == (201, {"id": 1}) and action.runs == 1
    assert hall.database.idempotency[("token:1", "k")].status == 201


def test_an_error_reply_or_a_crash_releases_the_key(hall):
    for failing in (Counted((409, {"error": {}})), Counted((500, None))):
        idempotency.run_once(hall, "token:1", "k", ISSUE, failing)
    assert hall.database.idempotency == {}

    def crash():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        idempotency.run_once(hall, "token:1", "k", ISSUE, crash)
    assert hall.database.idempotency == {}


def test_a_reply_holding_a_session_token_is_never_stored(hall):
    action = Counted((200, {"token": "secret-session", "role": "staff"}))
    for _ in range(2):
        assert idempotency.run_once(hall, "user:staff:li", "k", ISSUE, action)[1]["token"] == "secret-session"
    assert action.runs == 2 and hall.database.idempotency == {}


def test_a_duplicate_while_the_first_runs_is_told_to_retry(hall):
    def nested():
        with pytest.raises(KeyInProgress, match="still being processed"):
            idempotency.run_once(hall, "token:1", "k", ISSUE, Counted())
        return 201, {"id": 1}

    assert idempotency.run_once(hall, "token:1", "k", ISSUE, nested) == (201, {"id": 1})


def test_keys_expire_after_the_retention_and_are_purged(hall, clock):
    idempotency.run_once(hall, "token:1", "old", ISSUE, Counted())
    clock.advance(hours=23)
    idempotency.run_once(hall, "token:1", "recent", ISSUE, Counted())
    clock.advance(hours=1, seconds=1)
    action = Counted()
    idempotency.run_once(hall, "token:1", "new", ISSUE, action)
    assert set(hall.database.idempotency) == {("token:1", "recent"), ("token:1", "new")}
    clock.advance(hours=24)
    idempotency.run_once(hall, "token:1", "recent", ISSUE, action)  # expired: runs as a new request
    assert action.runs == 2


def test_a_purge_deletes_a_bounded_batch_oldest_first(hall, clock, monkeypatch):
    monkeypatch.setattr(idempotency, "PURGE_BATCH", 2)
    for n in range(5):
        idempotency.run_once(hall, "token:1", f"k{n}", ISSUE, Counted())
        clock.advance(minutes=1)
    clock.advance(hours=24)
    idempotency.run_once(hall, "token:1", "now", ISSUE, Counted())
    assert set(hall.database.idempotency) == {("token:1", k) for k in ("k2", "k3", "k4", "now")}
