"""LogTree: append-only, roots and proofs at every past size, O(log n) store reads, reopening
from a store, and batches that fail without leaving anything behind."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

from crypto.transparency.errors import LogTreeError
from crypto.transparency.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from crypto.transparency.tree import HashStore, LogTree, MemoryHashStore, NodeId

LEAF_7 = leaf_hash(b"entry 7")


def entries(start: int, stop: int) -> list[bytes]:
    return [b"entry %d" % i for i in range(start, stop)]


class CountingStore:
    """A MemoryHashStore that counts its calls and the nodes it reads."""

    def __init__(self) -> None:
        self.inner = MemoryHashStore()
        self.read_calls = 0
        self.nodes_read: list[NodeId] = []
        self.write_calls = 0

    def size(self) -> int:
        return self.inner.size()

    def read(self, ids: Sequence[NodeId]) -> list[bytes]:
        self.read_calls += 1
        self.nodes_read.extend(ids)
        return self.inner.read(ids)

    def write(self, nodes: Sequence[tuple[NodeId, bytes]]) -> None:
        self.write_calls += 1
        self.inner.write(nodes)


class FailingStore(CountingStore):
    """Fails the next write, as a database whose transaction is rolled back."""

    fail = False

    def write(self, nodes: Sequence[tuple[NodeId, bytes]]) -> None:
        if self.fail:
            self.fail = False
            raise OSError("disk full")
        super().write(nodes)


def test_the_store_protocol_is_met_by_both_stores() -> None:
    stores: list[HashStore] = [MemoryHashStore(), CountingStore()]
    assert all(store.size() == 0 for store in stores)


def test_an_empty_tree() -> None:
    tree = LogTree()
    assert tree.size == 0
    assert tree.root() == EMPTY_ROOT
    assert tree.root(0) == EMPTY_ROOT
    assert tree.consistency_proof(0) == []
    with pytest.raises(LogTreeError, match="no leaf 0 in a tree of size 0"):
        tree.inclusion_proof(0)


def test_appends_return_indexes_and_the_tree_matches_the_list_functions() -> None:
    tree = LogTree()
    values = entries(0, 100)
    assert [tree.append(v) for v in values[:10]] == list(range(10))
    assert tree.extend(values[10:60]) == 10
    assert tree.append_leaf_hash(leaf_hash(values[60])) == 60
    assert tree.extend_leaf_hashes(leaf_hash(v) for v in values[61:]) == 61
    hashes = [leaf_hash(v) for v in values]
    assert tree.size == 100
    assert [tree.leaf_hash(i) for i in range(100)] == hashes
    for size in range(101):
        assert tree.root(size) == root_hash(hashes[:size])
        for index in range(0, size, 7):
            assert tree.inclusion_proof(index, size) == inclusion_proof(hashes[:size], index)
        for old in range(0, size + 1, 5):
            assert tree.consistency_proof(old, size) == consistency_proof(hashes[:size], old)


def test_every_proof_of_every_size_verifies() -> None:
    tree = LogTree()
    for size in range(1, 65):
        tree.append(b"%d" % size)
        root = tree.root()
        for index in range(size):
            verify_inclusion(tree.leaf_hash(index), index, size, tree.inclusion_proof(index), root)
        for old in range(size + 1):
            verify_consistency(old, size, tree.consistency_proof(old), tree.root(old), root)


def test_a_tree_reopened_from_its_store_continues() -> None:
    store = MemoryHashStore()
    first = LogTree(store)
    first.extend(entries(0, 1000))
    reopened = LogTree(store)
    assert reopened.size == 1000
    assert reopened.root() == first.root()
    reopened.extend(entries(1000, 1500))
    assert (
        reopened.root() == LogTree.from_leaf_hashes(leaf_hash(e) for e in entries(0, 1500)).root()
    )
    assert reopened.consistency_proof(1000) == LogTree(store).consistency_proof(1000)


def test_rebuilding_from_leaf_hashes_refuses_a_store_in_use() -> None:
    store = MemoryHashStore()
    LogTree(store).append(b"x")
    with pytest.raises(LogTreeError, match="already holds 1 leaves"):
        LogTree.from_leaf_hashes([leaf_hash(b"y")], store)


def test_reads_are_logarithmic_and_one_call_per_question() -> None:
    store = CountingStore()
    tree = LogTree(store)
    size = 100_003
    tree.extend(entries(0, size))
    assert store.read_calls == 0  # appending never reads
    assert store.write_calls == 1  # one batch, one write
    bound = 2 * math.ceil(math.log2(size)) + 2
    for index in (0, 1, 4097, 65_535, 99_999, size - 1):
        store.read_calls, store.nodes_read = 0, []
        tree.inclusion_proof(index)
        assert store.read_calls == 1
        assert len(store.nodes_read) <= bound
    for old in (1, 2, 3, 1000, 65_536, 99_000, size - 1):
        store.read_calls, store.nodes_read = 0, []
        tree.consistency_proof(old)
        assert store.read_calls == 1
        assert len(store.nodes_read) <= bound
    store.read_calls, store.nodes_read = 0, []
    tree.root(77_777)
    assert store.read_calls == 1
    assert len(store.nodes_read) == bin(77_777).count("1")
    store.read_calls = 0
    tree.root()  # the current root comes from the right edge kept in memory
    assert store.read_calls == 0


# The nodes of some proofs, from transparency-dev/merkle proof/proof_test.go (TestInclusion,
# TestConsistency): compact.NewNodeID(level, index). Nodes that the Go code lists to be rehashed
# into one ephemeral node are the same nodes here, folded the same way.
GO_INCLUSION_NODES = {
    (7, 0): {(0, 1), (1, 1), (0, 6), (1, 2)},
    (7, 4): {(0, 5), (0, 6), (2, 0)},
    (7, 6): {(1, 2), (2, 0)},
    (5, 3): {(0, 2), (1, 0), (0, 4)},
    (6, 4): {(0, 5), (2, 0)},
    (15, 10): {(0, 11), (1, 4), (0, 14), (1, 6), (3, 0)},
    (31, 24): {(0, 25), (1, 13), (0, 30), (1, 14), (3, 2), (4, 0)},
    (95, 81): {(0, 80), (1, 41), (2, 21), (0, 94), (1, 46), (2, 22), (4, 4), (6, 0)},
}
GO_CONSISTENCY_NODES = {
    (1, 6): {(0, 1), (1, 1), (1, 2)},
    (2, 8): {(1, 1), (2, 1)},
    (3, 7): {(0, 2), (0, 3), (1, 0), (0, 6), (1, 2)},
    (4, 7): {(0, 6), (1, 2)},
    (5, 7): {(0, 4), (0, 5), (0, 6), (2, 0)},
    (7, 8): {(0, 6), (0, 7), (1, 2), (2, 0)},
    (10, 15): {(1, 4), (1, 5), (0, 14), (1, 6), (3, 0)},
    (24, 31): {(3, 2), (0, 30), (1, 14), (2, 6), (4, 0)},
    (81, 95): {(0, 80), (0, 81), (1, 41), (2, 21), (0, 94), (1, 46), (2, 22), (4, 4), (6, 0)},
}


def test_proofs_read_the_nodes_the_go_reference_reads() -> None:
    store = CountingStore()
    tree = LogTree(store)
    tree.extend(entries(0, 100))
    for (size, index), nodes in GO_INCLUSION_NODES.items():
        store.nodes_read = []
        tree.inclusion_proof(index, size)
        assert set(store.nodes_read) == nodes, (size, index)
    for (old, new), nodes in GO_CONSISTENCY_NODES.items():
        store.nodes_read = []
        tree.consistency_proof(old, new)
        assert set(store.nodes_read) == nodes, (old, new)


def test_questions_beyond_the_tree_are_refused() -> None:
    tree = LogTree()
    tree.extend(entries(0, 10))
    with pytest.raises(LogTreeError, match="size 11 is beyond the tree's 10 leaves"):
        tree.root(11)
    with pytest.raises(LogTreeError, match="no leaf 10 in a tree of size 10"):
        tree.inclusion_proof(10)
    with pytest.raises(LogTreeError, match="no leaf 5 in a tree of size 5"):
        tree.inclusion_proof(5, 5)
    with pytest.raises(LogTreeError, match="no consistency proof from size 6 to 5"):
        tree.consistency_proof(6, 5)
    with pytest.raises(LogTreeError, match="beyond"):
        tree.consistency_proof(3, 11)
    with pytest.raises(LogTreeError, match="no leaf -1"):
        tree.leaf_hash(-1)
    with pytest.raises(LogTreeError, match="a leaf hash is 32 bytes, not 31"):
        tree.append_leaf_hash(b"\0" * 31)


def test_a_batch_with_a_bad_leaf_hash_leaves_nothing_behind() -> None:
    tree = LogTree()
    tree.extend(entries(0, 5))
    before = tree.root()
    with pytest.raises(LogTreeError, match="not 33"):
        tree.extend_leaf_hashes([leaf_hash(b"a"), leaf_hash(b"b"), b"\0" * 33])
    assert (tree.size, tree.root()) == (5, before)
    tree.append(b"entry 5")
    assert tree.root() == root_hash([leaf_hash(e) for e in entries(0, 6)])


def test_a_failed_store_write_leaves_the_tree_as_it_was() -> None:
    store = FailingStore()
    tree = LogTree(store)
    tree.extend(entries(0, 7))
    before = tree.root()
    store.fail = True
    with pytest.raises(OSError, match="disk full"):
        tree.extend(entries(7, 20))
    assert (tree.size, tree.root(), store.size()) == (7, before, 7)
    for append in (lambda: tree.append(b"entry 7"), lambda: tree.append_leaf_hash(LEAF_7)):
        store.fail = True
        with pytest.raises(OSError, match="disk full"):
            append()
        assert (tree.size, tree.root(), store.size()) == (7, before, 7)
    tree.extend(entries(7, 20))
    assert tree.root() == root_hash([leaf_hash(e) for e in entries(0, 20)])


def test_the_memory_store_refuses_gaps_and_unknown_nodes_and_writes_all_or_nothing() -> None:
    store = MemoryHashStore()
    store.write([((0, 0), b"\1" * 32)])
    with pytest.raises(LogTreeError, match="written out of order"):
        store.write([((0, 2), b"\2" * 32)])
    with pytest.raises(LogTreeError, match="written out of order"):
        store.write([((2, 0), b"\2" * 32)])
    with pytest.raises(LogTreeError, match="not 32 bytes"):
        store.write([((0, 1), b"\2" * 31)])
    with pytest.raises(LogTreeError, match=r"node \(0, 3\) written out of order"):
        store.write([((0, 1), b"\2" * 32), ((1, 0), b"\3" * 32), ((0, 3), b"\4" * 32)])
    assert store.size() == 1
    store.write([((0, 1), b"\2" * 32), ((1, 0), b"\3" * 32)])
    assert store.read([(0, 1), (1, 0)]) == [b"\2" * 32, b"\3" * 32]
    with pytest.raises(LogTreeError, match=r"node \(0, 2\) is not stored"):
        store.read([(0, 2)])
    with pytest.raises(LogTreeError, match=r"node \(3, 0\) is not stored"):
        store.read([(3, 0)])
