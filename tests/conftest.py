"""Shared fixtures: a test hall on a real SQLite file, a controllable clock, API clients."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest

from hallctl.bootstrap import bootstrap, build_app
from hallctl.config import parse_config
from hallctl.migrations import upgrade
from hallctl.services import auth
from testbed.halls import SERVICES_AND_WINDOWS
from testbed.servers import RedisServer

PASSWORD = "test-pass-12"  # 12 characters: the shortest a manager's or admin's password may be
DEMO_PACK = resources.files("hallctl") / "demo" / "voice"

HALL_TOML = (
    """
[hall]
id = "t"
name = "测试政务服务中心"
timezone = "Asia/Shanghai"
database = "{database}"
hours = ["08:30-12:00", "13:30-17:30"]
public_url = "http://hall.test"

[routing]
priority_interleave = {interleave}
requeue_no_show = {requeue}
rating_timeout_s = 60

"""
    + SERVICES_AND_WINDOWS
    + """[[kiosks]]
id = "k1"
"""
)

# Monday 2026-11-23 09:00 in Shanghai
OPEN_TIME = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand; safe to read from many threads."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def advance(self, **delta) -> datetime:
        with self._lock:
            self.now += timedelta(**delta)
            return self.now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self.now = moment


def hall_toml(database: str, interleave: int = 0, requeue: bool = False) -> str:
    return HALL_TOML.format(database=database, interleave=interleave, requeue=str(requeue).lower())


def with_queue(text: str, url: str) -> str:
    """The test hall's config with ``[hall] message_queue = url`` (several processes sharing events)."""
    return text.replace('public_url = "http://hall.test"', f'public_url = "http://hall.test"\nmessage_queue = "{url}"')


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """scrypt is deliberately slow; tests hash dozens of passwords."""
    monkeypatch.setattr(auth, "PASSWORD_METHOD", "pbkdf2:sha256:1000")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """One migrated database file; each test copies it (Alembic runs once per session)."""
    path = tmp_path_factory.mktemp("template") / "hall.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def clock():
    return FakeClock(OPEN_TIME)


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server with a migrated template database, started when a test first asks for it."""
    from testbed.servers import PostgresServer

    server = PostgresServer()
    template = server.create_database()
    upgrade(server.url(template))
    server.template = template
    yield server
    server.stop()


@pytest.fixture
def db_url(request, tmp_path, migrated_template):
    """This test's database: a copy of the migrated SQLite file, or — parametrized indirectly with
    "postgresql" — a fresh PostgreSQL database made from the migrated template."""
    if getattr(request, "param", "sqlite") == "postgresql":
        server = request.getfixturevalue("postgres")
        name = server.create_database(server.template)
        yield server.url(name)
        server.drop_database(name)
        return
    path = tmp_path / "hall.db"
    shutil.copy(migrated_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis.log").start()
    yield server
    server.stop()
    server.log.close()


@pytest.fixture
def redis_url(redis_server):
    """The ``redis://`` URL of a throwaway redis-server, for the message queue."""
    return redis_server.url


@pytest.fixture
def printer():
    """An ESC/POS printer simulator on a TCP port."""
    from devices.simulators.escpos_printer import PrinterSimulator

    sim = PrinterSimulator(tcp_port=0).start()
    yield sim
    sim.stop()


@pytest.fixture
def pack(tmp_path):
    """A copy of the demo's voice pack (tests may break clips in it)."""
    copy = tmp_path / "voice"
    shutil.copytree(DEMO_PACK, copy)
    return copy


BOTH_DATABASES = pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
"""Run a test on SQLite and on PostgreSQL (where locking and isolation differ)."""


@pytest.fixture
def make_hall(db_url, clock):
    """Build a hall on this test's database; options change the routing section."""
    built = []

    def make(interleave: int = 0, requeue: bool = False, synchronous_bus: bool = True):
        config = parse_config(hall_toml(db_url, interleave, requeue))
        hall = bootstrap(config, clock=clock, synchronous_bus=synchronous_bus)
        built.append(hall)
        return hall

    yield make
    for hall in built:
        hall.close()


@pytest.fixture
def hall(make_hall):
    return make_hall()


@pytest.fixture
def web(db_url, clock):
    """(hall, app, socketio) with the test config."""
    config = parse_config(hall_toml(db_url, 0, False))
    hall, app, socketio = build_app(config, clock=clock, synchronous_bus=True)
    app.config["TESTING"] = True
    yield hall, app, socketio
    hall.close()


class Api:
    """A test client that talks JSON with a bearer token."""

    def __init__(self, client, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def _headers(self, headers):
        out = dict(headers or {})
        if self.token:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def get(self, path, headers=None, **kw):
        return self.client.get(f"/api/v1{path}", headers=self._headers(headers), **kw)

    def post(self, path, json=None, headers=None, **kw):
        if json is not None:
            kw["json"] = json
        return self.client.post(f"/api/v1{path}", headers=self._headers(headers), **kw)


@pytest.fixture
def api(web):
    """Clients for every role: api["kiosk"], api["staff1"] (logged in at window 1), api["manager"], ..."""
    hall, app, _socketio = web
    clients = {"anon": Api(app.test_client())}
    for role in ("kiosk", "display", "device"):
        clients[role] = Api(app.test_client(), auth.add_token(hall, role if role != "kiosk" else "k1", role))
    for name, role in (
        ("staff1", "staff"),
        ("staff2", "staff"),
        ("staff3", "staff"),
        ("manager", "manager"),
        ("admin", "admin"),
    ):
        auth.add_user(hall, name, role, PASSWORD)
        token, _who = auth.login(hall, name, PASSWORD)
        clients[name] = Api(app.test_client(), token)
    return clients
