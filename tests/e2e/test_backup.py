"""`hallctl backup` and `hallctl restore` as real processes, on a real SQLite file, beside a running `hallctl serve`.

The ``prepared`` fixture (tests/e2e/conftest.py) migrates the database of ``config_file`` (``tmp_path/hall.db``)
and adds staff li and the kiosk and display tokens.
"""

from __future__ import annotations

import contextlib
import os
import pty
import sqlite3
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from hallctl.web.limits import RATE_VARIABLE
from tests.conftest import hall_toml
from tests.e2e.served import HALLCTL, Served, run

pytestmark = pytest.mark.timeout(300)  # each test runs up to ten hallctl processes; a loaded 2-core machine is slow


@pytest.fixture(autouse=True)
def issuing_at_load(monkeypatch):
    """These tests load the hall through one kiosk's token, far faster than a kiosk issues (web/limits.py)."""
    monkeypatch.setenv(RATE_VARIABLE, "100000 per minute")


def tickets_in(database: Path) -> dict[int, str]:
    """The tickets stored in a SQLite file: number by id."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        return dict(db.execute("SELECT id, number FROM tickets"))


def issue(server: Served, kiosk: str, count: int) -> list[dict]:
    """Issue ``count`` tickets through the kiosk's token; the acknowledged replies."""
    headers = {"Authorization": f"Bearer {kiosk}"}
    replies = [
        requests.post(f"{server.url}/api/v1/tickets", json={"service": "SB"}, headers=headers, timeout=5)
        for _ in range(count)
    ]
    assert all(reply.status_code == 201 for reply in replies)
    return [reply.json() for reply in replies]


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture
def backup_of_three(prepared, tmp_path):
    """A backup (``tmp_path/b.sqlite3``) of the prepared hall holding three tickets; then two more are issued.

    Returns:
        (config file, backup file, the three tickets in the backup, the kiosk's token).
    """
    config, kiosk, _display = prepared
    server = Served(config, tmp_path)
    try:
        three = issue(server, kiosk, 3)
        made = run("backup", "--config", str(config), "--out", str(tmp_path / "b.sqlite3"))
        assert made.returncode == 0, made.stderr
        issue(server, kiosk, 2)
    finally:
        server.kill()
    return config, tmp_path / "b.sqlite3", three, kiosk


def test_a_backup_taken_while_clients_issue_holds_every_ticket_acknowledged_before_it_began(prepared, tmp_path):
    config, kiosk, _display = prepared
    server = Served(config, tmp_path)
    acknowledged: list[dict] = []
    lock = threading.Lock()
    stop = threading.Event()
    after_backup = threading.Event()
    issued_after: list[dict] = []

    def hammer():
        http = requests.Session()
        while not stop.is_set():
            reply = http.post(
                f"{server.url}/api/v1/tickets",
                json={"service": "SB"},
                headers={"Authorization": f"Bearer {kiosk}"},
                timeout=10,
            )
            assert reply.status_code == 201, reply.text
            with lock:
                acknowledged.append(reply.json())
                if after_backup.is_set():
                    issued_after.append(reply.json())

    workers = [threading.Thread(target=hammer) for _ in range(4)]
    try:
        for worker in workers:
            worker.start()
        while len(acknowledged) < 100:
            time.sleep(0.01)
        with lock:
            before = list(acknowledged)
        made = run("backup", "--config", str(config), "--out", str(tmp_path / "backups" / "live.sqlite3"))
        after_backup.set()
        while len(issued_after) < 20:  # the hall kept issuing through and after the backup
            time.sleep(0.01)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
        server.kill()
    assert made.returncode == 0, made.stderr
    backup = tmp_path / "backups" / "live.sqlite3"
    stored = tickets_in(backup)
    line = one_line(made.stdout)
    assert str(backup) in line and f"{len(stored)} tickets" in line and "schema 0008" in line
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert not Path(f"{backup}-wal").exists(), "a backup is one file"

    restored = run("restore", "--config", str(config), str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    in_hall = tickets_in(tmp_path / "hall.db")
    for ticket in before:
        assert in_hall.get(ticket["id"]) == ticket["number"], f"acknowledged {ticket['number']} lost"
    assert in_hall == stored


def test_a_restore_keeps_the_replaced_database_and_the_hall_serves_the_backup(backup_of_three, tmp_path):
    config, backup, three, kiosk = backup_of_three
    restored = run("restore", "--config", str(config), str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "3 tickets" in one_line(restored.stdout)
    kept = list(tmp_path.glob("hall.db.before-restore-*"))
    assert len(kept) == 1 and len(tickets_in(kept[0])) == 5, "the replaced database, all five tickets, is kept"
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert {ticket["id"]: ticket["number"] for ticket in three} == tickets_in(tmp_path / "hall.db")
    server = Served(config, tmp_path)  # the restored hall serves, and numbering continues from the backup
    try:
        next_number = issue(server, kiosk, 1)[0]["number"]
        assert int(next_number[1:]) == int(three[-1]["number"][1:]) + 1
    finally:
        server.kill()


def test_a_restore_is_refused_while_the_server_runs(backup_of_three, tmp_path):
    config, backup, _three, _kiosk = backup_of_three
    server = Served(config, tmp_path)
    try:
        refused = run("restore", "--config", str(config), str(backup), "--yes")
    finally:
        server.kill()
    assert refused.returncode == 2
    assert "server is running" in one_line(refused.stderr)
    assert len(tickets_in(tmp_path / "hall.db")) == 5 and not list(tmp_path.glob("hall.db.before-restore-*"))


def test_a_restore_is_refused_while_another_process_has_the_database_open_without_the_leader_lock(
    backup_of_three, tmp_path
):
    config, backup, _three, _kiosk = backup_of_three
    holder = sqlite3.connect(tmp_path / "hall.db")  # a server without devices, a hallctl command, an sqlite3 shell
    try:
        holder.execute("SELECT count(*) FROM tickets").fetchone()
        refused = run("restore", "--config", str(config), str(backup), "--yes")
    finally:
        holder.close()
    assert refused.returncode == 2
    assert "open in another process" in one_line(refused.stderr)
    assert len(tickets_in(tmp_path / "hall.db")) == 5


def bad_files(folder: Path, backup: Path) -> dict[str, Path]:
    """Files a restore must refuse, by the words of the refusal: garbage, another application's database, a
    hallctl database at a revision this hallctl does not know, and a backup whose tickets table is overwritten."""
    files = {why: folder / f"{name}.sqlite3" for why, name in WHY.items()}
    files["not a SQLite database"].write_bytes(b"\x00garbage\xff" * 500)
    with contextlib.closing(sqlite3.connect(files["holds no hallctl schema"])) as db:
        db.execute("CREATE TABLE people (name TEXT)")
    for why in ("does not know", "damaged"):
        files[why].write_bytes(backup.read_bytes())
    with contextlib.closing(sqlite3.connect(files["does not know"])) as db, db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    with contextlib.closing(sqlite3.connect(files["damaged"])) as db:
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'tickets'").fetchone()[0]
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(files["damaged"].read_bytes())
    data[(root - 1) * page_size : (root - 1) * page_size + 64] = b"\xff" * 64
    files["damaged"].write_bytes(bytes(data))
    return files


WHY = {
    "not a SQLite database": "garbage",
    "holds no hallctl schema": "foreign",
    "does not know": "newer",
    "damaged": "damaged",
}


def test_a_restore_of_garbage_a_foreign_a_newer_or_a_damaged_database_is_refused(backup_of_three, tmp_path):
    config, backup, _three, _kiosk = backup_of_three
    for why, bad in bad_files(tmp_path, backup).items():
        refused = run("restore", "--config", str(config), str(bad), "--yes")
        assert refused.returncode == 2, why
        assert why in one_line(refused.stderr) and str(bad) in refused.stderr
        assert len(tickets_in(tmp_path / "hall.db")) == 5, "the hall's database is untouched"
        assert not list(tmp_path.glob(".hall.db.*.part*")), "no temporary file is left behind"


def test_a_restore_of_an_older_schema_names_the_upgrade_to_run(prepared, tmp_path):
    config, _kiosk, _display = prepared
    old = tmp_path / "old" / "hall.db"
    old.parent.mkdir()
    assert (
        subprocess.run(
            [*HALLCTL[:1], "-c", f"from hallctl.migrations import upgrade; upgrade('sqlite:///{old}', '0007')"],
            check=False,
        ).returncode
        == 0
    )
    restored = run("restore", "--config", str(config), str(old), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "schema 0007" in restored.stdout and "hallctl db upgrade --config" in restored.stdout
    assert run("db", "upgrade", "--config", str(config)).returncode == 0


def test_a_restore_off_a_terminal_without_yes_is_refused_and_changes_nothing(backup_of_three, tmp_path):
    config, backup, _three, _kiosk = backup_of_three
    refused = run("restore", "--config", str(config), str(backup), input="y\n")
    assert refused.returncode == 2
    assert "pass --yes" in one_line(refused.stderr)
    assert len(tickets_in(tmp_path / "hall.db")) == 5


def test_a_restore_on_a_terminal_asks_and_does_only_what_the_operator_answers(backup_of_three, tmp_path):
    config, backup, _three, _kiosk = backup_of_three
    for answer, code, tickets in (("n\n", 2, 5), ("y\n", 0, 3)):
        controller, terminal = pty.openpty()
        try:
            process = subprocess.Popen(
                [*HALLCTL, "restore", "--config", str(config), str(backup)],
                stdin=terminal,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            os.write(controller, answer.encode())
            out, err = process.communicate(timeout=60)
        finally:
            os.close(controller)
            os.close(terminal)
        assert process.returncode == code, err
        assert "[y/N]" in out
        assert len(tickets_in(tmp_path / "hall.db")) == tickets


def test_nightly_backups_in_a_folder_keep_only_the_last_days(prepared, tmp_path):
    config, _kiosk, _display = prepared
    folder = tmp_path / "nightly"
    folder.mkdir()
    old = folder / "hallctl-backup-20200101T020000Z.sqlite3"
    other = folder / "notes.txt"
    for file in (old, other):
        file.write_text("old")
        os.utime(file, (time.time() - 40 * 86400,) * 2)
    made = run("backup", "--config", str(config), "--out-dir", str(folder), "--keep-days", "30")
    assert made.returncode == 0, made.stderr
    assert "removed 1 backups older than 30 days" in one_line(made.stdout)
    kept = sorted(file.name for file in folder.iterdir())
    assert len(kept) == 2 and "notes.txt" in kept and kept[0].startswith("hallctl-backup-")


def test_backup_and_restore_of_a_postgresql_hall_point_to_pg_dump(tmp_path):
    config = tmp_path / "pg.toml"
    config.write_text(hall_toml("postgresql+psycopg://hallctl@127.0.0.1:1/hall"), encoding="utf-8")
    for args in (["backup", "--out", str(tmp_path / "b")], ["restore", str(tmp_path / "b"), "--yes"]):
        refused = run(*args, "--config", str(config))
        assert refused.returncode == 2
        assert "pg_dump" in one_line(refused.stderr)
