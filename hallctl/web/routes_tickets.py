"""Tickets: issue, view, rate (from the phone or a paper form), reprint."""

from __future__ import annotations

from hallctl.services import printing, tickets

from . import schemas
from .api import ApiBlueprint, ApiError, current_hall
from .roles import ISSUERS, PUBLIC, STAFF

bp = ApiBlueprint("tickets", __name__)


@bp.api_route(
    "/tickets",
    "POST",
    summary="Issue a ticket (取号)",
    roles=ISSUERS,
    body=schemas.IssueIn,
    responses={201: "Ticket issued", 409: "Closed or daily cap reached", 422: "Unknown service"},
)
def issue(principal, body, query):
    """A new ticket (201); a kiosk's own tickets keep to the opening hours and name it as their kiosk."""
    appointment = tickets.Appointment(body.appointment.code, body.appointment.slot) if body.appointment else None
    kiosk = body.kiosk
    if principal.role == "kiosk" and kiosk is None:
        kiosk = principal.name if any(k.id == principal.name for k in current_hall().config.kiosks) else None
    command = tickets.IssueTicket(
        service=body.service,
        priority=body.priority,
        kiosk=kiosk,
        appointment=appointment,
        citizen_id=body.citizen_id,
        enforce_hours=principal.role == "kiosk",
    )
    return 201, tickets.issue_ticket(current_hall(), command)


@bp.api_route(
    "/tickets/<int:ticket_id>",
    "GET",
    summary="A ticket's status, people ahead and estimate",
    roles=PUBLIC,
    query=schemas.TokenQuery,
    responses={200: "Ticket", 404: "No such ticket or token"},
)
def view(principal, body, query, ticket_id):
    """A ticket's status, people ahead and estimate; for its track token's holder, or staff."""
    trusted = principal is not None and principal.role in STAFF
    if not trusted and not query.token:
        raise ApiError(404, "not_found", "give the ticket's tracking token (?token=…)", "token")
    return tickets.public_view(current_hall(), ticket_id, query.token, trusted=trusted)


def _rate(ticket_id: int, rating: schemas.RatingIn, token: str, channel: str) -> tuple[int, dict]:
    command = tickets.RateTicket(
        ticket_id=ticket_id,
        token=token,
        level=rating.level,
        reasons=list(rating.reasons),
        comment=rating.comment,
        channel=channel,
    )
    return 201, tickets.rate_ticket(current_hall(), command, trusted=channel == "paper")


@bp.api_route(
    "/tickets/<int:ticket_id>/rating",
    "POST",
    summary="Rate a finished ticket from its QR page",
    roles=PUBLIC,
    body=schemas.RatingIn,
    query=schemas.TokenQuery,
    responses={201: "Rating recorded", 404: "No such ticket or token", 409: "Already rated"},
)
def rate(principal, body, query, ticket_id):
    """The citizen's rating of a finished ticket (201), with the ticket's track token."""
    return _rate(ticket_id, body, query.token or "", "phone")


@bp.api_route(
    "/tickets/<int:ticket_id>/paper-rating",
    "POST",
    roles=STAFF,
    body=schemas.PaperRatingIn,
    summary="Enter a rating the citizen gave on a paper form",
    responses={201: "Rating recorded", 404: "No such ticket", 409: "Already rated or not finished"},
)
def paper_rating(principal, body, query, ticket_id):
    """A rating the citizen wrote on a paper form (201), entered by staff."""
    return _rate(ticket_id, body, "", "paper")


@bp.api_route(
    "/tickets/<int:ticket_id>/reprint",
    "POST",
    summary="Print a ticket again",
    roles=STAFF,
    body=schemas.ReprintIn,
    responses={200: "Queued for printing", 404: "No such ticket", 422: "No or unknown printer"},
)
def reprint(principal, body, query, ticket_id):
    """Queue the ticket for printing again, on its kiosk's printer or the one named; for staff."""
    return printing.request_reprint(current_hall(), ticket_id, body.printer)
