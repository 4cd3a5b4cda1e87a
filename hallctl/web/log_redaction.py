"""Secrets out of the logs: a :class:`logging.Filter` that redacts token-like query parameters and Authorization
headers in every record it sees, whoever logged it (Werkzeug's or gunicorn's access log, our own loggers).

A kiosk's, a display's or a citizen's token travels in a URL (``/screen?token=…``, ``/t/5?token=…``), and an
access log keeps the request line; a log file is read by more people than the database, and kept longer.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
SECRET_PARAMETERS = ("token", "track_token", "access_token", "password", "secret", "csrf", "api_key")
"""Query parameters whose value never reaches a log line (case-insensitive)."""
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")
"""Loggers that print request lines: filtered at the logger too, in case they get a handler of their own."""

_PARAMETER = re.compile(r"(?i)([?&;](?:" + "|".join(SECRET_PARAMETERS) + r")=)[^&;#\s\"']*")
_AUTHORIZATION = re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer\s+|basic\s+|token\s+)?)[^\s\"',]+")


def redact(text: str) -> str:
    """``text`` with the values of secret query parameters and Authorization headers replaced by ``[redacted]``."""
    text = _PARAMETER.sub(r"\1" + REDACTED, text)
    return _AUTHORIZATION.sub(r"\1" + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (its ``msg`` with its ``args`` applied) without its secrets; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; always keep it.

        Args:
            record: the record on its way to a handler.

        Returns:
            True: the record is logged, redacted.
        """
        try:
            message = record.getMessage()
        except Exception:  # a record whose args do not fit its msg is the handler's to report (handleError)
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def _add_once(target: logging.Logger | logging.Handler) -> None:
    if not any(isinstance(existing, RedactSecrets) for existing in target.filters):
        target.addFilter(RedactSecrets())


def install() -> None:
    """Attach the filter to every handler of the root logger (all our loggers and Werkzeug's propagate there)
    and to the access loggers themselves; call it after logging is configured. Calling it again adds nothing."""
    root = logging.getLogger()
    for handler in root.handlers:
        _add_once(handler)
    for name in ACCESS_LOGGERS:
        _add_once(logging.getLogger(name))
