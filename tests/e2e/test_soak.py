"""A short busy day across every device with faults injected: bench/soak.py, run as a program."""

import json
import subprocess
import sys
from pathlib import Path

SOAK = Path(__file__).resolve().parents[2] / "bench" / "soak.py"


def test_a_compressed_busy_day_with_faults_loses_no_ticket_print_rating_or_announcement(tmp_path):
    run = subprocess.run(
        [sys.executable, str(SOAK), "--tickets", "80", "--seconds", "25", "--dir", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-4000:]  # soak() asserts every ticket, print, rating, announcement
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["served"] == result["tickets"] == result["announcements"] == 80
    assert result["print_failed"] > 0 and result["printed"] > 0  # the paper ran out for a while, then came back
    assert result["rated"] > 40
    assert result["rss_mb"]["end"] - result["rss_mb"]["¼"] < 40
