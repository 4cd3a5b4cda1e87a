"""Alembic migrations create exactly the tables the ORM maps; an unmigrated database is refused clearly."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from hallctl.adapters.orm import metadata
from hallctl.bootstrap import bootstrap
from hallctl.config import parse_config
from hallctl.migrations import NotMigrated, head, upgrade
from tests.conftest import hall_toml


def test_upgrade_creates_a_schema_that_matches_the_orm(tmp_path):
    url = f"sqlite:///{tmp_path}/sub/hall.db"
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == head()
        assert compare_metadata(context, metadata) == []
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_upgrade_twice_is_harmless(tmp_path):
    url = f"sqlite:///{tmp_path}/hall.db"
    upgrade(url)
    upgrade(url)


def test_an_unmigrated_database_is_refused_with_the_command_to_run(tmp_path):
    config = parse_config(hall_toml(f"sqlite:///{tmp_path}/empty.db"))
    with pytest.raises(NotMigrated, match="hallctl db upgrade"):
        bootstrap(config)


def test_the_migrations_match_the_orm_on_postgresql_too(postgres):
    name = postgres.create_database()
    try:
        upgrade(postgres.url(name))
        engine = create_engine(postgres.url(name))
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert context.get_current_revision() == head()
            assert compare_metadata(context, metadata) == []
        engine.dispose()
    finally:
        postgres.drop_database(name)
