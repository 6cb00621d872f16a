"""Errors of the transparency log: each says exactly what failed.

Proof verification raises :class:`InclusionProofError` or :class:`ConsistencyProofError`, whose
``failure`` (:class:`ProofFailure`) names the check that failed. Signed notes and checkpoints
that are malformed raise :class:`NoteFormatError`; signatures that do not verify raise
:class:`NoteSignatureError`. A witness refuses a checkpoint with :class:`WitnessError`, and
raises :class:`SplitView`, carrying both signed checkpoints, when a log shows it a history that
contradicts one it saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from messages.errors import PuenteError

if TYPE_CHECKING:
    from crypto.transparency.checkpoint import SignedCheckpoint


class ProofFailure(StrEnum):
    """Which check of a Merkle proof verification failed."""

    MALFORMED = "malformed"
    """A proof object is not in its exact form (members, integers, canonical base64)."""
    INDEX_OUT_OF_RANGE = "index-out-of-range"
    """The leaf index is not below the tree size."""
    SIZE_ORDER = "size-order"
    """The old tree size is larger than the new one."""
    HASH_LENGTH = "hash-length"
    """A root, leaf hash or proof element is not a 32-byte SHA-256 value."""
    PROOF_LENGTH = "proof-length"
    """The proof does not have the number of hashes the sizes and index call for."""
    ROOT_MISMATCH = "root-mismatch"
    """The root computed from an inclusion proof differs from the expected root."""
    OLD_ROOT_MISMATCH = "old-root-mismatch"
    """The old root computed from a consistency proof differs from the old tree's root."""
    NEW_ROOT_MISMATCH = "new-root-mismatch"
    """The new root computed from a consistency proof differs from the new tree's root."""


class ProofError(PuenteError):
    """A Merkle proof did not verify; ``failure`` says which check failed."""

    code = "merkle-proof"

    def __init__(self, failure: ProofFailure, detail: str) -> None:
        self.failure = failure
        super().__init__(f"{failure.value}: {detail}")


class InclusionProofError(ProofError):
    """An inclusion proof did not verify."""

    code = "inclusion-proof"


class ConsistencyProofError(ProofError):
    """A consistency proof did not verify."""

    code = "consistency-proof"


class LogTreeError(PuenteError):
    """A log tree was asked something it cannot answer (a size beyond its own, a bad hash), or
    its hash store is inconsistent."""

    code = "log-tree"


class NoteFormatError(PuenteError):
    """A signed note, checkpoint, cosignature or verifier key is not in its exact canonical form."""

    code = "note-format"


class NoteSignatureError(PuenteError):
    """No signature from a known key verified, or one from a known key failed to verify."""

    code = "note-signature"


class WitnessError(PuenteError):
    """A witness refused to cosign a checkpoint (for a reason that is not a split view)."""

    code = "witness"


class UnknownLog(WitnessError):
    """The checkpoint's origin is not a log this witness follows."""

    code = "witness-unknown-log"


class WitnessConflict(WitnessError):
    """The log built its consistency proof from a size other than the one this witness last
    cosigned (or the witness's state changed meanwhile); retry from ``latest_size``."""

    code = "witness-conflict"
    retryable = True

    def __init__(self, latest_size: int, detail: str) -> None:
        self.latest_size = latest_size
        super().__init__(detail)


class SplitViewReason(StrEnum):
    """How a checkpoint contradicts the one a witness saw before."""

    SAME_SIZE_DIFFERENT_ROOT = "same-size-different-root"
    """Two checkpoints of one size with different roots: proof of a fork on their own."""
    INCONSISTENT = "inconsistent"
    """The consistency proof from the seen checkpoint to the shown one does not verify."""
    ROLLBACK = "rollback"
    """The shown checkpoint is smaller than one the witness already cosigned."""


class SplitView(PuenteError):
    """A log showed a history inconsistent with one this witness saw: evidence of a fork.

    ``seen`` is the latest checkpoint the witness had verified and cosigned, ``shown`` the one it
    refuses; both carry the log's signature, so a third party can check them. ``proven`` is true
    when the two checkpoints alone prove the fork (same size, different roots); otherwise the
    log must still produce a valid consistency proof between them to clear itself (``proof`` is
    the one it sent).
    """

    code = "split-view"

    def __init__(
        self,
        reason: SplitViewReason,
        *,
        seen: SignedCheckpoint,
        shown: SignedCheckpoint,
        proof: Sequence[bytes] = (),
        detail: str,
    ) -> None:
        self.reason = reason
        self.seen = seen
        self.shown = shown
        self.proof = tuple(proof)
        self.origin = shown.checkpoint.origin
        self.proven = reason is SplitViewReason.SAME_SIZE_DIFFERENT_ROOT
        super().__init__(
            f"split view of {self.origin} ({reason.value}): seen size {seen.checkpoint.size}, "
            f"shown size {shown.checkpoint.size}: {detail}"
        )
