"""The hall itself and its rules: opening hours, routing, ratings, privacy."""

from __future__ import annotations

import functools
import itertools
import re
from datetime import time
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from hallctl.config.base import Code, Name, Strict

MIN_SECRET_KEY = 32
"""The shortest ``secret_key`` accepted (characters)."""


class HallConfig(Strict):
    """``[hall]``: who the hall is, where its database lives, when it opens."""

    id: Code
    name: Name
    timezone: str = "Asia/Shanghai"
    database: str = "sqlite:///var/hall.db"
    hours: list[str] = Field(default_factory=lambda: ["00:00-24:00"])
    public_url: str = "http://localhost:8080"
    message_queue: str = ""
    secret_key: str = ""
    """Signs sessions: at least 32 characters; empty = generated once and kept in the database."""
    notice: str = ""
    citizen_key_file: str = ""
    """The citizens' HMAC key file (mode 0600); empty = ``<database file>.citizen-key`` beside a SQLite
    database, ``var/citizen.key`` otherwise. ``HALLCTL_CITIZEN_KEY`` or the systemd credential
    ``citizen-key`` take precedence."""
    allowed_origins: list[str] = Field(default_factory=list)
    """Origins besides ``public_url``'s allowed to open Socket.IO connections, e.g. ["https://screens.example"]."""

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @field_validator("hours")
    @classmethod
    def _hours_parse(cls, value: list[str]) -> list[str]:
        spans = sorted(((*parse_span(span), span) for span in value), key=lambda parsed: parsed[0])
        for (_, end, span), (start, _, following) in itertools.pairwise(spans):
            if end is None or start < end:
                raise ValueError(f"opening spans {span!r} and {following!r} overlap")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url_is_http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"public_url {value!r} must be an http:// or https:// URL with a host")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key_is_long(cls, value: str) -> str:
        if value and len(value) < MIN_SECRET_KEY:
            raise ValueError(
                f"secret_key has {len(value)} characters; use at least {MIN_SECRET_KEY} "
                "(e.g. python -c 'import secrets; print(secrets.token_hex(32))'), or leave it out to generate one"
            )
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
                raise ValueError(f"{origin!r} is not an origin like https://host or http://host:8080")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The hall's time zone, in which its business days begin and end."""
        return ZoneInfo(self.timezone)

    @property
    def origin(self) -> str:
        """The scheme, host and port of ``public_url`` (what a browser sends as Origin from the hall's pages)."""
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def citizen_key_path(self) -> Path:
        """Where the citizens' HMAC key file is (see ``citizen_key_file``)."""
        if self.citizen_key_file:
            return Path(self.citizen_key_file)
        database = self.database.split("?", 1)[0]
        if database.startswith("sqlite:///") and database.removeprefix("sqlite:///") not in ("", ":memory:"):
            return Path(f"{database.removeprefix('sqlite:///')}.citizen-key")
        return Path("var/citizen.key")

    def spans(self) -> list[tuple[time, time | None]]:
        """Opening spans as (start, end) local times; end None means midnight."""
        return [parse_span(span) for span in self.hours]


@functools.lru_cache(maxsize=256)
def parse_span(span: str) -> tuple[time, time | None]:
    """Parse ``"08:30-12:00"``; ``24:00`` as an end means end of day (None). Cached: every ticket asks.

    Raises:
        ValueError: the span is not ``HH:MM-HH:MM``, names an invalid time, or ends before it starts.
    """
    match = re.fullmatch(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})", span)
    if not match:
        raise ValueError(f"opening span {span!r} is not HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise ValueError(f"opening span {span!r} has an invalid time")
    start = time(h1, m1)
    end = None if h2 == 24 else time(h2, m2)
    if end is not None and end <= start:
        raise ValueError(f"opening span {span!r} ends before it starts")
    return start, end


class RoutingConfig(Strict):
    """``[routing]``: how call-next picks the next ticket."""

    priority_interleave: Annotated[int, Field(ge=0, le=20)] = 0
    """N priority calls at a window, then one normal ticket (0 = off)."""
    requeue_no_show: bool = False
    """A no-show goes back to the queue once instead of ending."""
    rating_timeout_s: Annotated[int, Field(ge=5, le=3600)] = 60


class RatingsConfig(Strict):
    """``[ratings]``: the bad-rating reasons and the follow-up deadlines."""

    reasons: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default_factory=lambda: ["态度不好", "效率低", "一次性告知不清", "材料要求不合理", "其他"], min_length=1
    )
    """The fixed list a citizen picks from for a bad rating (levels 4-5)."""
    phone_window_days: Annotated[int, Field(ge=1, le=90)] = 7
    verify_days: Annotated[int, Field(ge=1, le=60)] = 1
    rectify_days: Annotated[int, Field(ge=1, le=60)] = 15
    revisit_days: Annotated[int, Field(ge=1, le=60)] = 5
    default_after_days: Annotated[int, Field(ge=0, le=90)] = 0
    """Rate a finished ticket nobody rated after this many natural days (0 = never; Guangdong: 7)."""
    default_level: Annotated[int, Field(ge=1, le=5)] = 3
    """The level given by that rule (3 基本满意); such ratings are reported apart from real ones."""


class PrivacyConfig(Strict):
    """``[privacy]``: how long citizen data is kept."""

    citizen_hash_days: Annotated[int, Field(ge=1, le=3650)] = 90
    """How long a ticket keeps the keyed hash of its citizen's ID number or phone (最多跑一次 reports)."""
