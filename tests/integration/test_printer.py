"""The ticket printer through a real pyserial transport against the ESC/POS simulator on a pty or TCP."""

import time
from collections import Counter

import pytest

from devices.printer import PrinterTiming
from devices.simulators.escpos_printer import PrinterSimulator
from devices.worker import Backoff
from hallctl.bootstrap import build_app
from hallctl.config import parse_config
from hallctl.services import auth
from tests.conftest import hall_toml

# A status reply is awaited 0.5 s: on a loaded test machine the simulator's thread may wait that long to run.
FAST = PrinterTiming(status_timeout_s=0.5, poll_s=0.1, retry_window_s=60, backoff=Backoff(first_s=0.05, cap_s=0.2))
STATUS_REQUESTS = 3  # DLE EOT 1, 2 and 4: one status check


def checked_again(sim: PrinterSimulator, times: int = 4) -> bool:
    """The printer worker has checked the printer's status ``times`` more times; a job it queued before the
    first of them (a retry) has been printed by the last."""
    return sim.wait_for_status_requests(times * STATUS_REQUESTS)


def printer_config(db_url: str, url: str) -> str:
    text = hall_toml(db_url).replace('[[kiosks]]\nid = "k1"\n', '[[kiosks]]\nid = "k1"\nprinter = "printer-k1"\n')
    return text + f'\n[[devices]]\nname = "printer-k1"\nkind = "printer"\nurl = "{url}"\nfooter = "请妥善保管"\n'


class Kiosk:
    def __init__(self, hall, app, app_socketio):
        self.hall = hall
        self.app = app
        self.app_socketio = app_socketio
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {auth.add_token(hall, 'k1', 'kiosk')}"}
        auth.add_user(hall, "li", "staff", "staff-pass-1")
        self.staff = {"Authorization": f"Bearer {auth.login(hall, 'li', 'staff-pass-1')[0]}"}

    def issue(self, service="SB"):
        response = self.client.post("/api/v1/tickets", json={"service": service}, headers=self.headers)
        assert response.status_code == 201
        return response.get_json()

    def print_state(self, ticket, until=("printed", "failed"), timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            view = self.client.get(f"/api/v1/tickets/{ticket['id']}?token={ticket['track_token']}").get_json()
            if view["print"]["status"] in until or time.monotonic() > deadline:
                return view["print"]
            time.sleep(0.02)

    def device(self):
        return next(d for d in self.hall.devices.snapshot() if d["name"] == "printer-k1")

    def wait_device(self, state, timeout=5.0):
        deadline = time.monotonic() + timeout
        while self.device()["state"] != state and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.device()["state"]


@pytest.fixture(params=["pty", "tcp"])
def setup(request, tmp_path, db_url, clock):
    sim = (
        PrinterSimulator(tmp_path / "dev" / "printer-k1") if request.param == "pty" else PrinterSimulator(tcp_port=0)
    ).start()
    hall, app, socketio = build_app(
        parse_config(printer_config(db_url, sim.url)), clock=clock, devices=True, printer_timing=FAST
    )
    yield Kiosk(hall, app, socketio), sim
    hall.close()
    sim.stop()


def test_an_issued_ticket_is_printed_with_its_number_chinese_service_and_qr(setup):
    kiosk, sim = setup
    t0 = time.monotonic()
    ticket = kiosk.issue()
    assert ticket["print"]["status"] == "pending"
    [printed] = sim.wait_for_tickets(1, timeout=2.0)
    assert time.monotonic() - t0 < 2.0
    assert printed.big_lines() == ["A001"]
    assert "社保医保" in printed.text and "测试政务服务中心" in printed.text and "请妥善保管" in printed.text
    assert printed.qr == [f"http://hall.test/t/{ticket['id']}?token={ticket['track_token']}"]
    assert printed.cut == "full"
    assert kiosk.print_state(ticket) == {"status": "printed", "message": ""}
    assert kiosk.device()["state"] == "ready" and kiosk.device()["counters"]["printed"] == 1


def test_paper_out_fails_the_print_tells_the_citizen_and_prints_once_when_refilled(setup):
    kiosk, sim = setup
    sim.paper_out = True
    ticket = kiosk.issue()
    state = kiosk.print_state(ticket)
    assert state == {"status": "failed", "message": "请记住您的号码 A001 / Please note your number A001"}
    assert kiosk.device()["state"] == "paper_out"
    state_view = kiosk.client.get("/api/v1/hall/state", headers=kiosk.staff).get_json()
    assert next(d for d in state_view["devices"] if d["name"] == "printer-k1")["state_name"] == "缺纸"
    assert sim.tickets == []
    sim.paper_out = False
    assert kiosk.wait_device("ready") == "ready"
    [printed] = sim.wait_for_tickets(1)
    assert printed.big_lines() == ["A001"]
    assert kiosk.print_state(ticket, until=("printed",))["status"] == "printed"
    assert checked_again(sim)
    assert len(sim.tickets) == 1


def test_cover_open_then_a_reprint_prints_exactly_one_copy(setup):
    kiosk, sim = setup
    sim.cover_open = True
    ticket = kiosk.issue()
    assert kiosk.print_state(ticket)["status"] == "failed"
    assert kiosk.device()["state"] == "cover_open"
    sim.cover_open = False
    response = kiosk.client.post(f"/api/v1/tickets/{ticket['id']}/reprint", json={}, headers=kiosk.staff)
    assert response.status_code == 200
    assert kiosk.print_state(ticket, until=("printed",))["status"] == "printed"
    assert checked_again(sim)  # a retry of the failed job would have been printed by now
    assert [t.big_lines() for t in sim.tickets] == [["A001"]]


def test_a_silent_printer_is_unknown_never_ready_and_nothing_is_sent(setup):
    kiosk, sim = setup
    sim.silent = True
    ticket = kiosk.issue()
    assert kiosk.print_state(ticket)["status"] == "failed"
    assert kiosk.device()["state"] == "unknown"
    assert "no reply" in kiosk.device()["detail"]
    assert sim.tickets == []
    sim.silent = False
    assert kiosk.wait_device("ready") == "ready"
    assert [t.big_lines() for t in sim.wait_for_tickets(1)] == [["A001"]]


def test_an_unplugged_printer_goes_offline_tickets_keep_flowing_and_it_comes_back(setup):
    kiosk, sim = setup
    first = kiosk.issue()
    assert kiosk.print_state(first)["status"] == "printed"
    sim.unplug()
    tickets = [kiosk.issue() for _ in range(3)]
    assert [kiosk.print_state(t)["status"] for t in tickets] == ["failed"] * 3
    assert kiosk.wait_device("offline") == "offline"
    assert [t["number"] for t in tickets] == ["A002", "A003", "A004"]
    sim.replug()
    assert kiosk.wait_device("ready") == "ready"
    printed = sim.wait_for_tickets(4)  # the same printer: A001 before the cable was pulled, then the rest
    assert sorted(p.big_lines()[0] for p in printed) == ["A001", "A002", "A003", "A004"]
    assert all(kiosk.print_state(t, until=("printed",))["status"] == "printed" for t in tickets)
    assert kiosk.device()["counters"]["opened"] == 2


def test_a_busy_kiosk_loses_no_ticket_and_prints_none_twice(setup):
    kiosk, sim = setup
    tickets = [kiosk.issue(("SB", "GJJ")[i % 2]) for i in range(12)]
    sim.wait_for_tickets(12)
    assert checked_again(sim)
    counts = Counter(p.big_lines()[0] for p in sim.tickets)
    assert counts == Counter(t["number"] for t in tickets)
    assert set(counts.values()) == {1}


def test_a_garbled_status_reply_is_unknown_and_logged_as_such(setup):
    kiosk, sim = setup
    sim.garbled = True
    ticket = kiosk.issue()
    assert kiosk.print_state(ticket)["status"] == "failed"
    assert kiosk.device()["state"] == "unknown" and "garbled" in kiosk.device()["detail"]


def test_reprint_needs_a_printer_and_staff(setup):
    kiosk, _sim = setup
    walk_in = kiosk.client.post("/api/v1/tickets", json={"service": "SB"}, headers=kiosk.staff).get_json()
    no_printer = kiosk.client.post(f"/api/v1/tickets/{walk_in['id']}/reprint", json={}, headers=kiosk.staff)
    assert no_printer.status_code == 422 and no_printer.get_json()["error"]["field"] == "printer"
    named = kiosk.client.post(f"/api/v1/tickets/{walk_in['id']}/reprint", json={"printer": "nope"}, headers=kiosk.staff)
    assert named.status_code == 422 and "unknown printer" in named.get_json()["error"]["message"]
    assert (
        kiosk.client.post(f"/api/v1/tickets/{walk_in['id']}/reprint", json={}, headers=kiosk.headers).status_code == 403
    )


def test_device_states_reach_managers_and_the_hall_room(setup):
    kiosk, sim = setup
    hall = kiosk.hall
    assert kiosk.wait_device("ready") == "ready"
    manager_token = auth.add_token(hall, "boss", "admin")
    devices = kiosk.client.get("/api/v1/devices", headers={"Authorization": f"Bearer {manager_token}"}).get_json()
    assert [(d["name"], d["kind"], d["state"]) for d in devices] == [("printer-k1", "printer", "ready")]
    assert kiosk.client.get("/api/v1/devices", headers=kiosk.staff).status_code == 403
    socketio = kiosk.app_socketio
    screen = socketio.test_client(kiosk.app, auth={"token": manager_token})
    screen.emit("join", {"room": "hall"})
    screen.get_received()
    sim.cover_open = True
    assert kiosk.wait_device("cover_open") == "cover_open"
    deadline = time.monotonic() + 2
    changes = []
    while not changes and time.monotonic() < deadline:
        changes = [e["args"][0] for e in screen.get_received() if e["name"] == "device_changed"]
        time.sleep(0.02)
    assert changes and changes[-1]["name"] == "printer-k1" and changes[-1]["state_name"] == "纸仓盖未关"
