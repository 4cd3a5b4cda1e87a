"""A full disk under a running `hallctl serve`: every client hears 503 `storage_full`, /healthz fails, nothing
acknowledged is lost and nothing refused is half-made.

The database lives on a tmpfs of 8 MiB mounted for the test (a real ENOSPC under SQLite, not a simulated one);
the disk is filled by writing a file until the kernel refuses, and freed by deleting it.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
from pathlib import Path

import pytest
import requests

from tests.conftest import hall_toml
from tests.e2e.conftest import ServedHall
from tests.e2e.served import Served, real_clock_toml, run
from tests.storage import fill, small_disk


@pytest.fixture
def disk(tmp_path):
    """A small filesystem of its own."""
    with small_disk(tmp_path / "disk") as mounted:
        yield mounted


def serve_on(database: Path, tmp_path: Path, template: Path, devices: str = "") -> tuple[Served, str]:
    """`hallctl serve` on a copy of the migrated template at ``database``; returns the server and a kiosk token."""
    shutil.copy(template, database)
    config = tmp_path / "hall.toml"
    config.write_text(real_clock_toml(hall_toml(f"sqlite:///{database}")) + devices, encoding="utf-8")
    kiosk = run("token", "add", "k1", "--role", "kiosk", "--config", str(config)).stdout.strip()
    return Served(config, tmp_path), kiosk


def issue(server: Served, kiosk: str, service: str = "SB") -> requests.Response:
    return requests.post(
        f"{server.url}/api/v1/tickets",
        json={"service": service, "kiosk": "k1"},
        headers={"Authorization": f"Bearer {kiosk}"},
        timeout=10,
    )


def test_a_full_disk_answers_503_storage_full_loses_no_acknowledged_ticket_and_half_makes_none(
    disk, tmp_path, migrated_template
):
    database = disk / "hall.db"
    server, kiosk = serve_on(database, tmp_path, migrated_template)
    try:
        first = issue(server, kiosk)
        assert first.status_code == 201
        acknowledged = [first.json()]
        filler = fill(disk)

        health = requests.get(f"{server.url}/api/v1/healthz", timeout=10)
        assert health.status_code == 503
        assert health.json()["status"] == "failing"
        assert health.json()["error"]["code"] == "storage_full"
        assert health.json()["checks"]["disk"]["ok"] is False

        refused = 0
        for _ in range(8):  # within the kiosk's issue rate (12 a minute)
            reply = issue(server, kiosk)
            if reply.status_code == 201:  # room left in pages SQLite had already taken
                acknowledged.append(reply.json())
                continue
            assert reply.status_code == 503, reply.text
            assert reply.json()["error"]["code"] == "storage_full"
            assert "ask staff" in reply.json()["error"]["message"]
            refused += 1
            if refused == 2:
                break
        assert refused == 2

        filler.unlink()
        assert requests.get(f"{server.url}/api/v1/healthz", timeout=10).json()["status"] == "ok"
        after = issue(server, kiosk)
        assert after.status_code == 201
        acknowledged.append(after.json())
        for ticket in acknowledged:
            seen = requests.get(
                f"{server.url}/api/v1/tickets/{ticket['id']}", params={"token": ticket["track_token"]}, timeout=10
            )
            assert seen.status_code == 200
            assert seen.json()["number"] == ticket["number"]
    finally:
        server.kill(signal.SIGKILL)
    with sqlite3.connect(database) as db:
        stored = dict(db.execute("SELECT id, number FROM tickets").fetchall())
    assert stored == {ticket["id"]: ticket["number"] for ticket in acknowledged}


def test_healthz_names_each_check_and_counts_the_devices_by_state(tmp_path, migrated_template):
    printer = '\n[[devices]]\nname = "printer-k1"\nkind = "printer"\nurl = "tcp://127.0.0.1:9"\n'
    server, _kiosk = serve_on(tmp_path / "hall.db", tmp_path, migrated_template, devices=printer)
    try:
        reply = requests.get(f"{server.url}/api/v1/healthz", timeout=10)
        assert reply.status_code == 200
        body = reply.json()
        assert body["status"] == "ok"
        assert body["checks"]["database"]["ok"] is True
        assert body["checks"]["disk"]["ok"] is True
        assert body["checks"]["disk"]["free_bytes"] >= body["checks"]["disk"]["min_free_bytes"]
        devices = body["checks"]["devices"]
        assert devices["total"] == 1
        assert sum(n for state, n in devices.items() if state not in ("ok", "total")) == 1
    finally:
        server.kill()
    with sqlite3.connect(tmp_path / "hall.db") as db:
        assert db.execute("SELECT count(*) FROM health_probes").fetchone()[0] >= 1


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_healthz_on_postgresql_proves_a_real_write_and_leaves_the_disk_to_the_database_server(db_url, tmp_path):
    served = ServedHall(db_url, tmp_path)
    try:
        reply = requests.get(f"{served.url}/api/v1/healthz", timeout=10)
        assert reply.status_code == 200
        assert reply.json()["checks"]["database"]["ok"] is True
        assert "disk" not in reply.json()["checks"]  # PostgreSQL's disk is its server's; a full one fails the write
        with served.hall.database.read_engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM health_probes").scalar() >= 1
    finally:
        served.stop()
