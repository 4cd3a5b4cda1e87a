"""Who may call what: the role sets the API routes and the Socket.IO rooms check.

Token roles (``hallctl token add``) are ``kiosk``, ``display``, ``device`` and ``metrics``; user roles are
``staff``, ``manager`` and ``admin``. No route or room admits ``device`` today (docs/security.md); ``metrics``
reads ``GET /api/v1/metrics`` and nothing else, and joins no room.
"""

from __future__ import annotations

PUBLIC: frozenset[str] = frozenset()
"""Anyone, logged in or not."""
ISSUERS = frozenset({"kiosk", "staff", "manager", "admin"})
"""Those who issue tickets: kiosks for citizens (as the kiosk their token names), and staff upwards on a citizen's
behalf (audited, never shown the ticket's track token, so they cannot drive its phone page or rating)."""
KIOSK = "kiosk"
"""The token role of a ticket kiosk: a kiosk's token is that kiosk."""
STAFF = frozenset({"staff", "manager", "admin"})
"""Staff upwards: window consoles, reprints, paper ratings, any ticket's page."""
MANAGERS = frozenset({"manager", "admin"})
"""Managers and admins: reports, exports, follow-ups, devices, the audit log."""
METRICS_READERS = frozenset({"metrics", "manager", "admin"})
"""Those who read the Prometheus metrics: a scraper's ``metrics`` token, and managers upwards."""
VIEWERS = frozenset({"display", "staff", "manager", "admin"})
"""Those who read the whole hall's state: hall screens and staff upwards."""
ROOMS: dict[str, frozenset[str]] = {"hall": VIEWERS, "window": STAFF, "ticket": STAFF}
"""Socket.IO rooms (``hall``, ``window:{n}``, ``ticket:{id}``) by kind and the roles that may join them; a phone
(role ``citizen``) joins only its own ``ticket:{id}``, by that ticket's track token."""
SOCKET_ROLES = frozenset().union(*ROOMS.values())
"""Token and user roles a Socket.IO connection is accepted for: those that may join some room."""
