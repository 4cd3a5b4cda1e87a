"""Alembic migrations create exactly the tables the ORM maps; an unmigrated database is refused clearly."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from hallctl.adapters.orm import metadata
from hallctl.bootstrap import bootstrap
from hallctl.config import parse_config
from hallctl.migrations import NotMigrated, head, upgrade
from hallctl.services.tickets import IssueTicket, issue_ticket
from hallctl.services.views import ticket_dto
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


def test_upgrade_twice_is_harmless(tmp_path, clock):
    """An operator who runs ``hallctl db upgrade`` again finds the schema at head and the tickets as they were."""
    url = f"sqlite:///{tmp_path}/hall.db"
    upgrade(url)
    config = parse_config(hall_toml(url))
    hall = bootstrap(config, clock=clock, synchronous_bus=True)
    issued = issue_ticket(hall, IssueTicket(service="SB"))
    hall.close()

    upgrade(url)

    assert current_revision(url) == head()
    hall = bootstrap(config, clock=clock, synchronous_bus=True)
    try:
        with hall.uow(write=False) as uow:
            stored = ticket_dto(uow.tickets.get(issued["id"]))
    finally:
        hall.close()
    assert stored == {key: issued[key] for key in stored}
    assert stored["number"] == "A001"


def current_revision(url: str) -> str | None:
    """The schema revision Alembic has recorded in the database at ``url``."""
    engine = create_engine(url)
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    return revision


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
