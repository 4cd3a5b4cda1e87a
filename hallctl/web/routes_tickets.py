"""Tickets: issue, view, rate (from the phone or a paper form), reprint."""

from __future__ import annotations

from hallctl.services import printing, tickets

from . import schemas
from .api import ApiBlueprint, ApiError, current_hall
from .roles import ISSUERS, KIOSK, PUBLIC, STAFF

bp = ApiBlueprint("tickets", __name__)


@bp.api_route(
    "/tickets",
    "POST",
    summary="Issue a ticket (取号)",
    roles=ISSUERS,
    body=schemas.IssueIn,
    responses={
        201: "Ticket issued (the track token only to the kiosk that prints it)",
        403: "A body kiosk other than the token's own, or a kiosk token for no configured kiosk",
        409: "Closed or daily cap reached",
        422: "Unknown service",
        429: "The kiosk token is issuing faster than a kiosk serves citizens",
    },
)
def issue(principal, body, query):
    """A new ticket (201). A kiosk token issues as its own kiosk, within the opening hours and daily caps; staff
    upwards issue on a citizen's behalf (audited) and never get the track token that opens its phone page."""
    appointment = tickets.Appointment(body.appointment.code, body.appointment.slot) if body.appointment else None
    by_kiosk = principal.role == KIOSK
    command = tickets.IssueTicket(
        service=body.service,
        priority=body.priority,
        kiosk=_issuing_kiosk(principal, body.kiosk),
        appointment=appointment,
        citizen_id=body.citizen_id,
        enforce_hours=by_kiosk,
    )
    issued = tickets.issue_ticket(current_hall(), command)
    if not by_kiosk:
        issued.pop("track_token", None)
    return 201, issued


def _issuing_kiosk(principal, named: str | None) -> str | None:
    """The kiosk a ticket is issued at: the kiosk token's own (the body may only repeat it); none for staff."""
    if principal.role != KIOSK:
        if named is not None:
            raise ApiError(
                403,
                "kiosk_mismatch",
                f"only kiosk {named}'s own token issues at it; staff issue without a kiosk and reprint on a named "
                f"printer / 只有取号机 {named} 本机可以以其名义取号",
                "kiosk",
            )
        return None
    if named is not None and named != principal.name:
        raise ApiError(
            403,
            "kiosk_mismatch",
            f"this token belongs to kiosk {principal.name}, not {named}"
            f" / 该令牌属于取号机 {principal.name}，不是 {named}",
            "kiosk",
        )
    if all(k.id != principal.name for k in current_hall().config.kiosks):
        raise ApiError(
            403,
            "unknown_kiosk",
            f"this kiosk token names {principal.name}, which is not a kiosk of this hall; add it under [[kiosks]]"
            f" or use that kiosk's token / 该令牌对应的取号机 {principal.name} 未配置",
        )
    return principal.name


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


def _rate(
    ticket_id: int, rating: schemas.RatingIn, token: str, channel: str, entered_by: str | None = None
) -> tuple[int, dict]:
    command = tickets.RateTicket(
        ticket_id=ticket_id,
        token=token,
        level=rating.level,
        reasons=list(rating.reasons),
        comment=rating.comment,
        channel=channel,
        entered_by=entered_by,
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
    responses={
        201: "Rating recorded",
        403: "Entered by the staff member who served the ticket",
        404: "No such ticket",
        409: "Already rated or not finished",
    },
)
def paper_rating(principal, body, query, ticket_id):
    """A rating the citizen wrote on a paper form (201), entered by staff other than the one who served it."""
    return _rate(ticket_id, body, "", "paper", entered_by=principal.name)


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
