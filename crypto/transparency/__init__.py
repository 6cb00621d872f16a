"""The transparency log: RFC 9162 Merkle trees, C2SP checkpoints and witness cosignatures.

Pure and storage-independent (``docs/transparency.md`` is the specification):

- :mod:`crypto.transparency.merkle`: leaf and node hashes, the Merkle Tree Hash, inclusion and
  consistency proofs over a list of leaf hashes, and their verification
  (:func:`verify_inclusion`, :func:`verify_consistency`), which raise an error naming the
  failed check;
- :mod:`crypto.transparency.proofs`: :class:`InclusionProof` and :class:`ConsistencyProof`,
  proofs with their index and sizes, in their JSON form;
- :mod:`crypto.transparency.tree`: :class:`LogTree`, an append-only tree over a
  :class:`HashStore` (hashes of complete subtrees), with ``O(log n)`` roots and proofs at any
  past size;
- :mod:`crypto.transparency.note`: C2SP signed notes, log keys (Ed25519, type 0x01) and
  witness keys (timestamped Ed25519 cosignatures, type 0x04), verifier-key text;
- :mod:`crypto.transparency.checkpoint`: checkpoints, signing, strict opening, cosignatures;
- :mod:`crypto.transparency.witness`: :func:`witness`, which cosigns a checkpoint only if it
  extends what the witness saw, and raises :class:`SplitView` otherwise;
- :mod:`crypto.transparency.errors`: the errors, each with a stable ``code``.
"""

from crypto.transparency.checkpoint import (
    Checkpoint,
    Cosignature,
    SignedCheckpoint,
    cosign,
    open_checkpoint,
    parse_signed_checkpoint,
    sign_checkpoint,
    verify_cosignatures,
)
from crypto.transparency.errors import (
    ConsistencyProofError,
    InclusionProofError,
    LogTreeError,
    NoteFormatError,
    NoteSignatureError,
    ProofError,
    ProofFailure,
    SplitView,
    SplitViewReason,
    UnknownLog,
    WitnessConflict,
    WitnessError,
)
from crypto.transparency.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from crypto.transparency.note import LogKey, LogSigner, WitnessKey, WitnessSigner
from crypto.transparency.proofs import ConsistencyProof, InclusionProof
from crypto.transparency.tree import HashStore, LogTree, MemoryHashStore
from crypto.transparency.witness import (
    AddCheckpoint,
    MemoryWitnessState,
    WitnessState,
    witness,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "AddCheckpoint",
    "Checkpoint",
    "ConsistencyProof",
    "ConsistencyProofError",
    "Cosignature",
    "HashStore",
    "InclusionProof",
    "InclusionProofError",
    "LogKey",
    "LogSigner",
    "LogTree",
    "LogTreeError",
    "MemoryHashStore",
    "MemoryWitnessState",
    "NoteFormatError",
    "NoteSignatureError",
    "ProofError",
    "ProofFailure",
    "SignedCheckpoint",
    "SplitView",
    "SplitViewReason",
    "UnknownLog",
    "WitnessConflict",
    "WitnessError",
    "WitnessKey",
    "WitnessSigner",
    "WitnessState",
    "consistency_proof",
    "cosign",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "parse_signed_checkpoint",
    "root_from_inclusion_proof",
    "root_hash",
    "sign_checkpoint",
    "verify_consistency",
    "verify_cosignatures",
    "verify_inclusion",
    "witness",
]
