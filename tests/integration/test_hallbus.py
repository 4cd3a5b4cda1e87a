"""RS-485 devices through pymodbus over real ptys: LED follows calls, evaluators rate, caller keys work."""

import time

import pytest
from sqlalchemy import select

from devices.bus import BusTiming
from devices.simulators.hallbus_line import HallBusLine
from devices.worker import Backoff
from displays import hallbus as hb
from hallctl.adapters import orm
from hallctl.bootstrap import bootstrap, build_app
from hallctl.config import parse_config
from hallctl.services import auth
from hallctl.services import windows as win
from hallctl.services.tickets import IssueTicket, issue_ticket
from hallctl.services.windows import WindowAction
from tests.conftest import hall_toml, with_queue

# Replies are awaited their wire time at 9600 baud plus 0.4 s: a loaded test machine (a full garbage collection in
# the test process stops the simulated devices too) is slow, not silent. A silent device is tried again soon.
FAST = BusTiming(reply_margin_s=0.4, backoff=Backoff(first_s=0.05, cap_s=0.5), idle_s=0.01)
ADDRESSES = {1: "window_led", 2: "evaluator", 3: "caller", 4: "evaluator"}


def bus_config(db_url: str, link: str) -> str:
    text = hall_toml(db_url)
    text = text.replace(
        "[[windows]]\nnumber = 1\n",
        '[[windows]]\nnumber = 1\nled = "led-1"\nevaluator = "eval-1"\ncaller = "caller-1"\n',
    )
    text = text.replace("[[windows]]\nnumber = 2\n", '[[windows]]\nnumber = 2\nevaluator = "eval-2"\n')
    text += f'\n[[buses]]\nname = "bus-a"\nurl = "{link}"\nbaudrate = 9600\n'
    for address, (name, kind) in {
        1: ("led-1", "window_led"),
        2: ("eval-1", "evaluator"),
        3: ("caller-1", "caller"),
        4: ("eval-2", "evaluator"),
    }.items():
        text += f'\n[[devices]]\nname = "{name}"\nkind = "{kind}"\nbus = "bus-a"\naddress = {address}\n'
    return text.replace("address = 1\n", "address = 1\nwidth = 18\n", 1)


def eventually(check, timeout=2.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.01)
    return check()


class Hall:
    def __init__(self, hall, app):
        self.hall = hall
        self.client = app.test_client()
        self.kiosk = {"Authorization": f"Bearer {auth.add_token(hall, 'k1', 'kiosk')}"}
        auth.add_user(hall, "staff1", "staff", "staff-pass-1")
        self.staff = {"Authorization": f"Bearer {auth.login(hall, 'staff1', 'staff-pass-1')[0]}"}

    def issue(self, service="SB"):
        return self.client.post("/api/v1/tickets", json={"service": service}, headers=self.kiosk).get_json()

    def act(self, action, body=None):
        return self.client.post(f"/api/v1/windows/1/{action}", json=body or {}, headers=self.staff)

    def state(self, name):
        return self.hall.devices.get(name)["state"]

    def polls(self, name) -> int:
        return self.hall.devices.get(name)["counters"].get("polls", 0)

    def polled(self, name) -> bool:
        """The device's press counter has a baseline (a press before the first poll is unknowable)."""
        return eventually(lambda: self.polls(name) >= 1)

    def polled_again(self, name, times: int) -> bool:
        """The bus has read the device's inputs ``times`` more times since now."""
        target = self.polls(name) + times
        return eventually(lambda: self.polls(name) >= target)

    def ratings(self):
        with self.hall.uow(write=False) as uow:
            return uow.session.execute(
                select(
                    orm.ratings.c.ticket_id, orm.ratings.c.level, orm.ratings.c.bound, orm.ratings.c.window
                ).order_by(orm.ratings.c.id)
            ).all()


@pytest.fixture
def setup(tmp_path, db_url, clock):
    line = HallBusLine(tmp_path / "dev" / "bus-a", ADDRESSES).start()
    hall, app, _sio = build_app(parse_config(bus_config(db_url, line.link)), clock=clock, devices=True, bus_timing=FAST)
    yield Hall(hall, app), line
    hall.close()
    line.stop()


def test_the_window_led_shows_each_call_and_blinks_on_recall(setup):
    hall, line = setup
    assert eventually(lambda: line[1].text == "1号窗口 欢迎您")
    assert eventually(lambda: line[3].display == "请先登录 Log in first")
    hall.issue()
    hall.act("login")
    started = time.monotonic()
    hall.act("call")
    assert eventually(lambda: line[1].text == "请A001号 到1号窗口", timeout=1.0)
    assert time.monotonic() - started < 1.0 and line[1].effect == hb.EFFECT_STATIC
    shown = line[1].inputs[hb.LED_SHOWN]
    hall.act("recall")
    assert eventually(lambda: line[1].inputs[hb.LED_SHOWN] != shown) and line[1].effect == hb.EFFECT_BLINK
    hall.act("no-show")
    hall.act("pause", {"reason": "午休"})
    assert eventually(lambda: line[1].text == "暂停服务")


def test_led_text_is_cut_to_the_screen_width_without_splitting_a_character(setup):
    hall, line = setup  # led-1 is 18 columns wide: "请A001号 到1号窗口" takes 18
    for _ in range(1000):
        hall.client.post("/api/v1/tickets", json={"service": "SB"}, headers=hall.staff)
    hall.act("login")
    hall.act("call", {"ticket": "A1000"})
    assert eventually(lambda: line[1].text == "请A1000号 到1号窗")  # 17 columns: 口 would make 19


def served_and_invited(hall, line) -> dict:
    """Issue, call, start and finish a ticket at window 1; its evaluator now invites a rating."""
    ticket = hall.issue()
    hall.act("login")
    for action in ("call", "start", "finish"):
        hall.act(action)
    assert eventually(lambda: line[2].mode == hb.MODE_INVITING)
    assert hall.polled("eval-1")
    return ticket


def test_finish_invites_the_evaluator_and_one_press_rates_that_ticket_once(setup):
    hall, line = setup
    ticket = served_and_invited(hall, line)
    assert line[2].staff_text == "工号 staff1"
    line[2].press(2)
    assert eventually(lambda: hall.ratings()) == [(ticket["id"], 2, True, 1)]
    assert eventually(lambda: line[2].mode == hb.MODE_THANKS)
    assert hall.polled_again("eval-1", 3)  # many more polls of the same counter
    assert hall.ratings() == [(ticket["id"], 2, True, 1)]
    line[2].press(5)  # the invitation was used: counted, bound to nothing
    assert eventually(lambda: len(hall.ratings()) == 2)
    assert hall.ratings() == [(ticket["id"], 2, True, 1), (None, 5, False, 1)]


def test_two_presses_between_polls_record_one_rating(setup):
    hall, line = setup
    ticket = served_and_invited(hall, line)
    line[2].press(1, times=2)
    assert eventually(lambda: hall.ratings()) == [(ticket["id"], 1, True, 1)]
    assert hall.polled_again("eval-1", 3)
    line[2].press(4)  # handled after anything the two presses could still have caused
    assert eventually(lambda: len(hall.ratings()) == 2)
    assert hall.ratings() == [(ticket["id"], 1, True, 1), (None, 4, False, 1)]


def test_caller_keys_run_the_window_and_its_display_shows_the_current_number(setup):
    hall, line = setup
    hall.issue(), hall.issue()
    assert hall.polled("caller-1")
    assert eventually(lambda: line[3].display == "请先登录 Log in first")  # shown since the devices started
    writes = line[3].writes
    line[3].press(1)  # nobody logged in at window 1: the keypad is told so again, and nothing else happens
    assert eventually(lambda: line[3].writes > writes) and line[3].display == "请先登录 Log in first"
    hall.act("login")
    line[3].press(1)  # call next
    assert eventually(lambda: line[1].text == "请A001号 到1号窗口")
    assert eventually(lambda: line[3].display == "当前A001 等候1")

    def window():
        return hall.client.get("/api/v1/windows/1", headers=hall.staff).get_json()["window"]["state"]

    line[3].press(4)  # start
    assert eventually(lambda: window() == "serving")
    line[3].press(5)  # finish
    assert eventually(lambda: window() == "idle")
    assert eventually(lambda: line[3].display == "当前— 等候1")
    line[3].press(6)  # pause
    assert eventually(lambda: window() == "paused") and eventually(lambda: line[1].text == "暂停服务")


def test_a_silent_address_goes_offline_without_slowing_the_others_and_comes_back(setup):
    hall, line = setup
    assert eventually(lambda: hall.state("eval-2") == "ready")
    line.silent.add(4)
    assert eventually(lambda: hall.state("eval-2") == "offline")
    hall.issue()
    hall.act("login")
    hall.act("call")
    assert eventually(lambda: line[1].text == "请A001号 到1号窗口", timeout=1.0)
    assert [hall.state(name) for name in ("led-1", "eval-1", "caller-1")] == ["ready"] * 3
    line.silent.clear()
    assert eventually(lambda: hall.state("eval-2") == "ready")


def test_a_garbled_reply_is_no_reply_and_the_device_recovers(setup):
    hall, line = setup
    assert hall.polled("eval-1") and hall.polled("caller-1")
    line.garbled.add(2)
    assert eventually(lambda: hall.state("eval-1") == "offline")
    assert hall.state("caller-1") == "ready"
    line.garbled.clear()
    assert eventually(lambda: hall.state("eval-1") == "ready")


def test_a_vanished_bus_marks_everything_offline_and_recovers_with_the_latest_text(setup):
    hall, line = setup
    assert eventually(lambda: hall.state("led-1") == "ready")
    line.unplug()
    assert eventually(lambda: all(hall.state(n) == "offline" for n in ("eval-1", "eval-2", "caller-1")))
    hall.issue()
    hall.act("login")
    hall.act("call")  # the screen is gone: the call still works
    line.replug()
    assert eventually(lambda: line[1].text == "请A001号 到1号窗口", timeout=3.0)
    assert eventually(lambda: hall.state("eval-1") == "ready", timeout=3.0)


def test_devices_started_while_a_window_is_calling_show_the_call_not_the_idle_text(db_url, clock, setup):
    """What a process shows when it takes the devices over from a leader that died mid-day."""
    hall, line = setup
    hall.issue()
    hall.act("login")
    hall.act("call")
    assert eventually(lambda: line[1].text == "请A001号 到1号窗口")
    shown = line[1].inputs[hb.LED_SHOWN]
    hall.hall.close()  # the leader stops; its successor starts the devices on the same database
    successor, _app, _sio = build_app(
        parse_config(bus_config(db_url, line.link)), clock=clock, devices=True, bus_timing=FAST
    )
    try:
        assert eventually(lambda: line[1].inputs[hb.LED_SHOWN] != shown, timeout=3.0), "the successor wrote nothing"
        assert line[1].text == "请A001号 到1号窗口" and line[1].effect == hb.EFFECT_STATIC
        assert eventually(lambda: line[3].display == "当前A001 等候0")
    finally:
        successor.close()


def test_devices_started_while_a_window_is_paused_show_the_pause(db_url, clock, setup):
    hall, line = setup
    hall.act("login")
    hall.act("pause", {"reason": "午休"})
    assert eventually(lambda: line[1].text == "暂停服务")
    shown = line[1].inputs[hb.LED_SHOWN]
    hall.hall.close()
    successor, _app, _sio = build_app(
        parse_config(bus_config(db_url, line.link)), clock=clock, devices=True, bus_timing=FAST
    )
    try:
        assert eventually(lambda: line[1].inputs[hb.LED_SHOWN] != shown, timeout=3.0), "the successor wrote nothing"
        assert line[1].text == "暂停服务"
    finally:
        successor.close()


def test_after_a_redis_outage_the_leader_shows_the_call_it_did_not_hear(tmp_path, db_url, clock, redis_server):
    """Two processes on one database and Redis; the standby's window calls while Redis is down."""
    line = HallBusLine(tmp_path / "dev" / "bus-a", ADDRESSES).start()
    text = with_queue(bus_config(db_url, line.link), redis_server.url)
    leader, standby = (bootstrap(parse_config(text), clock=clock, devices=True, bus_timing=FAST) for _ in range(2))
    try:
        assert leader.device_host.leading and not standby.device_host.leading
        assert eventually(lambda: line[1].text == "1号窗口 欢迎您")
        redis_server.stop()
        issue_ticket(standby, IssueTicket("SB"))
        win.login(standby, WindowAction(1, "staff1"))
        assert win.call(standby, WindowAction(1, "staff1"))["number"] == "A001"
        polls = leader.devices.get("caller-1")["counters"]["polls"]  # writes go before polls: two more polls
        assert eventually(lambda: leader.devices.get("caller-1")["counters"]["polls"] >= polls + 2)
        assert line[1].text == "1号窗口 欢迎您", "the leader cannot have heard of the call"
        redis_server.start()
        assert eventually(lambda: line[1].text == "请A001号 到1号窗口", timeout=10)
        assert eventually(lambda: line[3].display == "当前A001 等候0")
    finally:
        standby.close()
        leader.close()
        line.stop()
