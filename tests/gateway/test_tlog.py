"""The transparency log in the node's database (gateway/tlog.py), on SQLite and PostgreSQL:
appends in the caller's transaction, nothing left by a rollback, proofs that verify, and
sequential indexes without gaps under concurrent appenders."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from crypto.transparency import (
    LogTree,
    LogTreeError,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from gateway import tlog
from gateway.tlog import LogEntry, TlogEntry, TlogNode, append_entries
from tests.gateway.conftest_nodes import postgres_engine, sqlite_engine

pytestmark = pytest.mark.asyncio


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest_asyncio.fixture
async def engine(
    database_kind: str, tmp_path: Path, postgres_url: str
) -> AsyncIterator[AsyncEngine]:
    if database_kind == "sqlite":
        async with sqlite_engine(tmp_path, "tlog") as engine:
            yield engine
    else:
        async with postgres_engine(postgres_url, "tlog") as engine:
            yield engine


def event(i: int) -> LogEntry:
    return LogEntry("sent", 1_767_225_600 + i, {"envelope_sha256": f"{i:064x}", "peer": "PY"})


async def append(engine: AsyncEngine, entries: list[LogEntry]) -> list[int]:
    async with AsyncSession(engine) as session, session.begin():
        return await append_entries(session, entries)


async def test_entries_are_canonical_json_of_hashes_and_metadata() -> None:
    data = LogEntry("received-rejected", 7, {"reason": "expired", "peer": "AR"}).encode()
    assert data == b'{"at":7,"kind":"received-rejected","peer":"AR","reason":"expired"}'
    with pytest.raises(ValueError, match="kind"):
        LogEntry("sent", 1, {"kind": "other"}).encode()
    with pytest.raises(ValueError, match="not a string"):
        LogEntry("sent", 1, {"names": ["a"]}).encode()  # type: ignore[dict-item]


async def test_appends_in_transactions_match_the_tree_in_memory(engine: AsyncEngine) -> None:
    assert await append(engine, [event(0)]) == [0]
    assert await append(engine, [event(i) for i in range(1, 6)]) == [1, 2, 3, 4, 5]
    for i in range(6, 23):
        assert await append(engine, [event(i)]) == [i]
    memory = LogTree()
    memory.extend(event(i).encode() for i in range(23))
    async with engine.connect() as connection:
        assert await tlog.log_size(connection) == 23
        assert await tlog.root_at(connection) == memory.root()
        for size in (0, 1, 7, 8, 16, 22):
            assert await tlog.root_at(connection, size) == memory.root(size)
        rows = await tlog.read_entries(connection)
        hashes = await tlog.leaf_hashes(connection, 0, 23)
        sent = await tlog.read_entries(connection, start=3, stop=9, since=1_767_225_605)
    assert [row.index for row in rows] == list(range(23))
    assert [row.data for row in rows] == [event(i).encode() for i in range(23)]
    assert hashes == [leaf_hash(row.data) for row in rows]
    assert root_hash(hashes) == memory.root()
    assert [row.index for row in sent] == [5, 6, 7, 8]


async def test_a_rolled_back_transaction_leaves_no_trace(engine: AsyncEngine) -> None:
    await append(engine, [event(0), event(1), event(2)])
    async with engine.connect() as connection:
        root = await tlog.root_at(connection)
    async with AsyncSession(engine) as session, session.begin():
        assert await append_entries(session, [event(3), event(4)]) == [3, 4]
        await session.rollback()
    async with AsyncSession(engine) as session:  # closed without commit: rolled back
        await session.begin()
        assert await append_entries(session, [event(5)]) == [3]
    async with engine.connect() as connection:
        assert await tlog.log_size(connection) == 3
        assert await tlog.root_at(connection) == root
        entries = (await connection.execute(select(func.count()).select_from(TlogEntry))).scalar()
        nodes = (await connection.execute(select(func.count()).select_from(TlogNode))).scalar()
    assert entries == 3
    assert nodes == 3 + 1  # three leaves and the node of leaves 0-1
    assert await append(engine, [event(3)]) == [3]


async def test_proofs_from_the_database_verify(engine: AsyncEngine) -> None:
    await append(engine, [event(i) for i in range(37)])
    async with engine.connect() as connection:
        for size in (1, 2, 5, 16, 37):
            root = await tlog.root_at(connection, size)
            for index in {0, size // 2, size - 1}:
                proof = await tlog.inclusion_proof(connection, index, size)
                verify_inclusion(leaf_hash(event(index).encode()), index, size, proof, root)
        for old, new in ((1, 37), (4, 7), (8, 37), (13, 30), (37, 37), (0, 5)):
            proof = await tlog.consistency_proof(connection, old, new)
            verify_consistency(
                old,
                new,
                proof,
                await tlog.root_at(connection, old),
                await tlog.root_at(connection, new),
            )
        with pytest.raises(LogTreeError, match="beyond"):
            await tlog.inclusion_proof(connection, 0, 38)


async def test_concurrent_appenders_get_sequential_indexes_without_gaps(
    engine: AsyncEngine,
) -> None:
    writers, rounds = 8, 6

    async def writer(w: int) -> list[int]:
        got: list[int] = []
        for r in range(rounds):
            got += await append(engine, [event(1000 * w + r), event(1000 * w + r + 500)])
        return got

    results = await asyncio.gather(*(writer(w) for w in range(writers)))
    indexes = sorted(i for got in results for i in got)
    assert indexes == list(range(writers * rounds * 2))
    for got in results:  # each batch of two is contiguous
        assert all(got[k + 1] == got[k] + 1 for k in range(0, len(got), 2))
    async with engine.connect() as connection:
        rows = await tlog.read_entries(connection)
        root = await tlog.root_at(connection)
    assert root == root_hash([leaf_hash(row.data) for row in rows])
