"""Exports against formula injection (issue 19, finding 13; OWASP "CSV Injection").

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as a formula in
the spreadsheet a manager opens the export with. The CSV exports prefix such a cell with a single quote; the
XLSX export writes every text as a string cell, never a formula; numbers stay numbers, negative ones too.
"""

import csv
import io

import pytest
import requests
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from hallctl.reports import export, reading
from tests.conftest import PASSWORD
from tests.e2e.served import logged_in

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\t=1+1", "\r=1+1"]
"""Texts a spreadsheet would run as formulas; each is a served ticket's staff name in the tests below."""


@pytest.fixture
def hostile_tickets(served, db_url):
    """One served ticket per hostile text, whose staff column holds it; the period's day."""
    kiosk = {"Authorization": f"Bearer {served.kiosk_token}"}
    staff = logged_in(served.url, "staff1", PASSWORD)
    assert staff.post(f"{served.url}/api/v1/windows/1/login", json={}, timeout=5).status_code == 200
    ids = []
    for _ in HOSTILE:
        ticket = requests.post(f"{served.url}/api/v1/tickets", json={"service": "SB"}, headers=kiosk, timeout=5)
        ids.append(ticket.json()["id"])
        for step in ("call", "start", "finish"):
            assert staff.post(f"{served.url}/api/v1/windows/1/{step}", json={}, timeout=5).ok
    engine = create_engine(db_url)
    with engine.begin() as connection:  # a name written by an older version, an import, or another tool
        for ticket_id, name in zip(ids, HOSTILE, strict=True):
            connection.execute(text("UPDATE tickets SET staff = :name WHERE id = :id"), {"name": name, "id": ticket_id})
    engine.dispose()
    return reading.today(served.hall).isoformat()


def _csv_rows(reply: requests.Response) -> list[dict]:
    assert reply.status_code == 200, reply.text[:300]
    return list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"), newline="")))


def test_a_formula_in_a_staff_name_is_quoted_in_the_ticket_export_csv(served, hostile_tickets):
    manager = logged_in(served.url, "manager", PASSWORD)
    period = {"from": hostile_tickets, "to": hostile_tickets}
    rows = _csv_rows(manager.get(f"{served.url}/api/v1/tickets/export.csv", params=period, timeout=10))
    assert [row["staff"] for row in rows] == ["'" + name for name in HOSTILE]
    assert all(float(row["service_s"]) >= 0 and not row["service_s"].startswith("'") for row in rows)


def test_a_formula_in_a_staff_name_is_quoted_in_the_kpi_csv(served, hostile_tickets):
    manager = logged_in(served.url, "manager", PASSWORD)
    period = {"from": hostile_tickets, "to": hostile_tickets, "by": "staff"}
    rows = _csv_rows(manager.get(f"{served.url}/api/v1/reports/kpis.csv", params=period, timeout=10))
    assert sorted(row["key"] for row in rows) == sorted("'" + name for name in HOSTILE)
    assert all(row["issued"] == "1" for row in rows)


def test_a_formula_in_a_staff_name_is_a_string_cell_in_the_kpi_workbook_never_a_formula(served, hostile_tickets):
    manager = logged_in(served.url, "manager", PASSWORD)
    period = {"from": hostile_tickets, "to": hostile_tickets, "by": "staff"}
    reply = manager.get(f"{served.url}/api/v1/reports/kpis.xlsx", params=period, timeout=10)
    assert reply.status_code == 200
    sheet = load_workbook(io.BytesIO(reply.content)).active
    header = [cell.value for cell in sheet[1]]
    keys = [row[header.index("key")] for row in sheet.iter_rows(min_row=2)]
    # XML reads a carriage return back as a line feed
    assert sorted(cell.value for cell in keys) == sorted(name.replace("\r", "\n") for name in HOSTILE)
    assert {cell.data_type for cell in keys} == {"s"}
    issued = [row[header.index("issued")] for row in sheet.iter_rows(min_row=2)]
    assert {(cell.value, cell.data_type) for cell in issued} == {(1, "n")}


def test_a_negative_number_stays_a_number_in_csv_and_xlsx():
    rows = [{"key": "-2+3", "delta": -2.5}, {"key": "plain", "delta": -7}]
    lines = "".join(export.csv_lines(iter(rows), ["key", "delta"])).lstrip("\ufeff").splitlines()
    assert lines == ["key,delta", "'-2+3,-2.5", "plain,-7"]
    sheet = load_workbook(io.BytesIO(export.xlsx_bytes(rows, ["key", "delta"], "t"))).active
    assert [(c.value, c.data_type) for c in sheet[2]] == [("-2+3", "s"), (-2.5, "n")]
    assert [(c.value, c.data_type) for c in sheet[3]] == [("plain", "s"), (-7, "n")]
