"""An append-only RFC 9162 Merkle tree that stays fast at millions of leaves.

The tree keeps the hash of every *complete* subtree, like the hash tiles of a tlog-tiles log:
node ``(level, index)`` is the MTH of leaves ``[index * 2**level, (index + 1) * 2**level)`` and
is stored once all those leaves exist, never changed after. Any MTH the RFC asks for, for any
tree size up to the current one, is a fold of at most ``log2(n)`` such nodes, so:

- appending writes the leaf and the ``O(1)`` amortised nodes it completes (at most ``log2(n)``),
  reading nothing: the tree keeps its right edge (the complete subtrees of the current size)
  in memory;
- the root at any size, an inclusion proof and a consistency proof each read ``O(log n)``
  stored nodes, all in one :meth:`HashStore.read` call.

The nodes live behind :class:`HashStore`, a protocol of three methods, so that the node can
keep them in its database (one row per node, written in the transaction that records the log
entries); :class:`MemoryHashStore` keeps them in memory, one byte string per level.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

from crypto.transparency.errors import LogTreeError
from crypto.transparency.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    MAX_SIZE,
    Range,
    consistency_ranges,
    inclusion_ranges,
)

NodeId = tuple[int, int]
"""``(level, index)``: the complete subtree of leaves ``[index << level, (index + 1) << level)``."""


class HashStore(Protocol):
    """Where a :class:`LogTree` keeps the hashes of its complete subtrees.

    A store only ever grows: a node, once written, never changes. Writes come in the order the
    tree completes the nodes; a store that persists them must make each :meth:`write` atomic
    (all of the batch or none), so that :meth:`size` always matches the nodes stored.
    """

    def size(self) -> int:
        """The number of leaves: of level-0 nodes stored."""
        ...

    def read(self, ids: Sequence[NodeId]) -> list[bytes]:
        """The hashes of these nodes, in the order asked; every one of them is stored."""
        ...

    def write(self, nodes: Sequence[tuple[NodeId, bytes]]) -> None:
        """Store newly complete nodes (one append, or a batch of appends)."""
        ...


class MemoryHashStore:
    """A :class:`HashStore` in memory: one ``bytearray`` of concatenated hashes per level
    (about 64 bytes per leaf in all)."""

    def __init__(self) -> None:
        self._levels: list[bytearray] = []

    def size(self) -> int:
        return len(self._levels[0]) // HASH_SIZE if self._levels else 0

    def read(self, ids: Sequence[NodeId]) -> list[bytes]:
        hashes = []
        for level, index in ids:
            start = index * HASH_SIZE
            if level >= len(self._levels) or start + HASH_SIZE > len(self._levels[level]):
                raise LogTreeError(f"node ({level}, {index}) is not stored")
            hashes.append(bytes(self._levels[level][start : start + HASH_SIZE]))
        return hashes

    def write(self, nodes: Sequence[tuple[NodeId, bytes]]) -> None:
        levels = self._levels
        for done, ((level, index), value) in enumerate(nodes):
            if len(value) == HASH_SIZE:
                if level < len(levels) and index * HASH_SIZE == len(levels[level]):
                    levels[level] += value
                    continue
                if level == len(levels) and index == 0:
                    levels.append(bytearray(value))
                    continue
            for (undo, _), _ in reversed(nodes[:done]):  # all of the batch or none
                del levels[undo][-HASH_SIZE:]
                if not levels[undo]:
                    levels.pop()
            raise LogTreeError(f"node ({level}, {index}) written out of order or not 32 bytes")


def _range_nodes(start: int, end: int) -> list[NodeId]:
    """The complete subtrees that make up leaves ``[start, end)``, left to right.

    For a range of a proof (an RFC 9162 subtree: ``start`` aligned to the largest power of two
    not above ``end - start``), they decrease in size, and the range's MTH folds them from the
    right: ``H(n1, H(n2, ... H(n_last-1, n_last)))``.
    """
    nodes = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def _fold(hashes: Sequence[bytes]) -> bytes:
    """MTH of consecutive complete subtrees of decreasing size: fold from the right."""
    result = hashes[-1]
    for value in reversed(hashes[:-1]):
        result = hashlib.sha256(b"\x01" + value + result).digest()
    return result


class LogTree:
    """An append-only Merkle tree of leaf hashes (RFC 9162), over a :class:`HashStore`.

    ``LogTree()`` starts empty in memory; ``LogTree(store)`` reopens the tree a store holds (it
    reads the right edge: ``O(log n)`` nodes). Entries are leaf-hashed (``H(0x00 || entry)``)
    by :meth:`append`/:meth:`extend`; :meth:`append_leaf_hash`/:meth:`extend_leaf_hashes`
    take leaf hashes already computed (when rebuilding from stored entries, for example).
    """

    def __init__(self, store: HashStore | None = None) -> None:
        self._store: HashStore = store if store is not None else MemoryHashStore()
        self._size = 0
        # The right edge: _edge[level] is the hash of the complete subtree of that level in
        # the decomposition of the current size (meaningful where the size has that bit set).
        self._edge: list[bytes] = []
        self._load_edge(self._store.size())

    def _load_edge(self, size: int) -> None:
        """Read the right edge of the tree of ``size`` leaves from the store."""
        if size > MAX_SIZE:
            raise LogTreeError(f"the store holds {size} leaves, more than 2**64 - 1")
        self._size = size
        self._edge = [EMPTY_ROOT] * size.bit_length()
        ids = [(level, (size >> level) - 1) for level in self._levels_of(size)]
        if ids:
            for (level, _), value in zip(ids, self._store.read(ids), strict=True):
                self._edge[level] = value

    @classmethod
    def from_leaf_hashes(
        cls, leaf_hashes: Iterable[bytes], store: HashStore | None = None
    ) -> LogTree:
        """Rebuild the tree of these leaf hashes into an empty store."""
        tree = cls(store)
        if tree.size:
            raise LogTreeError(f"the store already holds {tree.size} leaves")
        tree.extend_leaf_hashes(leaf_hashes)
        return tree

    @property
    def size(self) -> int:
        """The number of leaves."""
        return self._size

    @staticmethod
    def _levels_of(size: int) -> list[int]:
        return [level for level in range(size.bit_length()) if size >> level & 1]

    def append_leaf_hash(self, leaf_hash: bytes) -> int:
        """Append one leaf hash; returns its index."""
        return self.extend_leaf_hashes((leaf_hash,))

    def append(self, entry: bytes) -> int:
        """Append one entry (leaf-hashed here); returns its index."""
        return self.extend_leaf_hashes((hashlib.sha256(b"\x00" + entry).digest(),))

    def extend(self, entries: Iterable[bytes]) -> int:
        """Append entries (leaf-hashed here) in one store write; returns the index of the
        first. If anything fails, nothing is appended."""
        sha256 = hashlib.sha256
        return self.extend_leaf_hashes(sha256(b"\x00" + entry).digest() for entry in entries)

    def extend_leaf_hashes(self, leaf_hashes: Iterable[bytes]) -> int:
        """Append leaf hashes in one store write; returns the index of the first. If anything
        fails (a hash of the wrong length, the store), nothing is appended."""
        first = size = self._size
        edge = self._edge
        nodes: list[tuple[NodeId, bytes]] = []
        add = nodes.append
        sha256 = hashlib.sha256
        try:
            for value in leaf_hashes:
                if len(value) != HASH_SIZE:
                    raise LogTreeError(f"a leaf hash is {HASH_SIZE} bytes, not {len(value)}")
                if size == MAX_SIZE:
                    raise LogTreeError("the tree would exceed 2**64 - 1 leaves")
                add(((0, size), value))
                # Each trailing 1 bit of the size is a complete subtree on the right edge that
                # the new leaf's subtree now completes into one twice as large.
                level = 0
                while size >> level & 1:
                    value = sha256(b"\x01" + edge[level] + value).digest()
                    level += 1
                    add(((level, size >> level), value))
                if level == len(edge):
                    edge.append(value)
                else:
                    edge[level] = value
                size += 1
            self._store.write(nodes)
        except BaseException:
            self._load_edge(first)  # forget the batch: it was not written
            raise
        self._size = size
        return first

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        if not 0 <= size <= self._size:
            raise LogTreeError(f"size {size} is beyond the tree's {self._size} leaves")
        return size

    def _hashes(self, ranges: Sequence[Range]) -> list[bytes]:
        """The MTH of each range, reading all the nodes they need in one store call."""
        if not ranges:
            return []
        plans = [_range_nodes(start, end) for start, end in ranges]
        values = self._store.read([node for plan in plans for node in plan])
        hashes = []
        offset = 0
        for plan in plans:
            hashes.append(_fold(values[offset : offset + len(plan)]))
            offset += len(plan)
        return hashes

    def root(self, size: int | None = None) -> bytes:
        """The root (MTH) of the tree's first ``size`` leaves (default: all of them)."""
        size = self._check_size(size)
        if size == 0:
            return EMPTY_ROOT
        if size == self._size:
            return _fold([self._edge[level] for level in reversed(self._levels_of(size))])
        return self._hashes([(0, size)])[0]

    def leaf_hash(self, index: int) -> bytes:
        """The leaf hash at ``index``."""
        if not 0 <= index < self._size:
            raise LogTreeError(f"no leaf {index} in a tree of size {self._size}")
        return self._store.read([(0, index)])[0]

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """``PATH(index, D[size])``: the inclusion proof of leaf ``index`` in the tree of its
        first ``size`` leaves (default: all of them)."""
        size = self._check_size(size)
        if not 0 <= index < size:
            raise LogTreeError(f"no leaf {index} in a tree of size {size}")
        return self._hashes(inclusion_ranges(index, size))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """``PROOF(old_size, D[new_size])``: the consistency proof from the tree of the first
        ``old_size`` leaves to that of the first ``new_size`` (default: all of them)."""
        new_size = self._check_size(new_size)
        if not 0 <= old_size <= new_size:
            raise LogTreeError(f"no consistency proof from size {old_size} to {new_size}")
        return self._hashes(consistency_ranges(old_size, new_size))
