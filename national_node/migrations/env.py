"""Alembic's environment for a node's database.

Run from :func:`national_node.db.upgrade_database`, which passes a live connection in
``config.attributes["connection"]``; run from the ``alembic`` command line (with ``-x url=...``
or ``PUENTE_DATABASE_URL``), it opens an async engine itself (SQLite or PostgreSQL).
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import Connection

from gateway.store import make_engine
from national_node.db import schema_metadata

config = context.config
target_metadata = schema_metadata()


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite alters a table by copying it: "batch" mode does that for ALTER it lacks.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _migrate_url(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate)
    finally:
        await engine.dispose()


def _run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(
        "PUENTE_DATABASE_URL"
    )
    if not url:
        raise SystemExit("give the database: alembic -x url=... or PUENTE_DATABASE_URL")
    asyncio.run(_migrate_url(url))


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) mode is not supported: migrate a live database")
_run()
