"""最多跑一次 without keeping anyone's ID: keyed hashes, repeat-visit counts, retention purge."""

from pathlib import Path

from sqlalchemy import select

from hallctl.adapters import orm
from hallctl.services import auth
from hallctl.services.citizens import citizen_hash, normalize, purge
from tests.conftest import PASSWORD

ID = "11010519491231002X"
PHONE = "13800138000"


def database_bytes(hall) -> bytes:
    """Everything SQLite holds for the hall: the file and its write-ahead log (recent pages live there)."""
    path = Path(hall.database.url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def log_in_again(api, hall, *names):
    """Sessions end after 12 hours; tests that move the clock by days log in afresh."""
    for name in names:
        api[name].token = auth.login(hall, name, PASSWORD)[0]


def test_the_database_never_holds_an_id_number_or_phone_in_clear(api, web):
    hall = web[0]
    for citizen in (ID, "110105 19491231 002x", PHONE):
        assert api["kiosk"].post("/tickets", json={"service": "SB", "citizen_id": citizen}).status_code == 201
    stored = database_bytes(hall)
    for clear in (ID, ID.lower(), "19491231", PHONE, "0013800"):
        assert clear.encode() not in stored
    with hall.uow(write=False) as uow:
        hashes = uow.session.execute(select(orm.tickets.c.citizen_hash).order_by(orm.tickets.c.id)).scalars().all()
    assert hashes[0] == hashes[1] == citizen_hash(hall.citizen_key, ID)  # spaces and a small x: same person
    assert hashes[2] != hashes[0] and all(len(h) == 64 for h in hashes)


def test_the_hash_is_keyed_per_hall_and_a_bad_number_is_refused(api, web):
    assert citizen_hash(b"hall-a" * 6, ID) != citizen_hash(b"hall-b" * 6, ID)
    assert normalize(" 138-0013-8000 ") == PHONE
    bad = api["kiosk"].post("/tickets", json={"service": "SB", "citizen_id": "not-a-number"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "citizen_id"


def test_repeat_visits_count_citizens_who_came_again_for_the_same_service(api, web, clock):
    for citizen, service in ((ID, "SB"), (PHONE, "SB"), (ID, "GJJ")):
        api["kiosk"].post("/tickets", json={"service": service, "citizen_id": citizen})
    clock.advance(days=2)
    log_in_again(api, web[0], "manager", "staff1")
    api["staff1"].post("/tickets", json={"service": "SB", "citizen_id": ID})  # came back two days later
    report = api["manager"].get("/reports/repeat-visits?from=2026-11-23&to=2026-11-25&days=7").get_json()
    rows = {r["service"]: r for r in report["rows"]}
    assert (rows["SB"]["citizens"], rows["SB"]["visits"], rows["SB"]["repeat_citizens"]) == (2, 3, 1)
    assert rows["SB"]["one_trip_pct"] == 50.0 and rows["GJJ"]["one_trip_pct"] == 100.0
    within_one = api["manager"].get("/reports/repeat-visits?from=2026-11-23&to=2026-11-25&days=1").get_json()
    assert {r["service"]: r["repeat_citizens"] for r in within_one["rows"]}["SB"] == 0


def test_hashes_older_than_the_retention_are_purged(api, web, clock):
    hall = web[0]
    api["kiosk"].post("/tickets", json={"service": "SB", "citizen_id": ID})
    clock.advance(days=89)
    assert purge(hall) == 0
    clock.advance(days=2)
    assert purge(hall) == 1
    with hall.uow(write=False) as uow:
        assert uow.session.execute(select(orm.tickets.c.citizen_hash)).scalar() is None
        assert uow.session.execute(select(orm.tickets.c.number)).scalar() == "A001"  # the ticket itself stays
