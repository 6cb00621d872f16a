"""The node's database schema under Alembic: one migration history for the node's tables and the
gateway's (they share ``SQLModel.metadata`` and one database).

:func:`upgrade_database` brings a database to the newest revision (``puente node init`` and
``serve`` call it; running it again does nothing). The migration scripts live inside the package
(``national_node/migrations``) so that they ship with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from gateway.store import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def schema_metadata() -> MetaData:
    """Every table of a node's database. A module defining tables is imported here, so that
    migrations (and their test) see it."""
    import gateway.tlog  # noqa: F401 - registers the transparency log's tables
    import national_node.store  # noqa: F401 - registers the node's tables (the gateway's: above)

    return SQLModel.metadata


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration without an ini file; with ``connection``, migrations run on it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


async def upgrade_database(target: str | AsyncEngine) -> None:
    """Migrate the database at ``target`` (a URL or an engine) to the newest revision."""
    engine = make_engine(target) if isinstance(target, str) else target
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    finally:
        if isinstance(target, str):
            await engine.dispose()


def _current(connection: Connection) -> Any:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    async with engine.connect() as connection:
        revision: str | None = await connection.run_sync(_current)
    return revision
