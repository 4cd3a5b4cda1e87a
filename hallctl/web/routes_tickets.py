"""Tickets: issue, view, rate."""

from __future__ import annotations

from flask import Blueprint, current_app

from hallctl.services import printing, tickets

from . import schemas
from .api import ISSUERS, PUBLIC, STAFF, ApiError, Registry


def register(api: Registry) -> Blueprint:
    bp = Blueprint("tickets", __name__)

    def hall():
        return current_app.config["HALL"]

    @api.route(
        bp,
        "/tickets",
        "POST",
        summary="Issue a ticket (取号)",
        roles=ISSUERS,
        body=schemas.IssueIn,
        responses={201: "Ticket issued", 409: "Closed or daily cap reached", 422: "Unknown service"},
    )
    def issue(principal, body, query):
        appointment = tickets.Appointment(body.appointment.code, body.appointment.slot) if body.appointment else None
        kiosk = body.kiosk
        if principal.role == "kiosk" and kiosk is None:
            kiosk = principal.name if any(k.id == principal.name for k in hall().config.kiosks) else None
        result = tickets.issue_ticket(
            hall(),
            tickets.IssueTicket(
                service=body.service,
                priority=body.priority,
                kiosk=kiosk,
                appointment=appointment,
                citizen_id=body.citizen_id,
                enforce_hours=principal.role == "kiosk",
            ),
        )
        return 201, result

    @api.route(
        bp,
        "/tickets/<int:ticket_id>",
        "GET",
        summary="A ticket's status, people ahead and estimate",
        roles=PUBLIC,
        query=schemas.TokenQuery,
        responses={200: "Ticket", 404: "No such ticket or token"},
    )
    def view(principal, body, query, ticket_id):
        trusted = principal is not None and principal.role in STAFF
        if not trusted and not query.token:
            raise ApiError(404, "not_found", "give the ticket's tracking token (?token=…)", "token")
        return tickets.public_view(hall(), ticket_id, query.token, trusted=trusted)

    @api.route(
        bp,
        "/tickets/<int:ticket_id>/rating",
        "POST",
        summary="Rate a finished ticket from its QR page",
        roles=PUBLIC,
        body=schemas.RatingIn,
        query=schemas.TokenQuery,
        responses={201: "Rating recorded", 404: "No such ticket or token", 409: "Already rated"},
    )
    def rate(principal, body, query, ticket_id):
        result = tickets.rate_ticket(
            hall(),
            tickets.RateTicket(
                ticket_id=ticket_id,
                token=query.token or "",
                level=body.level,
                reasons=list(body.reasons),
                comment=body.comment,
            ),
        )
        return 201, result

    @api.route(
        bp,
        "/tickets/<int:ticket_id>/paper-rating",
        "POST",
        roles=STAFF,
        body=schemas.PaperRatingIn,
        summary="Enter a rating the citizen gave on a paper form",
        responses={201: "Rating recorded", 404: "No such ticket", 409: "Already rated or not finished"},
    )
    def paper_rating(principal, body, query, ticket_id):
        result = tickets.rate_ticket(
            hall(),
            tickets.RateTicket(
                ticket_id=ticket_id,
                token="",
                level=body.level,
                reasons=list(body.reasons),
                comment=body.comment,
                channel="paper",
            ),
            trusted=True,
        )
        return 201, result

    @api.route(
        bp,
        "/tickets/<int:ticket_id>/reprint",
        "POST",
        summary="Print a ticket again",
        roles=STAFF,
        body=schemas.ReprintIn,
        responses={200: "Queued for printing", 404: "No such ticket", 422: "No or unknown printer"},
    )
    def reprint(principal, body, query, ticket_id):
        return printing.request_reprint(hall(), ticket_id, body.printer)

    return bp
