"""Issue #19, findings 2 and 3: issuing is for kiosks, a kiosk token is the kiosk, a daily cap cannot be drained.

A served hall on a real port (Werkzeug's threaded server) with two kiosks: k1 prints on a simulated printer,
k2 has none; 公积金 (GJJ) has a daily cap of 200 tickets. Requests go over real HTTP with ``requests``.
"""

from __future__ import annotations

import logging
import threading

import pytest
import requests
from playwright.sync_api import expect
from werkzeug.serving import make_server

from devices.simulators.escpos_printer import PrinterSimulator
from hallctl.bootstrap import build_app
from hallctl.config import parse_config
from hallctl.services import auth
from tests.conftest import PASSWORD
from tests.e2e.conftest import FAST_PRINTER, served_config
from tests.e2e.helpers.pages import open_dashboard
from tests.e2e.served import logged_in

GJJ_CAP = 200


class TwoKioskHall:
    """The served test hall with kiosks k1 (printer-k1) and k2 (no printer), GJJ capped at 200 a day."""

    def __init__(self, db_url: str, tmp_path) -> None:
        self.printer = PrinterSimulator(tmp_path / "dev" / "printer-k1").start()
        text = served_config(db_url, self.printer.url, "00:00-24:00")
        text = text.replace('code = "GJJ"\n', f'code = "GJJ"\ndaily_cap = {GJJ_CAP}\n')
        text += '\n[[kiosks]]\nid = "k2"\nname = "二号取号机"\n'
        self.hall, app, _socketio = build_app(parse_config(text), devices=True, printer_timing=FAST_PRINTER)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/v1"
        threading.Thread(target=self.server.serve_forever, name="two-kiosk-hall", daemon=True).start()
        self.tokens = {name: auth.add_token(self.hall, name, "kiosk") for name in ("k1", "k2")}
        self.tokens["k9"] = auth.add_token(self.hall, "k9", "kiosk")  # a kiosk the config does not have
        for name, role in (("staff1", "staff"), ("staff2", "staff"), ("manager", "manager")):
            auth.add_user(self.hall, name, role, PASSWORD)
            self.tokens[name], _who = auth.login(self.hall, name, PASSWORD)

    def post(self, who: str, path: str, body: dict | None = None) -> requests.Response:
        """POST ``body`` to the API as ``who`` (a kiosk or a user), by bearer token."""
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who != "anon" else {}
        return requests.post(f"{self.url}{path}", json=body or {}, headers=headers, timeout=10)

    def get(self, who: str, path: str) -> requests.Response:
        """GET ``path`` from the API as ``who``."""
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who != "anon" else {}
        return requests.get(f"{self.url}{path}", headers=headers, timeout=10)

    def serve(self, who: str, window: int) -> dict:
        """``who`` calls, starts and finishes the next ticket at ``window``; returns the finished ticket."""
        for action in ("call", "start"):
            assert self.post(who, f"/windows/{window}/{action}").status_code == 200
        finished = self.post(who, f"/windows/{window}/finish")
        assert finished.status_code == 200, finished.text
        return finished.json()

    def stop(self) -> None:
        """Stop the server, the hall and the printer simulator."""
        self.server.shutdown()
        self.hall.close()
        self.printer.stop()


@pytest.fixture
def hall(db_url, tmp_path):
    served = TwoKioskHall(db_url, tmp_path)
    yield served
    served.stop()


def error_of(reply: requests.Response) -> dict:
    body = reply.json()
    assert set(body) == {"error"}, body
    return body["error"]


def waiting(hall: TwoKioskHall, service: str) -> int:
    return next(s["waiting"] for s in hall.get("anon", "/services").json() if s["code"] == service)


# -- finding 2: staff cannot rate their own window ------------------------------------------------------------


def test_staff_issuing_on_a_citizens_behalf_never_get_the_track_token_and_are_audited(hall):
    reply = hall.post("staff1", "/tickets", {"service": "SB"})
    assert reply.status_code == 201
    ticket = reply.json()
    assert ticket["number"] == "A001" and "track_token" not in ticket
    assert "token=" not in reply.text  # nor the phone page's address that carries it
    audit = hall.get("manager", "/audit?limit=20").json()
    assert ("staff1", "staff", "/api/v1/tickets", 201) in [
        (e["actor"], e["role"], e["path"], e["status"]) for e in audit
    ]


def test_staff_who_issued_and_served_a_ticket_cannot_rate_it_by_the_phone_route(hall):
    assert hall.post("staff1", "/windows/1/login").status_code == 200
    ticket = hall.post("staff1", "/tickets", {"service": "SB"}).json()
    hall.serve("staff1", 1)
    for token in ("", "guess", ticket.get("track_token") or ""):
        rated = hall.post("anon", f"/tickets/{ticket['id']}/rating?token={token}", {"level": 1})
        assert rated.status_code == 404 and error_of(rated)["code"] == "not_found"
    staff_view = hall.get("staff1", f"/tickets/{ticket['id']}").json()
    assert "track_token" not in staff_view and "token=" not in str(staff_view)


def test_staff_cannot_enter_a_paper_rating_for_a_ticket_they_served(hall):
    assert hall.post("staff1", "/windows/1/login").status_code == 200
    ticket = hall.post("k1", "/tickets", {"service": "SB", "kiosk": "k1"}).json()
    hall.serve("staff1", 1)
    own = hall.post("staff1", f"/tickets/{ticket['id']}/paper-rating", {"level": 1})
    assert own.status_code == 403 and error_of(own)["code"] == "own_ticket"
    assert "/" in error_of(own)["message"]  # bilingual
    colleague = hall.post("staff2", f"/tickets/{ticket['id']}/paper-rating", {"level": 1})
    assert colleague.status_code == 201 and colleague.json()["channel"] == "paper"


def test_a_reprint_does_not_hand_staff_the_citizens_track_token(hall):
    ticket = hall.post("k1", "/tickets", {"service": "SB"}).json()
    reprint = hall.post("staff1", f"/tickets/{ticket['id']}/reprint", {})
    assert reprint.status_code == 200
    assert ticket["track_token"] not in reprint.text and "token=" not in reprint.text


# -- finding 3: a kiosk token is the kiosk --------------------------------------------------------------------


def test_a_kiosk_token_cannot_issue_or_print_as_another_kiosk(hall):
    stolen = hall.post("k2", "/tickets", {"service": "SB", "kiosk": "k1"})
    assert stolen.status_code == 403 and error_of(stolen)["code"] == "kiosk_mismatch"
    assert waiting(hall, "SB") == 0 and hall.printer.tickets == []
    own = hall.post("k2", "/tickets", {"service": "SB", "kiosk": "k2"})
    assert own.status_code == 201 and own.json()["print"]["status"] == "none"  # k2 has no printer
    implied = hall.post("k2", "/tickets", {"service": "SB"})
    assert implied.status_code == 201 and implied.json()["print"]["status"] == "none"
    at_k1 = hall.post("k1", "/tickets", {"service": "SB", "kiosk": "k1"})
    assert at_k1.status_code == 201 and at_k1.json()["number"] in hall.printer.wait_for_tickets(1)[0].big_lines()


def test_staff_cannot_issue_in_a_kiosks_name(hall):
    posing = hall.post("staff1", "/tickets", {"service": "SB", "kiosk": "k1"})
    assert posing.status_code == 403 and error_of(posing)["code"] == "kiosk_mismatch"
    assert waiting(hall, "SB") == 0


def test_a_kiosk_token_naming_no_configured_kiosk_issues_nothing(hall):
    reply = hall.post("k9", "/tickets", {"service": "SB"})
    assert reply.status_code == 403 and error_of(reply)["code"] == "unknown_kiosk"
    assert "k9" in error_of(reply)["message"] and waiting(hall, "SB") == 0


def test_one_kiosk_token_cannot_drain_a_daily_cap_and_managers_see_the_alert(hall, caplog):
    caplog.set_level(logging.WARNING, logger="hallctl.web.limits")
    replies = [hall.post("k2", "/tickets", {"service": "GJJ"}) for _ in range(40)]
    statuses = [r.status_code for r in replies]
    issued = statuses.count(201)
    assert 0 < issued < 40 and set(statuses) == {201, 429}
    assert statuses.index(429) == issued  # refused from the first over the rate on, nothing in between
    refused = error_of(replies[-1])
    assert refused["code"] == "too_many_requests" and "/" in refused["message"]
    assert waiting(hall, "GJJ") == issued < GJJ_CAP  # the cap is not used up
    assert hall.post("k1", "/tickets", {"service": "GJJ"}).status_code == 201  # another kiosk still issues
    alerts = hall.get("manager", "/hall/state").json()["alerts"]
    assert [(a["kind"], a["kiosk"]) for a in alerts] == [("issue_rate", "k2")]
    assert "二号取号机" in alerts[0]["message"]
    assert [r.getMessage() for r in caplog.records if "k2" in r.getMessage()]  # logged for the operator


def test_the_managers_dashboard_shows_a_kiosk_token_over_its_issuing_rate(pages, served):
    dashboard = open_dashboard(pages)
    expect(dashboard.locator(".alerts")).to_contain_text("暂无提醒")
    kiosk = {"Authorization": f"Bearer {served.kiosk_token}"}
    statuses = []
    while 429 not in statuses:
        reply = requests.post(f"{served.url}/api/v1/tickets", json={"service": "SB"}, headers=kiosk, timeout=10)
        statuses.append(reply.status_code)
    assert len(statuses) > 1 and set(statuses[:-1]) == {201}
    # the dashboard reads the hall again on the next hall event (here a window opening), or every 30 s
    logged_in(served.url, "staff1", PASSWORD).post(f"{served.url}/api/v1/windows/1/login", json={}, timeout=5)
    expect(dashboard.locator(".alerts")).to_contain_text("取号机 一号取号机 取号过快")
