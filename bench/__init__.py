"""Benchmarks. Each loads a test hall through one kiosk's token at machine speed, far above the issuing rate a
real kiosk token is held to (``hallctl/web/limits.py``), so every benchmark lifts that limit for its servers."""

import os

from hallctl.web.limits import RATE_VARIABLE

os.environ.setdefault(RATE_VARIABLE, "1000000 per minute")
