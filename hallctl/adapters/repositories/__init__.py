"""The SQL repositories: the queries the services need (ports.py), and nothing else."""

from .accounts import AuditRepository, SqlAuditLog, TokenRepository, UserRepository
from .base import Repository, store_events, upsert
from .ratings import FollowUpRepository, RatingRepository
from .settings import IdempotencyRepository, ServiceRepository, SettingsRepository
from .tickets import TicketRepository
from .windows import WindowRepository

__all__ = [
    "AuditRepository",
    "FollowUpRepository",
    "IdempotencyRepository",
    "RatingRepository",
    "Repository",
    "ServiceRepository",
    "SettingsRepository",
    "SqlAuditLog",
    "TicketRepository",
    "TokenRepository",
    "UserRepository",
    "WindowRepository",
    "store_events",
    "upsert",
]
