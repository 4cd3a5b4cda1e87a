"""Pages served by the hall server (templates and static files in kiosk_ui/).

Each page gets what it needs from the config as a JSON data block; everything
live comes from the API and Socket.IO, like any other client.
"""

from __future__ import annotations

from datetime import date
from importlib import resources

from flask import Blueprint, abort, current_app, render_template, request

from hallctl.domain.model import HoldKind, Outcome, business_day
from hallctl.reports import ratings as rating_reports

UI = resources.files("kiosk_ui")
KIOSK_IDLE_S = 45
"""A kiosk left untouched this long goes back to its start screen."""


def _hall():
    return current_app.config["HALL"]


def _common() -> dict:
    config = _hall().config
    return {
        "hall": config.hall.name,
        "services": [
            {
                "code": s.code,
                "name": s.name,
                "name_en": s.name_en or s.name,
                "prefix": s.prefix,
                "target_wait_min": s.target_wait_min,
            }
            for s in config.services
        ],
    }


def register() -> Blueprint:
    bp = Blueprint(
        "pages",
        __name__,
        template_folder=str(UI / "templates"),
        static_folder=str(UI / "static"),
        static_url_path="/ui",
    )

    @bp.get("/")
    def index():
        return render_template("index.html", data=_common(), kiosks=_hall().config.kiosks)

    @bp.get("/kiosk/<kiosk_id>")
    def kiosk(kiosk_id: str):
        config = _hall().config
        found = next((k for k in config.kiosks if k.id == kiosk_id), None)
        if found is None:
            abort(404, f"no kiosk {kiosk_id!r} in the hall config")
        data = {
            **_common(),
            "kiosk": found.id,
            "kiosk_name": found.name,
            "printer": found.printer is not None,
            "hours": config.hall.hours,
            "idle_s": KIOSK_IDLE_S,
            "priorities": [
                {"code": p.code, "name": p.name, "name_en": p.name_en or p.name, "weight": p.weight}
                for p in config.priorities
            ],
        }
        return render_template("kiosk.html", data=data)

    @bp.get("/staff")
    def staff():
        config = _hall().config
        data = {
            **_common(),
            "windows": [w.number for w in config.windows],
            "outcomes": [o.value for o in Outcome],
            "hold_kinds": [k.value for k in HoldKind],
        }
        return render_template("staff.html", data=data)

    @bp.get("/manage")
    def manage():
        return render_template("manage.html", data=_common())

    @bp.get("/screen")
    def screen():
        return render_template("screen.html", data={**_common(), "notice": _hall().config.hall.notice})

    @bp.get("/t/<int:ticket_id>")
    def phone(ticket_id: int):
        data = {**_common(), "ticket": ticket_id, "reasons": _hall().config.ratings.reasons}
        return render_template("phone.html", data=data)

    @bp.get("/results")
    def results():
        """The public 好差评 results of a period (default: this month so far)."""
        hall = _hall()
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
