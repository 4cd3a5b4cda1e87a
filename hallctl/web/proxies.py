"""Reverse proxies: ``X-Forwarded-For`` and ``X-Forwarded-Proto`` believed only from ``[server] trusted_proxies``.

Werkzeug's :class:`~werkzeug.middleware.proxy_fix.ProxyFix` trusts by hop count, whoever sent the request; a
client reaching the server directly could then name any address it likes and escape the log-in limits and
lock-outs, or write someone else's address into the audit log. So ProxyFix (one hop: the entry the proxy
appended, the client it saw) is applied to a request only when its immediate peer is a trusted proxy; the
headers of everyone else are ignored, and the peer's own address is the client's.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

from hallctl.config.server import IpNetwork

WsgiApp = Any
"""A WSGI callable ``(environ, start_response) -> iterable``."""


class TrustedProxyFix:
    """WSGI middleware: ProxyFix for requests whose peer (``REMOTE_ADDR``) is in ``networks``, nothing for others."""

    def __init__(self, app: WsgiApp, networks: Iterable[IpNetwork]) -> None:
        self.app = app
        self.networks = list(networks)
        self.fixed = ProxyFix(app, x_for=1, x_proto=1)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """Serve the request, with the forwarded client address and scheme if a trusted proxy sent it."""
        if self.trusts(environ.get("REMOTE_ADDR", "")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)

    def trusts(self, peer: str) -> bool:
        """Whether ``peer`` is one of the trusted proxies."""
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:  # a Unix socket's peer has no address
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:  # a dual-stack socket's IPv4 peer
            address = address.ipv4_mapped
        return any(address in network for network in self.networks)


def trust_proxies(app: Any, networks: list[IpNetwork]) -> None:
    """Wrap a Flask ``app``'s WSGI callable so that only ``networks`` may tell it the client's address (module
    docstring); with no trusted proxy it is left as it is."""
    if networks:
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, networks)
