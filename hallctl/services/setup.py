"""Bring the database in line with the config: services and windows rows."""
from __future__ import annotations

from sqlalchemy import select

from hallctl.adapters import orm
from hallctl.adapters.repository import upsert
from hallctl.domain import model

from .context import Hall


def sync_config(hall: Hall) -> None:
    """Upsert the configured services and create rows for new windows (old rows stay as history)."""
    cfg = hall.config
    with hall.uow() as uow:
        for s in cfg.services:
            upsert(uow.session, orm.services, {"hall_id": hall.hall_id, "code": s.code},
                   {"name": s.name, "name_en": s.name_en, "prefix": s.prefix, "target_wait_min": s.target_wait_min})
        existing = set(uow.session.scalars(select(orm.windows.c.number).where(orm.windows.c.hall_id == hall.hall_id)))
        for w in cfg.windows:
            if w.number in existing:
                window = uow.windows.get(w.number)
                window.name = w.label
            else:
                uow.session.add(model.Window(hall_id=hall.hall_id, number=w.number, name=w.label))
        uow.commit()
