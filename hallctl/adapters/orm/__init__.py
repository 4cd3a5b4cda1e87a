"""SQLAlchemy tables and the imperative mapping of the domain entities.

The domain classes stay plain Python; ``start_mappers()`` instruments them.
Alembic migrations (hallctl/migrations) create exactly these tables; a test
checks that they agree. Callers use ``from hallctl.adapters import orm`` and
``orm.tickets``, ``orm.users`` …, whichever module a table is defined in.
"""

from .accounts import audit_log, idempotency_keys, settings, tokens, users
from .base import UTCDateTime, metadata
from .mapping import start_mappers
from .queue import counters, events, services, tickets, window_pauses, window_sessions, windows
from .ratings import followup_steps, followups, kpi_days, ratings

__all__ = [
    "UTCDateTime",
    "audit_log",
    "counters",
    "events",
    "followup_steps",
    "followups",
    "idempotency_keys",
    "kpi_days",
    "metadata",
    "ratings",
    "services",
    "settings",
    "start_mappers",
    "tickets",
    "tokens",
    "users",
    "window_pauses",
    "window_sessions",
    "windows",
]
