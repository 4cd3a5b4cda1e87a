"""Tiny benchmark helpers: keep-alive HTTP clients in threads, percentiles, a server under test."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def hallctl(*args: str, cwd: Path, stdin: str | None = None) -> str:
    """Run a ``hallctl`` command with this Python; its standard output."""
    return subprocess.run(
        [python(), "-m", "hallctl.cli", *args], cwd=cwd, check=True, capture_output=True, text=True, input=stdin
    ).stdout.strip()


def voice_section() -> str:
    """``[voice]`` for benches: the demo's espeak-ng pack, libvlc silent and sped up (adummy plays in real time)."""
    pack = resources.files("hallctl") / "demo" / "voice"
    return (
        f'[voice]\nenabled = true\npack = "{pack}"\nrepeat = 1\nvlc_args = ["--aout=adummy", "--rate=16", "--quiet"]\n'
    )


def wait_for(port: int, path: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not come up")


class Server:
    """A subprocess server, stopped on exit."""

    def __init__(self, args: list[str], port: int, probe: str, cwd: Path, env: dict | None = None) -> None:
        self.port = port
        self.log = open(cwd / f"server-{port}.log", "ab")  # noqa: SIM115 — kept open for the server's life; a pipe nobody reads would block it
        self.proc = subprocess.Popen(
            args,
            cwd=cwd,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        wait_for(port, probe)

    def processes(self) -> list[int]:
        """The server's process and its children (gunicorn's master and worker)."""
        pid = self.proc.pid
        return [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]

    def cpu_seconds(self) -> float:
        """The CPU time the server's processes have used (user + system, all threads; from /proc)."""
        ticks = 0
        for pid in self.processes():
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def memory(self) -> dict:
        """RSS (MiB) of the server's processes together; the threads and open files of the last (the worker)."""
        status = [
            dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
            for pid in self.processes()
        ]
        return {
            "rss_mib": round(sum(int(s["VmRSS"].split()[0]) for s in status) / 1024, 1),
            "threads": int(status[-1]["Threads"]),
            "open_files": len(os.listdir(f"/proc/{self.processes()[-1]}/fd")),
        }

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, and SIGKILL if the server has not stopped within ``timeout`` seconds; its exit status."""
        if self.proc.returncode is not None:
            return self.proc.returncode
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"the server on {self.port} did not stop within {timeout} s: killed", file=sys.stderr)
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()
        return self.proc.returncode


def load(port: int, path: str, body: dict, headers: dict, clients: int, per_client: int, expect: int = 201) -> dict:
    """``clients`` threads, each sending ``per_client`` POSTs on one keep-alive connection."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    payload = json.dumps(body)
    hdrs = {"Content-Type": "application/json", **headers}
    barrier = threading.Barrier(clients + 1)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        barrier.wait()
        for _ in range(per_client):
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, payload, hdrs)
                response = conn.getresponse()
                response.read()
            except OSError as exc:  # counted, then a fresh connection
                with lock:
                    failures.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - t0)
            if response.status != expect:
                with lock:
                    failures.append(str(response.status))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {
        "clients": clients,
        "requests": len(latencies),
        "failures": len(failures),
        "per_s": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
    }


def python() -> str:
    """The project's virtualenv Python, or this one."""
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def serve_args(config: Path, port: int) -> list[str]:
    """The command line of ``hallctl serve`` with ``config`` on 127.0.0.1:``port``."""
    return [python(), "-m", "hallctl.cli", "serve", "--config", str(config), "--host", "127.0.0.1", "--port", str(port)]
