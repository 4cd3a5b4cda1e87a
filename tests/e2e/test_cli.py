"""The `hallctl` command line as a user runs it.

Serve refusing an unmigrated database, users and tokens and their revocation, the devices probe, the demo.
"""

import subprocess
import time
from importlib.metadata import version

import requests

from tests.conftest import hall_toml
from tests.e2e.served import HALLCTL, Served, free_port, logged_in, run


def test_version_names_the_installed_release():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"hallctl {version('hallctl')}"


def test_serve_refuses_an_unmigrated_database_naming_the_command(config_file):
    result = run("serve", "--config", str(config_file), "--port", str(free_port()))
    assert result.returncode == 2 and "hallctl db upgrade" in result.stderr


def test_user_add_refuses_short_or_common_passwords_and_unsafe_names_and_token_add_a_bad_role(prepared):
    config, _kiosk, _display = prepared
    short = run("user", "add", "wang", "--role", "staff", "--config", str(config), "--password-stdin", input="123\n")
    assert short.returncode == 2 and "at least 8" in short.stderr
    boss = run(
        "user", "add", "boss", "--role", "admin", "--config", str(config), "--password-stdin", input="abc-12345\n"
    )
    assert boss.returncode == 2 and "at least 12" in boss.stderr
    common = run(
        "user", "add", "wang", "--role", "staff", "--config", str(config), "--password-stdin", input="88888888\n"
    )
    assert common.returncode == 2 and "too common" in common.stderr
    escape = run(
        "user", "add", "wang\x1b[2J", "--role", "staff", "--config", str(config), "--password-stdin", input="x\n"
    )
    assert escape.returncode == 2 and "letters, digits" in escape.stderr
    assert run("token", "add", "x", "--role", "root", "--config", str(config)).returncode == 2


def test_user_passwd_and_disable_end_the_users_sessions_on_a_running_server_within_ten_seconds(prepared, tmp_path):
    config, _kiosk, _display = prepared
    server = Served(config, tmp_path)
    try:
        session = logged_in(server.url, "li", "correct-horse")
        changed = run("user", "passwd", "li", "--config", str(config), "--password-stdin", input="battery-staple\n")
        assert changed.returncode == 0 and "ended 1 session(s)" in changed.stdout
        assert _refused_within(session, server.url, seconds=11)
        assert (
            requests.post(
                f"{server.url}/api/v1/auth/login", json={"username": "li", "password": "correct-horse"}, timeout=5
            ).status_code
            == 403
        )
        session = logged_in(server.url, "li", "battery-staple")
        disabled = run("user", "disable", "li", "--config", str(config))
        assert disabled.returncode == 0 and "li disabled" in disabled.stdout
        assert _refused_within(session, server.url, seconds=11)
        again = requests.post(
            f"{server.url}/api/v1/auth/login", json={"username": "li", "password": "battery-staple"}, timeout=5
        )
        assert again.status_code == 403
        ghost = run("user", "disable", "ghost", "--config", str(config))
        assert ghost.returncode == 1 and "no user named ghost" in ghost.stderr
    finally:
        server.kill()


def _refused_within(session: requests.Session, url: str, seconds: float) -> bool:
    """Whether the session's next requests are refused (401) before ``seconds`` pass: the servers' token caches
    trust a resolved token for 10 s."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if session.post(f"{url}/api/v1/windows/1/login", json={}, timeout=5).status_code == 401:
            return True
        time.sleep(0.2)
    return False


def test_devices_probe_prints_each_devices_state_and_fails_unless_all_are_ready(tmp_path):
    from devices.simulators.escpos_printer import PrinterSimulator
    from devices.simulators.hallbus_line import HallBusLine

    sim = PrinterSimulator(tmp_path / "printer").start()
    line = HallBusLine(tmp_path / "bus", {1: "window_led", 2: "evaluator"}).start()
    line.silent.add(2)
    text = hall_toml(f"sqlite:///{tmp_path}/hall.db") + (
        f'\n[[devices]]\nname = "good"\nkind = "printer"\nurl = "{sim.url}"\n'
        f'\n[[devices]]\nname = "gone"\nkind = "printer"\nurl = "{tmp_path}/nothing"\n'
        f'\n[[buses]]\nname = "bus-a"\nurl = "{line.link}"\n'
        '\n[[devices]]\nname = "led-1"\nkind = "window_led"\nbus = "bus-a"\naddress = 1\n'
        '\n[[devices]]\nname = "eval-1"\nkind = "evaluator"\nbus = "bus-a"\naddress = 2\n'
    )
    config = tmp_path / "hall.toml"
    config.write_text(text, encoding="utf-8")
    try:
        both = run("devices", "probe", "--config", str(config))
        assert both.returncode == 1
        rows = {line.split()[0]: line for line in both.stdout.splitlines()[1:]}
        assert "ready 正常" in rows["good"] and "offline 离线" in rows["gone"] and "No such file" in rows["gone"]
        assert "ready 正常" in rows["led-1"] and "bus-a #1" in rows["led-1"]
        assert "offline 离线" in rows["eval-1"] and "no valid reply" in rows["eval-1"]
        sim.paper_out = True
        assert "paper_out 缺纸" in run("devices", "probe", "--config", str(config)).stdout
    finally:
        sim.stop()
        line.stop()


def test_make_demo_runs_a_hall_whose_kiosks_print_on_simulated_printers(tmp_path):
    port = free_port()
    log = open(tmp_path / "demo.log", "w+")  # noqa: SIM115 — the demo's output, closed in the finally below
    proc = subprocess.Popen([*HALLCTL, "demo", "--port", str(port)], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline, banner = time.time() + 60, ""
        while "kiosk token" not in banner and time.time() < deadline:
            time.sleep(0.2)
            banner = (tmp_path / "demo.log").read_text(encoding="utf-8")
        assert f"http://localhost:{port}/api/v1/services" in banner and "staff1" in banner
        kiosk = next(line.split()[-1] for line in banner.splitlines() if "kiosk token" in line)
        base = f"http://127.0.0.1:{port}/api/v1"
        ticket = requests.post(
            f"{base}/tickets", json={"service": "SB"}, headers={"Authorization": f"Bearer {kiosk}"}, timeout=5
        ).json()
        status = "pending"
        while status == "pending" and time.time() < deadline:
            time.sleep(0.1)
            status = requests.get(f"{base}/tickets/{ticket['id']}?token={ticket['track_token']}", timeout=5).json()[
                "print"
            ]["status"]
        assert status == "printed"
        assert (tmp_path / "var" / "hall.db").exists()
        assert "printer-k1 printed 示范县政务服务中心" in (tmp_path / "demo.log").read_text(encoding="utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_token_revoke_revokes_by_name_and_says_when_there_is_nothing(prepared):
    config, _kiosk, _display = prepared
    revoked = run("token", "revoke", "k1", "--config", str(config))
    assert revoked.returncode == 0 and "revoked 1 token(s) named k1" in revoked.stdout
    assert run("token", "revoke", "k1", "--config", str(config)).returncode == 1
