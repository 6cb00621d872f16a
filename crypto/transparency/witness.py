"""A witness: cosign a log's checkpoint only if it extends the history the witness saw.

:func:`witness` follows the add-checkpoint rules of c2sp.org/tlog-witness, in this order:

1. the checkpoint is canonical and its origin is a log the witness follows
   (:class:`~crypto.transparency.errors.UnknownLog`), signed by one of that log's keys
   (:class:`~crypto.transparency.errors.NoteSignatureError`);
2. the old size the log built its proof from is not beyond the checkpoint's size, and the proof
   from size 0 is empty (:class:`~crypto.transparency.errors.WitnessError`);
3. against the latest checkpoint the witness cosigned for that origin: the same size with
   another root, or a smaller size, is a
   :class:`~crypto.transparency.errors.SplitView`;
4. the old size is the latest cosigned size, or the log must retry from that size
   (:class:`~crypto.transparency.errors.WitnessConflict`: not an accusation);
5. the consistency proof from the latest cosigned checkpoint verifies, or it is a
   :class:`~crypto.transparency.errors.SplitView`;
6. the witness records the checkpoint as its latest for the origin (atomically: only if the
   latest is still the one checked) and returns its cosignature.

The state (the latest checkpoint per origin) is behind :class:`WitnessState`, so that the node
can keep it in its database; :class:`MemoryWitnessState` keeps it in memory.

:class:`AddCheckpoint` is the request a log sends a witness, in the text form of tlog-witness
(``old <size>``, one base64 proof hash per line, a blank line, the signed checkpoint), so that
the same bytes can travel over HTTP or the broker.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from crypto.transparency._encoding import b64decode_canonical, b64encode, parse_decimal
from crypto.transparency.checkpoint import (
    Cosignature,
    SignedCheckpoint,
    cosign,
    parse_signed_checkpoint,
)
from crypto.transparency.errors import (
    ConsistencyProofError,
    NoteFormatError,
    SplitView,
    SplitViewReason,
    UnknownLog,
    WitnessConflict,
    WitnessError,
)
from crypto.transparency.merkle import EMPTY_ROOT, HASH_SIZE, MAX_SIZE, verify_consistency
from crypto.transparency.note import (
    MAX_NOTE_BYTES,
    LogKey,
    WitnessSigner,
    verify_note,
)

MAX_PROOF_LINES: Final = 63
"""A log MUST NOT send more proof lines than this (tlog-witness)."""


@dataclass(frozen=True)
class AddCheckpoint:
    """A log's request to a witness: cosign ``checkpoint``, consistent with ``old_size`` by
    ``proof`` (c2sp.org/tlog-witness, add-checkpoint body)."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: bytes
    """The signed checkpoint, as the log published it."""

    def to_bytes(self) -> bytes:
        lines = [f"old {self.old_size}", *(b64encode(h) for h in self.proof), ""]
        return "\n".join(lines).encode() + b"\n" + self.checkpoint

    @classmethod
    def parse(cls, body: bytes) -> AddCheckpoint:
        """Parse a request body strictly; the checkpoint itself is parsed by :func:`witness`."""
        if len(body) > MAX_NOTE_BYTES + (MAX_PROOF_LINES + 1) * 64:
            raise NoteFormatError("add-checkpoint request too large")
        head, separator, checkpoint = body.partition(b"\n\n")
        if not separator:
            raise NoteFormatError("add-checkpoint: no blank line before the checkpoint")
        try:
            lines = head.decode("ascii").split("\n")
        except UnicodeDecodeError as error:
            raise NoteFormatError("add-checkpoint: the header is not ASCII") from error
        if not lines[0].startswith("old "):
            raise NoteFormatError("add-checkpoint: the first line is not 'old <size>'")
        old_size = parse_decimal(lines[0][4:], "the old size", MAX_SIZE)
        if len(lines) - 1 > MAX_PROOF_LINES:
            raise NoteFormatError(f"add-checkpoint: more than {MAX_PROOF_LINES} proof lines")
        proof = tuple(b64decode_canonical(line, "a proof line") for line in lines[1:])
        if any(len(h) != HASH_SIZE for h in proof):
            raise NoteFormatError("add-checkpoint: a proof line is not a 32-byte hash")
        return cls(old_size, proof, checkpoint)


class WitnessState(Protocol):
    """The latest checkpoint a witness cosigned, per log origin."""

    def latest(self, origin: str) -> SignedCheckpoint | None:
        """The latest checkpoint cosigned for ``origin``, or None if none yet."""
        ...

    def replace(
        self, origin: str, checkpoint: SignedCheckpoint, *, expected: SignedCheckpoint | None
    ) -> None:
        """Record ``checkpoint`` as the latest for ``origin`` if the latest is still
        ``expected`` (same size and root; None: no checkpoint yet); otherwise raise
        :class:`~crypto.transparency.errors.WitnessConflict` and record nothing. Check and
        write are one atomic step."""
        ...


class MemoryWitnessState:
    """A :class:`WitnessState` in memory, safe to share between threads."""

    def __init__(self) -> None:
        self._latest: dict[str, SignedCheckpoint] = {}
        self._lock = threading.Lock()

    def latest(self, origin: str) -> SignedCheckpoint | None:
        with self._lock:
            return self._latest.get(origin)

    def replace(
        self, origin: str, checkpoint: SignedCheckpoint, *, expected: SignedCheckpoint | None
    ) -> None:
        with self._lock:
            current = self._latest.get(origin)
            if _head(current) != _head(expected):
                size = current.checkpoint.size if current is not None else 0
                raise WitnessConflict(size, f"the latest checkpoint of {origin} changed")
            self._latest[origin] = checkpoint


def _head(signed: SignedCheckpoint | None) -> tuple[int, bytes] | None:
    return None if signed is None else (signed.checkpoint.size, signed.checkpoint.root_hash)


def witness(
    note: bytes | str,
    *,
    old_size: int,
    proof: Sequence[bytes],
    logs: Mapping[str, Sequence[LogKey]],
    signer: WitnessSigner,
    state: WitnessState,
    now: int,
) -> Cosignature:
    """Cosign the signed checkpoint ``note`` if it is consistent with what this witness saw.

    ``old_size`` is the size the log believes the witness last cosigned, ``proof`` the
    consistency proof from that size to the checkpoint's; ``logs`` maps each followed origin to
    its keys; ``now`` (Unix seconds) is the cosignature's timestamp. Raises as listed in the
    module documentation; on success the checkpoint, with this cosignature added, is the
    state's latest for its origin.
    """
    # 1. A canonical checkpoint of a followed log, signed by it.
    shown = parse_signed_checkpoint(note)
    origin = shown.checkpoint.origin
    keys = logs.get(origin)
    if not keys:
        raise UnknownLog(f"this witness does not follow the log {origin!r}")
    verify_note(shown.note, keys)
    size, root = shown.checkpoint.size, shown.checkpoint.root_hash
    # 2. A well-formed request.
    if old_size < 0 or old_size > size:
        raise WitnessError(f"old size {old_size} is beyond the checkpoint's size {size}")
    if old_size == 0 and proof:
        raise WitnessError("a consistency proof from size 0 is empty")
    # 3. Contradictions of the latest cosigned checkpoint that no proof can resolve.
    seen = state.latest(origin)
    if seen is not None:
        seen_size, seen_root = seen.checkpoint.size, seen.checkpoint.root_hash
        if size == seen_size and root != seen_root:
            raise SplitView(
                SplitViewReason.SAME_SIZE_DIFFERENT_ROOT,
                seen=seen,
                shown=shown,
                detail=f"two roots for size {size}: {seen_root.hex()} and {root.hex()}",
            )
        if size < seen_size:
            raise SplitView(
                SplitViewReason.ROLLBACK,
                seen=seen,
                shown=shown,
                detail=f"size {size} after size {seen_size} was cosigned",
            )
    # 4. The proof must start where this witness is.
    latest_size = seen.checkpoint.size if seen is not None else 0
    if old_size != latest_size:
        raise WitnessConflict(
            latest_size, f"proof from size {old_size}, but the latest cosigned is {latest_size}"
        )
    # 5. The checkpoint extends the latest cosigned one.
    latest_root = seen.checkpoint.root_hash if seen is not None else EMPTY_ROOT
    try:
        verify_consistency(latest_size, size, proof, latest_root, root)
    except ConsistencyProofError as error:
        if seen is None:  # from size 0: only a size-0 checkpoint whose root is not H()
            raise WitnessError(f"checkpoint of size 0 with a non-empty root: {error}") from error
        raise SplitView(
            SplitViewReason.INCONSISTENT,
            seen=seen,
            shown=shown,
            proof=proof,
            detail=str(error),
        ) from error
    # 6. Cosign, record (the checkpoint with this cosignature), answer.
    cosignature = cosign(shown, signer, timestamp=now)
    state.replace(origin, shown.with_cosignatures(cosignature), expected=seen)
    return cosignature
