"""Voice announcements through real libvlc (``--aout=adummy``), the demo's espeak-ng voice pack, the hall's events."""

import gc
import logging
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from displays.announcer import PlaybackError, VlcPlayer
from displays.voicepack import clip_name
from hallctl.bootstrap import build_app
from hallctl.config import parse_config
from hallctl.services import auth
from tests.conftest import PASSWORD, Api, hall_toml

FAST_VLC = ["--aout=adummy", "--rate=16", "--quiet"]  # adummy plays in near real time; rate 16 keeps tests short


def voice_toml(db_url: str, pack: Path, vlc_args=FAST_VLC) -> str:
    args = ", ".join(f'"{a}"' for a in vlc_args)
    return hall_toml(db_url) + f'\n[voice]\nenabled = true\npack = "{pack}"\nrepeat = 1\nvlc_args = [{args}]\n'


class Recording:
    """The real player, recording when each play starts and ends; it can break one play or block them."""

    def __init__(self, player: VlcPlayer, break_on: int | None = None) -> None:
        self.player = player
        self.problem = player.problem
        self.spans: list[tuple[float, float]] = []
        self.break_on = break_on
        self.gate = threading.Event()
        self.gate.set()

    def play(self, path, timeout_s):
        start = time.monotonic()
        self.gate.wait(30)
        try:
            if len(self.spans) + 1 == self.break_on:
                raise PlaybackError("the sound card went away")
            self.player.play(path, timeout_s)
        finally:
            self.spans.append((start, time.monotonic()))


@pytest.fixture
def voiced(db_url, clock, pack):
    """Build a hall with voice; returns (hall, clients) — clients["staff1"] etc. are logged in at no window yet."""
    built = []

    def make(player=None, vlc_args=FAST_VLC):
        config = parse_config(voice_toml(db_url, pack, vlc_args))
        hall, app, socketio = build_app(config, clock=clock, synchronous_bus=True, devices=True, voice_player=player)
        built.append(hall)
        clients = {"kiosk": Api(app.test_client(), auth.add_token(hall, "k1", "kiosk"))}
        for name, role in (("staff1", "staff"), ("staff2", "staff"), ("manager", "manager")):
            auth.add_user(hall, name, role, PASSWORD)
            clients[name] = Api(app.test_client(), auth.login(hall, name, PASSWORD)[0])
        clients["staff1"].post("/windows/1/login", json={})
        clients["staff2"].post("/windows/2/login", json={})
        return hall, app, socketio, clients

    yield make
    for hall in built:
        hall.close()


def call_in_turn(clients, count: int) -> list[tuple[str, int]]:
    """Issue ``count`` tickets and call them alternately at windows 1 and 2 (a no-show frees the window)."""
    for _ in range(count):
        assert clients["kiosk"].post("/tickets", json={"service": "SB"}).status_code == 201
    called = []
    for i in range(count):
        window, staff = (1, clients["staff1"]) if i % 2 == 0 else (2, clients["staff2"])
        if i >= 2:
            assert staff.post(f"/windows/{window}/no-show", json={}).status_code == 200
        reply = staff.post(f"/windows/{window}/call", json={})
        assert reply.status_code == 200, reply.get_json()
        called.append((reply.get_json()["ticket"]["number"], window))
    return called


def records(hall):
    assert hall.announcer.wait_idle(60)
    return hall.announcer.recent(100)[::-1]


def test_a_burst_of_ten_calls_plays_all_ten_in_call_order_one_at_a_time(voiced):
    player = Recording(VlcPlayer(FAST_VLC))
    hall, _app, _sio, clients = voiced(player)
    called = call_in_turn(clients, 10)
    done = records(hall)
    assert [(r["number"], r["window"]) for r in done] == called
    assert called[:3] == [("A001", 1), ("A002", 2), ("A003", 1)]
    assert [r["state"] for r in done] == ["played"] * 10
    assert hall.announcer.totals == {"made": 10, "played": 10}
    assert len(player.spans) == 10
    assert all(later[0] >= earlier[1] for earlier, later in zip(player.spans, player.spans[1:], strict=False)), (
        "overlap"
    )
    first = done[0]
    assert first["tokens"] == ["chime", "请", "A", "零", "零", "一", "号", "到", "一", "号窗口办理"]
    assert first["clips"][:2] == ["chime.wav", clip_name("请")] and all(
        (hall.announcer.pack.root / c).is_file() for c in first["clips"]
    )
    assert first["seconds"] > 2 and first["queued_at"] and first["finished_at"]


def test_a_recall_is_announced_again(voiced):
    hall, _app, _sio, clients = voiced()
    call_in_turn(clients, 1)
    clients["staff1"].post("/windows/1/recall", json={})
    done = records(hall)
    assert [(r["number"], r["recall"], r["state"]) for r in done] == [
        ("A001", False, "played"),
        ("A001", True, "played"),
    ]


def test_a_missing_clip_fails_that_announcement_and_the_next_still_plays(voiced, pack):
    (pack / clip_name("三")).unlink()
    hall, _app, _sio, clients = voiced()
    call_in_turn(clients, 4)
    done = records(hall)
    assert [(r["number"], r["state"]) for r in done] == [
        ("A001", "played"),
        ("A002", "played"),
        ("A003", "failed"),
        ("A004", "played"),
    ]
    assert "clip zh-4e09.wav for '三' is missing" in done[2]["reason"]


def test_a_player_that_breaks_fails_that_announcement_and_the_next_still_plays(voiced):
    hall, _app, _sio, clients = voiced(Recording(VlcPlayer(FAST_VLC), break_on=2))
    call_in_turn(clients, 3)
    done = records(hall)
    assert [(r["number"], r["state"], r["reason"]) for r in done] == [
        ("A001", "played", None),
        ("A002", "failed", "the sound card went away"),
        ("A003", "played", None),
    ]


def test_when_libvlc_cannot_start_calls_work_and_announcements_fail_with_one_warning(voiced, caplog):
    with caplog.at_level(logging.WARNING):
        hall, _app, _sio, clients = voiced(vlc_args=["--no-such-vlc-option"])
    warnings = [r.getMessage() for r in caplog.records if "voice announcements will fail" in r.getMessage()]
    assert len(warnings) == 1 and "libvlc could not start" in warnings[0]
    assert call_in_turn(clients, 2) == [("A001", 1), ("A002", 2)]
    done = records(hall)
    assert [r["state"] for r in done] == ["failed", "failed"]
    assert all("libvlc could not start" in r["reason"] for r in done)


def test_announcements_are_served_to_managers_and_pushed_to_the_hall_room(voiced):
    hall, app, socketio, clients = voiced()
    screen = socketio.test_client(app, auth={"token": auth.add_token(hall, "screen", "display")})
    screen.emit("join", {"room": "hall"})
    call_in_turn(clients, 1)
    records(hall)
    listed = clients["manager"].get("/announcements?limit=5").get_json()
    assert [(a["number"], a["window"], a["state"]) for a in listed] == [("A001", 1, "played")]
    assert clients["staff1"].get("/announcements").status_code == 403
    pushed = [e["args"][0]["state"] for e in screen.get_received() if e["name"] == "announcement"]
    assert pushed == ["queued", "playing", "played"]


def test_a_stuck_announcer_never_delays_the_call_reaching_the_hall_screen(voiced):
    player = Recording(VlcPlayer(FAST_VLC))
    player.gate.clear()  # the speakers hang
    hall, app, socketio, clients = voiced(player)
    screen = socketio.test_client(app, auth={"token": auth.add_token(hall, "screen", "display")})
    screen.emit("join", {"room": "hall"})
    screen.get_received()
    call_in_turn(clients, 2)
    calls = [e["args"][0]["number"] for e in screen.get_received() if e["name"] == "ticket_called"]
    assert calls == ["A001", "A002"]
    second, first = (r["state"] for r in hall.announcer.recent())
    assert second == "queued" and first in ("queued", "playing")  # nothing played yet
    player.gate.set()
    assert [r["state"] for r in records(hall)] == ["played", "played"]


def a_clip(pack: Path) -> Path:
    return next(pack.glob("*.wav"))


def test_the_player_plays_a_clip_to_its_end_and_fails_on_a_file_it_cannot_open(pack, tmp_path):
    player = VlcPlayer(FAST_VLC)
    assert player.problem is None
    started = time.monotonic()
    player.play(a_clip(pack), timeout_s=10)  # returns once libvlc reports the end
    assert time.monotonic() - started < 10
    with pytest.raises(PlaybackError, match=r"could not play gone\.wav"):
        player.play(tmp_path / "gone.wav", timeout_s=10)


def test_playing_keeps_nothing_alive_once_a_clip_has_ended(pack):
    """python-vlc keeps event callbacks of released players; the player polls instead of attaching any.

    Only what the player's own calls allocate is counted (any frame in displays/announcer.py or vlc.py): threads
    other tests left behind (a hall's timers, a socket's re-check) allocate meanwhile and are no leak of the player.
    """
    player, clip = VlcPlayer(FAST_VLC), a_clip(pack)
    player.play(clip, timeout_s=10)  # warm up: libvlc loads its plugins once
    gc.collect()
    tracemalloc.start(25)
    playing = [tracemalloc.Filter(True, "*/announcer.py", all_frames=True), tracemalloc.Filter(True, "*/vlc.py")]
    before = tracemalloc.take_snapshot().filter_traces(playing)
    for _ in range(30):
        player.play(clip, timeout_s=10)
    gc.collect()
    grown = tracemalloc.take_snapshot().filter_traces(playing).compare_to(before, "filename")
    tracemalloc.stop()
    kept = {d.traceback[0].filename: d.count_diff for d in grown if d.count_diff >= 30}
    assert not kept, f"objects kept per play, by file: {kept}"
