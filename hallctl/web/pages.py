"""Pages served by the hall server (templates and static files in kiosk_ui/).

Each page gets what it needs from the config as a JSON data block; everything
live comes from the API and Socket.IO, like any other client.
"""

from __future__ import annotations

from importlib import resources

from flask import Blueprint, abort, render_template, request
from pydantic import ValidationError

from hallctl.domain.model import HoldKind, Outcome
from hallctl.reports import reading

from .api import current_hall, validation_error
from .schemas import RangeQuery

UI = resources.files("kiosk_ui")
KIOSK_IDLE_S = 45
"""A kiosk left untouched this long goes back to its start screen."""


def _common() -> dict:
    config = current_hall().config
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


bp = Blueprint(
    "pages", __name__, template_folder=str(UI / "templates"), static_folder=str(UI / "static"), static_url_path="/ui"
)


@bp.get("/")
def index():
    """The start page: links to every kiosk and page of the hall."""
    return render_template("index.html", data=_common(), kiosks=current_hall().config.kiosks)


@bp.get("/kiosk/<kiosk_id>")
def kiosk(kiosk_id: str):
    """The touch screen of kiosk ``kiosk_id`` (404 if the config has none by that id)."""
    config = current_hall().config
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
    """The staff console: windows, outcomes and hold kinds to choose from."""
    config = current_hall().config
    data = {
        **_common(),
        "windows": [w.number for w in config.windows],
        "outcomes": [o.value for o in Outcome],
        "hold_kinds": [k.value for k in HoldKind],
    }
    return render_template("staff.html", data=data)


@bp.get("/manage")
def manage():
    """The manager dashboard."""
    return render_template("manage.html", data=_common())


@bp.get("/screen")
def screen():
    """The hall screen, with the hall's notice."""
    return render_template("screen.html", data={**_common(), "notice": current_hall().config.hall.notice})


@bp.get("/t/<int:ticket_id>")
def phone(ticket_id: int):
    """A ticket's phone page (its QR code's target), with the rating reasons."""
    data = {**_common(), "ticket": ticket_id, "reasons": current_hall().config.ratings.reasons}
    return render_template("phone.html", data=data)


@bp.get("/results")
def results():
    """The public 好差评 results of a period (default: this month so far), as ``GET /public/results`` has them."""
    hall = current_hall()
    today = reading.today(hall)
    dates = {"from": request.args.get("from") or today.replace(day=1), "to": request.args.get("to") or today}
    try:
        period = RangeQuery.model_validate(dates, strict=False)
    except ValidationError as exc:
        abort(400, validation_error(exc).message)
    return render_template("results.html", r=reading.public_results(hall, period.from_, period.to))
