"""Alembic migrations, run from the installed package (``hallctl db upgrade``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

HERE = Path(__file__).parent


class NotMigrated(Exception):
    """The database schema is not at the latest revision."""


def alembic_config(url: str) -> AlembicConfig:
    """Alembic's settings for the packaged migrations on the database at ``url``."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (creating the SQLite file and its folder if needed)."""
    from hallctl.adapters.database import open_database

    database = open_database(url)  # creates the folder of a SQLite file, sets WAL
    try:
        with database.write_engine.connect() as connection:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
    finally:
        database.dispose()


def head() -> str:
    """The latest revision of the packaged migrations.

    Raises:
        RuntimeError: the package holds no migration (a broken install).
    """
    revision = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    if revision is None:
        raise RuntimeError(f"no Alembic migrations found in {HERE}")
    return revision


def require_current(engine: Engine) -> None:
    """Check that the database behind ``engine`` is at the latest schema.

    Raises:
        NotMigrated: it is not (or has no schema at all).
    """
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != head():
        raise NotMigrated(
            f"the database is at schema {current or 'none'}, this hallctl needs {head()}: "
            "run `hallctl db upgrade --config FILE`"
        )
