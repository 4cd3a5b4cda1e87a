"""The database connections: a hall carries on when PostgreSQL drops its connections (a restart, an administrator)."""

import time

import psycopg
import pytest

from hallctl.services import queries
from hallctl.services.tickets import IssueTicket, issue_ticket

ON_POSTGRES = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def connections_to(postgres, database: str) -> int:
    with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=postgres dbname=postgres") as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (database,)).fetchone()[0]


@ON_POSTGRES
def test_the_first_requests_after_postgresql_dropped_every_connection_succeed(make_hall, postgres):
    hall = make_hall()
    database = hall.database.write_engine.url.database
    first = issue_ticket(hall, IssueTicket(service="SB"))
    assert queries.hall_state(hall)["waiting"] == 1
    assert connections_to(postgres, database) == 2  # a writer and a reader, idle in their pools

    postgres.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'")
    deadline = time.monotonic() + 10
    while connections_to(postgres, database) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert connections_to(postgres, database) == 0

    second = issue_ticket(hall, IssueTicket(service="SB"))  # on the pooled writer PostgreSQL closed
    assert (first["number"], second["number"]) == ("A001", "A002")
    assert queries.hall_state(hall)["waiting"] == 2  # on the pooled reader PostgreSQL closed
