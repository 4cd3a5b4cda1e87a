"""``hallctl_announcements_queued``: announcements waiting for hung speakers show in the metrics."""

from prometheus_client.parser import text_string_to_metric_families

from displays.announcer import VlcPlayer
from hallctl.bootstrap import build_app
from hallctl.config import parse_config
from hallctl.services import auth
from tests.conftest import PASSWORD, Api
from tests.integration.test_voice import FAST_VLC, Recording, call_in_turn, records, voice_toml


def queued_announcements(manager: Api) -> float:
    reply = manager.get("/metrics")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    families = {f.name: f for f in text_string_to_metric_families(reply.get_data(as_text=True))}
    return families["hallctl_announcements_queued"].samples[0].value


def test_announcements_held_up_by_hung_speakers_show_as_queued_until_they_play(db_url, clock, pack):
    player = Recording(VlcPlayer(FAST_VLC))
    player.gate.clear()  # the speakers hang
    config = parse_config(voice_toml(db_url, pack))
    hall, app, _socketio = build_app(config, clock=clock, synchronous_bus=True, devices=True, voice_player=player)
    try:
        clients = {"kiosk": Api(app.test_client(), auth.add_token(hall, "k1", "kiosk"))}
        for name, role in (("staff1", "staff"), ("staff2", "staff"), ("manager", "manager")):
            auth.add_user(hall, name, role, PASSWORD)
            clients[name] = Api(app.test_client(), auth.login(hall, name, PASSWORD)[0])
        clients["staff1"].post("/windows/1/login", json={})
        clients["staff2"].post("/windows/2/login", json={})
        assert queued_announcements(clients["manager"]) == 0
        call_in_turn(clients, 3)

        waiting = queued_announcements(clients["manager"])

        states = [record["state"] for record in hall.announcer.recent()]
        assert waiting == states.count("queued") >= 2  # the first may already be in the hung player
        player.gate.set()
        assert [record["state"] for record in records(hall)] == ["played"] * 3
        assert queued_announcements(clients["manager"]) == 0
    finally:
        hall.close()
