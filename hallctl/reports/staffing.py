"""Erlang C: how many open windows a 30-minute interval needs to meet a service level.

A = λ·E[S] (offered load, in windows); with N > A windows:
P(wait) = (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A))
W_q = P(wait)·E[S]/(N−A);  SL(t) = 1 − P(wait)·e^{−(N−A)·t/E[S]}.
Worked example (docs/metrics.md): λ = 60/h, E[S] = 8 min, N = 10 → P(wait) 0.409, W_q 1.64 min, SL(15 min) 99.0 %.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ErlangC:
    windows: int
    load: float          # A, in windows
    p_wait: float        # probability a citizen waits at all
    mean_wait_min: float
    service_level: float  # share answered within the target


def erlang_c(arrivals_per_hour: float, service_min: float, windows: int, target_min: float) -> ErlangC:
    """Erlang C figures; with N ≤ A the queue grows without bound (p_wait 1, infinite wait, SL 0)."""
    load = arrivals_per_hour * service_min / 60
    if windows <= load:
        return ErlangC(windows, load, 1.0, math.inf, 0.0)
    term = 1.0  # A^k/k!, built up to avoid huge powers and factorials
    below = 0.0
    for k in range(windows):
        below += term
        term *= load / (k + 1)
    top = term * windows / (windows - load)
    p_wait = top / (below + top)
    mean_wait = p_wait * service_min / (windows - load)
    level = 1 - p_wait * math.exp(-(windows - load) * target_min / service_min)
    return ErlangC(windows, load, p_wait, mean_wait, level)


def windows_needed(arrivals_per_hour: float, service_min: float, target_min: float, share: float = 0.8,
                   limit: int = 200) -> int:
    """Fewest windows so that at least ``share`` of citizens wait at most ``target_min``."""
    if arrivals_per_hour <= 0:
        return 0
    n = max(1, math.floor(arrivals_per_hour * service_min / 60) + 1)
    while n < limit and erlang_c(arrivals_per_hour, service_min, n, target_min).service_level < share:
        n += 1
    return n
