"""Offline audit bundles: a log's entries, signed checkpoints and proofs in one JSON document
that :func:`verify_bundle` checks with no database and no network.

A bundle is a JSON object of exactly these members::

    {
      "format": "puente-audit-bundle/v1",
      "origin": "<the log's origin = its key name>",
      "log_key": "<the log's verifier key (docs/transparency.md §3)>",
      "witness_keys": ["<witness verifier key>", ...],
      "checkpoints": ["<signed checkpoint note, with any cosignatures>", ...],   (sizes increasing)
      "consistency_proofs": [<ConsistencyProof JSON>, ...],   (one between each successive pair)
      "entries": [{"index": i, "data": "<base64>", "leaf_hash": "<base64>"
                   [, "inclusion_proof": <InclusionProof JSON at the last checkpoint>]}, ...]
    }

Entries are in increasing index order. When they are a whole prefix of the log (indexes 0, 1,
2, ... without gaps), the verifier recomputes the tree root at every checkpoint size they cover
and needs no inclusion proofs; otherwise each entry carries its inclusion proof in the tree of
the last checkpoint.

:func:`verify_bundle` raises :class:`BundleError` whose ``subject`` names what failed: ``entry
<i>``, ``checkpoint <size>``, ``consistency proof <old> -> <new>``, ``trusted checkpoint <size>``,
or a member of the bundle.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from crypto.transparency._encoding import b64decode_canonical, b64encode
from crypto.transparency.checkpoint import (
    SignedCheckpoint,
    open_checkpoint,
    verify_cosignatures,
)
from crypto.transparency.errors import NoteFormatError, NoteSignatureError, ProofError
from crypto.transparency.merkle import leaf_hash
from crypto.transparency.note import LogKey, WitnessKey
from crypto.transparency.proofs import ConsistencyProof, InclusionProof
from crypto.transparency.tree import LogTree
from messages.errors import PuenteError

FORMAT: Final = "puente-audit-bundle/v1"
_MEMBERS: Final = frozenset(
    {"format", "origin", "log_key", "witness_keys", "checkpoints", "consistency_proofs", "entries"}
)


class BundleError(PuenteError):
    """An audit bundle failed verification; ``subject`` names the entry, checkpoint or proof."""

    code = "audit-bundle"

    def __init__(self, subject: str, detail: str) -> None:
        self.subject = subject
        self.detail = detail
        super().__init__(f"{subject}: {detail}")


@dataclass(frozen=True)
class BundleEntry:
    """A log entry in a bundle: its leaf index, its bytes, the leaf hash the log's tree holds
    for it (``None``: computed from the bytes), and its proof in a partial bundle."""

    index: int
    data: bytes
    leaf_hash: bytes | None = None
    inclusion_proof: InclusionProof | None = None

    def to_json(self) -> dict[str, Any]:
        stated = self.leaf_hash if self.leaf_hash is not None else leaf_hash(self.data)
        value: dict[str, Any] = {
            "index": self.index,
            "data": b64encode(self.data),
            "leaf_hash": b64encode(stated),
        }
        if self.inclusion_proof is not None:
            value["inclusion_proof"] = self.inclusion_proof.to_json()
        return value


def build_bundle(
    *,
    log_key: LogKey,
    checkpoints: Sequence[SignedCheckpoint],
    consistency_proofs: Sequence[ConsistencyProof],
    entries: Sequence[BundleEntry],
    witness_keys: Sequence[WitnessKey] = (),
) -> dict[str, Any]:
    """The JSON object of a bundle (see the module's documentation)."""
    return {
        "format": FORMAT,
        "origin": log_key.name,
        "log_key": log_key.vkey(),
        "witness_keys": [key.vkey() for key in witness_keys],
        "checkpoints": [signed.to_bytes().decode() for signed in checkpoints],
        "consistency_proofs": [proof.to_json() for proof in consistency_proofs],
        "entries": [entry.to_json() for entry in entries],
    }


@dataclass(frozen=True)
class BundleSummary:
    """What a verified bundle shows."""

    origin: str
    entries: int
    whole_prefix: bool
    checkpoint_sizes: tuple[int, ...]
    latest_root: bytes | None
    cosigners: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    """For each checkpoint size, the known witnesses whose cosignature verified."""
    trusted_checked: tuple[int, ...] = ()
    """Sizes of the trusted checkpoints the bundle was found consistent with."""


def _list(bundle: Mapping[str, Any], name: str) -> list[Any]:
    value = bundle[name]
    if not isinstance(value, list):
        raise BundleError(name, "is not a list")
    return value


def _hash(value: Any, subject: str, what: str) -> bytes:
    if not isinstance(value, str):
        raise BundleError(subject, f"{what} is not a base64 string")
    try:
        return b64decode_canonical(value, what)
    except NoteFormatError as error:
        raise BundleError(subject, str(error)) from None


def _open(text: Any, subject: str, origin: str, log_key: LogKey) -> SignedCheckpoint:
    if not isinstance(text, str):
        raise BundleError(subject, "is not a signed note text")
    try:
        return open_checkpoint(text.encode(), origin=origin, log_keys=[log_key])
    except (NoteFormatError, NoteSignatureError) as error:
        raise BundleError(subject, str(error)) from None


def _entries(bundle: Mapping[str, Any]) -> list[tuple[int, bytes, Any]]:
    """(index, leaf hash, raw inclusion proof) of each entry, after checking its leaf hash."""
    parsed: list[tuple[int, bytes, Any]] = []
    for position, item in enumerate(_list(bundle, "entries")):
        if not isinstance(item, dict) or not {"index", "data", "leaf_hash"} <= set(item):
            raise BundleError(f"entries[{position}]", "is not an entry object")
        index = item["index"]
        if type(index) is not int or index < 0:
            raise BundleError(f"entries[{position}]", "index is not a non-negative integer")
        subject = f"entry {index}"
        data = _hash(item["data"], subject, "data")
        stated = _hash(item["leaf_hash"], subject, "leaf_hash")
        if leaf_hash(data) != stated:
            raise BundleError(subject, "its data does not hash to its leaf hash: altered")
        parsed.append((index, stated, item.get("inclusion_proof")))
    return parsed


def verify_bundle(bundle: Any, *, trusted_checkpoints: Sequence[bytes | str] = ()) -> BundleSummary:
    """Check an audit bundle offline; raises :class:`BundleError` naming what fails.

    Checks, in order: the members; the log key (named after the origin) and witness keys; every
    checkpoint's log signature and its known witnesses' cosignatures, sizes increasing; the
    consistency proof between each successive pair; every entry's leaf hash; then, for a whole
    prefix, that no index is missing and that the tree of the entries has each checkpoint's root
    at its size, or, for a partial bundle, each entry's inclusion proof in the last checkpoint.
    ``trusted_checkpoints`` (signed by the same log key, e.g. from an earlier bundle) must be
    consistent with the bundle: same root as its checkpoint of that size or as its entries'
    tree at that size.
    """
    if not isinstance(bundle, dict) or set(bundle) != _MEMBERS:
        raise BundleError("bundle", f"is not an object of exactly {', '.join(sorted(_MEMBERS))}")
    if bundle["format"] != FORMAT:
        raise BundleError("format", f"is {bundle['format']!r}, expected {FORMAT!r}")
    origin = bundle["origin"]
    if not isinstance(origin, str) or not isinstance(bundle["log_key"], str):
        raise BundleError("origin", "origin and log_key are strings")
    try:
        log_key = LogKey.from_vkey(bundle["log_key"])
        witnesses = [WitnessKey.from_vkey(v) for v in _list(bundle, "witness_keys")]
    except (NoteFormatError, TypeError, AttributeError) as error:
        raise BundleError("log_key", f"or a witness key is invalid: {error}") from None
    if log_key.name != origin:
        raise BundleError("log_key", f"is named {log_key.name!r}, not after the origin {origin!r}")

    signed: list[SignedCheckpoint] = []
    cosigners: dict[int, tuple[str, ...]] = {}
    for position, text in enumerate(_list(bundle, "checkpoints")):
        checkpoint = _open(text, f"checkpoints[{position}]", origin, log_key)
        size = checkpoint.checkpoint.size
        if signed and size <= signed[-1].checkpoint.size:
            raise BundleError(f"checkpoint {size}", "sizes do not increase")
        try:
            valid = verify_cosignatures(checkpoint, witnesses, quorum=0)
        except NoteSignatureError as error:
            raise BundleError(f"checkpoint {size}", f"cosignature: {error}") from None
        cosigners[size] = tuple(c.name for c in valid)
        signed.append(checkpoint)

    proofs = _list(bundle, "consistency_proofs")
    if len(proofs) != max(len(signed) - 1, 0):
        raise BundleError(
            "consistency_proofs", f"{len(proofs)} proofs for {len(signed)} checkpoints"
        )
    for raw, old, new in zip(proofs, signed, signed[1:], strict=False):
        subject = f"consistency proof {old.checkpoint.size} -> {new.checkpoint.size}"
        try:
            proof = ConsistencyProof.from_json(raw)
            if (proof.old_size, proof.new_size) != (old.checkpoint.size, new.checkpoint.size):
                raise BundleError(subject, f"is from {proof.old_size} to {proof.new_size}")
            proof.verify(old.checkpoint.root_hash, new.checkpoint.root_hash)
        except ProofError as error:
            raise BundleError(subject, str(error)) from None

    entries = _entries(bundle)
    whole = bool(entries) and entries[0][0] == 0
    tree = LogTree()
    if whole:
        for expected, (index, _, _) in enumerate(entries):
            if index != expected:
                raise BundleError(
                    f"entry {expected}", f"is missing or moved (entry {index} is in its place)"
                )
        tree = LogTree.from_leaf_hashes(value for _, value, _ in entries)
        for checkpoint in signed:
            size = checkpoint.checkpoint.size
            if size > tree.size:
                raise BundleError(
                    f"entry {tree.size}",
                    f"is missing: the bundle holds {tree.size} entries, checkpoint {size} more",
                )
            if tree.root(size) != checkpoint.checkpoint.root_hash:
                raise BundleError(
                    f"checkpoint {size}",
                    f"the tree of entries 0 to {size - 1} has another root: entries rewritten",
                )
    elif entries:
        if not signed:
            raise BundleError("checkpoints", "a partial bundle needs a checkpoint")
        last = signed[-1].checkpoint
        for (before, _, _), (index, _, _) in itertools.pairwise(entries):
            if index <= before:
                raise BundleError(f"entry {index}", f"out of order: it follows entry {before}")
        for index, value, raw in entries:
            subject = f"entry {index}"
            if raw is None:
                raise BundleError(subject, "has no inclusion proof (the bundle is partial)")
            try:
                inclusion = InclusionProof.from_json(raw)
                if (inclusion.leaf_index, inclusion.tree_size) != (index, last.size):
                    raise BundleError(subject, "its inclusion proof is for another leaf or size")
                inclusion.verify(value, last.root_hash)
            except ProofError as error:
                raise BundleError(subject, f"inclusion proof: {error}") from None

    checked: list[int] = []
    by_size = {c.checkpoint.size: c.checkpoint.root_hash for c in signed}
    for position, text in enumerate(trusted_checkpoints):
        raw_text = text.decode() if isinstance(text, bytes) else text
        trusted = _open(raw_text, f"trusted checkpoint [{position}]", origin, log_key).checkpoint
        subject = f"trusted checkpoint {trusted.size}"
        if trusted.size in by_size:
            trusted_root = by_size[trusted.size]
        elif whole and trusted.size <= tree.size:
            trusted_root = tree.root(trusted.size)
        else:
            raise BundleError(subject, "the bundle holds neither this size nor its entries")
        if trusted_root != trusted.root_hash:
            raise BundleError(
                subject,
                "the bundle shows another history at this size: the log was rewritten",
            )
        checked.append(trusted.size)

    return BundleSummary(
        origin=origin,
        entries=len(entries),
        whole_prefix=whole,
        checkpoint_sizes=tuple(c.checkpoint.size for c in signed),
        latest_root=signed[-1].checkpoint.root_hash if signed else None,
        cosigners=cosigners,
        trusted_checked=tuple(checked),
    )
