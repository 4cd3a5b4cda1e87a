"""Idempotency-Key over real HTTP (PRODUCT.md §6.1): a repeated key replays the first success, and only to
the principal that sent it with the same request; anonymous and failed requests are never stored or replayed.

Every POST route of the API's route table is walked: same principal, key and body → the same reply and no
second effect; another body → 422 ``idempotency_mismatch``; another principal with the key → its own request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests
import sqlalchemy as sa

from hallctl.services import auth
from tests.conftest import BOTH_DATABASES, PASSWORD

BASE = "/api/v1"


class Client:
    """A bearer-token (or anonymous) HTTP client of the served hall."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: dict | None = None, key: str | None = None) -> requests.Response:
        headers = {"Idempotency-Key": key} if key else {}
        return self.http.post(self.url + BASE + path, json=body or {}, headers=headers, timeout=10)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.url + BASE + path, timeout=10)


class Hall:
    """The served hall's clients: kiosk k1, staff1, staff2, manager, admin and an anonymous phone."""

    def __init__(self, served) -> None:
        self.served = served
        self.clients = {"kiosk": Client(served.url, served.kiosk_token), "anon": Client(served.url)}
        auth.add_user(served.hall, "admin", "admin", PASSWORD)
        for name in ("staff1", "staff2", "manager", "admin"):
            token, _who = auth.login(served.hall, name, PASSWORD)
            self.clients[name] = Client(served.url, token)

    def __getitem__(self, name: str) -> Client:
        return self.clients[name]

    def issue(self, service: str = "SB") -> dict:
        reply = self["kiosk"].post("/tickets", {"service": service})
        assert reply.status_code == 201, reply.text
        return reply.json()

    def at_window(self, n: int = 1, who: str = "staff1") -> None:
        assert self[who].post(f"/windows/{n}/login").status_code == 200

    def called(self) -> dict:
        ticket = self.issue()
        self.at_window()
        assert self["staff1"].post("/windows/1/call").status_code == 200
        return ticket

    def started(self) -> dict:
        ticket = self.called()
        assert self["staff1"].post("/windows/1/start").status_code == 200
        return ticket

    def finished(self) -> dict:
        ticket = self.started()
        assert self["staff1"].post("/windows/1/finish").status_code == 200
        return ticket

    def stored_keys(self) -> int:
        """Rows in idempotency_keys, read from the database itself."""
        engine = sa.create_engine(self.served.hall.config.hall.database)
        with engine.connect() as connection:
            count = connection.execute(sa.text("SELECT count(*) FROM idempotency_keys")).scalar_one()
        engine.dispose()
        return count

    def observed(self) -> list:
        """What the hall shows: its state (less the clock and the devices), windows 1 and 2, every follow-up case."""
        state = self["manager"].get("/hall/state").json()
        del state["devices"]
        shown = [state, *(self["staff1"].get(f"/windows/{n}").json() for n in (1, 2))]
        return _timeless([*shown, self["manager"].get("/followups?state=all").json()])

    def prints_settled(self) -> int:
        """Issue a sentinel ticket and wait for its slip; the slips printed before it (prints are in order)."""
        sentinel = self.issue("GJJ")
        printed = self.served.printer.wait_for_tickets(len(self.served.printer.tickets) + 1)
        assert sentinel["number"] in printed[-1].text, "a print nobody asked for came before the sentinel"
        return len(printed) - 1


def _timeless(shown):
    """``shown`` less what moves with the clock: the time now, waits so far, estimates."""
    if isinstance(shown, dict):
        moving = ("now", "estimate")
        return {k: _timeless(v) for k, v in shown.items() if not k.endswith("_s") and not k.startswith(moving)}
    return [_timeless(v) for v in shown] if isinstance(shown, list) else shown


@pytest.fixture
def hall(served):
    return Hall(served)


def key() -> str:
    return f"key-{uuid.uuid4()}"


# -- finding 1's reproductions: anonymous requests are never replayed -----------------------------------------


def test_a_wrong_password_cannot_replay_a_login_by_its_idempotency_key(hall):
    k = key()
    right = hall["anon"].post("/auth/login", {"username": "staff1", "password": PASSWORD}, key=k)
    assert right.status_code == 200 and right.json()["token"]
    someone_else = Client(hall.served.url)  # the same address (a proxy's), without staff1's cookie
    wrong = someone_else.post("/auth/login", {"username": "staff1", "password": "not-the-password"}, key=k)
    assert wrong.status_code == 403 and "token" not in wrong.text
    assert hall.stored_keys() == 0


def test_a_wrong_track_token_cannot_replay_a_citizens_rating_by_its_idempotency_key(hall):
    ticket, k = hall.finished(), key()
    rating = {"level": 5, "comment": "窗口人员态度差"}
    rated = hall["anon"].post(f"/tickets/{ticket['id']}/rating?token={ticket['track_token']}", rating, key=k)
    assert rated.status_code == 201
    stranger = hall["anon"].post(f"/tickets/{ticket['id']}/rating?token=guessed", rating, key=k)
    assert stranger.status_code == 404 and "窗口人员态度差" not in stranger.text
    assert hall.stored_keys() == 0


def test_anonymous_requests_with_keys_store_nothing(hall):
    ticket = hall.finished()
    anonymous = [
        ("/auth/login", {"username": "staff1", "password": "wrong-password"}),
        (f"/tickets/{ticket['id']}/rating?token=guessed", {"level": 1}),
        ("/auth/logout", {}),
    ]
    replies = [hall["anon"].post(*anonymous[i % 3], key=f"anon-{i}") for i in range(300)]
    assert {r.status_code for r in replies} <= {403, 404, 429, 200}
    assert hall.stored_keys() == 0


def test_a_refused_request_is_not_replayed_so_a_corrected_retry_runs(hall):
    k = key()
    refused = hall["kiosk"].post("/tickets", {"service": "NOPE"}, key=k)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "service"
    mismatch = hall["kiosk"].post("/tickets", {"service": "SB"}, key=k)
    assert mismatch.status_code == 201 and mismatch.json()["number"] == "A001"
    assert hall.stored_keys() == 1


def test_a_key_reused_on_another_route_is_a_mismatch(hall):
    k = key()
    assert hall["kiosk"].post("/tickets", {"service": "SB"}, key=k).status_code == 201
    hall.at_window()
    assert hall["staff1"].post("/windows/1/call", key=k).status_code == 200  # another principal's key space
    other = hall["staff1"].post("/windows/1/pause", {"reason": "午休"}, key=k)
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_mismatch"
    assert "Idempotency-Key" in other.json()["error"]["message"]


# -- every POST route -------------------------------------------------------------------------------------


@dataclass
class Case:
    """A route's replay case: who calls, the request after ``prepare``, a different request, another caller."""

    who: str
    prepare: Callable[[Hall], tuple[str, dict, str, dict]]
    """Returns (path, body, other path, other body): the request and a different one for the same key."""
    other: str
    other_status: int
    """What the other principal's request with the same key gets when it runs as its own request."""


def _window_route(action: str, setup: Callable[[Hall], object], body: dict | None = None) -> Callable:
    def prepare(h: Hall) -> tuple[str, dict, str, dict]:
        setup(h)
        return f"/windows/1/{action}", body or {}, f"/windows/2/{action}", body or {}

    return prepare


def _held(h: Hall) -> int:
    h.started()
    held = h["staff1"].post("/windows/1/hold", {"kind": "holding"})
    assert held.status_code == 200, held.text
    return held.json()["id"]


def _case_opened(h: Hall) -> int:
    ticket = h.finished()
    rated = h["anon"].post(f"/tickets/{ticket['id']}/rating?token={ticket['track_token']}", {"level": 5})
    assert rated.status_code == 201
    return h["manager"].get("/followups").json()[0]["id"]


def _paused(h: Hall) -> None:
    h.at_window()
    assert h["staff1"].post("/windows/1/pause", {"reason": "午休"}).status_code == 200


def _two_waiting(h: Hall) -> None:
    h.issue(), h.issue()
    h.at_window()


CASES = {
    "/tickets": Case("kiosk", lambda h: ("/tickets", {"service": "SB"}, "/tickets", {"service": "GJJ"}), "staff1", 201),
    "/tickets/<int:ticket_id>/paper-rating": Case(  # staff2: staff1 served it and may not enter its form
        "staff2",
        lambda h: (p := f"/tickets/{h.finished()['id']}/paper-rating", {"level": 1}, p, {"level": 2}),
        "manager",
        409,
    ),
    "/tickets/<int:ticket_id>/reprint": Case(
        "staff1",
        lambda h: (p := f"/tickets/{h.issue()['id']}/reprint", {}, p, {"printer": "printer-k1"}),
        "staff2",
        200,
    ),
    "/windows/<int:n>/login": Case("staff1", _window_route("login", lambda h: None), "staff2", 409),
    "/windows/<int:n>/logout": Case("staff1", _window_route("logout", Hall.at_window), "staff2", 409),
    "/windows/<int:n>/call": Case("staff1", _window_route("call", _two_waiting), "staff2", 409),
    "/windows/<int:n>/recall": Case("staff1", _window_route("recall", Hall.called), "staff2", 409),
    "/windows/<int:n>/no-show": Case("staff1", _window_route("no-show", Hall.called), "staff2", 409),
    "/windows/<int:n>/start": Case("staff1", _window_route("start", Hall.called), "staff2", 409),
    "/windows/<int:n>/finish": Case(
        "staff1", _window_route("finish", Hall.started, {"outcome": "rejected"}), "staff2", 409
    ),
    "/windows/<int:n>/transfer": Case(
        "staff1", _window_route("transfer", Hall.started, {"service": "GJJ"}), "staff2", 409
    ),
    "/windows/<int:n>/hold": Case("staff1", _window_route("hold", Hall.started, {"kind": "holding"}), "staff2", 409),
    "/windows/<int:n>/resume": Case(
        "staff1",
        lambda h: ("/windows/1/resume", body := {"ticket": _held(h)}, "/windows/2/resume", body),
        "staff2",
        409,
    ),
    "/windows/<int:n>/pause": Case("staff1", _window_route("pause", Hall.at_window, {"reason": "午休"}), "staff2", 409),
    "/windows/<int:n>/unpause": Case("staff1", _window_route("unpause", _paused), "staff2", 409),
    "/followups/<int:case_id>": Case(
        "manager",
        lambda h: (p := f"/followups/{_case_opened(h)}", {"action": "verify"}, p, {"action": "close"}),
        "admin",
        409,
    ),
}
ANONYMOUS = {"/auth/login", "/auth/logout", "/tickets/<int:ticket_id>/rating"}
"""Routes open to anyone: they authenticate by their body or query, so their keys are ignored (tests above)."""


def test_every_post_route_has_a_replay_case(web):
    posts = {spec.rule for spec in web[1].extensions["hallctl.api"].routes if spec.method == "POST"}
    assert posts == set(CASES) | ANONYMOUS


@pytest.mark.parametrize("rule", sorted(CASES))
def test_a_repeated_key_replays_the_first_success_to_its_principal_only(hall, rule):
    case = CASES[rule]
    path, body, other_path, other_body = case.prepare(hall)
    k = key()
    first = hall[case.who].post(path, body, key=k)
    assert 200 <= first.status_code < 300, (rule, first.text)
    printed, seen = hall.prints_settled(), hall.observed()

    again = hall[case.who].post(path, body, key=k)
    assert (again.status_code, again.text) == (first.status_code, first.text), rule
    assert hall.observed() == seen, f"{rule} acted twice"
    printed_again = hall.prints_settled()
    assert printed_again == printed + 1, f"{rule} printed twice"  # + the first sentinel

    changed = hall[case.who].post(other_path, other_body, key=k)
    assert changed.status_code == 422 and changed.json()["error"]["code"] == "idempotency_mismatch", rule

    seen = hall.observed()
    own = hall[case.other].post(path, body, key=k)
    assert own.status_code == case.other_status, (rule, own.text)
    if own.ok:  # it acted: a change in the hall or a slip of its own
        assert hall.observed() != seen or hall.prints_settled() == printed_again + 2, f"{rule}: replayed to another"


# -- concurrency and retention -------------------------------------------------------------------------------


@BOTH_DATABASES
def test_a_burst_of_the_same_key_issues_one_ticket(hall):
    k = key()
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: hall["kiosk"].post("/tickets", {"service": "SB"}, key=k), range(8)))
    issued = {r.json()["id"] for r in replies if r.status_code == 201}
    busy = [r for r in replies if r.status_code != 201]
    assert len(issued) == 1 and all(r.json()["error"]["code"] == "idempotency_in_progress" for r in busy)
    assert hall["manager"].get("/hall/state").json()["waiting"] == 1


@BOTH_DATABASES
def test_keys_older_than_the_retention_are_purged_and_the_key_then_runs_anew(api, db_url, clock):
    tap = {"Idempotency-Key": "tap-1"}
    first = api["kiosk"].post("/tickets", json={"service": "SB"}, headers=tap).get_json()
    clock.advance(hours=24, seconds=1)
    api["kiosk"].post("/tickets", json={"service": "SB"}, headers={"Idempotency-Key": "tap-2"})
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        keys = connection.execute(sa.text("SELECT key FROM idempotency_keys")).scalars().all()
    engine.dispose()
    assert keys == ["tap-2"]
    again = api["kiosk"].post("/tickets", json={"service": "SB"}, headers=tap)
    assert again.status_code == 201 and again.get_json()["id"] != first["id"]


def test_a_key_over_128_characters_is_refused_before_anything_runs(api):
    long_key = {"Idempotency-Key": "k" * 129}
    refused = api["kiosk"].post("/tickets", json={"service": "SB"}, headers=long_key)
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "Idempotency-Key"
    assert api["anon"].get("/services").get_json()[0]["waiting"] == 0
