"""Run by an installed venv's Python inside a network namespace: the demo hall serves and issues one ticket.

Usage: ``python offline_smoke.py HALLCTL PORT``; prints one JSON line ``{"healthz": 200, "ticket": 201, ...}``.
Standard library only: the installed venv has hallctl's dependencies, not the tests'.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request


def _get_status(url: str) -> int | None:
    """The status of a GET, or None while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status
    except OSError:
        return None


def main() -> int:
    """Start ``hallctl demo``, wait for /healthz, issue a ticket with the kiosk token it prints, stop it."""
    hallctl, port = sys.argv[1], sys.argv[2]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as workdir, tempfile.TemporaryFile("w+") as log:
        demo = subprocess.Popen([hallctl, "demo", "--port", port], cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
        try:
            healthz = None
            deadline = time.monotonic() + 60
            while healthz != 200 and demo.poll() is None and time.monotonic() < deadline:
                healthz = _get_status(f"{base}/api/v1/healthz") or time.sleep(0.2)
            log.seek(0)
            banner = log.read()
            token = re.search(r"kiosk token\s+(\S+)", banner)
            ticket = None
            if token:
                request = urllib.request.Request(
                    f"{base}/api/v1/tickets",
                    data=json.dumps({"service": "SB"}).encode(),
                    headers={"Authorization": f"Bearer {token.group(1)}", "Content-Type": "application/json"},
                )
                with urllib.request.urlopen(request, timeout=10) as reply:
                    ticket = {**json.load(reply), "http_status": reply.status}
        finally:
            demo.terminate()
            demo.wait(timeout=30)
    print(json.dumps({"healthz": healthz, "ticket": ticket, "log_tail": banner[-2000:]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
