"""The migrations build exactly the schema of the models (node and gateway tables), on SQLite and
PostgreSQL; running them again changes nothing; they can be undone and redone."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import pytest_asyncio
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gateway.store import make_engine
from national_node.db import alembic_config, current_revision, schema_metadata, upgrade_database

pytestmark = pytest.mark.asyncio


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest_asyncio.fixture
async def engine(
    database_kind: str, tmp_path: Path, postgres_url: str
) -> AsyncIterator[AsyncEngine]:
    """An empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if database_kind == "sqlite":
        engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'node.db'}")
        yield engine
        await engine.dispose()
        return
    schema = f"migrations_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    engine = create_async_engine(
        postgres_url.replace("postgresql://", "postgresql+psycopg://", 1),
        connect_args={"options": f"-csearch_path={schema}"},
    )
    yield engine
    await engine.dispose()
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, schema_metadata()))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_the_migrations_build_exactly_the_models_schema(engine: AsyncEngine) -> None:
    assert await current_revision(engine) is None
    await upgrade_database(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
        tables = await connection.run_sync(_tables)
    assert tables == set(schema_metadata().tables) | {"alembic_version"}
    assert {"node_case", "node_user", "gateway_outbox", "gateway_inbox"} <= tables
    assert await current_revision(engine) == _head()


async def test_upgrading_again_changes_nothing_and_keeps_the_data(engine: AsyncEngine) -> None:
    await upgrade_database(engine)
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO node_event (at, kind, detail) VALUES (1, 'kept', 'across upgrades')")
        )
    await upgrade_database(engine)
    await upgrade_database(engine)
    async with engine.connect() as connection:
        kinds = (await connection.execute(text("SELECT kind FROM node_event"))).scalars().all()
        assert await connection.run_sync(_differences) == []
    assert kinds == ["kept"]
    assert await current_revision(engine) == _head()


def _downgrade_to_base(connection: Connection) -> None:
    from alembic import command

    command.downgrade(alembic_config(connection), "base")


async def test_the_migrations_undo_and_redo(engine: AsyncEngine) -> None:
    await upgrade_database(engine)
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade_to_base)
    async with engine.connect() as connection:
        assert await connection.run_sync(_tables) == {"alembic_version"}
    await upgrade_database(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_a_database_url_is_migrated_and_its_engine_released(tmp_path: Path) -> None:
    path = tmp_path / "by-url.db"
    await upgrade_database(f"sqlite+aiosqlite:///{path}")
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        assert await current_revision(engine) == _head()
    finally:
        await engine.dispose()
