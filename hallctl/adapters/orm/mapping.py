"""The imperative mapping: the plain domain classes instrumented onto their tables."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import registry

from hallctl.domain import followup, model

from .queue import tickets, windows
from .ratings import followups, ratings

_mapper_registry = registry()
_started = False


def start_mappers() -> None:
    """Map Ticket, Window and Rating onto their tables (idempotent)."""
    global _started
    if _started:
        return
    _started = True
    _mapper_registry.map_imperatively(model.Ticket, tickets, version_id_col=tickets.c.version)
    _mapper_registry.map_imperatively(model.Window, windows, version_id_col=windows.c.version)
    _mapper_registry.map_imperatively(model.Rating, ratings)
    _mapper_registry.map_imperatively(followup.FollowUp, followups)
    for cls in (model.Ticket, model.Window, model.Rating):
        event.listen(cls, "load", _init_events)


def _init_events(entity, _context) -> None:
    entity.events = []
