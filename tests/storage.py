"""Real storage failures for tests: a small filesystem that fills up, a file or folder that cannot be written.

A full disk is a tmpfs of a few MiB mounted for the test (root, as CI runs; skipped with the reason elsewhere).
Read-only is ``chmod`` for an ordinary user and the immutable attribute (``chattr +i``) for root, whom file
modes do not stop.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

CHUNK = 64 * 1024


@contextlib.contextmanager
def small_disk(where: Path, size_mib: int = 8) -> Iterator[Path]:
    """A tmpfs of ``size_mib`` MiB mounted at ``where`` for the block; skips the test if it cannot be mounted."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mib}m", "tmpfs", str(where)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"a full disk needs a tmpfs of our own and mount refused: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(directory: Path) -> Path:
    """Write a file in ``directory`` until its filesystem is full; returns the file (delete it to free the space)."""
    filler = directory / "filler"
    block = b"\0" * CHUNK
    with open(filler, "wb", buffering=0) as out:
        while True:
            try:
                out.write(block)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
    for size in (4096, 512, 1):  # the last few blocks too
        with contextlib.suppress(OSError), open(filler, "ab", buffering=0) as out:
            while True:
                out.write(b"\0" * size)
    return filler


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` (a file or a folder) cannot be written inside the block, whoever the test runs as."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"root ignores file modes and chattr +i failed here: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
