"""Who may do what over the API of PRODUCT.md §4.3.

Roles, log-in with its cookie and CSRF token, lock-outs and rate limits, token revocation, the audit log, security
headers.
"""

import http.client
import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import BOTH_DATABASES, PASSWORD, FakeClock
from tests.e2e.helpers.api import error_of, login_window


def test_nobody_calls_without_logging_in_and_a_kiosk_cannot_call(api):
    assert error_of(api["anon"].post("/windows/1/call", json={}))["code"] == "unauthenticated"
    assert api["kiosk"].post("/windows/1/call", json={}).status_code == 403
    assert api["display"].post("/windows/1/call", json={}).status_code == 403


def test_staff_cannot_read_manager_exports_and_kiosks_cannot_read_the_hall(api):
    assert api["staff1"].get("/tickets/export.csv?from=2026-11-23&to=2026-11-23").status_code == 403
    assert api["kiosk"].get("/hall/state").status_code == 403
    assert api["display"].get("/hall/state").status_code == 200
    assert api["manager"].get("/tickets/export.csv?from=2026-11-23&to=2026-11-23").status_code == 200


def test_an_unknown_or_garbage_bearer_token_is_unauthenticated(api):
    api["anon"].token = "x" * 300
    assert api["anon"].get("/hall/state").status_code == 401


def test_login_sets_a_session_cookie_that_works_and_logout_ends_it(web):
    _hall, app, _socketio = web
    from hallctl.services import auth

    auth.add_user(_hall, "li", "staff", PASSWORD)
    client = app.test_client()
    wrong = client.post("/api/v1/auth/login", json={"username": "li", "password": "nope"})
    assert wrong.status_code == 403 and "用户名或密码错误" in wrong.get_json()["error"]["message"]
    unknown = client.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope"})
    assert unknown.get_json() == wrong.get_json()
    ok = client.post("/api/v1/auth/login", json={"username": "li", "password": PASSWORD})
    assert ok.status_code == 200 and ok.get_json()["role"] == "staff"
    assert "HttpOnly" in ok.headers["Set-Cookie"] and "SameSite=Strict" in ok.headers["Set-Cookie"]
    refused = client.post("/api/v1/windows/1/login", json={})  # the cookie alone is not enough for a POST
    assert refused.status_code == 403 and error_of(refused)["code"] == "csrf"
    stale = client.post("/api/v1/windows/1/login", json={}, headers={"X-CSRF-Token": "guessed"})
    assert stale.status_code == 403
    csrf = {"X-CSRF-Token": ok.get_json()["csrf"]}
    assert client.post("/api/v1/windows/1/login", json={}, headers=csrf).status_code == 200
    assert client.get("/api/v1/auth/me").get_json()["csrf"] == csrf["X-CSRF-Token"]
    token = ok.get_json()["token"]
    bearer = app.test_client()
    me = bearer.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me == {"username": "li", "role": "staff", "csrf": None}  # a bearer token needs no CSRF token
    client.post("/api/v1/auth/logout", json={})
    nobody = {"username": None, "role": None, "csrf": None}
    assert client.get("/api/v1/auth/me").get_json() == nobody
    assert bearer.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).get_json() == nobody
    assert client.post("/api/v1/windows/1/call", json={}).status_code == 401


@BOTH_DATABASES
def test_staff_actions_and_login_attempts_are_audited_and_only_managers_read_the_log(api, web):
    api["kiosk"].post("/tickets", json={"service": "SB"})
    login_window(api)
    api["staff1"].post("/windows/1/call", json={})
    api["anon"].post("/auth/login", json={"username": "staff1", "password": "wrong"})
    log = api["manager"].get("/audit?limit=10").get_json()
    entries = [(e["actor"], e["role"], e["path"], e["status"]) for e in log]
    assert ("staff1", "staff", "/api/v1/windows/1/call", 200) in entries
    assert ("staff1", "staff", "/api/v1/windows/1/login", 200) in entries
    assert ("staff1", "login", "/api/v1/auth/login", 403) in entries
    assert not any(e[2] == "/api/v1/tickets" for e in entries)  # kiosks issuing are not staff actions
    assert all(e["remote_addr"] and e["at"].endswith("Z") for e in log)
    assert api["staff1"].get("/audit").status_code == 403
    assert api["admin"].client.delete("/api/v1/audit").status_code == 405
    assert api["admin"].post("/audit", json={}).status_code == 405


def test_responses_carry_security_headers(api, web):
    for response in (api["anon"].get("/services"), web[1].test_client().get("/results"), api["anon"].get("/nowhere")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_revoked_kiosk_token_is_refused_at_once(api, web):
    from hallctl.services import auth

    assert api["kiosk"].post("/tickets", json={"service": "SB"}).status_code == 201
    assert auth.revoke_tokens(web[0], "k1") == 1
    assert api["kiosk"].post("/tickets", json={"service": "SB"}).status_code == 401


@BOTH_DATABASES
def test_wrong_passwords_for_a_colleague_from_one_address_do_not_lock_them_out_at_their_own_desk(web):
    hall, app, _socketio = web
    from hallctl.services import auth

    auth.add_user(hall, "li", "staff", PASSWORD)
    attacker = {"REMOTE_ADDR": "10.0.0.66"}
    client = app.test_client()
    for _ in range(auth.FREE_FAILURES):
        wrong = client.post("/api/v1/auth/login", json={"username": "li", "password": "guess"}, environ_base=attacker)
        assert wrong.status_code == 403
    delayed = client.post("/api/v1/auth/login", json={"username": "li", "password": PASSWORD}, environ_base=attacker)
    assert delayed.status_code == 429 and error_of(delayed)["code"] == "locked_out"
    assert delayed.headers["Retry-After"] == "2" and "try again after 09:00:02" in error_of(delayed)["message"]
    desk = {"REMOTE_ADDR": "10.0.0.9"}
    mine = client.post("/api/v1/auth/login", json={"username": "li", "password": PASSWORD}, environ_base=desk)
    assert mine.status_code == 200 and mine.get_json()["username"] == "li"
    hall.clock.advance(seconds=2)
    again = client.post("/api/v1/auth/login", json={"username": "li", "password": "guess"}, environ_base=attacker)
    assert again.status_code == 403
    longer = client.post("/api/v1/auth/login", json={"username": "li", "password": "guess"}, environ_base=attacker)
    assert longer.headers["Retry-After"] == "4"


@BOTH_DATABASES
def test_forty_parallel_guesses_get_three_password_checks_and_the_owner_still_logs_in_from_elsewhere(served):
    from hallctl.services import auth

    port = served.server.server_port
    served.hall.clock = FakeClock(served.hall.now())  # a loaded machine may take longer than the first delay (2 s)
    barrier = threading.Barrier(40)

    def guess(_n: int) -> tuple[int, dict, str | None]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.connect()
        barrier.wait()
        body = json.dumps({"username": "staff1", "password": "guess"})
        connection.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
        reply = connection.getresponse()
        answer = (reply.status, json.loads(reply.read()), reply.getheader("Retry-After"))
        connection.close()
        return answer

    with ThreadPoolExecutor(40) as pool:
        replies = list(pool.map(guess, range(40)))
    statuses = Counter(status for status, _body, _retry in replies)
    assert statuses == {403: auth.FREE_FAILURES, 429: 40 - auth.FREE_FAILURES}  # only 3 passwords were checked
    refused = [(body["error"]["code"], retry) for status, body, retry in replies if status == 429]
    # the pair's delay refuses them, or, once ten failures of the address are counted, the address's limit does
    assert {code for code, _retry in refused} <= {"locked_out", "too_many_requests"}
    assert all(retry for code, retry in refused if code == "locked_out")
    owner = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=("127.0.0.2", 0))
    owner.request(
        "POST",
        "/api/v1/auth/login",
        json.dumps({"username": "staff1", "password": PASSWORD}),
        {"Content-Type": "application/json"},
    )
    assert owner.getresponse().status == 200


def test_sixty_log_ins_a_minute_from_one_address_succeed_but_the_eleventh_failure_is_refused(web):
    hall, app, _socketio = web
    from hallctl.services import auth

    auth.add_user(hall, "li", "staff", PASSWORD)
    client = app.test_client()
    for _ in range(60):
        assert client.post("/api/v1/auth/login", json={"username": "li", "password": PASSWORD}).status_code == 200
    replies = [client.post("/api/v1/auth/login", json={"username": f"nobody{i}", "password": "x"}) for i in range(11)]
    assert [r.status_code for r in replies] == [403] * 10 + [429]
    assert error_of(replies[-1])["code"] == "too_many_requests"


def test_a_disabled_or_re_passworded_users_session_is_refused_on_its_next_request(api, web):
    from hallctl.services import auth

    assert api["staff1"].get("/auth/me").get_json()["username"] == "staff1"
    assert auth.set_password(web[0], "staff1", "changed-pass-1") == 1
    assert api["staff1"].post("/windows/1/login", json={}).status_code == 401
    api["staff1"].token = auth.login(web[0], "staff1", "changed-pass-1")[0]
    assert api["staff1"].post("/windows/1/login", json={}).status_code == 200
    assert auth.disable_user(web[0], "staff1") == 1
    assert api["staff1"].post("/windows/1/call", json={}).status_code == 401
    refused = api["anon"].post("/auth/login", json={"username": "staff1", "password": "changed-pass-1"})
    assert refused.status_code == 403
    assert api["staff2"].get("/auth/me").get_json()["username"] == "staff2"
