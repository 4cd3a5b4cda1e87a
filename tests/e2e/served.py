"""`hallctl` as a real process: run a command, or serve a hall on a port until killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import requests

from testbed.servers import free_port

HALLCTL = [sys.executable, "-m", "hallctl.cli"]


def noon_zone() -> str:
    """A fixed-offset zone where it is about noon now, so a test on the real clock never crosses a business day."""
    shift = 12 - datetime.now(UTC).hour  # -11 … +12 hours
    return "Etc/GMT" + (f"{-shift:+d}" if shift else "")  # Etc/GMT-8 is UTC+8


def real_clock_toml(text: str) -> str:
    """The test hall for a server on the real clock: open all day, in the noon zone."""
    return text.replace('timezone = "Asia/Shanghai"', f'timezone = "{noon_zone()}"').replace(
        'hours = ["08:30-12:00", "13:30-17:30"]', 'hours = ["00:00-24:00"]'
    )


def run(*args, input=None, cwd=None):
    return subprocess.run([*HALLCTL, *args], capture_output=True, text=True, input=input, cwd=cwd, timeout=60)


class Served:
    def __init__(self, config, tmp_path, port=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp_path / f"serve-{self.port}.log", "w")  # noqa: SIM115 — open for the server's life
        self.proc = subprocess.Popen(
            [*HALLCTL, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60  # a hang guard: on a busy machine (tests in parallel) a start takes long
        while time.time() < deadline:
            try:
                if requests.get(f"{self.url}/api/v1/healthz", timeout=1).ok:
                    return
            except (requests.ConnectionError, requests.Timeout):  # gunicorn listens before its worker is ready
                time.sleep(0.1)
        raise AssertionError("server did not start")

    def worker_pids(self) -> list[int]:
        """The pids of gunicorn's worker processes (the master's children)."""
        with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as children:
            return [int(pid) for pid in children.read().split()]

    def kill(self, sig=signal.SIGTERM):
        if sig == signal.SIGKILL:  # a power cut: gunicorn's worker dies with its master
            for pid in self.worker_pids():
                os.kill(pid, signal.SIGKILL)
        self.proc.send_signal(sig)
        self.proc.wait(timeout=10)
        self.log.close()


def logged_in(base_url: str, username: str, password: str) -> requests.Session:
    """A session logged in by cookie that sends the session's CSRF token on POSTs, as the pages do."""
    http = requests.Session()
    login = {"username": username, "password": password}  # scrypt in a served hall: slow on a busy machine
    reply = http.post(f"{base_url}/api/v1/auth/login", json=login, timeout=30)
    reply.raise_for_status()
    http.headers["X-CSRF-Token"] = reply.json()["csrf"]
    return http
