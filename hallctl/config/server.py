"""``[server]``: how ``hallctl serve`` listens — address, threads, keep-alive, timeouts, trusted reverse proxies."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import Field, field_validator

from hallctl.config.base import Strict

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ServerConfig(Strict):
    """``[server]``: the HTTP server's listening address and limits (gunicorn, one process, ``gthread`` worker)."""

    host: str = "0.0.0.0"
    """The address to listen on; ``hallctl serve --host`` overrides it."""
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
    """The port to listen on; ``hallctl serve --port`` overrides it."""
    threads: Annotated[int, Field(ge=4, le=10000)] = 2048
    """Requests served at once. An open websocket (a phone, a staff console, a hall screen) holds one thread for
    as long as it is connected, so this is also about how many of them the hall holds, less a few for requests."""
    keepalive_s: Annotated[int, Field(ge=1, le=300)] = 5
    """How long an idle kept-alive connection (or one that sent nothing yet) is kept before it is closed."""
    timeout_s: Annotated[int, Field(ge=5, le=3600)] = 30
    """A worker silent for longer than this is restarted by gunicorn's master process."""
    graceful_timeout_s: Annotated[int, Field(ge=1, le=60)] = 10
    """On SIGTERM or SIGINT, how long requests in progress may take to finish before the server stops anyway."""
    trusted_proxies: list[str] = Field(default_factory=list)
    """Addresses or networks of reverse proxies (e.g. ["127.0.0.1"] for nginx on the same machine) whose
    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed; from anyone else these headers are ignored."""
    max_body_kb: Annotated[int, Field(ge=1, le=10240)] = 64
    """The largest request body accepted, in KiB; a larger one is refused with 413 before it is read. Every
    request of the API is small (a ticket, a log-in, a rating): the limit stops a client from tying up the
    server with a huge upload."""
    access_log: bool = True
    """One line per request on standard output (gunicorn's access log, tokens redacted)."""

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network like 10.0.0.5 or 10.0.0.0/24") from None
        return value

    @property
    def proxy_networks(self) -> list[IpNetwork]:
        """``trusted_proxies`` as networks (an address is a network of one)."""
        return [ipaddress.ip_network(entry, strict=False) for entry in self.trusted_proxies]
