"""Pages served by the hall server (templates in kiosk_ui/)."""
from __future__ import annotations

from datetime import date
from importlib import resources

from flask import Blueprint, abort, current_app, render_template, request

from hallctl.domain.model import business_day
from hallctl.reports import ratings as rating_reports


def register() -> Blueprint:
    bp = Blueprint("pages", __name__, template_folder=str(resources.files("kiosk_ui") / "templates"))

    @bp.get("/results")
    def results():
        """The public 好差评 results of a period (default: this month so far)."""
        hall = current_app.config["HALL"]
        today = business_day(hall.now(), hall.config.hall.zone)
        try:
            first = date.fromisoformat(request.args.get("from") or today.replace(day=1).isoformat())
            last = date.fromisoformat(request.args.get("to") or today.isoformat())
        except ValueError:
            abort(400, "from and to are dates like 2026-11-01")
        with hall.uow(write=False) as uow:
            report = rating_reports.public_results(uow.session, hall.config, first, last)
        return render_template("results.html", r=report)

    return bp
