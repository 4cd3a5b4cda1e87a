"""A served hall (real HTTP server, real printer simulator on a pty) and Debian's headless Chromium via Playwright."""

from __future__ import annotations

import logging
import os
import shutil
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from werkzeug.serving import make_server

from devices.printer import PrinterTiming
from devices.simulators.escpos_printer import PrinterSimulator
from devices.worker import Backoff
from hallctl.bootstrap import build_app
from hallctl.config import parse_config
from hallctl.services import auth
from tests.conftest import PASSWORD, hall_toml
from tests.e2e.served import noon_zone, real_clock_toml, run

pytest.register_assert_rewrite("tests.e2e.helpers")  # their asserts report values, as in a test module

CHROMIUM = "/usr/bin/chromium"
REPOSITORY = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("HALLCTL_SCREENSHOTS") or REPOSITORY / "var" / "screenshots")
"""Where the page tests save what they saw: the ignored var/screenshots/, unless `make screenshots` says docs/."""
FAST_PRINTER = PrinterTiming(
    status_timeout_s=0.2, poll_s=0.2, retry_window_s=2, backoff=Backoff(first_s=0.05, cap_s=0.2)
)


def served_config(db_url: str, printer_url: str, hours: str) -> str:
    """The test hall in the noon zone, with these opening hours and kiosk k1's printer on the simulator."""
    text = real_clock_toml(hall_toml(db_url)).replace('hours = ["00:00-24:00"]', f'hours = ["{hours}"]')
    text = text.replace(
        '[[kiosks]]\nid = "k1"\n', '[[kiosks]]\nid = "k1"\nname = "一号取号机"\nprinter = "printer-k1"\n'
    )
    return text + f'\n[[devices]]\nname = "printer-k1"\nkind = "printer"\nurl = "{printer_url}"\n'


class ServedHall:
    """The hall app on a real port (Werkzeug's threaded server, as ``hallctl serve`` runs it)."""

    def __init__(self, db_url: str, tmp_path: Path, hours: str = "00:00-24:00") -> None:
        self.printer = PrinterSimulator(tmp_path / "dev" / "printer-k1").start()
        config = parse_config(served_config(db_url, self.printer.url, hours))
        self.hall, app, _socketio = build_app(config, devices=True, printer_timing=FAST_PRINTER)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="served-hall", daemon=True)
        self.thread.start()
        self.kiosk_token = auth.add_token(self.hall, "k1", "kiosk")
        for name, role in (("staff1", "staff"), ("staff2", "staff"), ("manager", "manager"), ("manager2", "manager")):
            auth.add_user(self.hall, name, role, PASSWORD)

    def stop(self) -> None:
        self.server.shutdown()
        self.hall.close()
        self.printer.stop()


@pytest.fixture(autouse=True)
def quiet_request_log():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


@pytest.fixture
def served(request, db_url, tmp_path):
    """The served hall, open all day; parametrize indirectly with "closed" for a hall outside its hours."""
    hours = "00:00-24:00"
    if getattr(request, "param", None) == "closed":  # open for one hour, starting three hours from now
        start = (datetime.now(ZoneInfo(noon_zone())).hour + 3) % 24
        hours = f"{start:02d}:00-{start + 1:02d}:00"
    hall = ServedHall(db_url, tmp_path, hours)
    yield hall
    hall.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


class Pages:
    """Opens pages in fresh browser contexts and records every console error and uncaught exception."""

    def __init__(self, browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.errors: list[str] = []

    def open(self, path: str, *, viewport=(1280, 900), lang: str = "zh", **context_options):
        context = self.browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN", **context_options
        )
        self.contexts.append(context)
        if lang == "en":
            context.add_init_script("localStorage.setItem('hallctl.lang', 'en')")
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"{path}: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"{path}: {exc}"))
        page.goto(self.base_url + path)
        return page

    def log_in(self, page, username: str) -> None:
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.login button[type=submit]")

    @staticmethod
    def screenshot(page, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, served):
    opened = Pages(browser, served.url)
    yield opened
    opened.close()
    assert opened.errors == [], "console errors on the pages"


def write_config(folder: Path) -> Path:
    """``folder/hall.toml``: the test hall for a server on the real clock, its SQLite database ``folder/hall.db``."""
    path = folder / "hall.toml"
    path.write_text(real_clock_toml(hall_toml(f"sqlite:///{folder}/hall.db")), encoding="utf-8")
    return path


@pytest.fixture
def config_file(tmp_path):
    """The test hall's config file for a server on the real clock, with its SQLite database under ``tmp_path``."""
    return write_config(tmp_path)


@pytest.fixture(scope="session")
def prepared_hall(tmp_path_factory):
    """A hall database made once through the CLI: migrated, staff li added, a kiosk and a display token.

    Returns:
        (its folder, kiosk token, display token).
    """
    folder = tmp_path_factory.mktemp("prepared")
    config = str(write_config(folder))
    assert run("db", "upgrade", "--config", config).returncode == 0
    added = run("user", "add", "li", "--role", "staff", "--config", config, "--password-stdin", input="correct-horse\n")
    assert added.returncode == 0
    kiosk = run("token", "add", "k1", "--role", "kiosk", "--config", config).stdout.strip()
    display = run("token", "add", "screen", "--role", "display", "--config", config).stdout.strip()
    return folder, kiosk, display


@pytest.fixture
def prepared(config_file, prepared_hall):
    """The config file with a copy of :func:`prepared_hall`'s database, its write-ahead log and its citizen key
    beside it (SQLite makes the shared-memory index again from the log).

    Returns:
        (config file, kiosk token, display token).
    """
    folder, kiosk, display = prepared_hall
    for made in folder.glob("hall.db*"):
        if not made.name.endswith("-shm"):
            shutil.copy2(made, config_file.parent / made.name)
    return config_file, kiosk, display
