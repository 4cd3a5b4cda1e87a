"""The offline archive on a bare Debian 12 (debootstrap minbase, none of hallctl's packages) with no network.

The real thing, in a chroot: install.sh installs the Debian packages from the archive alone, the venv, the
user `hallctl`, the config and the data folder; then the demo hall serves, run as `hallctl`. Needs root,
debootstrap and a Debian mirror for the base system (about 2 minutes), and an archive: `make dist-check-bare`.
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
    pytest.mark.skipif(not ARCHIVE or os.environ.get("HALLCTL_DIST_BARE") != "1", reason="run `make dist-check-bare`"),
    pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("debootstrap"), reason="needs root and debootstrap"),
    pytest.mark.timeout(900),
]


def in_bare_debian(root: Path, script: str) -> subprocess.CompletedProcess:
    """Run a shell script chrooted in ``root``, in a new network namespace with only the loopback up."""
    return subprocess.run(
        ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec chroot "$1" sh -c "$2"', "bare", str(root), script],
        capture_output=True,
        text=True,
        timeout=840,
    )


@pytest.fixture(scope="module")
def bare_debian(tmp_path_factory):
    """A debootstrapped Debian 12 minbase with /dev, /dev/pts and /proc, the archive unpacked in /srv."""
    root = tmp_path_factory.mktemp("bare") / "root"
    subprocess.run(
        ["debootstrap", "--variant=minbase", "bookworm", str(root)], check=True, capture_output=True, timeout=600
    )
    mounts = [(["--bind", "/dev"], root / "dev"), (["--bind", "/dev/pts"], root / "dev/pts")]
    mounts.append((["-t", "proc", "proc"], root / "proc"))
    for options, target in mounts:
        subprocess.run(["mount", *options, str(target)], check=True)
    with tarfile.open(ARCHIVE) as archive:
        archive.extractall(root / "srv", filter="tar")
    shutil.copy(SMOKE, root / "srv" / "offline_smoke.py")
    yield root
    for _, target in reversed(mounts):
        subprocess.run(["umount", "--lazy", str(target)], check=True)


def test_a_bare_debian_12_with_no_network_gets_everything_from_the_archive_and_serves_the_demo_hall(bare_debian):
    installed = in_bare_debian(bare_debian, "cd /srv/hallctl-*-offline && sh install.sh")
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    checked = in_bare_debian(
        bare_debian,
        "id -u hallctl && stat -c '%a %U' /var/lib/hallctl && dpkg-query -W -f '${Status}\\n' libvlc5 espeak-ng",
    )
    assert checked.returncode == 0, checked.stderr
    _, data_dir, *package_states = checked.stdout.splitlines()
    assert data_dir == "700 hallctl"
    assert package_states == ["install ok installed"] * 2
    smoke = in_bare_debian(
        bare_debian,
        "cd /tmp && runuser -u hallctl -- /opt/hallctl/bin/python /srv/offline_smoke.py /opt/hallctl/bin/hallctl 8080",
    )
    assert smoke.returncode == 0, smoke.stderr
    seen = json.loads(smoke.stdout.splitlines()[-1])
    assert seen["healthz"] == 200, seen["log_tail"]
    assert seen["ticket"]["http_status"] == 201, seen
    again = in_bare_debian(bare_debian, "cd /srv/hallctl-*-offline && sh install.sh")
    assert again.returncode == 0, again.stderr
    assert "the Debian packages are installed already" in again.stdout
