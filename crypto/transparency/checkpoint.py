"""Checkpoints (c2sp.org/tlog-checkpoint) and witness cosignatures (c2sp.org/tlog-cosignature).

A checkpoint is a signed note whose text is exactly::

    <origin>\\n
    <tree size, ASCII decimal, no leading zero>\\n
    <root hash, standard base64 of 32 bytes>\\n
    [<extension line>\\n ...]

signed by the log (:class:`~crypto.transparency.note.LogSigner`, key name = origin) and
cosigned by witnesses (:class:`~crypto.transparency.note.WitnessSigner`).

- :func:`sign_checkpoint` makes a :class:`SignedCheckpoint`; :meth:`SignedCheckpoint.to_bytes`
  is what is published.
- :func:`parse_signed_checkpoint` reads one strictly without checking any signature (for text
  that was verified before, e.g. read back from one's own database);
  :func:`open_checkpoint` reads one strictly *and* requires a valid signature from one of the
  log's keys: what everyone who receives a checkpoint calls.
- :func:`cosign` makes a witness's :class:`Cosignature`; :func:`verify_cosignatures` checks the
  cosignatures of known witnesses on a checkpoint and enforces a quorum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crypto.transparency._encoding import b64decode_canonical, b64encode, parse_decimal
from crypto.transparency.errors import NoteFormatError, NoteSignatureError
from crypto.transparency.merkle import HASH_SIZE, MAX_SIZE
from crypto.transparency.note import (
    LogKey,
    LogSigner,
    Note,
    NoteSignature,
    WitnessKey,
    WitnessSigner,
    parse_note,
    verify_note,
)


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: origin, tree size, root hash, and optional extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise NoteFormatError("the origin is a non-empty line")
        if not 0 <= self.size <= MAX_SIZE:
            raise NoteFormatError(f"tree size {self.size} is not a uint64")
        if len(self.root_hash) != HASH_SIZE:
            raise NoteFormatError(f"the root hash is {len(self.root_hash)} bytes, not 32")
        for line in self.extensions:
            if not line or "\n" in line:
                raise NoteFormatError("an extension line is a non-empty line")

    def body(self) -> str:
        """The note text of this checkpoint."""
        lines = [self.origin, str(self.size), b64encode(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint's note text in its exact canonical form."""
        if not text.endswith("\n"):
            raise NoteFormatError("a checkpoint text ends with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise NoteFormatError("a checkpoint has at least three lines")
        origin, size, root, *extensions = lines
        if not origin:
            raise NoteFormatError("the origin line is empty")
        checkpoint = cls(
            origin,
            parse_decimal(size, "the tree size", MAX_SIZE),
            b64decode_canonical(root, "the root hash"),
            tuple(extensions),
        )
        if checkpoint.body() != text:  # pragma: no cover - each part checked above
            raise NoteFormatError("the checkpoint is not in its canonical form")
        return checkpoint


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint and the signed note that carries it (the log's signature, cosignatures)."""

    checkpoint: Checkpoint
    note: Note

    def __post_init__(self) -> None:
        if self.note.text != self.checkpoint.body():
            raise NoteFormatError("the note text is not the checkpoint's body")

    def to_bytes(self) -> bytes:
        """The signed note as published."""
        return self.note.to_bytes()

    def with_cosignatures(self, *cosignatures: Cosignature) -> SignedCheckpoint:
        """This checkpoint with witness cosignatures added (replacing older ones of the same
        witness key)."""
        lines = [c.note_signature() for c in cosignatures]
        return SignedCheckpoint(self.checkpoint, self.note.with_signatures(*lines))


@dataclass(frozen=True)
class Cosignature:
    """A witness's timestamped cosignature of a checkpoint."""

    name: str
    key_id: bytes
    timestamp: int
    """When the witness cosigned (Unix seconds)."""
    signature: bytes
    """The 64-byte Ed25519 signature."""

    @classmethod
    def from_note_signature(cls, line: NoteSignature) -> Cosignature:
        if len(line.signature) != 8 + 64:
            raise NoteFormatError("a cosignature is an 8-byte timestamp and 64 bytes")
        return cls(
            line.name, line.key_id, int.from_bytes(line.signature[:8], "big"), line.signature[8:]
        )

    def note_signature(self) -> NoteSignature:
        return NoteSignature(
            self.name, self.key_id, self.timestamp.to_bytes(8, "big") + self.signature
        )

    def line(self) -> str:
        """The signature line, as a witness returns it."""
        return self.note_signature().line()


def sign_checkpoint(checkpoint: Checkpoint, signer: LogSigner) -> SignedCheckpoint:
    """Sign a checkpoint with the log's key; the key's name must be the origin."""
    if signer.name != checkpoint.origin:
        raise NoteFormatError(
            f"the log key {signer.name!r} is not named after the origin {checkpoint.origin!r}"
        )
    text = checkpoint.body()
    return SignedCheckpoint(checkpoint, Note(text, (signer.sign(text),)))


def parse_signed_checkpoint(data: bytes | str) -> SignedCheckpoint:
    """Parse a signed checkpoint strictly, **without** checking any signature."""
    note = parse_note(data)
    return SignedCheckpoint(Checkpoint.parse(note.text), note)


def open_checkpoint(
    data: bytes | str, *, origin: str, log_keys: Sequence[LogKey]
) -> SignedCheckpoint:
    """Parse a signed checkpoint strictly and check it is ``origin``'s, signed by one of
    ``log_keys``.

    Raises :class:`NoteFormatError` if the text is not a canonical checkpoint or the origin is
    another log's, :class:`NoteSignatureError` if no signature of a known log key verifies or
    one of them fails. Signatures of unknown keys (witnesses, for instance) are kept, unchecked.
    """
    signed = parse_signed_checkpoint(data)
    if signed.checkpoint.origin != origin:
        raise NoteFormatError(f"checkpoint of {signed.checkpoint.origin!r}, expected {origin!r}")
    verify_note(signed.note, log_keys)
    return signed


def cosign(signed: SignedCheckpoint, signer: WitnessSigner, *, timestamp: int) -> Cosignature:
    """A witness's cosignature of the checkpoint at ``timestamp``.

    This only signs: :func:`crypto.transparency.witness.witness` decides whether to.
    """
    line = signer.cosign(signed.note.text, timestamp)
    return Cosignature.from_note_signature(line)


def verify_cosignatures(
    signed: SignedCheckpoint, witnesses: Sequence[WitnessKey], *, quorum: int = 1
) -> list[Cosignature]:
    """The valid cosignatures of known ``witnesses`` on the checkpoint (one per witness key).

    Raises :class:`NoteSignatureError` if a known witness's cosignature does not verify, or if
    fewer than ``quorum`` witnesses cosigned. Lines of unknown keys (the log's own, other
    witnesses) are ignored.
    """
    if quorum < 0:
        raise ValueError("the quorum is a non-negative number of witnesses")
    try:
        verified = verify_note(signed.note, witnesses)
    except NoteSignatureError:
        if quorum == 0 and not any(
            (s.name, s.key_id) == (w.name, w.key_id)
            for s in signed.note.signatures
            for w in witnesses
        ):
            return []
        raise
    cosignatures = [Cosignature.from_note_signature(line) for line in verified]
    if len(cosignatures) < quorum:
        raise NoteSignatureError(
            f"{len(cosignatures)} witness cosignature(s) of {signed.checkpoint.origin} "
            f"size {signed.checkpoint.size}, {quorum} required"
        )
    return cosignatures
