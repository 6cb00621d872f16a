"""RFC 9162 §2.1 Merkle trees over SHA-256: hashes, proofs, and their verification.

- Leaf hash ``H(0x00 || d)``, node hash ``H(0x01 || left || right)``, the empty tree's hash
  ``H()`` (§2.1.1). The Merkle Tree Hash (MTH) of ``n`` leaves splits at ``k``, the largest
  power of two smaller than ``n``.
- An inclusion proof (§2.1.3) lists, from the leaf up, the MTHs of the sibling subtrees on the
  leaf's path to the root; a consistency proof (§2.1.4) lists the MTHs of ``SUBPROOF(m, D[n],
  true)``. :func:`inclusion_ranges` and :func:`consistency_ranges` follow the recursive
  definitions of ``PATH`` (§2.1.3.1) and ``PROOF`` (§2.1.4.1) iteratively and say which leaf
  range each proof element covers; whoever holds the hashes (a list here, a
  :class:`~crypto.transparency.tree.LogTree`) computes them.
- :func:`verify_inclusion` and :func:`verify_consistency` run the algorithms of §2.1.3.2 and
  §2.1.4.2 step by step and raise an error naming the check that failed. Before the algorithm
  they check the sizes, the index, every hash's length, and the proof's exact length (which
  the algorithm enforces too, but without saying so).

Every size and index is a non-negative ``int`` below 2**64; hashes are 32-byte ``bytes``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Final

from crypto.transparency.errors import (
    ConsistencyProofError,
    InclusionProofError,
    ProofError,
    ProofFailure,
)

HASH_SIZE: Final = 32
"""SHA-256: the size of every hash in the tree."""
MAX_SIZE: Final = 2**64 - 1
"""Tree sizes and indexes are 64-bit unsigned integers (RFC 9162 ``uint64``)."""
EMPTY_ROOT: Final = hashlib.sha256(b"").digest()
"""MTH({}) = HASH(): the root of the empty tree."""

_LEAF: Final = b"\x00"
_NODE: Final = b"\x01"

Range = tuple[int, int]
"""Leaves ``[start, end)`` of the tree: the subtree whose MTH a proof element is."""


def leaf_hash(entry: bytes) -> bytes:
    """MTH({d}) = HASH(0x00 || d)."""
    return hashlib.sha256(_LEAF + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """HASH(0x01 || left || right)."""
    return hashlib.sha256(_NODE + left + right).digest()


def split_point(n: int) -> int:
    """``k``: the largest power of two smaller than ``n`` (``n`` >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of the leaves whose leaf hashes are given (``EMPTY_ROOT`` for none), in O(n).

    Hashes level by level: pairing from the left and carrying an odd last node up unchanged
    builds exactly the tree that splitting at ``k`` defines.
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The leaf ranges of ``PATH(index, D[size])``, leaf end first (§2.1.3.1).

    ``PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])`` when ``m < k``, else
    ``PATH(m - k, D[k:n]) : MTH(D[0:k])``; ``PATH(0, {d}) = {}``.
    """
    if not 0 <= index < size <= MAX_SIZE:
        raise ValueError(f"no leaf {index} in a tree of size {size}")
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[Range]:
    """The leaf ranges of ``PROOF(old_size, D[new_size])``, deepest first (§2.1.4.1).

    ``PROOF(m, D[n]) = SUBPROOF(m, D[n], true)``; ``SUBPROOF(m, D[m], true) = {}``,
    ``SUBPROOF(m, D[m], false) = {MTH(D[m])}``; for ``m < n``: ``SUBPROOF(m, D[0:k], b) :
    MTH(D[k:n])`` when ``m <= k``, else ``SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])``.
    The proof from the empty tree, or between equal sizes, is empty.
    """
    if not 0 <= old_size <= new_size <= MAX_SIZE:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    ranges: list[Range] = []
    if old_size in (0, new_size):
        return ranges
    start, end, m, whole = 0, new_size, old_size, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
            m -= k
            whole = False
    if not whole:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """``PATH(index, D[n])`` over a list of leaf hashes, in O(n) (see :class:`LogTree` for
    O(log n))."""
    return [root_hash(leaf_hashes[a:b]) for a, b in inclusion_ranges(index, len(leaf_hashes))]


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """``PROOF(old_size, D[n])`` over a list of leaf hashes, in O(n)."""
    ranges = consistency_ranges(old_size, len(leaf_hashes))
    return [root_hash(leaf_hashes[a:b]) for a, b in ranges]


def _check_hash(value: bytes, what: str, error: type[ProofError]) -> None:
    if len(value) != HASH_SIZE:
        raise error(ProofFailure.HASH_LENGTH, f"{what} is {len(value)} bytes, not {HASH_SIZE}")


def root_from_inclusion_proof(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that an inclusion proof of leaf hash ``leaf`` at ``index`` implies (§2.1.3.2
    steps 1 to 4, and the ``sn`` check of step 5); raises :class:`InclusionProofError`."""
    error = InclusionProofError
    if not 0 <= size <= MAX_SIZE or not 0 <= index <= MAX_SIZE:
        raise error(ProofFailure.INDEX_OUT_OF_RANGE, f"index {index} or size {size} not uint64")
    # Step 1: the leaf index must be below the tree size.
    if index >= size:
        raise error(ProofFailure.INDEX_OUT_OF_RANGE, f"leaf {index} in a tree of size {size}")
    _check_hash(leaf, "the leaf hash", error)
    for position, element in enumerate(proof):
        _check_hash(element, f"proof element {position}", error)
    expected = len(inclusion_ranges(index, size))
    if len(proof) != expected:
        raise error(
            ProofFailure.PROOF_LENGTH,
            f"{len(proof)} hashes for leaf {index} of {size}, expected {expected}",
        )
    # Step 2: fn is the leaf index, sn the last index; step 3: r is the leaf hash.
    fn, sn, r = index, size - 1, leaf
    # Step 4: fold the path.
    for p in proof:
        if sn == 0:  # 4a (unreachable after the length check)
            raise error(ProofFailure.PROOF_LENGTH, "proof longer than the path")
        if fn & 1 or fn == sn:  # 4b
            r = node_hash(p, r)
            while fn and not fn & 1:  # fn == sn: climb to where fn is a right child
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1  # 4c
        sn >>= 1
    # Step 5 (first half): the path must reach the root.
    if sn != 0:
        raise error(ProofFailure.PROOF_LENGTH, "proof shorter than the path")
    return r


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that leaf hash ``leaf`` is leaf ``index`` of the tree of ``size`` leaves whose root
    is ``root`` (§2.1.3.2); raises :class:`InclusionProofError` naming the failed check."""
    _check_hash(root, "the root", InclusionProofError)
    computed = root_from_inclusion_proof(leaf, index, size, proof)
    # Step 5 (second half): the computed root must be the expected one.
    if not hmac.compare_digest(computed, root):
        raise InclusionProofError(
            ProofFailure.ROOT_MISMATCH,
            f"proof of leaf {index} of {size} yields root {computed.hex()}, expected {root.hex()}",
        )


def verify_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """Check that the tree of ``old_size`` leaves and root ``old_root`` is a prefix of the tree of
    ``new_size`` leaves and root ``new_root`` (§2.1.4.2); raises :class:`ConsistencyProofError`
    naming the failed check.

    Besides ``0 < old_size < new_size``, where the RFC's algorithm applies: between equal sizes
    the proof is empty and the roots are equal; from size 0 the proof is empty and the old root
    is the empty tree's.
    """
    error = ConsistencyProofError
    if not 0 <= old_size <= MAX_SIZE or not 0 <= new_size <= MAX_SIZE:
        raise error(ProofFailure.SIZE_ORDER, f"size {old_size} or {new_size} not uint64")
    if old_size > new_size:
        raise error(ProofFailure.SIZE_ORDER, f"old size {old_size} > new size {new_size}")
    _check_hash(old_root, "the old root", error)
    _check_hash(new_root, "the new root", error)
    for position, element in enumerate(proof):
        _check_hash(element, f"proof element {position}", error)
    expected = len(consistency_ranges(old_size, new_size))
    if len(proof) != expected:
        raise error(
            ProofFailure.PROOF_LENGTH,
            f"{len(proof)} hashes from size {old_size} to {new_size}, expected {expected}",
        )
    if old_size == 0 and not hmac.compare_digest(old_root, EMPTY_ROOT):
        raise error(ProofFailure.OLD_ROOT_MISMATCH, "size 0 but not the empty tree's root")
    if old_size == new_size:
        if not hmac.compare_digest(old_root, new_root):
            raise error(
                ProofFailure.NEW_ROOT_MISMATCH,
                f"two different roots for size {old_size}: {old_root.hex()}, {new_root.hex()}",
            )
        return
    if old_size == 0:
        return  # the empty tree is a prefix of every tree
    # Step 1: an empty path fails (excluded by the length check: 0 < old < new needs >= 1).
    path = list(proof)
    # Step 2: when old_size is a power of two, the old root is the path's first element.
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    # Step 3.
    fn, sn = old_size - 1, new_size - 1
    # Step 4: skip the levels where the old tree's last node is a right child.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # Step 5.
    fr = sr = path[0]
    # Step 6.
    for c in path[1:]:
        if sn == 0:  # 6a (unreachable after the length check)
            raise error(ProofFailure.PROOF_LENGTH, "proof longer than the path")
        if fn & 1 or fn == sn:  # 6b
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:  # fn == sn: climb to where fn is a right child
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1  # 6c
        sn >>= 1
    # Step 7.
    if sn != 0:
        raise error(ProofFailure.PROOF_LENGTH, "proof shorter than the path")
    if not hmac.compare_digest(fr, old_root):
        raise error(
            ProofFailure.OLD_ROOT_MISMATCH,
            f"proof yields old root {fr.hex()}, expected {old_root.hex()}",
        )
    if not hmac.compare_digest(sr, new_root):
        raise error(
            ProofFailure.NEW_ROOT_MISMATCH,
            f"proof yields new root {sr.hex()}, expected {new_root.hex()}",
        )
