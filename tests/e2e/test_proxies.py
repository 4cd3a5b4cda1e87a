"""`hallctl serve` behind a reverse proxy: ``X-Forwarded-For`` believed from ``[server] trusted_proxies`` only.

The tests reach the server from 127.0.0.1 and play the proxy themselves, sending the headers nginx adds.
"""

from __future__ import annotations

import requests

from hallctl.bootstrap import bootstrap
from hallctl.config import load_config
from hallctl.services import auth
from tests.e2e.served import Served, logged_in

SHIFT = 60
"""Staff logging in within one minute at the start of a shift."""


def behind(config, trusted: str) -> None:
    """The config file with ``[server] trusted_proxies = [trusted]``."""
    config.write_text(config.read_text(encoding="utf-8") + f'\n[server]\ntrusted_proxies = ["{trusted}"]\n', "utf-8")


def add_staff(config, count: int) -> None:
    """Staff s1 … s{count} with password correct-horse, and manager boss (in this process: 60 commands are slow)."""
    hall = bootstrap(load_config(str(config)))
    try:
        for n in range(1, count + 1):
            auth.add_user(hall, f"s{n}", "staff", "correct-horse")
        auth.add_user(hall, "boss", "manager", "manager-pass-123")
    finally:
        hall.close()


def login(url: str, name: str, forwarded_for: str) -> int:
    reply = requests.post(
        f"{url}/api/v1/auth/login",
        json={"username": name, "password": "correct-horse"},
        headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
        timeout=10,
    )
    return reply.status_code


def audited_logins(url: str) -> dict[str, str]:
    """``{actor: remote_addr}`` of the audit log's log-in lines, as a manager reads them."""
    boss = logged_in(url, "boss", "manager-pass-123")
    lines = boss.get(f"{url}/api/v1/audit?limit=500", timeout=10).json()
    return {line["actor"]: line["remote_addr"] for line in lines if line["role"] == "login"}


def test_a_shift_of_60_staff_logs_in_through_the_proxy_and_the_audit_log_names_each_real_address(prepared, tmp_path):
    config, _kiosk, _display = prepared
    behind(config, "127.0.0.1")
    add_staff(config, SHIFT)
    server = Served(config, tmp_path)
    try:
        statuses = [login(server.url, f"s{n}", f"10.1.0.{n}") for n in range(1, SHIFT + 1)]
        assert statuses == [200] * SHIFT
        audited = audited_logins(server.url)
        assert {f"s{n}": audited.get(f"s{n}") for n in range(1, SHIFT + 1)} == {
            f"s{n}": f"10.1.0.{n}" for n in range(1, SHIFT + 1)
        }
    finally:
        server.kill()


def test_a_shift_of_60_staff_behind_one_nat_address_all_log_in_through_the_proxy(prepared, tmp_path):
    config, _kiosk, _display = prepared
    behind(config, "127.0.0.0/8")
    add_staff(config, SHIFT)
    server = Served(config, tmp_path)
    try:
        nat = "203.0.113.7"
        assert [login(server.url, f"s{n}", nat) for n in range(1, SHIFT + 1)] == [200] * SHIFT
        audited = audited_logins(server.url)
        assert {audited.get(f"s{n}") for n in range(1, SHIFT + 1)} == {nat}
    finally:
        server.kill()


def test_a_forged_x_forwarded_for_from_an_untrusted_address_cannot_hide_who_logged_in(prepared, tmp_path):
    config, _kiosk, _display = prepared
    behind(config, "192.0.2.1")  # the proxy is elsewhere: 127.0.0.1, the test, is a client like any other
    add_staff(config, 1)
    server = Served(config, tmp_path)
    try:
        assert login(server.url, "s1", "10.9.9.9") == 200
        assert audited_logins(server.url)["s1"] == "127.0.0.1"
    finally:
        server.kill()
