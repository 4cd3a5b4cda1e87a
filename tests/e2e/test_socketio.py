"""Socket.IO rooms, auth and events (PRODUCT.md §4.4) through Flask-SocketIO's test client."""

from hallctl.services import auth, queries


def connect(web, token=None, **auth_data):
    _hall, app, socketio = web
    data = dict(auth_data)
    if token:
        data["token"] = token
    return socketio.test_client(app, auth=data)


def events(client, name=None):
    received = client.get_received()
    return [e["args"][0] for e in received if name is None or e["name"] == name]


def test_a_client_without_a_valid_token_is_refused(web):
    assert not connect(web).is_connected()
    assert not connect(web, "forged").is_connected()


def test_joining_the_hall_room_sends_a_full_snapshot_first(web, api):
    api["kiosk"].post("/tickets", json={"service": "SB"})
    display = auth.add_token(web[0], "screen", "display")
    client = connect(web, display)
    assert client.is_connected()
    assert client.emit("join", {"room": "hall"}, callback=True) == {"ok": True}
    [snapshot] = events(client, "snapshot")
    assert snapshot["room"] == "hall" and snapshot["state"]["waiting"] == 1
    assert {w["number"] for w in snapshot["state"]["windows"]} == {1, 2, 3, 4}


def test_roles_limit_the_rooms_a_client_may_join(web, api):
    display = connect(web, auth.add_token(web[0], "screen", "display"))
    assert display.emit("join", {"room": "window:1"}, callback=True)["ok"] is False
    assert display.emit("join", {"room": "ticket:1"}, callback=True)["ok"] is False
    assert display.emit("join", {"room": "backstage"}, callback=True)["ok"] is False
    assert display.emit("join", "hall", callback=True)["ok"] is False
    assert not connect(web, api["kiosk"].token).is_connected(), "a kiosk may join no room, so it may not connect"


def test_a_call_reaches_the_hall_the_window_and_the_ticket(web, api):
    t = api["kiosk"].post("/tickets", json={"service": "SB"}).get_json()
    screen = connect(web, auth.add_token(web[0], "screen", "display"))
    screen.emit("join", {"room": "hall"})
    console = connect(web, api["staff1"].token)
    console.emit("join", {"room": "window:1"})
    phone = connect(web, ticket=t["id"], token=t["track_token"])
    assert phone.emit("join", {"room": f"ticket:{t['id']}"}, callback=True) == {"ok": True}
    assert events(phone, "snapshot")[0]["state"]["status"] == "waiting"
    for client in (screen, console):
        client.get_received()
    api["staff1"].post("/windows/1/login", json={})
    api["staff1"].post("/windows/1/call", json={})
    expected = {"id": t["id"], "number": "A001", "service": "SB", "window": 1, "recall": False}
    assert events(screen, "ticket_called") == [expected]
    assert events(console, "ticket_called") == [expected]
    assert events(phone, "ticket_called") == [expected]
    api["staff1"].post("/windows/1/recall", json={})
    assert events(screen, "ticket_called")[0]["recall"] is True


def test_the_phone_page_hears_its_queue_move_and_the_screen_sees_windows_change(web, api):
    a = api["kiosk"].post("/tickets", json={"service": "SB"}).get_json()
    b = api["kiosk"].post("/tickets", json={"service": "SB"}).get_json()
    phone = connect(web, ticket=b["id"], token=b["track_token"])
    phone.emit("join", {"room": f"ticket:{b['id']}"})
    screen = connect(web, auth.add_token(web[0], "screen", "display"))
    screen.emit("join", {"room": "hall"})
    phone.get_received(), screen.get_received()
    api["staff1"].post("/windows/1/login", json={})
    api["staff1"].post("/windows/1/call", json={})
    assert {"service": "SB", "waiting": 1} in events(phone, "queue_changed")
    changes = events(screen, "window_changed")
    assert changes[-1]["number"] == 1 and changes[-1]["state"] == "calling"
    assert changes[-1]["current"]["number"] == a["number"]
    api["staff1"].post("/windows/1/start", json={})
    api["staff1"].post("/windows/1/finish", json={})
    assert events(screen, "ticket_finished")[0]["outcome"] == "completed"


def test_a_phone_may_only_join_its_own_ticket(web, api):
    a = api["kiosk"].post("/tickets", json={"service": "SB"}).get_json()
    b = api["kiosk"].post("/tickets", json={"service": "SB"}).get_json()
    phone = connect(web, ticket=a["id"], token=a["track_token"])
    assert phone.emit("join", {"room": f"ticket:{b['id']}"}, callback=True)["ok"] is False
    assert phone.emit("join", {"room": "hall"}, callback=True)["ok"] is False
    assert not connect(web, ticket=a["id"], token="guess").is_connected()


def test_a_rating_is_announced_to_the_hall(web, api):
    t = api["kiosk"].post("/tickets", json={"service": "SB"}).get_json()
    api["staff1"].post("/windows/1/login", json={})
    for action in ("call", "start", "finish"):
        api["staff1"].post(f"/windows/1/{action}", json={})
    screen = connect(web, api["manager"].token)
    screen.emit("join", {"room": "hall"})
    screen.get_received()
    api["anon"].post(f"/tickets/{t['id']}/rating?token={t['track_token']}", json={"level": 5, "reasons": ["效率低"]})
    assert events(screen, "rating_recorded") == [
        {"ticket_id": t["id"], "level": 5, "window": 1, "channel": "phone", "bound": True}
    ]


def test_a_reconnecting_client_gets_the_current_state_again(web, api):
    display = auth.add_token(web[0], "screen", "display")
    first = connect(web, display)
    first.emit("join", {"room": "hall"})
    first.disconnect()
    api["kiosk"].post("/tickets", json={"service": "GJJ"})
    again = connect(web, display)
    again.emit("join", {"room": "hall"})
    [snapshot] = events(again, "snapshot")
    assert next(s for s in snapshot["state"]["services"] if s["code"] == "GJJ")["waiting"] == 1


def test_a_client_that_disconnects_while_its_join_reads_the_room_is_let_go_without_an_error(web, monkeypatch):
    display = auth.add_token(web[0], "screen", "display")
    staying = connect(web, display)  # another screen stays connected
    client = connect(web, display)
    read_room = queries.hall_state

    def disconnecting_meanwhile(hall):  # the client goes between the join's check and its entering the room
        client.disconnect()
        return read_room(hall)

    monkeypatch.setattr(queries, "hall_state", disconnecting_meanwhile)
    client.emit("join", {"room": "hall"}, callback=True)
    assert not client.is_connected() and staying.is_connected()
    assert not web[2].server.manager.rooms.get("/", {}).get("hall")  # nobody is left listening in the hall room
