"""`hallctl serve` refuses a database it cannot run on with one line naming the problem and exit status 2.

Each test breaks a real, migrated SQLite file the way a bad day does — pages overwritten, the file cut short,
garbage, no write permission, another application's database — and starts the real command on it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from testbed.servers import free_port
from tests.conftest import hall_toml
from tests.e2e.served import HALLCTL, real_clock_toml
from tests.storage import fill, read_only, small_disk

PAGE = 4096


def hall_on(database: Path, tmp_path: Path, template: Path | None) -> Path:
    """A config file for a hall on ``database`` (a copy of the migrated ``template`` when given)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    if template is not None:
        shutil.copy(template, database)
    config = tmp_path / "hall.toml"
    config.write_text(real_clock_toml(hall_toml(f"sqlite:///{database}")), encoding="utf-8")
    return config


def serve_refuses(config: Path) -> str:
    """Start `hallctl serve`; assert it exits with status 2 and one line (no traceback); return that line."""
    proc = subprocess.Popen(
        [*HALLCTL, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", str(free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
        pytest.fail(f"serve started on a database it should refuse; it said:\n{err}")
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_database_with_overwritten_pages_is_refused_at_start_not_served_with_failing_writes(
    tmp_path, migrated_template
):
    database = tmp_path / "hall.db"
    config = hall_on(database, tmp_path, migrated_template)
    with open(database, "r+b") as file:
        file.seek(3 * PAGE)
        file.write(os.urandom(3 * PAGE))
    line = serve_refuses(config)
    assert str(database) in line
    assert "damaged" in line
    assert "hallctl restore" in line


def test_a_truncated_database_file_is_refused_at_start(tmp_path, migrated_template):
    database = tmp_path / "hall.db"
    config = hall_on(database, tmp_path, migrated_template)
    os.truncate(database, database.stat().st_size // 2)
    line = serve_refuses(config)
    assert str(database) in line
    assert "damaged" in line


def test_a_file_of_garbage_is_refused_as_not_a_database(tmp_path):
    database = tmp_path / "hall.db"
    config = hall_on(database, tmp_path, None)
    database.write_bytes(os.urandom(20 * PAGE))
    line = serve_refuses(config)
    assert f"{database} is not a SQLite database" in line


def test_a_read_only_database_file_is_refused_at_start_not_at_the_first_ticket(tmp_path, migrated_template):
    database = tmp_path / "hall.db"
    config = hall_on(database, tmp_path, migrated_template)
    with read_only(database):
        line = serve_refuses(config)
    assert f"{database} is read-only" in line


def test_a_database_in_a_read_only_folder_is_refused_at_start(tmp_path, migrated_template):
    database = tmp_path / "data" / "hall.db"
    config = hall_on(database, tmp_path, migrated_template)
    with read_only(database.parent):
        line = serve_refuses(config)
    assert f"cannot open {database}" in line
    assert "folder must be writable" in line


def test_another_applications_database_is_refused_not_offered_an_upgrade(tmp_path):
    database = tmp_path / "hall.db"
    config = hall_on(database, tmp_path, None)
    with sqlite3.connect(database) as foreign:
        foreign.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    line = serve_refuses(config)
    assert f"{database} holds another application's tables (customers)" in line
    assert "db upgrade" not in line


def test_a_database_at_a_schema_revision_hallctl_never_wrote_is_refused(tmp_path, migrated_template):
    database = tmp_path / "hall.db"
    config = hall_on(database, tmp_path, migrated_template)
    with sqlite3.connect(database) as other:
        other.execute("UPDATE alembic_version SET version_num = 'f00dcafe'")
    line = serve_refuses(config)
    assert f"{database} is at schema 'f00dcafe', which this hallctl does not know" in line


def test_a_database_on_a_full_disk_is_refused_at_start_not_at_the_first_ticket(tmp_path, migrated_template):
    with small_disk(tmp_path / "disk") as disk:
        database = disk / "hall.db"
        config = hall_on(database, tmp_path, migrated_template)
        fill(disk)
        line = serve_refuses(config)
    assert f"the disk holding {database} is full" in line
