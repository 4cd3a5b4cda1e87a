"""How the hot statements run: call-next finds each queue's head without reading the queue (its probes walk an index
in the queue order), and PostgreSQL readers keep their prepared statements."""

from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy import event, text

from hallctl.services.tickets import IssueTicket, issue_ticket
from hallctl.services.windows import WindowAction, call, login
from tests.conftest import BOTH_DATABASES

WAITING = 120
PSYCOPG_PREPARE_THRESHOLD = 5  # psycopg prepares a statement on its sixth run on a connection


@contextmanager
def sent_by_writers(hall):
    """The (SQL, parameters) the hall's writers send inside the block."""
    sent = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    engine = hall.database.write_engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def candidates_statement(hall) -> tuple[str, object]:
    """The SQL and parameters call-next sends to choose window 1's next ticket."""
    profile = hall.profile(1)
    with sent_by_writers(hall) as sent, hall.uow() as uow:
        uow.tickets.candidates(1, list(profile.service_weights), list(profile.class_weights), hall.now())
    [found] = [(sql, params) for sql, params in sent if "UNION ALL" in sql]
    return found


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


@BOTH_DATABASES
def test_call_next_reads_one_index_entry_per_queue_and_sorts_nothing(make_hall):
    hall = make_hall()
    for _ in range(WAITING):
        issue_ticket(hall, IssueTicket(service="SB"))
    login(hall, WindowAction(1, "staff1"))
    sql, params = candidates_statement(hall)
    with hall.database.write_engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()
        if hall.database.is_sqlite:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            steps = [row[-1] for row in cursor.fetchall()]
            assert not [s for s in steps if "TEMP B-TREE" in s], steps
            assert [s for s in steps if "ix_tickets_queue" in s], steps
            return
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        nodes = list(plan_nodes(cursor.fetchone()[0][0]["Plan"]))
    assert [n["Node Type"] for n in nodes if "Sort" in n["Node Type"]] == []
    scans = [n for n in nodes if n.get("Index Name") == "ix_tickets_queue"]
    assert scans, [n["Node Type"] for n in nodes]
    # the SB queue holds WAITING tickets; its probe stops at the first
    assert max(n["Actual Rows"] for n in scans) == 1


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_readers_keep_their_prepared_statements(make_hall):
    """psycopg forgets a connection's prepared statements on ROLLBACK; readers that ended that way had every
    statement parsed and planned afresh. They run in autocommit now, so a repeated read is prepared once."""
    hall = make_hall()
    for _ in range(PSYCOPG_PREPARE_THRESHOLD + 1):
        with hall.uow(write=False) as uow:
            assert uow.windows.get(1) is not None
    with hall.uow(write=False) as uow:
        prepared = uow.session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
        in_transaction = uow.session.connection().connection.dbapi_connection.info.transaction_status
    assert [s for s in prepared if "FROM windows" in s]
    assert in_transaction == psycopg.pq.TransactionStatus.IDLE


@BOTH_DATABASES
def test_call_next_skips_the_tickets_other_windows_are_taking(make_hall):
    hall = make_hall()
    ids = [issue_ticket(hall, IssueTicket(service="SB"))["id"] for _ in range(4)]
    profile = hall.profile(1)
    with hall.uow() as uow:
        for skip in ([], ids[:1], ids[:3], ids[:1], ids[:3], []):
            found = uow.tickets.candidates(
                1, list(profile.service_weights), list(profile.class_weights), hall.now(), skip
            )
            assert [c.id for c in found.heads] == [ids[len(skip)]]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_plans_the_candidates_once_however_many_tickets_were_skipped(make_hall):
    """Each count of skipped tickets was another statement text, so another plan of the whole UNION (3–7 ms)
    on every connection; the skipped ids are one array parameter now."""
    hall = make_hall()
    ids = [issue_ticket(hall, IssueTicket(service="SB"))["id"] for _ in range(4)]
    profile = hall.profile(1)
    with hall.uow() as uow:
        for skip in ([], ids[:1], ids[:3]) * 2:  # writers prepare a statement on its second run
            uow.tickets.candidates(1, list(profile.service_weights), list(profile.class_weights), hall.now(), skip)
        prepared = uow.session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert len([s for s in prepared if "UNION ALL" in s]) == 1, prepared


@BOTH_DATABASES
def test_call_next_locks_and_loads_its_ticket_in_one_statement(make_hall):
    hall = make_hall()
    issued = issue_ticket(hall, IssueTicket(service="SB"))
    login(hall, WindowAction(1, "staff1"))
    with sent_by_writers(hall) as sent:
        called = call(hall, WindowAction(1, "staff1"))
    assert called["id"] == issued["id"] and called["status"] == "called"
    reads = [sql for sql, _params in sent if sql.lstrip().startswith("SELECT") and "tickets.id =" in sql]
    assert len(reads) == 1, reads
    assert hall.database.is_sqlite or "FOR UPDATE SKIP LOCKED" in reads[0]
