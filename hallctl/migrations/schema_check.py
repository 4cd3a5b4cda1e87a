"""Tell a hallctl database from another application's before asking for ``hallctl db upgrade``."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from hallctl.adapters.database import Database, DatabaseUnusable
from hallctl.migrations import alembic_config


def require_hallctl_schema(database: Database) -> None:
    """Refuse a database that holds another application's tables or a schema revision hallctl never wrote.

    An empty database passes (``hallctl db upgrade`` makes it a hall's), and so does a hallctl database at
    an older revision (:func:`hallctl.migrations.require_current` names the upgrade).

    Raises:
        DatabaseUnusable: the database is foreign or at an unknown revision.
    """
    engine = database.write_engine
    tables = inspect(engine).get_table_names()
    if "alembic_version" not in tables:
        if tables:
            shown = ", ".join(sorted(tables)[:3]) + (", …" if len(tables) > 3 else "")
            raise DatabaseUnusable(
                f"{database.where} holds another application's tables ({shown}) and no hallctl schema: point "
                "[hall] database at a hallctl database / 这不是本系统的数据库"
            )
        return
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseUnusable(
            f"{database.where} is at schema {current!r}, which this hallctl does not know (written by a newer "
            "hallctl or another application) / 数据库版本未知"
        )
