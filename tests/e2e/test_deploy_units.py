"""The systemd units of deploy/: systemd-analyze verify parses them with no warning, and they say what the
operations docs promise (started where systemd runs by deploy/test-units.sh)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = ("hallctl.service", "hallctl-backup.service", "hallctl-backup.timer")
INSTALLED = "/opt/hallctl/bin/hallctl"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_a_mistyped_or_unknown_setting_in_the_units_is_caught_by_systemd_analyze(tmp_path):
    hallctl = Path(sys.executable).with_name("hallctl")  # verify checks that ExecStart's program exists
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8").replace(INSTALLED, str(hallctl))
        (tmp_path / name).write_text(text, encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0 and checked.stderr == "" and checked.stdout == "", checked.stderr


def test_the_server_unit_restarts_on_failure_as_its_own_user_and_stops_cleanly_on_sigterm():
    service = unit("hallctl.service")["Service"]
    assert service["ExecStart"].startswith(f"{INSTALLED} serve --config /etc/hallctl/hall.toml")
    expected = {
        "User": "hallctl",
        "WorkingDirectory": "/var/lib/hallctl",
        "Restart": "on-failure",
        "RestartPreventExitStatus": "2",
        "LimitNOFILE": "65536",
        "UMask": "0077",
        "KillSignal": "SIGTERM",
        "KillMode": "mixed",
        "TimeoutStopSec": "20",
    }
    assert {key: service[key] for key in expected} == expected


def test_the_nightly_backup_keeps_a_fortnight_and_a_missed_night_runs_at_boot():
    service = unit("hallctl-backup.service")["Service"]
    assert service["Type"] == "oneshot" and service["User"] == "hallctl"
    assert (
        "backup --config /etc/hallctl/hall.toml --out-dir ${HALLCTL_BACKUP_DIR} --keep-days ${HALLCTL_KEEP_DAYS}"
        in (service["ExecStart"])
    )
    assert "HALLCTL_KEEP_DAYS=14" in service["Environment"]
    timer = unit("hallctl-backup.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 02:30:00" and timer["Persistent"] == "true"


def test_the_unit_test_script_skips_where_systemd_does_not_run():
    if Path("/run/systemd/system").is_dir():
        pytest.skip("systemd runs here: deploy/test-units.sh starts the units for real (as root)")
    skipped = subprocess.run([DEPLOY / "test-units.sh"], capture_output=True, text=True, timeout=60)
    assert skipped.returncode == 77 and "skipped" in skipped.stdout
