"""Domain errors; the web layer maps each class to one HTTP status."""


class DomainError(Exception):
    """Base class. ``code`` is the machine-readable error code in API replies."""

    code = "domain_error"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidTransition(DomainError):
    """The ticket or window is not in a state that allows the action (409)."""

    code = "invalid_transition"


class NotFound(DomainError):
    """A ticket, window, service or case that does not exist (404)."""

    code = "not_found"


class Refused(DomainError):
    """A valid request the hall refuses now: closed hours, daily cap, already rated (409)."""

    code = "refused"


class Forbidden(DomainError):
    """The caller may not do this to this object (403)."""

    code = "forbidden"


class Invalid(DomainError):
    """A well-formed request with a value the hall cannot accept (422)."""

    code = "invalid"


class ConcurrencyConflict(DomainError):
    """Another request changed the same ticket first; retried or reported (409)."""

    code = "conflict"


class LockedOut(DomainError):
    """Too many failed log-ins for this user name from this address lately; try again later (429)."""

    code = "locked_out"
