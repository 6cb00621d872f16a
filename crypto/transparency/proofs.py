"""Proofs as values that travel: an inclusion or consistency proof with its index and sizes, in
the JSON form of ``docs/transparency.md`` §2 (receipts, audit bundles).

``from_json`` is strict: exactly the members named there, integers (not booleans, not floats)
within uint64, hashes in canonical padded base64 of 32 bytes. A malformed proof raises the
proof's error with the failure ``malformed``; a well-formed one is checked with ``verify``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crypto.transparency._encoding import b64decode_canonical, b64encode
from crypto.transparency.errors import (
    ConsistencyProofError,
    InclusionProofError,
    NoteFormatError,
    ProofError,
    ProofFailure,
)
from crypto.transparency.merkle import HASH_SIZE, MAX_SIZE, verify_consistency, verify_inclusion


def _members(value: Any, names: tuple[str, ...], error: type[ProofError]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping) or set(value) != set(names):
        raise error(ProofFailure.MALFORMED, f"a proof is an object of exactly {', '.join(names)}")
    return value


def _size(value: Any, what: str, error: type[ProofError]) -> int:
    if type(value) is not int or not 0 <= value <= MAX_SIZE:
        raise error(ProofFailure.MALFORMED, f"{what} is not an integer in [0, 2^64 - 1]")
    return value


def _path(value: Any, what: str, error: type[ProofError]) -> tuple[bytes, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise error(ProofFailure.MALFORMED, f"{what} is not a list of base64 strings")
    try:
        hashes = tuple(b64decode_canonical(item, f"{what} element") for item in value)
    except NoteFormatError as caught:
        raise error(ProofFailure.MALFORMED, str(caught)) from caught
    if any(len(h) != HASH_SIZE for h in hashes):
        raise error(ProofFailure.HASH_LENGTH, f"{what} has an element that is not 32 bytes")
    return hashes


@dataclass(frozen=True)
class InclusionProof:
    """``PATH(leaf_index, D[tree_size])``: leaf ``leaf_index`` is in the tree of ``tree_size``
    leaves."""

    leaf_index: int
    tree_size: int
    path: tuple[bytes, ...]

    def verify(self, leaf_hash: bytes, root: bytes) -> None:
        """Check the proof for this leaf hash against the root of a verified checkpoint of
        ``tree_size`` leaves; raises :class:`InclusionProofError`."""
        verify_inclusion(leaf_hash, self.leaf_index, self.tree_size, self.path, root)

    def to_json(self) -> dict[str, Any]:
        return {
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "inclusion_path": [b64encode(h) for h in self.path],
        }

    @classmethod
    def from_json(cls, value: Any) -> InclusionProof:
        error = InclusionProofError
        members = _members(value, ("leaf_index", "tree_size", "inclusion_path"), error)
        return cls(
            _size(members["leaf_index"], "leaf_index", error),
            _size(members["tree_size"], "tree_size", error),
            _path(members["inclusion_path"], "inclusion_path", error),
        )


@dataclass(frozen=True)
class ConsistencyProof:
    """``PROOF(old_size, D[new_size])``: the tree of ``old_size`` leaves is a prefix of the tree
    of ``new_size`` leaves."""

    old_size: int
    new_size: int
    path: tuple[bytes, ...]

    def verify(self, old_root: bytes, new_root: bytes) -> None:
        """Check the proof against the roots of two verified checkpoints of these sizes;
        raises :class:`ConsistencyProofError`."""
        verify_consistency(self.old_size, self.new_size, self.path, old_root, new_root)

    def to_json(self) -> dict[str, Any]:
        return {
            "old_size": self.old_size,
            "new_size": self.new_size,
            "consistency_path": [b64encode(h) for h in self.path],
        }

    @classmethod
    def from_json(cls, value: Any) -> ConsistencyProof:
        error = ConsistencyProofError
        members = _members(value, ("old_size", "new_size", "consistency_path"), error)
        return cls(
            _size(members["old_size"], "old_size", error),
            _size(members["new_size"], "new_size", error),
            _path(members["consistency_path"], "consistency_path", error),
        )
