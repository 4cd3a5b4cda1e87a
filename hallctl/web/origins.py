"""Which browser pages may open a Socket.IO connection: the ``Origin`` check (docs/security.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_check(public_url: str, extra: Iterable[str] = ()) -> Callable[[str | None, dict], bool]:
    """Engine.IO's ``cors_allowed_origins``: a browser's ``Origin`` must be ``public_url``'s, one of ``extra``
    (``[hall] allowed_origins``) or the server's own.

    The server's own origin is the scheme and ``Host`` the browser connected to (a page the hall served);
    ``public_url``'s covers a proxy that rewrites ``Host`` or ends TLS. A page of any other origin is refused
    (400 "Not an accepted origin."), so a manager's cookie cannot be ridden from a foreign page. Clients that
    send no ``Origin`` are not browsers (they hold no citizen's or manager's cookie) and are not checked.
    """
    hall_origins = {origin_of(url) for url in (public_url, *extra)} - {None}

    def allowed(origin: str | None, environ: dict) -> bool:
        own = origin_of(f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}")
        return origin is not None and origin_of(origin) in hall_origins | {own} - {None}

    return allowed


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, lower case, without a default port; None if it is not one."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.scheme not in DEFAULT_PORTS:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port not in (None, DEFAULT_PORTS[parts.scheme]) else "")
