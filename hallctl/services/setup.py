"""Bring the database in line with the config: services and windows rows, and the hall's stored secrets."""

from __future__ import annotations

import secrets

from hallctl.domain import model

from .context import Hall


def sync_config(hall: Hall) -> None:
    """Upsert the configured services and create rows for new windows (old rows stay as history)."""
    cfg = hall.config
    with hall.uow() as uow:
        for s in cfg.services:
            uow.services.put(s.code, s.name, s.name_en, s.prefix, s.target_wait_min)
        for w in cfg.windows:
            window = uow.windows.get(w.number)
            if window is not None:
                window.name = w.label
            else:
                uow.windows.add(model.Window(hall_id=hall.hall_id, number=w.number, name=w.label))
        uow.commit()


def stored_secret(hall: Hall, name: str) -> str:
    """A random hex secret kept in the database's settings under ``name``, generated on first use."""
    with hall.uow() as uow:
        value = uow.settings.get(name)
        if value is None:
            value = secrets.token_hex(32)
            uow.settings.add(name, value)
            uow.commit()
    return value
