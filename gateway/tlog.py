"""The node's transparency log in its database: RFC 9162 entries, tree nodes and head.

Three tables, written in the caller's transaction (so a log entry exists exactly when the
change it records was committed, and a rolled-back transaction leaves no trace):

- ``tlog_entry``: one row per leaf; ``data`` is the leaf's bytes (the canonical JSON of
  :func:`encode_entry`: hashes and metadata, never personal data in clear), ``kind`` and ``at``
  copied out of it for filtering;
- ``tlog_node``: the hashes of the tree's complete subtrees (``(level, node_index)``, level 0 =
  leaf hashes), the :class:`~crypto.transparency.tree.HashStore` of a
  :class:`~crypto.transparency.tree.LogTree`;
- ``tlog_head``: one row (``id`` = 1), the tree size and root; appending locks it first
  (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write lock already serialises writers), so
  leaf indexes are sequential without gaps whatever the number of concurrent writers;
- ``tlog_checkpoint``: the signed checkpoints this node issued (one per size), as published.

The tree code is synchronous; the database is not. :class:`SqlHashStore` is a synchronous
:class:`HashStore` over nodes read beforehand: every operation first runs once over a store that
records which nodes the tree asks for (it asks all of them in one ``read``), then those nodes are
fetched in one ``SELECT`` and the operation runs for real. Appending reads the ``O(log n)``
nodes of the right edge and writes the new nodes with one ``executemany``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    LargeBinary,
    and_,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import Field, SQLModel

from crypto.transparency import EMPTY_ROOT, HASH_SIZE, LogTree, LogTreeError
from crypto.transparency.tree import NodeId

T = TypeVar("T")

EntryValue = str | int | bool | None
"""What an entry's metadata holds: hashes (hex), codes, state codes, times, never content."""


class TlogEntry(SQLModel, table=True):
    """One leaf of the log."""

    __tablename__ = "tlog_entry"

    leaf_index: int = Field(
        sa_column=Column(BigInteger, primary_key=True, autoincrement=False, nullable=False)
    )
    kind: str = Field(index=True)
    at: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    """The leaf's bytes: its leaf hash is ``SHA-256(0x00 || data)``."""


class TlogNode(SQLModel, table=True):
    """The hash of a complete subtree: the leaves from ``node_index << level`` to
    ``(node_index + 1) << level`` (excluded)."""

    __tablename__ = "tlog_node"

    level: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    node_index: int = Field(
        sa_column=Column(BigInteger, primary_key=True, autoincrement=False, nullable=False)
    )
    hash: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class TlogHead(SQLModel, table=True):
    """The log's size and root: one row, locked by every append."""

    __tablename__ = "tlog_head"

    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    root: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class TlogCheckpoint(SQLModel, table=True):
    """A signed checkpoint this node issued (the signed note as published)."""

    __tablename__ = "tlog_checkpoint"

    size: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    at: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


_ENTRY = TlogEntry.__table__  # type: ignore[attr-defined]
_NODE = TlogNode.__table__  # type: ignore[attr-defined]
_HEAD = TlogHead.__table__  # type: ignore[attr-defined]
_CHECKPOINT = TlogCheckpoint.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class LogEntry:
    """An event to log: its kind, its time (Unix seconds) and metadata (hashes, codes)."""

    kind: str
    at: int
    fields: Mapping[str, EntryValue]

    def encode(self) -> bytes:
        return encode_entry(self.kind, self.at, self.fields)


def encode_entry(kind: str, at: int, fields: Mapping[str, EntryValue]) -> bytes:
    """The canonical bytes of an entry: JSON, keys sorted, no spaces, ASCII only.

    ``kind`` and ``at`` are members like the others (``fields`` may not redefine them); values
    are strings, integers, booleans or null: hashes and metadata, never personal data in clear.
    """
    if not kind:
        raise ValueError("an entry has a kind")
    if "kind" in fields or "at" in fields:
        raise ValueError("'kind' and 'at' are the entry's own members")
    for name, value in fields.items():
        if value is not None and not isinstance(value, str | int):
            raise ValueError(f"entry member {name!r} is not a string, integer, boolean or null")
    document = {**fields, "kind": kind, "at": at}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def decode_entry(data: bytes) -> dict[str, Any]:
    """The members of an entry's canonical bytes."""
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError("an entry is a JSON object")
    return value


class _RecordingStore:
    """A store of ``size`` leaves that answers any read with zeros and remembers what was asked."""

    def __init__(self, size: int) -> None:
        self._size = size
        self.asked: list[NodeId] = []

    def size(self) -> int:
        return self._size

    def read(self, ids: Sequence[NodeId]) -> list[bytes]:
        self.asked.extend(ids)
        return [bytes(HASH_SIZE)] * len(ids)

    def write(self, nodes: Sequence[tuple[NodeId, bytes]]) -> None:
        pass


class SqlHashStore:
    """A :class:`~crypto.transparency.tree.HashStore` over nodes read from the database
    beforehand; writes are kept in :attr:`written` for the caller to insert.

    A read of a node that was not fetched (or is missing from the database) raises
    :class:`LogTreeError`.
    """

    def __init__(self, size: int, nodes: Mapping[NodeId, bytes]) -> None:
        self._size = size
        self._nodes = dict(nodes)
        self.written: list[tuple[NodeId, bytes]] = []

    def size(self) -> int:
        return self._size

    def read(self, ids: Sequence[NodeId]) -> list[bytes]:
        hashes = []
        for node in ids:
            value = self._nodes.get(node)
            if value is None:
                raise LogTreeError(f"node {node} is not in the database")
            hashes.append(value)
        return hashes

    def write(self, nodes: Sequence[tuple[NodeId, bytes]]) -> None:
        self.written.extend(nodes)


async def _fetch_nodes(connection: AsyncConnection, ids: Sequence[NodeId]) -> dict[NodeId, bytes]:
    wanted = sorted(set(ids))
    found: dict[NodeId, bytes] = {}
    # One SELECT per few hundred nodes (a proof needs at most ~130): bounded parameter lists.
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        condition = or_(
            *(and_(_NODE.c.level == level, _NODE.c.node_index == index) for level, index in chunk)
        )
        rows = await connection.execute(
            select(_NODE.c.level, _NODE.c.node_index, _NODE.c.hash).where(condition)
        )
        for level, index, value in rows:
            found[(level, index)] = bytes(value)
    return found


async def _tree_at(connection: AsyncConnection, size: int, plan: Callable[[LogTree], T]) -> T:
    """Run ``plan`` on the tree of ``size`` leaves, after reading the nodes it needs."""
    recording = _RecordingStore(size)
    plan(LogTree(recording))
    nodes = await _fetch_nodes(connection, recording.asked)
    return plan(LogTree(SqlHashStore(size, nodes)))


def _insert_ignoring_conflict(connection: AsyncConnection) -> Any:
    values = {"id": 1, "size": 0, "root": EMPTY_ROOT}
    if connection.dialect.name == "postgresql":
        return postgresql.insert(_HEAD).values(values).on_conflict_do_nothing()
    return sqlite.insert(_HEAD).values(values).on_conflict_do_nothing()


async def _locked_head(connection: AsyncConnection) -> tuple[int, bytes]:
    """The head row, locked until the transaction ends (created at size 0 if absent)."""
    await connection.execute(_insert_ignoring_conflict(connection))
    row = (
        await connection.execute(
            select(_HEAD.c.size, _HEAD.c.root).where(_HEAD.c.id == 1).with_for_update()
        )
    ).one()
    return int(row.size), bytes(row.root)


async def append_entries(session: AsyncSession, entries: Sequence[LogEntry]) -> list[int]:
    """Append entries to the log in the session's transaction; returns their leaf indexes.

    The indexes follow the log's size without gaps: the head row is locked first, so concurrent
    appenders wait for each other's commit. If the transaction rolls back, nothing of these
    entries remains (entries, nodes, head).
    """
    if not entries:
        return []
    connection = await session.connection()
    size, _ = await _locked_head(connection)
    encoded = [entry.encode() for entry in entries]

    recording = _RecordingStore(size)
    LogTree(recording)  # which nodes of the right edge reopening the tree reads
    store = SqlHashStore(size, await _fetch_nodes(connection, recording.asked))
    tree = LogTree(store)
    first = tree.extend(encoded)
    root = tree.root()
    if first != size:  # pragma: no cover - the tree starts at the store's size
        raise LogTreeError(f"appended at {first}, the head says {size}")
    await connection.execute(
        insert(_ENTRY),
        [
            {"leaf_index": size + offset, "kind": entry.kind, "at": entry.at, "data": data}
            for offset, (entry, data) in enumerate(zip(entries, encoded, strict=True))
        ],
    )
    await connection.execute(
        insert(_NODE),
        [
            {"level": level, "node_index": index, "hash": value}
            for (level, index), value in store.written
        ],
    )
    new_size = size + len(entries)
    await connection.execute(update(_HEAD).where(_HEAD.c.id == 1).values(size=new_size, root=root))
    return list(range(size, new_size))


# --- reading -----------------------------------------------------------------------------------


async def log_size(connection: AsyncConnection) -> int:
    """The log's size (0 if nothing was ever appended)."""
    size = (await connection.execute(select(_HEAD.c.size).where(_HEAD.c.id == 1))).scalar()
    return int(size) if size is not None else 0


def _check_size(size: int, current: int) -> None:
    if not 0 <= size <= current:
        raise LogTreeError(f"size {size} is beyond the log's {current} entries")


async def root_at(connection: AsyncConnection, size: int | None = None) -> bytes:
    """The root of the log's first ``size`` entries (default: all of them)."""
    current = await log_size(connection)
    size = current if size is None else size
    _check_size(size, current)
    return await _tree_at(connection, size, lambda tree: tree.root())


async def inclusion_proof(
    connection: AsyncConnection, index: int, size: int | None = None
) -> list[bytes]:
    """``PATH(index, D[size])`` from the stored nodes."""
    current = await log_size(connection)
    size = current if size is None else size
    _check_size(size, current)
    return await _tree_at(connection, size, lambda tree: tree.inclusion_proof(index))


async def consistency_proof(
    connection: AsyncConnection, old_size: int, new_size: int | None = None
) -> list[bytes]:
    """``PROOF(old_size, D[new_size])`` from the stored nodes."""
    current = await log_size(connection)
    new_size = current if new_size is None else new_size
    _check_size(new_size, current)
    return await _tree_at(connection, new_size, lambda tree: tree.consistency_proof(old_size))


async def leaf_hashes(connection: AsyncConnection, start: int, stop: int) -> list[bytes]:
    """The stored leaf hashes (level-0 nodes) of leaves ``[start, stop)``, in order."""
    rows = await connection.execute(
        select(_NODE.c.node_index, _NODE.c.hash)
        .where(_NODE.c.level == 0, _NODE.c.node_index >= start, _NODE.c.node_index < stop)
        .order_by(_NODE.c.node_index)
    )
    found = {int(index): bytes(value) for index, value in rows}
    missing = [i for i in range(start, stop) if i not in found]
    if missing:
        raise LogTreeError(f"leaf hash {missing[0]} is not in the database")
    return [found[i] for i in range(start, stop)]


@dataclass(frozen=True)
class StoredEntry:
    """An entry as read back: its leaf index, kind, time and bytes."""

    index: int
    kind: str
    at: int
    data: bytes


async def read_entries(
    connection: AsyncConnection,
    *,
    start: int = 0,
    stop: int | None = None,
    kind: str | None = None,
    since: int | None = None,
    until: int | None = None,
) -> list[StoredEntry]:
    """Entries with leaf index in ``[start, stop)``, of ``kind``, with ``since <= at < until``,
    in leaf order."""
    query = select(_ENTRY.c.leaf_index, _ENTRY.c.kind, _ENTRY.c.at, _ENTRY.c.data).where(
        _ENTRY.c.leaf_index >= start
    )
    if stop is not None:
        query = query.where(_ENTRY.c.leaf_index < stop)
    if kind is not None:
        query = query.where(_ENTRY.c.kind == kind)
    if since is not None:
        query = query.where(_ENTRY.c.at >= since)
    if until is not None:
        query = query.where(_ENTRY.c.at < until)
    rows = await connection.execute(query.order_by(_ENTRY.c.leaf_index))
    return [StoredEntry(int(i), str(k), int(a), bytes(d)) for i, k, a, d in rows]


async def record_checkpoint(connection: AsyncConnection, size: int, at: int, note: bytes) -> bool:
    """Keep a signed checkpoint this node issued; False if one of that size is kept already."""
    existing = (
        await connection.execute(select(_CHECKPOINT.c.size).where(_CHECKPOINT.c.size == size))
    ).first()
    if existing is not None:
        return False
    await connection.execute(insert(_CHECKPOINT).values(size=size, at=at, note=note))
    return True


async def checkpoints(connection: AsyncConnection) -> list[bytes]:
    """The signed checkpoints this node issued, by size."""
    rows = await connection.execute(select(_CHECKPOINT.c.note).order_by(_CHECKPOINT.c.size))
    return [bytes(note) for (note,) in rows]
