"""Witnessing: peers cosign a log's growth, and a node that shows two histories is caught."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from crypto.transparency.checkpoint import (
    Checkpoint,
    SignedCheckpoint,
    open_checkpoint,
    parse_signed_checkpoint,
    sign_checkpoint,
    verify_cosignatures,
)
from crypto.transparency.errors import (
    NoteFormatError,
    NoteSignatureError,
    SplitView,
    SplitViewReason,
    UnknownLog,
    WitnessConflict,
    WitnessError,
)
from crypto.transparency.merkle import EMPTY_ROOT, verify_consistency
from crypto.transparency.note import LogSigner, WitnessSigner
from crypto.transparency.tree import LogTree
from crypto.transparency.witness import (
    AddCheckpoint,
    MemoryWitnessState,
    WitnessState,
    witness,
)

T0 = 1_767_225_600
ORIGIN = "log.ar.puente.example/v1"


def seeded(label: str) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


LOG = LogSigner(ORIGIN, seeded("AR log"))
LOGS = {ORIGIN: [LOG.public]}


class Peer:
    """A peer state's node acting as a witness of AR's log."""

    def __init__(self, name: str) -> None:
        self.signer = WitnessSigner(name, seeded(name))
        self.state: WitnessState = MemoryWitnessState()

    def witness(self, note: bytes, old_size: int, proof: list[bytes], now: int = T0) -> bytes:
        cosignature = witness(
            note,
            old_size=old_size,
            proof=proof,
            logs=LOGS,
            signer=self.signer,
            state=self.state,
            now=now,
        )
        return cosignature.line().encode()


def checkpoint(tree: LogTree, size: int | None = None) -> bytes:
    size = tree.size if size is None else size
    return sign_checkpoint(Checkpoint(ORIGIN, size, tree.root(size)), LOG).to_bytes()


def events(start: int, stop: int, branch: str = "") -> list[bytes]:
    return [b"event %d%s" % (i, branch.encode()) for i in range(start, stop)]


def test_peers_cosign_an_honest_log_as_it_grows() -> None:
    tree = LogTree()
    py, uy = Peer("witness.py.puente.example"), Peer("witness.uy.puente.example")
    seen = {py: 0, uy: 0}
    for step, grow in enumerate([5, 1, 10, 0, 300]):
        tree.extend(events(tree.size, tree.size + grow))
        note = checkpoint(tree)
        lines = b""
        for peer in (py, uy):
            old = seen[peer]
            lines += peer.witness(note, old, tree.consistency_proof(old), now=T0 + step)
            seen[peer] = tree.size
        cosigned = open_checkpoint(note + lines, origin=ORIGIN, log_keys=[LOG.public])
        cosignatures = verify_cosignatures(cosigned, [py.signer.public, uy.signer.public], quorum=2)
        assert {c.timestamp for c in cosignatures} == {T0 + step}
    latest = py.state.latest(ORIGIN)
    assert latest is not None
    assert (latest.checkpoint.size, latest.checkpoint.root_hash) == (tree.size, tree.root())
    assert verify_cosignatures(latest, [py.signer.public])  # it keeps what it cosigned


def test_a_node_showing_two_histories_is_caught_by_its_witnesses() -> None:
    """AR's node forks its log after 8 events: PY is shown one history, UY another. Each peer
    cosigns what it sees; when the histories reach the other peer (here: the checkpoints its
    neighbour cosigned, relayed with the log's own proof), the witness refuses and raises a
    split view carrying both signed checkpoints."""
    common = events(0, 8)
    honest, forked = LogTree(), LogTree()
    honest.extend([*common, *events(8, 12, " for PY")])
    forked.extend([*common, *events(8, 12, " for UY")])
    py, uy = Peer("witness.py.puente.example"), Peer("witness.uy.puente.example")
    py.witness(checkpoint(honest, 8), 0, [])
    uy.witness(checkpoint(forked, 8), 0, [])
    # Each history grows consistently for the peer that sees it.
    py.witness(checkpoint(honest), 8, honest.consistency_proof(8))
    uy.witness(checkpoint(forked), 8, forked.consistency_proof(8))

    # Same size, different roots: proof of the fork on its own.
    with pytest.raises(SplitView) as caught:
        py.witness(checkpoint(forked), 12, [])
    split = caught.value
    assert split.reason is SplitViewReason.SAME_SIZE_DIFFERENT_ROOT
    assert split.proven
    assert split.origin == ORIGIN
    assert split.code == "split-view"
    # The evidence stands on its own: both checkpoints are the log's, same size, two roots.
    seen = open_checkpoint(split.seen.to_bytes(), origin=ORIGIN, log_keys=[LOG.public])
    shown = open_checkpoint(split.shown.to_bytes(), origin=ORIGIN, log_keys=[LOG.public])
    assert seen.checkpoint.size == shown.checkpoint.size == 12
    assert seen.checkpoint.root_hash == honest.root() != shown.checkpoint.root_hash

    # The forked history grows further; shown to PY with the only proof the log can build.
    forked.extend(events(12, 20, " for UY"))
    with pytest.raises(SplitView) as caught:
        py.witness(checkpoint(forked), 12, forked.consistency_proof(12))
    assert caught.value.reason is SplitViewReason.INCONSISTENT
    assert not caught.value.proven
    assert caught.value.proof == tuple(forked.consistency_proof(12))
    assert "old-root-mismatch" in str(caught.value)
    # PY's state is untouched: it still holds (and has cosigned) the honest history.
    latest = py.state.latest(ORIGIN)
    assert latest is not None
    assert latest.checkpoint.root_hash == honest.root()


def test_a_checkpoint_smaller_than_one_cosigned_is_a_rollback() -> None:
    tree = LogTree()
    tree.extend(events(0, 20))
    peer = Peer("witness.py.puente.example")
    peer.witness(checkpoint(tree, 10), 0, [])
    peer.witness(checkpoint(tree), 10, tree.consistency_proof(10))
    with pytest.raises(SplitView) as caught:
        peer.witness(checkpoint(tree, 15), 10, tree.consistency_proof(10, 15))
    assert caught.value.reason is SplitViewReason.ROLLBACK
    assert (caught.value.seen.checkpoint.size, caught.value.shown.checkpoint.size) == (20, 15)


def test_the_same_checkpoint_again_is_cosigned_again() -> None:
    tree = LogTree()
    tree.extend(events(0, 3))
    peer = Peer("witness.py.puente.example")
    first = peer.witness(checkpoint(tree), 0, [])
    again = peer.witness(checkpoint(tree), 3, [], now=T0 + 60)
    assert first != again


def test_a_proof_from_another_size_is_a_conflict_not_an_accusation() -> None:
    tree = LogTree()
    tree.extend(events(0, 30))
    peer = Peer("witness.py.puente.example")
    peer.witness(checkpoint(tree, 10), 0, [])
    with pytest.raises(WitnessConflict) as caught:
        peer.witness(checkpoint(tree), 5, tree.consistency_proof(5))
    assert caught.value.latest_size == 10
    assert caught.value.retryable
    with pytest.raises(WitnessConflict):
        peer.witness(checkpoint(tree), 0, [])
    # The log retries from the size the witness named.
    peer.witness(checkpoint(tree), 10, tree.consistency_proof(10))


def test_requests_that_are_not_well_formed_are_refused() -> None:
    tree = LogTree()
    tree.extend(events(0, 10))
    peer = Peer("witness.py.puente.example")
    with pytest.raises(WitnessError, match="old size 11 is beyond"):
        peer.witness(checkpoint(tree), 11, [])
    with pytest.raises(WitnessError, match="from size 0 is empty"):
        peer.witness(checkpoint(tree), 0, [EMPTY_ROOT])
    empty_with_a_root = sign_checkpoint(Checkpoint(ORIGIN, 0, tree.root()), LOG).to_bytes()
    with pytest.raises(WitnessError, match="size 0 with a non-empty root"):
        peer.witness(empty_with_a_root, 0, [])
    assert peer.state.latest(ORIGIN) is None


def test_only_followed_logs_and_their_signatures_are_cosigned() -> None:
    tree = LogTree()
    tree.extend(events(0, 4))
    peer = Peer("witness.py.puente.example")
    stranger = LogSigner("log.xx.example/v1", seeded("XX"))
    unknown = sign_checkpoint(Checkpoint(stranger.name, 4, tree.root()), stranger).to_bytes()
    with pytest.raises(UnknownLog, match=r"log\.xx\.example/v1"):
        peer.witness(unknown, 0, [])
    impostor = LogSigner(ORIGIN, seeded("not AR's key"))
    forged = sign_checkpoint(Checkpoint(ORIGIN, 4, tree.root()), impostor).to_bytes()
    with pytest.raises(NoteSignatureError, match="no signature from a known key"):
        peer.witness(forged, 0, [])
    with pytest.raises(NoteFormatError):
        peer.witness(checkpoint(tree).replace(b"\n4\n", b"\n04\n"), 0, [])
    assert peer.state.latest(ORIGIN) is None


class RacingState(MemoryWitnessState):
    """Another request records a checkpoint between this request's read and its write."""

    def __init__(self, intruder: SignedCheckpoint) -> None:
        super().__init__()
        self.intruder = intruder

    def replace(
        self, origin: str, checkpoint: SignedCheckpoint, *, expected: SignedCheckpoint | None
    ) -> None:
        super().replace(origin, self.intruder, expected=expected)
        super().replace(origin, checkpoint, expected=expected)


def test_a_concurrent_update_is_never_rolled_back() -> None:
    tree = LogTree()
    tree.extend(events(0, 50))
    larger = sign_checkpoint(Checkpoint(ORIGIN, 50, tree.root()), LOG)
    peer = Peer("witness.py.puente.example")
    peer.state = RacingState(larger)
    with pytest.raises(WitnessConflict, match="changed"):
        peer.witness(checkpoint(tree, 10), 0, [])
    latest = peer.state.latest(ORIGIN)
    assert latest is not None
    assert latest.checkpoint.size == 50


def test_consistency_from_the_first_cosigned_checkpoint_is_checked_end_to_end() -> None:
    tree = LogTree()
    tree.extend(events(0, 1000))
    peer = Peer("witness.py.puente.example")
    peer.witness(checkpoint(tree, 1), 0, [])
    for size in (2, 3, 64, 65, 999, 1000):
        latest = peer.state.latest(ORIGIN)
        assert latest is not None
        old = latest.checkpoint.size
        proof = tree.consistency_proof(old, size)
        verify_consistency(old, size, proof, tree.root(old), tree.root(size))
        peer.witness(checkpoint(tree, size), old, proof)


# --- the add-checkpoint request (c2sp.org/tlog-witness) ------------------------------------------

ADD_CHECKPOINT = json.loads(
    (Path(__file__).resolve().parents[2] / "docs/test-vectors/merkle/signed-notes.json").read_text(
        encoding="utf-8"
    )
)["add_checkpoint_request"]


def test_the_tlog_witness_example_request() -> None:
    body = ADD_CHECKPOINT["body"].encode()
    request = AddCheckpoint.parse(body)
    assert request.old_size == ADD_CHECKPOINT["old_size"]
    assert len(request.proof) == ADD_CHECKPOINT["proof_lines"]
    assert parse_signed_checkpoint(request.checkpoint).checkpoint.size == 20852163
    assert request.to_bytes() == body


def test_a_request_travels_as_bytes_and_is_witnessed() -> None:
    tree = LogTree()
    tree.extend(events(0, 100))
    peer = Peer("witness.py.puente.example")
    peer.witness(checkpoint(tree, 60), 0, [])
    sent = AddCheckpoint(60, tuple(tree.consistency_proof(60)), checkpoint(tree)).to_bytes()
    received = AddCheckpoint.parse(sent)
    line = peer.witness(received.checkpoint, received.old_size, list(received.proof))
    cosigned = open_checkpoint(received.checkpoint + line, origin=ORIGIN, log_keys=[LOG.public])
    assert verify_cosignatures(cosigned, [peer.signer.public])


MALFORMED_REQUESTS = {
    "no blank line": b"old 0\n" + b"x" * 10,
    "no old line": b"new 0\n\n",
    "leading zero": b"old 01\n\n",
    "negative": b"old -1\n\n",
    "not ascii": "old 1\nØ\n\n".encode(),
    "short hash": b"old 1\n" + base64.b64encode(b"\1" * 31) + b"\n\n",
    "unpadded hash": b"old 1\n" + base64.b64encode(b"\1" * 32).rstrip(b"=") + b"\n\n",
    "64 proof lines": b"old 1\n" + (base64.b64encode(b"\1" * 32) + b"\n") * 64 + b"\n",
}


@pytest.mark.parametrize("body", list(MALFORMED_REQUESTS.values()), ids=list(MALFORMED_REQUESTS))
def test_malformed_requests_are_rejected(body: bytes) -> None:
    with pytest.raises(NoteFormatError):
        AddCheckpoint.parse(body)
