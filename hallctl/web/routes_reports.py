"""Manager reports (KPIs as JSON, CSV and XLSX, heat map, staffing, rankings, repeat visits), the public
好差评 results and the bad-rating follow-ups."""

from __future__ import annotations

from flask import Response

from hallctl.reports import export, kpis, reading
from hallctl.services import followups

from . import schemas
from .api import ApiBlueprint, current_hall
from .roles import MANAGERS, PUBLIC

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = ApiBlueprint("reports", __name__)


def _kpi_rows(query: schemas.KpiQuery) -> list[dict]:
    return reading.kpi_rows(current_hall(), query.from_, query.to, query.by)


def _attachment(query: schemas.KpiQuery, ext: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=kpis-{query.by}-{query.from_}-{query.to}.{ext}"}


@bp.api_route(
    "/reports/kpis",
    "GET",
    summary="KPIs grouped by service, window, staff, hour, day or weekday",
    roles=MANAGERS,
    query=schemas.KpiQuery,
)
def report(principal, body, query):
    """``{from, to, by, rows}``: the KPIs of a range of business days by one grouping; for managers."""
    return {"from": query.from_.isoformat(), "to": query.to.isoformat(), "by": query.by, "rows": _kpi_rows(query)}


@bp.api_route(
    "/reports/kpis.csv",
    "GET",
    summary="The KPI report as CSV",
    roles=MANAGERS,
    query=schemas.KpiQuery,
    responses={200: "text/csv"},
)
def report_csv(principal, body, query):
    """The KPI rows as a CSV attachment, one column per figure; for managers."""
    lines = export.csv_lines((kpis.flatten(r) for r in _kpi_rows(query)), kpis.FLAT_COLUMNS)
    return Response("".join(lines), mimetype="text/csv", headers=_attachment(query, "csv"))


@bp.api_route(
    "/reports/kpis.xlsx",
    "GET",
    summary="The KPI report as an Excel workbook",
    roles=MANAGERS,
    query=schemas.KpiQuery,
    responses={200: XLSX},
)
def report_xlsx(principal, body, query):
    """The KPI rows as an Excel workbook attachment; for managers."""
    data = export.xlsx_bytes([kpis.flatten(r) for r in _kpi_rows(query)], kpis.FLAT_COLUMNS, f"KPI by {query.by}")
    return Response(data, mimetype=XLSX, headers=_attachment(query, "xlsx"))


@bp.api_route(
    "/reports/heatmap",
    "GET",
    roles=MANAGERS,
    query=schemas.RangeQuery,
    summary="Arrivals per day and mean wait by weekday × hour of issue",
)
def heatmap(principal, body, query):
    """Arrivals per day and mean wait per weekday × hour; for managers."""
    return reading.weekday_hour(current_hall(), query.from_, query.to)


@bp.api_route(
    "/reports/staffing",
    "GET",
    roles=MANAGERS,
    query=schemas.StaffingQuery,
    summary="Windows needed per 30 minutes of a weekday (Erlang C), beside a day's staffing",
)
def staffing_plan(principal, body, query):
    """Windows needed per half hour of a weekday beside a day's staffing (default today); for managers."""
    return reading.staffing_plan(current_hall(), query.weekday, query.from_, query.to, query.share, query.day)


@bp.api_route(
    "/public/results",
    "GET",
    roles=PUBLIC,
    query=schemas.RangeQuery,
    summary="Published 好差评 results: satisfaction, bad and rectified ratings by service and window",
)
def public_results(principal, body, query):
    """The published 好差评 results of a range, by service and window; for anyone."""
    return reading.public_results(current_hall(), query.from_, query.to)


@bp.api_route(
    "/reports/rankings",
    "GET",
    roles=MANAGERS,
    query=schemas.MonthQuery,
    summary="Windows or staff of a month ranked by satisfaction; the bottom two marked",
)
def rankings(principal, body, query):
    """``{month, by, rows}``: windows or staff of a month ranked by satisfaction; for managers."""
    return reading.monthly_rankings(current_hall(), query.month, query.by)


@bp.api_route(
    "/reports/repeat-visits",
    "GET",
    roles=MANAGERS,
    query=schemas.RepeatQuery,
    summary="最多跑一次: per service, citizens who came again within N days, from keyed hashes",
)
def repeat(principal, body, query):
    """``{from, to, days, rows}``: per service, citizens who came again within ``days``; for managers."""
    rows = reading.repeat_visit_rows(current_hall(), query.from_, query.to, query.days)
    return {"from": query.from_.isoformat(), "to": query.to.isoformat(), "days": query.days, "rows": rows}


@bp.api_route(
    "/followups",
    "GET",
    roles=MANAGERS,
    query=schemas.FollowUpQuery,
    summary="Bad-rating follow-up cases (差评整改): open, overdue, closed or all",
)
def followup_list(principal, body, query):
    """The bad-rating follow-up cases in one state; for managers."""
    return 200, followups.listed(current_hall(), query.state)


@bp.api_route(
    "/followups/<int:case_id>",
    "POST",
    roles=MANAGERS,
    body=schemas.FollowUpIn,
    summary="Work a case: verify → rectify → revisit → close; appeal needs a second manager",
    responses={200: "The case", 403: "Approving your own appeal", 404: "No such case", 409: "Not in this state"},
)
def followup_act(principal, body, query, case_id):
    """The case after the manager's action on it."""
    return followups.act(current_hall(), case_id, body.action, principal.name, body.note)
