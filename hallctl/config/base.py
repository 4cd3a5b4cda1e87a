"""Building blocks the settings models share: field types, the strict base model, a located error."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")]
Name = Annotated[str, Field(min_length=1, max_length=64)]
KeyPath = tuple[str | int, ...]
"""Where a value sits in the file: table names, keys and list indexes, e.g. ``("windows", 2, "led")``."""


class Strict(BaseModel):
    """A frozen settings table that refuses keys it does not know."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocatedError(ValueError):
    """A cross-reference error that knows the key path it belongs to, e.g. ``("windows", 2, "led")``."""

    def __init__(self, loc: KeyPath, message: str) -> None:
        super().__init__(message)
        self.loc = loc
