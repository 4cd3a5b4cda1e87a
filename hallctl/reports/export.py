"""Per-ticket export (PRODUCT.md §4.3): one row per ticket, times ISO 8601 UTC, durations in seconds.

wait = first call − issue; walk = start − last call; service = end − start.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select

from hallctl.adapters import orm
from hallctl.domain.times import iso, seconds_between

COLUMNS = [
    "id",
    "number",
    "service",
    "priority",
    "status",
    "parent_id",
    "window",
    "staff",
    "outcome",
    "issued_at",
    "first_called_at",
    "last_called_at",
    "started_at",
    "ended_at",
    "wait_s",
    "walk_s",
    "service_s",
    "rating_level",
]


NAMED_COLUMNS: Mapping[str, str] = {
    "status": "ticket_status",
    "outcome": "outcome",
    "service": "service",
    "priority": "priority",
    "rating_level": "rating_level",
}
"""The export's columns of codes, and the label catalogue's table that names them."""

Names = Mapping[str, Mapping[str, str]]
"""The label catalogue in one language, as ``GET /api/v1/labels`` serves it."""


def named(rows: Iterable[Mapping[str, object]], names: Names) -> Iterator[dict[str, object]]:
    """``rows`` with the codes in :data:`NAMED_COLUMNS` given their catalogue names (a code without one stays)."""
    for row in rows:
        yield {
            column: names[NAMED_COLUMNS[column]].get(str(value), value)
            if column in NAMED_COLUMNS and value not in (None, "")
            else value
            for column, value in row.items()
        }


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection")."""


def inert(value: object) -> object:
    """``value`` safe in a spreadsheet cell: a text starting with a formula trigger gets a leading single quote
    (OWASP's rule), so Excel, LibreOffice and WPS show it as text; numbers and other values are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    seconds = seconds_between(later, earlier)
    return None if seconds is None else round(seconds, 3)


def _csv_time(value: datetime | None) -> str:
    return iso(value) or ""


def ticket_rows(session, hall_id: str, first: date, last: date, batch: int = 2000) -> Iterator[dict]:
    """Tickets issued on business days ``first``..``last`` (inclusive), oldest first, read in batches
    through a server-side cursor. Call it first in its session: on PostgreSQL, whose readers run in
    autocommit, it opens the session's transaction (a cursor lives in one), at REPEATABLE READ, so the
    whole export is one snapshot."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    t, r = orm.tickets, orm.ratings
    stmt = (
        select(t, r.c.level.label("rating_level"))
        .outerjoin(r, r.c.ticket_id == t.c.id)
        .where(t.c.hall_id == hall_id, t.c.business_day >= first, t.c.business_day <= last)
        .order_by(t.c.id)
        .execution_options(yield_per=batch)
    )
    for row in session.execute(stmt):
        yield {
            "id": row.id,
            "number": row.number,
            "service": row.service,
            "priority": row.priority,
            "status": row.status,
            "parent_id": row.parent_id,
            "window": row.window,
            "staff": row.staff,
            "outcome": row.outcome,
            "issued_at": _csv_time(row.issued_at),
            "first_called_at": _csv_time(row.first_called_at),
            "last_called_at": _csv_time(row.last_called_at),
            "started_at": _csv_time(row.started_at),
            "ended_at": _csv_time(row.ended_at),
            "wait_s": _seconds(row.first_called_at, row.issued_at),
            "walk_s": _seconds(row.started_at, row.last_called_at),
            "service_s": _seconds(row.ended_at, row.started_at),
            "rating_level": row.rating_level,
        }


def csv_lines(rows: Iterator[dict], columns: list[str] = COLUMNS) -> Iterator[str]:
    """CSV text, header first, streamed line by line (UTF-8 BOM so Excel reads 中文); text cells made inert.

    Lines end in CRLF (RFC 4180): the csv module then quotes a field holding a CR or an LF, so such a text
    stays in its cell."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow({column: inert(value) for column, value in row.items()})
        yield buffer.getvalue()


def _cell(sheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl makes a text starting with "=" a formula; a text cell is never one
    return cell


def xlsx_bytes(rows: list[dict], columns: list[str], title: str) -> bytes:
    """An Excel workbook with one sheet: a header row, then the rows; texts are string cells, never formulas."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(columns)
    for row in rows:
        sheet.append([_cell(sheet, row.get(column)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
