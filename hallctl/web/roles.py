"""Who may call what: the role sets the API routes and the Socket.IO rooms check.

Token roles (``hallctl token add``) are ``kiosk``, ``display`` and ``device``; user roles are ``staff``,
``manager`` and ``admin``. No route or room admits ``device`` today (docs/security.md).
"""

from __future__ import annotations

PUBLIC: frozenset[str] = frozenset()
"""Anyone, logged in or not."""
ISSUERS = frozenset({"kiosk", "staff", "manager", "admin"})
"""Those who issue tickets: kiosks and staff upwards."""
STAFF = frozenset({"staff", "manager", "admin"})
"""Staff upwards: window consoles, reprints, paper ratings, any ticket's page."""
MANAGERS = frozenset({"manager", "admin"})
"""Managers and admins: reports, exports, follow-ups, devices, the audit log."""
VIEWERS = frozenset({"display", "staff", "manager", "admin"})
"""Those who read the whole hall's state: hall screens and staff upwards."""
