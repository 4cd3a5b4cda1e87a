"""Manager reports: KPIs as JSON, CSV and XLSX."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, current_app

from hallctl.domain.model import business_day
from hallctl.reports import export, kpis, staffing
from hallctl.reports import heatmap as heatmaps
from hallctl.reports import ratings as rating_reports
from hallctl.reports.repeat_visits import repeat_visits
from hallctl.services import followups

from . import schemas
from .api import MANAGERS, PUBLIC, Registry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register(api: Registry) -> Blueprint:
    bp = Blueprint("reports", __name__)

    def rows(query) -> list[dict]:
        hall = current_app.config["HALL"]
        targets = {s.code: s.target_wait_min * 60 for s in hall.config.services}
        with hall.uow(write=False) as uow:
            return kpis.kpis(uow.session, hall.hall_id, query.from_, query.to, query.by, targets)

    def filename(query, ext: str) -> dict:
        return {"Content-Disposition": f"attachment; filename=kpis-{query.by}-{query.from_}-{query.to}.{ext}"}

    @api.route(
        bp,
        "/reports/kpis",
        "GET",
        summary="KPIs grouped by service, window, staff, hour, day or weekday",
        roles=MANAGERS,
        query=schemas.KpiQuery,
    )
    def report(principal, body, query):
        return {"from": query.from_.isoformat(), "to": query.to.isoformat(), "by": query.by, "rows": rows(query)}

    @api.route(
        bp,
        "/reports/kpis.csv",
        "GET",
        summary="The KPI report as CSV",
        roles=MANAGERS,
        query=schemas.KpiQuery,
        responses={200: "text/csv"},
    )
    def report_csv(principal, body, query):
        lines = export.csv_lines((kpis.flatten(r) for r in rows(query)), kpis.FLAT_COLUMNS)
        return Response("".join(lines), mimetype="text/csv", headers=filename(query, "csv"))

    @api.route(
        bp,
        "/reports/kpis.xlsx",
        "GET",
        summary="The KPI report as an Excel workbook",
        roles=MANAGERS,
        query=schemas.KpiQuery,
        responses={200: XLSX},
    )
    def report_xlsx(principal, body, query):
        data = export.xlsx_bytes([kpis.flatten(r) for r in rows(query)], kpis.FLAT_COLUMNS, f"KPI by {query.by}")
        return Response(data, mimetype=XLSX, headers=filename(query, "xlsx"))

    @api.route(
        bp,
        "/reports/heatmap",
        "GET",
        roles=MANAGERS,
        query=schemas.RangeQuery,
        summary="Arrivals per day and mean wait by weekday × hour of issue",
    )
    def heatmap(principal, body, query):
        hall = current_app.config["HALL"]
        with hall.uow(write=False) as uow:
            return heatmaps.weekday_hour(uow.session, hall.hall_id, query.from_, query.to)

    @api.route(
        bp,
        "/reports/staffing",
        "GET",
        roles=MANAGERS,
        query=schemas.StaffingQuery,
        summary="Windows needed per 30 minutes of a weekday (Erlang C), beside a day's staffing",
    )
    def staffing_plan(principal, body, query):
        hall = current_app.config["HALL"]
        day = query.day or business_day(hall.now(), hall.config.hall.zone)
        with hall.uow(write=False) as uow:
            return staffing.staffing_plan(
                uow.session, hall.config, query.weekday, query.from_, query.to, query.share, day
            )

    @api.route(
        bp,
        "/public/results",
        "GET",
        roles=PUBLIC,
        query=schemas.RangeQuery,
        summary="Published 好差评 results: satisfaction, bad and rectified ratings by service and window",
    )
    def public_results(principal, body, query):
        hall = current_app.config["HALL"]
        with hall.uow(write=False) as uow:
            return rating_reports.public_results(uow.session, hall.config, query.from_, query.to)

    @api.route(
        bp,
        "/reports/rankings",
        "GET",
        roles=MANAGERS,
        query=schemas.MonthQuery,
        summary="Windows or staff of a month ranked by satisfaction; the bottom two marked",
    )
    def rankings(principal, body, query):
        hall = current_app.config["HALL"]
        first = date.fromisoformat(query.month + "-01")
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        with hall.uow(write=False) as uow:
            rows = rating_reports.rankings(uow.session, hall.hall_id, first, last, query.by)
        return {"month": query.month, "by": query.by, "rows": rows}

    @api.route(
        bp,
        "/reports/repeat-visits",
        "GET",
        roles=MANAGERS,
        query=schemas.RepeatQuery,
        summary="最多跑一次: per service, citizens who came again within N days, from keyed hashes",
    )
    def repeat(principal, body, query):
        hall = current_app.config["HALL"]
        with hall.uow(write=False) as uow:
            rows = repeat_visits(uow.session, hall.hall_id, query.from_, query.to, query.days)
        return {"from": query.from_.isoformat(), "to": query.to.isoformat(), "days": query.days, "rows": rows}

    @api.route(
        bp,
        "/followups",
        "GET",
        roles=MANAGERS,
        query=schemas.FollowUpQuery,
        summary="Bad-rating follow-up cases (差评整改): open, overdue, closed or all",
    )
    def followup_list(principal, body, query):
        return 200, followups.listed(current_app.config["HALL"], query.state)

    @api.route(
        bp,
        "/followups/<int:case_id>",
        "POST",
        roles=MANAGERS,
        body=schemas.FollowUpIn,
        summary="Work a case: verify → rectify → revisit → close; appeal needs a second manager",
        responses={200: "The case", 403: "Approving your own appeal", 404: "No such case", 409: "Not in this state"},
    )
    def followup_act(principal, body, query, case_id):
        return followups.act(current_app.config["HALL"], case_id, body.action, principal.name, body.note)

    return bp
