"""Citizens as keyed hashes only (最多跑一次): an ID number or phone never reaches the database.

The HMAC key (32 random bytes) is generated once per hall and kept OUTSIDE the
database — a key file of mode 0600, an environment variable or a systemd
credential, read at start by ``hallctl.adapters.keys`` into ``Hall.citizen_key``
— so the same person gives the same hash across restarts and processes, and a
copy of the database alone cannot test guesses of an ID number or phone against
its hashes. Hashes are dropped from tickets after ``[privacy] citizen_hash_days``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

from hallctl.domain.errors import Invalid

from .context import Hall

KEY_BYTES = 32


def normalize(citizen_id: str) -> str:
    """An 18-character ID number (last character may be X) or a phone number, without spaces and dashes."""
    value = re.sub(r"[\s-]", "", citizen_id).upper()
    if not re.fullmatch(r"\d{17}[\dX]|\+?\d{7,15}", value):
        raise Invalid("citizen_id must be an 18-character ID number or a phone number", field="citizen_id")
    return value


def citizen_hash(key: bytes, citizen_id: str) -> str:
    """The keyed hash of a normalized ID number or phone (what the ticket keeps)."""
    return hmac.new(key, normalize(citizen_id).encode(), hashlib.sha256).hexdigest()


def purge(hall: Hall) -> int:
    """Drop citizen hashes from tickets older than the retention period; returns how many."""
    cutoff = hall.now() - timedelta(days=hall.config.privacy.citizen_hash_days)
    with hall.uow() as uow:
        dropped = uow.tickets.drop_citizen_hashes(cutoff)
        uow.commit()
    return dropped
