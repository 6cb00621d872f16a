"""Databases for gateway nodes under test: SQLite files, or a PostgreSQL schema per node."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import psycopg
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gateway.service import create_tables
from gateway.store import make_engine


@asynccontextmanager
async def sqlite_engine(directory: Path, name: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite+aiosqlite:///{directory / name}.db")
    await create_tables(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@asynccontextmanager
async def postgres_engine(url: str, name: str) -> AsyncIterator[AsyncEngine]:
    schema = f"gw_{name.lower()}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    engine = create_async_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        connect_args={"options": f"-csearch_path={schema}"},
    )
    await create_tables(engine)
    try:
        yield engine
    finally:
        await engine.dispose()
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
