"""最多跑一次 without keeping anyone's ID: keyed hashes, repeat-visit counts, retention purge."""

import logging
import os
import secrets
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, insert, select

from hallctl.adapters import orm
from hallctl.adapters.database import DatabaseUnusable
from hallctl.bootstrap import bootstrap
from hallctl.config import parse_config
from hallctl.services import auth
from hallctl.services.citizens import citizen_hash, normalize, purge
from tests.conftest import PASSWORD, hall_toml

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


def every_stored_value(url: str) -> str:
    """Every value of every row of every table of the database, as text (what a stolen copy holds)."""
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as conn:
        text = repr([conn.execute(select(table)).all() for table in tables.sorted_tables])
    engine.dispose()
    return text


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_copy_of_the_database_alone_cannot_recompute_a_citizen_hash(web):
    hall, app, _socketio = web
    kiosk = {"Authorization": f"Bearer {auth.add_token(hall, 'k1', 'kiosk')}"}
    issued = app.test_client().post("/api/v1/tickets", json={"service": "SB", "citizen_id": ID}, headers=kiosk)
    assert issued.status_code == 201
    key = hall.citizen_key
    assert len(key) == 32
    assert key.hex() not in every_stored_value(hall.database.url)
    assert key.hex().encode() not in database_bytes(hall) and key not in database_bytes(hall)
    key_file = Path(f"{hall.database.url.removeprefix('sqlite:///')}.citizen-key")
    assert key_file.read_text().strip() == key.hex()
    assert mode(key_file) == 0o600


def old_hall_with_key_in_settings(db_url: str) -> str:
    """A hall of before the key moved: its HMAC key in the database's settings, as services/setup.py put it."""
    old_key = secrets.token_hex(32)
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(insert(orm.settings).values(key="citizen_hmac_key", value=old_key))
    engine.dispose()
    return old_key


def test_an_old_halls_key_moves_out_of_the_database_and_its_hashes_still_match(db_url, clock):
    old_key = old_hall_with_key_in_settings(db_url)
    hash_before = citizen_hash(bytes.fromhex(old_key), ID)
    config = parse_config(hall_toml(db_url))
    hall = bootstrap(config, clock=clock)
    try:
        assert citizen_hash(hall.citizen_key, ID) == hash_before
    finally:
        hall.close()
    key_file = config.hall.citizen_key_path
    assert key_file.read_text().strip() == old_key and mode(key_file) == 0o600
    assert old_key not in every_stored_value(db_url)
    path = Path(db_url.removeprefix("sqlite:///"))
    assert old_key.encode() not in b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*") if p != key_file)
    again = bootstrap(config, clock=clock)  # the next start reads the file
    try:
        assert citizen_hash(again.citizen_key, ID) == hash_before
    finally:
        again.close()


def test_the_key_comes_from_the_environment_or_a_systemd_credential_before_a_file(db_url, clock, monkeypatch, tmp_path):
    config = parse_config(hall_toml(db_url))
    from_env, from_credential = secrets.token_bytes(32), secrets.token_bytes(32)
    (tmp_path / "credentials").mkdir()
    (tmp_path / "credentials" / "citizen-key").write_text(from_credential.hex() + "\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path / "credentials"))
    monkeypatch.setenv("HALLCTL_CITIZEN_KEY", from_env.hex())
    for expected in (from_env, from_credential):
        hall = bootstrap(config, clock=clock)
        hall.close()
        assert hall.citizen_key == expected
        monkeypatch.delenv("HALLCTL_CITIZEN_KEY", raising=False)
    assert not config.hall.citizen_key_path.exists()


@pytest.mark.parametrize(
    ("key", "words"),
    [("00ff" * 8, "use at least 64"), ("not hex at all, not hex at all, not hex at all, not hex at all", "hex")],
)
def test_a_weak_or_garbled_key_refuses_to_start_with_one_line(db_url, clock, monkeypatch, key, words):
    monkeypatch.setenv("HALLCTL_CITIZEN_KEY", key)
    with pytest.raises(DatabaseUnusable) as refused:
        bootstrap(parse_config(hall_toml(db_url)), clock=clock)
    assert words in str(refused.value) and "HALLCTL_CITIZEN_KEY" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_key_other_than_the_old_one_in_the_database_refuses_to_start_rather_than_orphan_the_hashes(
    db_url, clock, monkeypatch
):
    old_hall_with_key_in_settings(db_url)
    monkeypatch.setenv("HALLCTL_CITIZEN_KEY", secrets.token_hex(32))
    with pytest.raises(DatabaseUnusable) as refused:
        bootstrap(parse_config(hall_toml(db_url)), clock=clock)
    assert "citizen_hmac_key" in str(refused.value)
    assert "citizen_hmac_key" in every_stored_value(db_url)  # nothing was deleted


def test_the_cli_creates_the_database_and_key_readable_by_its_owner_only_and_warns_about_an_old_open_file(
    tmp_path, caplog, clock
):
    config_file = tmp_path / "hall.toml"
    database = tmp_path / "hall.db"
    config_file.write_text(hall_toml(f"sqlite:///{database}"), encoding="utf-8")
    shell_umask = os.umask(0o022)  # what a shell usually has; the hallctl process sets its own
    try:
        for command in (["db", "upgrade"], ["purge"]):
            run = subprocess.run(
                [sys.executable, "-m", "hallctl.cli", *command, "--config", str(config_file)],
                capture_output=True,
                text=True,
            )
            assert run.returncode == 0, run.stderr
    finally:
        os.umask(shell_umask)
    created = [p for p in tmp_path.iterdir() if p.name.startswith("hall.db")]
    assert {p.name for p in created} >= {"hall.db", "hall.db.citizen-key"}
    assert {p.name: mode(p) for p in created} == dict.fromkeys((p.name for p in created), 0o600)
    database.chmod(0o644)  # a hall created before the umask
    with caplog.at_level(logging.WARNING):
        bootstrap(parse_config(config_file.read_text(encoding="utf-8")), clock=clock).close()
    assert any(str(database) in r.getMessage() and "chmod 600" in r.getMessage() for r in caplog.records)
    old_key = sqlite3.connect(database).execute("select count(*) from settings where key = 'citizen_hmac_key'")
    assert old_key.fetchone() == (0,)
