"""Offline audit bundles (crypto/transparency/bundle.py): a genuine bundle verifies; an altered,
missing or reordered entry, a wrong proof, a bad signature or a rewritten history is named."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from crypto.transparency import (
    Checkpoint,
    ConsistencyProof,
    InclusionProof,
    LogSigner,
    LogTree,
    WitnessSigner,
    cosign,
    sign_checkpoint,
)
from crypto.transparency.bundle import BundleEntry, BundleError, build_bundle, verify_bundle

ORIGIN = "puente.log/AR/v1"
LOG = LogSigner(ORIGIN, ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
WITNESS = WitnessSigner("witness.py", ed25519.Ed25519PrivateKey.from_private_bytes(bytes(32)))


def entry(i: int) -> bytes:
    return b'{"at":%d,"kind":"sent","envelope_sha256":"%064x"}' % (1000 + i, i)


def make(
    n: int = 20, sizes: tuple[int, ...] = (5, 13, 20), partial: list[int] | None = None
) -> Any:
    tree = LogTree()
    tree.extend(entry(i) for i in range(n))
    signed = [sign_checkpoint(Checkpoint(ORIGIN, s, tree.root(s)), LOG) for s in sizes]
    signed[-1] = signed[-1].with_cosignatures(cosign(signed[-1], WITNESS, timestamp=1_767_225_600))
    proofs = [
        ConsistencyProof(a, b, tuple(tree.consistency_proof(a, b)))
        for a, b in itertools.pairwise(sizes)
    ]
    if partial is None:
        entries = [BundleEntry(i, entry(i)) for i in range(n)]
    else:
        last = sizes[-1]
        entries = [
            BundleEntry(
                i, entry(i), None, InclusionProof(i, last, tuple(tree.inclusion_proof(i, last)))
            )
            for i in partial
        ]
    return build_bundle(
        log_key=LOG.public,
        checkpoints=signed,
        consistency_proofs=proofs,
        entries=entries,
        witness_keys=[WITNESS.public],
    )


def fails(bundle: Any, subject: str, **kwargs: Any) -> BundleError:
    with pytest.raises(BundleError) as caught:
        verify_bundle(bundle, **kwargs)
    assert caught.value.subject == subject, str(caught.value)
    return caught.value


def test_a_genuine_bundle_verifies() -> None:
    summary = verify_bundle(make())
    assert summary.entries == 20
    assert summary.whole_prefix
    assert summary.checkpoint_sizes == (5, 13, 20)
    assert summary.cosigners[20] == ("witness.py",)
    assert summary.cosigners[5] == ()


def test_an_altered_entry_is_named() -> None:
    bundle = make()
    tampered = make(n=20)
    tampered["entries"][7] = BundleEntry(7, entry(7) + b" ").to_json()  # leaf hash recomputed
    error = fails(tampered, "checkpoint 13")
    assert "rewritten" in str(error)
    bundle["entries"][7]["data"] = BundleEntry(7, entry(8)).to_json()["data"]  # stated hash kept
    assert "altered" in str(fails(bundle, "entry 7"))


def test_a_missing_entry_is_named() -> None:
    bundle = make()
    del bundle["entries"][11]
    fails(bundle, "entry 11")
    bundle = make()
    del bundle["entries"][-1]
    fails(bundle, "entry 19")


def test_reordered_entries_are_named() -> None:
    bundle = make()
    entries = bundle["entries"]
    entries[3]["data"], entries[9]["data"] = entries[9]["data"], entries[3]["data"]
    fails(bundle, "entry 3")
    bundle = make()
    bundle["entries"][3], bundle["entries"][9] = bundle["entries"][9], bundle["entries"][3]
    fails(bundle, "entry 3")


def test_a_wrong_consistency_proof_is_named() -> None:
    bundle = make()
    path = bundle["consistency_proofs"][1]["consistency_path"]
    path[0] = bundle["consistency_proofs"][0]["consistency_path"][0]
    fails(bundle, "consistency proof 13 -> 20")


def test_a_bad_signature_or_cosignature_is_named() -> None:
    bundle = make()
    bundle["checkpoints"][1] = bundle["checkpoints"][1].replace("\n13\n", "\n14\n")
    fails(bundle, "checkpoints[1]")
    bundle = make()
    note = bundle["checkpoints"][2]
    head, _, cosig = note.rpartition("\u2014 witness.py ")
    flipped = cosig[:20] + ("A" if cosig[20] != "A" else "B") + cosig[21:]
    bundle["checkpoints"][2] = head + "\u2014 witness.py " + flipped
    fails(bundle, "checkpoint 20")
    other = LogSigner(ORIGIN, ed25519.Ed25519PrivateKey.from_private_bytes(bytes([7] * 32)))
    bundle = make()
    bundle["log_key"] = other.public.vkey()
    fails(bundle, "checkpoints[0]")


def test_a_partial_bundle_carries_inclusion_proofs() -> None:
    summary = verify_bundle(make(partial=[2, 8, 17]))
    assert not summary.whole_prefix
    assert summary.entries == 3
    bundle = make(partial=[2, 8, 17])
    bundle["entries"][1]["data"] = BundleEntry(8, entry(9)).to_json()["data"]
    bundle["entries"][1]["leaf_hash"] = BundleEntry(8, entry(9)).to_json()["leaf_hash"]
    fails(bundle, "entry 8")
    bundle = make(partial=[2, 8, 17])
    del bundle["entries"][0]["inclusion_proof"]
    fails(bundle, "entry 2")


def test_a_rewritten_history_is_caught_by_an_earlier_checkpoint() -> None:
    earlier = make()
    rewritten = copy.deepcopy(earlier)
    tree = LogTree()
    tree.extend([*(entry(i) for i in range(6)), b"rewritten", *(entry(i) for i in range(7, 20))])
    # The operator rebuilds the whole log and signs new checkpoints: the bundle is consistent
    # on its own...
    rewritten["entries"][6] = BundleEntry(6, b"rewritten").to_json()
    rewritten["checkpoints"] = [
        sign_checkpoint(Checkpoint(ORIGIN, 20, tree.root()), LOG).to_bytes().decode()
    ]
    rewritten["consistency_proofs"] = []
    assert verify_bundle(rewritten).checkpoint_sizes == (20,)
    # ... but not with the checkpoints of the bundle an auditor exported before.
    assert verify_bundle(rewritten, trusted_checkpoints=earlier["checkpoints"][:1])
    error = fails(rewritten, "trusted checkpoint 13", trusted_checkpoints=earlier["checkpoints"])
    assert "rewritten" in str(error)
    assert verify_bundle(earlier, trusted_checkpoints=earlier["checkpoints"]).trusted_checked == (
        5,
        13,
        20,
    )


def test_malformed_bundles_are_refused() -> None:
    fails([], "bundle")
    bundle = make()
    bundle["format"] = "other"
    fails(bundle, "format")
    bundle = make()
    bundle["consistency_proofs"].pop()
    fails(bundle, "consistency_proofs")
