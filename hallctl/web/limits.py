"""Rates (Flask-Limiter): failed log-ins per address; a kiosk token's issuing, and the alert managers see when a
token goes over it.

A kiosk serves one citizen at a time: choosing a service and taking the ticket take a citizen 10 to 20 seconds,
so :data:`KIOSK_ISSUE_RATE` (12 a minute, 300 an hour) leaves room for a family at once and a morning queue, while
a stolen token can no longer empty a service's daily cap in seconds. Each token is counted on its own (not by
address: every kiosk may sit behind one proxy). Over the rate, ``POST /tickets`` answers 429
``too_many_requests``; the first refusal raises an alert on the managers' dashboard (``GET /hall/state``
``alerts``) and a warning in the log, once per :data:`ALERT_MINUTES` per kiosk.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from limits import RateLimitItemPerMinute, parse_many

from hallctl.domain.times import iso
from hallctl.services.context import Hall

from .api import View, current_principal
from .roles import KIOSK

log = logging.getLogger(__name__)

LOGIN_RATE = "10 per minute"
"""Failed log-in attempts from one address, whatever the names (a spray over many accounts); successes do not
count, so many staff behind one address all log in. With a Redis message queue the count is shared by all
processes. Guessing one account is slowed per (account, address) by :func:`hallctl.services.auth.login`."""

KIOSK_ISSUE_RATE = "12 per minute; 300 per hour"
"""Tickets one kiosk token may issue (a moving window each)."""
RATE_VARIABLE = "HALLCTL_KIOSK_ISSUE_RATE"
"""An environment variable that replaces :data:`KIOSK_ISSUE_RATE` (benchmarks; a hall with unusual kiosks)."""
ALERT_MINUTES = 15
"""How long a kiosk's alert stays on the dashboard after it went over the rate (and how often it is logged)."""
ALERT = RateLimitItemPerMinute(1, ALERT_MINUTES)
EXTENSION = "hallctl.issue_limits"
ENDPOINT = "tickets.issue"


class IssueLimits:
    """The issuing limit of one app: its limiter, its rate and the kiosks it raised alerts for."""

    def __init__(self, limiter: Limiter, hall: Hall, rate: str) -> None:
        self.limiter = limiter
        self.hall = hall
        self.rate = rate

    def message(self) -> str:
        """The 429's message."""
        return (
            f"this kiosk is issuing faster than {self.rate}; wait a minute and try again, or ask staff"
            " / 取号过于频繁，请稍候再试或咨询工作人员"
        )

    def breached(self, _limit: RequestLimit) -> None:
        """Raise the kiosk's alert (and log it) unless it was raised less than :data:`ALERT_MINUTES` ago."""
        principal = current_principal()
        if principal is None or not self.limiter.limiter.hit(ALERT, "issue-alert", principal.name):
            return
        log.warning(
            "kiosk %s (token %s) is issuing faster than %s; its tickets are refused until it slows down. "
            "If that is not the kiosk, revoke the token: hallctl token revoke %s",
            principal.name,
            principal.token_id,
            self.rate,
            principal.name,
        )

    def alerts(self) -> list[dict[str, Any]]:
        """The kiosks that went over the rate in the last :data:`ALERT_MINUTES`, as dashboard alerts."""
        out = []
        for kiosk in self.hall.config.kiosks:
            if self.limiter.limiter.test(ALERT, "issue-alert", kiosk.id):
                continue
            reset, _remaining = self.limiter.limiter.get_window_stats(ALERT, "issue-alert", kiosk.id)
            name = kiosk.name or kiosk.id
            out.append(
                {
                    "kind": "issue_rate",
                    "kiosk": kiosk.id,
                    "kiosk_name": name,
                    "since": iso(datetime.fromtimestamp(reset, UTC) - timedelta(minutes=ALERT_MINUTES)),
                    "rate": self.rate,
                    "message": f"取号机 {name} 取号过快（超过 {self.rate}），已限流 / kiosk {kiosk.id} went over "
                    f"{self.rate} and is refused; revoke its token if that was not the kiosk",
                }
            )
        return out


def issue_alerts() -> list[dict[str, Any]]:
    """The current app's issuing alerts (see :meth:`IssueLimits.alerts`)."""
    limits: IssueLimits = current_app.extensions[EXTENSION]
    return limits.alerts()


def limit_issuing(app: Flask, hall: Hall) -> None:
    """Hold each kiosk token to :data:`KIOSK_ISSUE_RATE` on ``POST /tickets``; staff issuing are audited instead.

    Raises:
        ValueError: :data:`RATE_VARIABLE` is set to something that is not a rate.
    """
    rate = os.environ.get(RATE_VARIABLE) or KIOSK_ISSUE_RATE
    try:
        parse_many(rate)
    except ValueError:
        raise ValueError(f"{RATE_VARIABLE}={rate!r} is not a rate such as {KIOSK_ISSUE_RATE!r}") from None
    limiter = _view_limiter(app, hall, _token, strategy="moving-window", key_prefix="issue")
    limits = IssueLimits(limiter, hall, rate)
    app.extensions[EXTENSION] = limits
    issue: View = app.view_functions[ENDPOINT]
    limiter.limit(rate, exempt_when=_not_a_kiosk, on_breach=limits.breached, error_message=limits.message())(issue)
    _check_before(app, ENDPOINT, limiter)


def limit_logins(app: Flask, hall: Hall) -> None:
    """Allow :data:`LOGIN_RATE` failed log-in attempts per address; then every attempt gets a 429 until the
    minute has passed."""
    limiter = _view_limiter(app, hall, get_remote_address)
    endpoint = "hall.login"
    login: View = app.view_functions[endpoint]
    limiter.limit(LOGIN_RATE, deduct_when=lambda response: response.status_code != 200)(login)
    _check_before(app, endpoint, limiter)


def _view_limiter(app: Flask, hall: Hall, key: Callable[[], str], **options: Any) -> Limiter:
    """A limiter checked only in the views it guards (with auto_check it would look up limits on every request);
    its counts live in Redis when the hall's message queue is Redis, so every process shares them."""
    queue = hall.config.hall.message_queue
    storage = queue if queue.startswith("redis") else "memory://"
    return Limiter(key, app=app, default_limits=[], auto_check=False, storage_uri=storage, **options)


def _check_before(app: Flask, endpoint: str, limiter: Limiter) -> None:
    """Make the view at ``endpoint`` check ``limiter``'s limits (429 when over) before it runs."""
    view: View = app.view_functions[endpoint]

    @functools.wraps(view)
    def limited(**kwargs: Any) -> Any:
        limiter.check()
        return view(**kwargs)

    app.view_functions[endpoint] = limited


def _token() -> str:
    """The rate's key: the kiosk token's row (its id, never the secret)."""
    principal = current_principal()
    return f"token:{principal.token_id}" if principal else "nobody"


def _not_a_kiosk() -> bool:
    principal = current_principal()
    return principal is None or principal.role != KIOSK
