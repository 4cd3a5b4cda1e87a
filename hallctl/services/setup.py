"""Bring the database in line with the config: services and windows rows."""

from __future__ import annotations

import secrets

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
            upsert(
                uow.session,
                orm.services,
                {"hall_id": hall.hall_id, "code": s.code},
                {"name": s.name, "name_en": s.name_en, "prefix": s.prefix, "target_wait_min": s.target_wait_min},
            )
        existing = set(uow.session.scalars(select(orm.windows.c.number).where(orm.windows.c.hall_id == hall.hall_id)))
        for w in cfg.windows:
            if w.number in existing:
                window = uow.windows.get(w.number)
                window.name = w.label
            else:
                uow.session.add(model.Window(hall_id=hall.hall_id, number=w.number, name=w.label))
        uow.commit()


def stored_secret(hall: Hall, name: str) -> str:
    """A random hex secret kept in the database's settings under ``name``, generated on first use."""
    with hall.uow() as uow:
        value = uow.session.execute(select(orm.settings.c.value).where(orm.settings.c.key == name)).scalar()
        if value is None:
            value = secrets.token_hex(32)
            uow.session.execute(orm.settings.insert().values(key=name, value=value))
            uow.session.commit()
    return value
