"""RFC 9162 Merkle trees: the Certificate Transparency vectors, corrupted proofs, and properties
against a naive recursive implementation of MTH, PATH and PROOF written here from the RFC."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.transparency.errors import (
    ConsistencyProofError,
    InclusionProofError,
    ProofFailure,
)
from crypto.transparency.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    consistency_ranges,
    inclusion_proof,
    inclusion_ranges,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from crypto.transparency.proofs import ConsistencyProof, InclusionProof
from crypto.transparency.tree import LogTree

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "test-vectors" / "merkle"


def load(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


TREE = load("tree-roots.json")
LEAVES = [bytes.fromhex(x) for x in TREE["leaves"]]
LEAF_HASHES = [leaf_hash(x) for x in LEAVES]
ROOTS = {r["tree_size"]: bytes.fromhex(r["root"]) for r in TREE["roots"]}
INCLUSION = load("inclusion-proofs.json")["proofs"]
CONSISTENCY = load("consistency-proofs.json")["proofs"]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def hexes(values: Sequence[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


# --- the naive reference, straight from RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 -------------------


def ref_k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: Sequence[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = ref_k(n)
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = ref_k(n)
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = ref_k(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def ref_proof(m: int, d: Sequence[bytes]) -> list[bytes]:
    return ref_subproof(m, d, True)


def entries(n: int) -> list[bytes]:
    return [b"entry %d" % i for i in range(n)]


# --- the published vectors ---------------------------------------------------------------------


def test_the_rfc_6962_hashes() -> None:
    vectors = load("hashes.json")
    assert EMPTY_ROOT.hex() == vectors["empty_root"]
    for case in vectors["leaf_hashes"]:
        assert leaf_hash(bytes.fromhex(case["entry"])).hex() == case["leaf_hash"]
    for case in vectors["node_hashes"]:
        left, right = bytes.fromhex(case["left"]), bytes.fromhex(case["right"])
        assert node_hash(left, right).hex() == case["node_hash"]


def test_the_tree_hashes_of_the_8_reference_leaves_at_every_size() -> None:
    assert sorted(ROOTS) == list(range(9))
    tree = LogTree.from_leaf_hashes(LEAF_HASHES)
    for size, root in ROOTS.items():
        assert root_hash(LEAF_HASHES[:size]) == root
        assert ref_mth(LEAVES[:size]) == root
        assert tree.root(size) == root
        assert LogTree.from_leaf_hashes(LEAF_HASHES[:size]).root() == root


@pytest.mark.parametrize("case", INCLUSION, ids=lambda c: f"{c['leaf_index']}-of-{c['tree_size']}")
def test_the_inclusion_proof_vectors(case: dict[str, Any]) -> None:
    index, size, proof = case["leaf_index"], case["tree_size"], hexes(case["proof"])
    tree = LogTree.from_leaf_hashes(LEAF_HASHES)
    assert inclusion_proof(LEAF_HASHES[:size], index) == proof
    assert tree.inclusion_proof(index, size) == proof
    assert ref_path(index, LEAVES[:size]) == proof
    verify_inclusion(LEAF_HASHES[index], index, size, proof, ROOTS[size])


@pytest.mark.parametrize("case", CONSISTENCY, ids=lambda c: f"{c['old_size']}-to-{c['new_size']}")
def test_the_consistency_proof_vectors(case: dict[str, Any]) -> None:
    old, new, proof = case["old_size"], case["new_size"], hexes(case["proof"])
    tree = LogTree.from_leaf_hashes(LEAF_HASHES)
    assert consistency_proof(LEAF_HASHES[:new], old) == proof
    assert tree.consistency_proof(old, new) == proof
    if old != new:
        assert ref_proof(old, LEAVES[:new]) == proof
    verify_consistency(old, new, proof, ROOTS[old], ROOTS[new])


# --- corrupted proofs (the probes of transparency-dev/merkle's verify_test.go) -------------------


def corrupt_inclusion(
    index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes
) -> list[tuple[str, int, int, list[bytes], bytes, bytes]]:
    probes = [
        ("index - 1", index - 1, size, proof, root, leaf),
        ("index + 1", index + 1, size, proof, root, leaf),
        ("index ^ 2", index ^ 2, size, proof, root, leaf),
        ("size * 2", index, size * 2, proof, root, leaf),
        ("size // 2", index, size // 2, proof, root, leaf),
        ("wrong leaf", index, size, proof, root, b"WrongLeaf"),
        ("another leaf", index, size, proof, root, SOME_HASH),
        ("empty root", index, size, proof, EMPTY_ROOT, leaf),
        ("random root", index, size, proof, SOME_HASH, leaf),
        ("trailing garbage", index, size, [*proof, b""], root, leaf),
        ("trailing root", index, size, [*proof, root], root, leaf),
        ("preceding garbage", index, size, [b"", *proof], root, leaf),
        ("preceding root", index, size, [root, *proof], root, leaf),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        probes.append((f"proof[{i}] bit 3", index, size, flipped, root, leaf))
    if proof:
        probes.append(("removed element", index, size, proof[:-1], root, leaf))
    if len(proof) > 1:
        probes.append(
            ("inserted element", index, size, [proof[0], SOME_HASH, *proof[1:]], root, leaf)
        )
    return probes


@pytest.mark.parametrize("case", INCLUSION, ids=lambda c: f"{c['leaf_index']}-of-{c['tree_size']}")
def test_corrupted_inclusion_proofs_are_rejected(case: dict[str, Any]) -> None:
    index, size, proof = case["leaf_index"], case["tree_size"], hexes(case["proof"])
    probes = corrupt_inclusion(index, size, proof, ROOTS[size], LEAF_HASHES[index])
    for _desc, i, n, p, root, leaf in probes:
        with pytest.raises(InclusionProofError):
            verify_inclusion(leaf, i, n, p, root)


def corrupt_consistency(
    old: int, new: int, root1: bytes, root2: bytes, proof: list[bytes]
) -> list[tuple[str, int, int, bytes, bytes, list[bytes]]]:
    probes = [
        ("old - 1", old - 1, new, root1, root2, proof),
        ("old + 1", old + 1, new, root1, root2, proof),
        ("old ^ 2", old ^ 2, new, root1, root2, proof),
        ("new * 2", old, new * 2, root1, root2, proof),
        ("new // 2", old, new // 2, root1, root2, proof),
        ("wrong old root", old, new, SOME_HASH, root2, proof),
        ("wrong new root", old, new, root1, SOME_HASH, proof),
        ("short root", old, new, b"WrongRoot", root2, proof),
        ("swapped roots", old, new, root2, root1, proof),
        ("empty proof", old, new, root1, root2, []),
        ("trailing garbage", old, new, root1, root2, [*proof, b""]),
        ("trailing root1", old, new, root1, root2, [*proof, root1]),
        ("trailing root2", old, new, root1, root2, [*proof, root2]),
        ("preceding garbage", old, new, root1, root2, [b"", *proof]),
        ("preceding root1", old, new, root1, root2, [root1, *proof]),
        ("preceding root2", old, new, root1, root2, [root2, *proof]),
        ("preceding proof[0]", old, new, root1, root2, [proof[0], *proof]),
        ("truncated", old, new, root1, root2, proof[:-1]),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        probes.append((f"proof[{i}] bit 4", old, new, root1, root2, flipped))
    return probes


@pytest.mark.parametrize(
    "case",
    [c for c in CONSISTENCY if c["proof"]],
    ids=lambda c: f"{c['old_size']}-to-{c['new_size']}",
)
def test_corrupted_consistency_proofs_are_rejected(case: dict[str, Any]) -> None:
    old, new, proof = case["old_size"], case["new_size"], hexes(case["proof"])
    for _desc, a, b, r1, r2, p in corrupt_consistency(old, new, ROOTS[old], ROOTS[new], proof):
        with pytest.raises(ConsistencyProofError):
            verify_consistency(a, b, p, r1, r2)


# --- each failure is named -----------------------------------------------------------------------


def failure_of(call: Callable[[], None]) -> ProofFailure:
    with pytest.raises((InclusionProofError, ConsistencyProofError)) as caught:
        call()
    return caught.value.failure


def test_inclusion_failures_say_what_failed() -> None:
    proof = hexes(INCLUSION[1]["proof"])  # leaf 0 of 8
    leaf, root = LEAF_HASHES[0], ROOTS[8]
    assert failure_of(lambda: verify_inclusion(leaf, 8, 8, proof, root)) == "index-out-of-range"
    assert failure_of(lambda: verify_inclusion(leaf, 0, 0, [], EMPTY_ROOT)) == "index-out-of-range"
    assert failure_of(lambda: verify_inclusion(leaf, -1, 8, proof, root)) == "index-out-of-range"
    assert failure_of(lambda: verify_inclusion(leaf, 0, 8, proof[:2], root)) == "proof-length"
    assert failure_of(lambda: verify_inclusion(leaf, 0, 8, [*proof, root], root)) == "proof-length"
    assert failure_of(lambda: verify_inclusion(leaf[:31], 0, 8, proof, root)) == "hash-length"
    assert failure_of(lambda: verify_inclusion(leaf, 0, 8, proof, root + b"\0")) == "hash-length"
    assert failure_of(lambda: verify_inclusion(leaf, 0, 8, [b"", *proof[1:]], root)) == (
        "hash-length"
    )
    assert failure_of(lambda: verify_inclusion(leaf, 0, 8, proof, SOME_HASH)) == "root-mismatch"
    assert failure_of(lambda: verify_inclusion(LEAF_HASHES[1], 0, 8, proof, root)) == (
        "root-mismatch"
    )
    with pytest.raises(InclusionProofError, match="leaf 8 in a tree of size 8"):
        verify_inclusion(leaf, 8, 8, proof, root)


def test_consistency_failures_say_what_failed() -> None:
    proof = hexes(CONSISTENCY[2]["proof"])  # 6 to 8
    r6, r8 = ROOTS[6], ROOTS[8]
    assert failure_of(lambda: verify_consistency(8, 6, proof, r8, r6)) == "size-order"
    assert failure_of(lambda: verify_consistency(6, 8, proof[:2], r6, r8)) == "proof-length"
    assert failure_of(lambda: verify_consistency(6, 8, [], r6, r8)) == "proof-length"
    assert failure_of(lambda: verify_consistency(6, 8, proof, r6[:5], r8)) == "hash-length"
    assert failure_of(lambda: verify_consistency(6, 8, proof, SOME_HASH, r8)) == (
        "old-root-mismatch"
    )
    assert failure_of(lambda: verify_consistency(6, 8, proof, r6, SOME_HASH)) == (
        "new-root-mismatch"
    )
    # Equal sizes: no proof, the same root.
    verify_consistency(6, 6, [], r6, r6)
    assert failure_of(lambda: verify_consistency(6, 6, [], r6, r8)) == "new-root-mismatch"
    assert failure_of(lambda: verify_consistency(6, 6, [r6], r6, r6)) == "proof-length"
    # From the empty tree: no proof, and the old root is the empty tree's.
    verify_consistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)
    verify_consistency(0, 8, [], EMPTY_ROOT, r8)
    assert failure_of(lambda: verify_consistency(0, 0, [], EMPTY_ROOT, r8)) == ("new-root-mismatch")
    assert failure_of(lambda: verify_consistency(0, 8, [], r6, r8)) == "old-root-mismatch"
    assert failure_of(lambda: verify_consistency(0, 8, [EMPTY_ROOT], EMPTY_ROOT, r8)) == (
        "proof-length"
    )


def test_root_from_an_inclusion_proof() -> None:
    case = INCLUSION[2]  # leaf 5 of 8
    proof = hexes(case["proof"])
    assert root_from_inclusion_proof(LEAF_HASHES[5], 5, 8, proof) == ROOTS[8]


def test_proof_ranges_reject_impossible_requests() -> None:
    with pytest.raises(ValueError, match="no leaf"):
        inclusion_ranges(3, 3)
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_ranges(4, 3)
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(LEAF_HASHES, -1)
    assert consistency_ranges(0, 5) == []
    assert consistency_ranges(5, 5) == []
    assert inclusion_ranges(0, 1) == []


# --- properties against the reference ------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=300), st.data())
def test_tree_hash_and_proofs_match_the_rfc_definitions(size: int, data: st.DataObject) -> None:
    d = entries(size)
    hashes = [leaf_hash(x) for x in d]
    tree = LogTree.from_leaf_hashes(hashes)
    root = ref_mth(d)
    assert root_hash(hashes) == root
    assert tree.root() == root
    if size == 0:
        return
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    path = ref_path(index, d)
    assert inclusion_proof(hashes, index) == path
    assert tree.inclusion_proof(index) == path
    verify_inclusion(hashes[index], index, size, path, root)
    old = data.draw(st.integers(min_value=1, max_value=size), label="old size")
    proof = ref_proof(old, d) if old < size else []
    assert consistency_proof(hashes, old) == proof
    assert tree.consistency_proof(old) == proof
    assert tree.root(old) == ref_mth(d[:old])
    verify_consistency(old, size, proof, tree.root(old), root)


TAMPERING = st.sampled_from(["flip", "drop", "append", "duplicate", "swap", "index", "size"])


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.data(), TAMPERING)
def test_tampered_inclusion_proofs_are_rejected(size: int, data: st.DataObject, how: str) -> None:
    hashes = [leaf_hash(x) for x in entries(size)]
    tree = LogTree.from_leaf_hashes(hashes)
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    proof, root, n = tree.inclusion_proof(index), tree.root(), size
    if how == "flip" and proof:
        at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="element")
        bit = data.draw(st.integers(min_value=0, max_value=255), label="bit")
        proof[at] = bytes(
            [b ^ (1 << (bit % 8)) if i == bit // 8 else b for i, b in enumerate(proof[at])]
        )
    elif how == "drop" and proof:
        del proof[data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="at")]
    elif how == "append":
        proof.append(data.draw(st.binary(min_size=32, max_size=32), label="extra"))
    elif how == "duplicate" and proof:
        proof.insert(0, proof[0])
    elif how == "swap" and len(proof) > 1 and proof[0] != proof[1]:
        proof[0], proof[1] = proof[1], proof[0]
    elif how == "index":
        other = data.draw(st.integers(min_value=0, max_value=size), label="other index")
        if other == index:
            return
        index = other
    elif how == "size":  # a larger tree, with its own root: the old proof does not fit it
        grown = data.draw(st.integers(min_value=1, max_value=size), label="more leaves")
        tree.extend(entries(size + grown)[size:])
        n, root = tree.size, tree.root()
    else:
        return
    with pytest.raises(InclusionProofError):
        verify_inclusion(hashes[min(index, size - 1)], index, n, proof, root)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=2, max_value=300), st.data(), TAMPERING)
def test_tampered_consistency_proofs_are_rejected(size: int, data: st.DataObject, how: str) -> None:
    hashes = [leaf_hash(x) for x in entries(size)]
    tree = LogTree.from_leaf_hashes(hashes)
    old = data.draw(st.integers(min_value=1, max_value=size - 1), label="old size")
    proof, old_root, new_root, new = tree.consistency_proof(old), tree.root(old), tree.root(), size
    if how == "flip":
        at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="element")
        bit = data.draw(st.integers(min_value=0, max_value=255), label="bit")
        proof[at] = bytes(
            [b ^ (1 << (bit % 8)) if i == bit // 8 else b for i, b in enumerate(proof[at])]
        )
    elif how == "drop":
        del proof[data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="at")]
    elif how == "append":
        proof.append(data.draw(st.binary(min_size=32, max_size=32), label="extra"))
    elif how == "duplicate":
        proof.insert(0, proof[0])
    elif how == "swap" and len(proof) > 1 and proof[0] != proof[1]:
        proof[0], proof[1] = proof[1], proof[0]
    elif how == "index":  # another old size, with its own root
        other = data.draw(st.integers(min_value=1, max_value=size - 1), label="other old size")
        if other == old or len(tree.consistency_proof(other)) != len(proof):
            return
        old, old_root = other, tree.root(other)
    elif how == "size":  # the proof of a smaller tree against a larger one
        hashes.append(leaf_hash(b"one more"))
        new_root, new = root_hash(hashes), size + 1
    else:
        return
    with pytest.raises(ConsistencyProofError):
        verify_consistency(old, new, proof, old_root, new_root)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=2, max_value=200), st.data())
def test_a_rewritten_history_fails_the_consistency_check(size: int, data: st.DataObject) -> None:
    """Altering, deleting or reordering one entry yields a tree that is no extension of the
    checkpoint taken before: its consistency proof cannot match the old root."""
    d = entries(size)
    old = data.draw(st.integers(min_value=1, max_value=size - 1), label="checkpoint size")
    old_root = ref_mth(d[:old])
    at = data.draw(st.integers(min_value=0, max_value=old - 1), label="entry")
    how = data.draw(st.sampled_from(["alter", "delete", "reorder"]), label="how")
    forged = list(d)
    if how == "alter":
        forged[at] = b"forged"
    elif how == "delete":
        del forged[at]
    else:
        other = data.draw(st.integers(min_value=0, max_value=size - 1), label="with")
        if forged[at] == forged[other]:
            return
        forged[at], forged[other] = forged[other], forged[at]
    tree = LogTree.from_leaf_hashes([leaf_hash(x) for x in forged])
    if tree.size < old:
        return
    with pytest.raises(ConsistencyProofError):
        verify_consistency(old, tree.size, tree.consistency_proof(old), old_root, tree.root())


# --- proofs as JSON values ----------------------------------------------------------------------


def test_proof_objects_round_trip_and_verify() -> None:
    case = INCLUSION[2]
    inclusion = InclusionProof(case["leaf_index"], 8, tuple(hexes(case["proof"])))
    assert InclusionProof.from_json(json.loads(json.dumps(inclusion.to_json()))) == inclusion
    inclusion.verify(LEAF_HASHES[case["leaf_index"]], ROOTS[8])
    with pytest.raises(InclusionProofError, match="root-mismatch"):
        inclusion.verify(LEAF_HASHES[0], ROOTS[8])
    case = CONSISTENCY[2]
    consistency = ConsistencyProof(6, 8, tuple(hexes(case["proof"])))
    assert ConsistencyProof.from_json(json.loads(json.dumps(consistency.to_json()))) == consistency
    consistency.verify(ROOTS[6], ROOTS[8])
    with pytest.raises(ConsistencyProofError, match="old-root-mismatch"):
        consistency.verify(ROOTS[5], ROOTS[8])


GOOD = InclusionProof(5, 8, tuple(hexes(INCLUSION[2]["proof"]))).to_json()
MALFORMED_PROOFS: dict[str, Any] = {
    "not an object": [5, 8],
    "missing member": {"leaf_index": 5, "tree_size": 8},
    "extra member": {**GOOD, "root": "x"},
    "boolean index": {**GOOD, "leaf_index": True},
    "float size": {**GOOD, "tree_size": 8.0},
    "string size": {**GOOD, "tree_size": "8"},
    "negative index": {**GOOD, "leaf_index": -1},
    "size beyond uint64": {**GOOD, "tree_size": 2**64},
    "path not a list": {**GOOD, "inclusion_path": "abc"},
    "unpadded hash": {**GOOD, "inclusion_path": [GOOD["inclusion_path"][0].rstrip("=")]},
    "url-safe hash": {**GOOD, "inclusion_path": ["-_" + GOOD["inclusion_path"][0][2:]]},
}


@pytest.mark.parametrize("value", list(MALFORMED_PROOFS.values()), ids=list(MALFORMED_PROOFS))
def test_malformed_proof_objects_are_rejected(value: Any) -> None:
    with pytest.raises(InclusionProofError) as caught:
        InclusionProof.from_json(value)
    assert caught.value.failure == "malformed"


@pytest.mark.parametrize("element", ["AAAA", ROOTS[8].hex()], ids=["3 bytes", "hex (48 bytes)"])
def test_a_proof_object_with_a_hash_of_another_length_says_so(element: str) -> None:
    value = {"old_size": 1, "new_size": 2, "consistency_path": [element]}
    with pytest.raises(ConsistencyProofError) as caught:
        ConsistencyProof.from_json(value)
    assert caught.value.failure == "hash-length"
