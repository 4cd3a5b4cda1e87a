"""Throwaway servers on this machine for the tests and the benchmarks; the hall server never uses them.

A PostgreSQL cluster in a temporary directory (Debian's postgresql package, installed by `make test`), a
redis-server (Debian's redis-server package), and a free TCP port to put a server on. initdb refuses to run
as root, so as root the cluster belongs to the ``postgres`` user. For the tests durability is off (they are
about locking and isolation, not fsync); benches ask for a durable one.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import ephemeral_port_reserve
import psycopg


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql; `make test` does)")
    return Path(found[-1]).parent


def free_port() -> int:
    """A free TCP port on 127.0.0.1 that no other process's ``bind(port 0)`` is handed for a minute.

    ephemeral-port-reserve leaves the port in TIME_WAIT: the kernel picks other ports for everyone else, while the
    server we start binds it with SO_REUSEADDR (gunicorn, redis-server and PostgreSQL all do). Test workers running
    side by side (pytest-xdist) thus never get the same port.
    """
    port: int = ephemeral_port_reserve.reserve("127.0.0.1")
    return port


class PostgresServer:
    """A PostgreSQL cluster of its own, started on a free port; :meth:`stop` removes it.

    Args:
        durable: keep fsync and synchronous commit on (benchmarks); off, the tests run faster.
    """

    def __init__(self, durable: bool = False) -> None:
        self.bin = _binaries()
        self.root = Path(tempfile.mkdtemp(prefix="hallctl-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        fast = "" if durable else " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1{fast}",
        )

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement as the superuser, outside a transaction."""
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, template: str | None = None) -> str:
        """Create a database with a fresh name (a copy of ``template`` if given); its name."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting whoever is still on it."""
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server at once and delete its cluster."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


class RedisServer:
    """A throwaway redis-server (Debian package) on a free port; it can be stopped and started again."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = open(log_path, "w")  # noqa: SIM115 — open for the server's life, across restarts
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        """Start redis-server and return once it answers a PING (redis's ConnectionError after 10 s)."""
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return self
            except redis.ConnectionError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server; :meth:`start` may start it again on the same port."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
