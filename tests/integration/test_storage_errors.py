"""Storage failures are named from the errors SQLite and the OS really raise, however deep they are wrapped."""

from __future__ import annotations

import errno
import os

import pytest
from sqlalchemy import create_engine, text

from hallctl.adapters.storage_errors import storage_failure


def raised_by(statement: str, url: str, *setup: str) -> BaseException:
    """What the driver raised for ``statement`` on a real SQLite file (after the ``setup`` statements)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for line in setup:
                conn.exec_driver_sql(line)
            conn.execute(text(statement))
    except Exception as exc:
        return exc
    finally:
        engine.dispose()
    pytest.fail(f"{statement} did not fail")


def test_sqlite_refusing_to_grow_the_file_is_named_storage_full_not_internal(tmp_path):
    exc = raised_by(
        "INSERT INTO t SELECT zeroblob(100000) FROM (SELECT 1 UNION SELECT 2 UNION SELECT 3)",
        f"sqlite:///{tmp_path}/full.db",
        "CREATE TABLE t (b BLOB)",
        "PRAGMA max_page_count = 3",
    )
    assert storage_failure(exc) is not None
    assert storage_failure(exc)[0] == "storage_full"


def test_a_file_that_is_not_a_database_is_named_storage_corrupt(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(8192))
    exc = raised_by("SELECT * FROM sqlite_master", f"sqlite:///{garbage}")
    assert storage_failure(exc)[0] == "storage_corrupt"


def write_a_print_job(path: str) -> None:
    """Write to ``path`` and say what failed, keeping the OS error as the cause (as a driver does)."""
    try:
        with open(path, "wb", buffering=0) as out:
            out.write(b"ticket")
    except OSError as disk:
        raise RuntimeError("could not write the print job") from disk


def test_enospc_raised_anywhere_under_a_request_is_named_storage_full():
    with pytest.raises(RuntimeError) as caught:
        write_a_print_job("/dev/full")  # it answers every write with ENOSPC
    assert storage_failure(caught.value)[0] == "storage_full"


def test_an_ordinary_bug_is_not_passed_off_as_a_storage_failure():
    assert storage_failure(KeyError("x")) is None
    assert storage_failure(OSError(errno.EACCES, "Permission denied")) is None
