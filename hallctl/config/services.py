"""What the hall serves and where: services, priority classes, windows, kiosks."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from hallctl.config.base import Code, Name, Strict


class ServiceConfig(Strict):
    """``[[services]]``: one kind of business, with its ticket prefix and its targets."""

    code: Code
    name: Name
    name_en: str = ""
    prefix: Annotated[str, Field(pattern=r"^[A-Z]{1,2}$")]
    digits: Annotated[int, Field(ge=2, le=5)] = 3
    daily_cap: Annotated[int, Field(ge=1)] | None = None
    target_wait_min: Annotated[float, Field(gt=0)] = 15
    max_wait_min: Annotated[float, Field(gt=0)] | None = None
    avg_service_min: Annotated[float, Field(gt=0)] = 8
    category: str = ""


class PriorityConfig(Strict):
    """``[[priorities]]``: a priority class and its weight (1 is the normal class)."""

    code: Code
    name: Name
    name_en: str = ""
    weight: Annotated[float, Field(ge=1, le=100)] = 1


class WindowService(Strict):
    """A service a window serves with a weight other than 1: ``{ code = "GJJ", weight = 2 }``."""

    code: Code
    weight: Annotated[float, Field(gt=0, le=100)] = 1


class WindowConfig(Strict):
    """``[[windows]]``: a counter, the services it serves and the devices at it."""

    number: Annotated[int, Field(ge=1, le=999)]
    name: str = ""
    services: list[Code | WindowService] = Field(min_length=1)
    led: str | None = None
    evaluator: str | None = None
    caller: str | None = None

    @property
    def work_profile(self) -> dict[str, float]:
        """Service code → weight for call-next."""
        return {(s if isinstance(s, str) else s.code): (1.0 if isinstance(s, str) else s.weight) for s in self.services}

    @property
    def label(self) -> str:
        """The window's name, or "N号窗口"."""
        return self.name or f"{self.number}号窗口"


class KioskConfig(Strict):
    """``[[kiosks]]``: a ticket kiosk and the printer it prints on."""

    id: Code
    name: str = ""
    printer: str | None = None
