"""Alembic environment: uses the connection handed over by hallctl.migrations.upgrade, or the URL."""

from alembic import context
from sqlalchemy import create_engine

from hallctl.adapters.orm import metadata

config = context.config


def run() -> None:
    """Run the migrations on the handed-over connection, else on an engine for ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("give Alembic a connection (hallctl.migrations.upgrade) or a sqlalchemy.url")
    engine = create_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
