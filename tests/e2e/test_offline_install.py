"""The offline archive (`make dist`) installs and runs on a Debian server with no network.

Each install runs in a new network namespace (`unshare -n`: no interface but a loopback), into temporary
folders, without the service user and systemd. Needs root and an archive: `make dist-check` builds one and runs
this file with HALLCTL_DIST_ARCHIVE set; without it the tests are skipped (building takes 1–2 minutes).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

ARCHIVE = os.environ.get("HALLCTL_DIST_ARCHIVE", "")
SMOKE = Path(__file__).with_name("offline_smoke.py")

pytestmark = [
    pytest.mark.skipif(not ARCHIVE, reason="no offline archive: run `make dist-check`"),
    pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root and unshare"),
    pytest.mark.timeout(600),
]


def offline(*command: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a command in a new network namespace whose only interface, the loopback, is up."""
    return subprocess.run(
        ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "offline", *command],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=540,
    )


def installed_debian_packages() -> str:
    """Every installed Debian package with its version and state."""
    return subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${Version} ${Status}\n"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    """The archive unpacked: its single top folder."""
    target = tmp_path_factory.mktemp("dist")
    with tarfile.open(ARCHIVE) as archive:
        archive.extractall(target, filter="tar")
    (top,) = target.iterdir()
    return top


@pytest.fixture(scope="module")
def layout(tmp_path_factory) -> dict[str, str]:
    """install.sh's folders in a temporary root instead of /opt, /etc and /var/lib."""
    root = tmp_path_factory.mktemp("root")
    return {
        "HALLCTL_PREFIX": str(root / "opt" / "hallctl"),
        "HALLCTL_CONFIG_DIR": str(root / "etc" / "hallctl"),
        "HALLCTL_DATA_DIR": str(root / "var" / "lib" / "hallctl"),
        "HALLCTL_SKIP_USER": "1",
        "HALLCTL_SKIP_SYSTEMD": "1",
    }


@pytest.fixture(scope="module")
def first_install(unpacked, layout) -> tuple[subprocess.CompletedProcess, str, str]:
    """install.sh run once with no network, and the Debian packages before and after it."""
    before = installed_debian_packages()
    result = offline("sh", str(unpacked / "install.sh"), env=layout)
    return result, before, installed_debian_packages()


def test_the_archive_installs_hallctl_with_no_network(first_install, layout):
    result, _, _ = first_install
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"is installed in {layout['HALLCTL_PREFIX']}" in result.stdout
    hallctl = Path(layout["HALLCTL_PREFIX"]) / "bin" / "hallctl"
    config = Path(layout["HALLCTL_CONFIG_DIR"]) / "hall.toml"
    checked = subprocess.run([str(hallctl), "check-config", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f'database = "sqlite:///{layout["HALLCTL_DATA_DIR"]}/hall.db"' in config.read_text()
    assert Path(layout["HALLCTL_DATA_DIR"]).stat().st_mode & 0o777 == 0o700
    assert (Path(layout["HALLCTL_PREFIX"]) / "share" / "doc" / "hallctl" / "operations.md").is_file()


def test_the_archive_carries_the_committed_systemd_units(unpacked):
    committed = subprocess.run(
        ["git", "ls-files", "deploy/*.service", "deploy/*.timer"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout.split()
    assert sorted(p.name for p in (unpacked / "deploy").iterdir()) == sorted(Path(p).name for p in committed)


def test_installing_changes_no_debian_package_the_server_already_has(first_install):
    result, before, after = first_install
    assert result.returncode == 0, result.stdout + result.stderr
    assert after == before


def test_the_installed_demo_hall_serves_and_issues_a_ticket_with_no_network(first_install, layout):
    assert first_install[0].returncode == 0
    prefix = Path(layout["HALLCTL_PREFIX"])
    smoke = offline(str(prefix / "bin" / "python"), str(SMOKE), str(prefix / "bin" / "hallctl"), "8080")
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    seen = json.loads(smoke.stdout.splitlines()[-1])
    assert seen["healthz"] == 200, seen["log_tail"]
    assert seen["ticket"]["http_status"] == 201, seen
    assert seen["ticket"]["number"].startswith("A"), seen


def test_every_debian_package_installs_from_the_archive_alone_on_a_server_that_has_none(
    first_install, unpacked, layout
):
    assert first_install[0].returncode == 0
    dry_run = offline("sh", str(unpacked / "install.sh"), env={**layout, "HALLCTL_APT_DRY_RUN": "1"})
    assert dry_run.returncode == 0, dry_run.stdout + dry_run.stderr
    for package in (unpacked / "debs" / "REQUESTED").read_text().split():
        assert f"Inst {package} " in dry_run.stdout, package
    assert " 0 to remove" in dry_run.stdout


def test_running_the_install_again_keeps_the_operators_config(first_install, unpacked, layout):
    assert first_install[0].returncode == 0
    config = Path(layout["HALLCTL_CONFIG_DIR"]) / "hall.toml"
    edited = config.read_text().replace("示范县政务服务中心", "某某区政务服务中心")
    config.write_text(edited)
    again = offline("sh", str(unpacked / "install.sh"), env=layout)
    assert again.returncode == 0, again.stdout + again.stderr
    assert config.read_text() == edited
