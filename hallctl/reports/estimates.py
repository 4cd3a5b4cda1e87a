"""Wait estimates shown to citizens (kiosk, ticket, phone page).

Queue-length estimator: with ``n`` tickets ahead competing for ``s`` windows
whose mean service time is ``S`` minutes, the wait is about (n + 1)·S / s.
Even a perfect model errs by about 1/√(n + 1) (the Erlang spread), so we show
a range, never a single number (REFERENCE.md §7).
"""
from __future__ import annotations

import math


def wait_range(ahead: int, servers: int, mean_service_min: float) -> tuple[int, int]:
    """Estimated wait in whole minutes as ``[lo, hi]``.

    Args:
        ahead: tickets ahead of this one in its queue.
        servers: windows currently serving that queue (at least 1 is assumed).
        mean_service_min: mean service time of the service, minutes.
    """
    servers = max(servers, 1)
    mean = (ahead + 1) * mean_service_min / servers
    spread = 1 / math.sqrt(ahead + 1)
    return max(0, math.floor(mean * (1 - spread))), math.ceil(mean * (1 + spread))
