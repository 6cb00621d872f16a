"""C2SP signed notes (c2sp.org/signed-note), with the two Ed25519 signature types Puente uses.

A signed note is a text ending in a newline, a blank line, and signature lines
``— <key name> <base64(key ID || signature)>``. :func:`parse_note` reads one strictly (the
exact canonical form only: anything else is a :class:`NoteFormatError`), :meth:`Note.to_bytes`
writes it, and :func:`verify_note` checks its signatures against known keys with the semantics
of the specification (and of ``golang.org/x/mod/sumdb/note``): lines from unknown keys are
ignored, a line from a known key that fails to verify rejects the whole note, and a note with
no verified signature is rejected.

Keys (key ID = ``SHA-256(name || 0x0A || type || 32-byte public key)[:4]``):

- :class:`LogKey` / :class:`LogSigner`: type ``0x01``, Ed25519 over the note text: a log's
  checkpoint signature;
- :class:`WitnessKey` / :class:`WitnessSigner`: type ``0x04``, a timestamped Ed25519
  cosignature (c2sp.org/tlog-cosignature): the signature is ``timestamp (8 bytes, big-endian)
  || Ed25519("cosignature/v1\\ntime <timestamp>\\n" || note text)``.

Either key is written as a verifier key (``vkey``): ``<name>+<hex key ID>+<base64(type ||
public key)>``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import ClassVar, Final, Protocol, Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from crypto.transparency._encoding import b64decode_canonical, b64encode
from crypto.transparency.errors import NoteFormatError, NoteSignatureError

SIGNATURE_PREFIX: Final = "\u2014 "
"""Every signature line starts with an em dash (U+2014) and a space."""
MAX_SIGNATURES: Final = 100
"""Signature lines a note may carry (the Go reference's limit; the specification asks verifiers
to accept at least 16)."""
MAX_NOTE_BYTES: Final = 256 * 1024
"""Size cap of a note, checked before parsing: room for 16 post-quantum signatures of ~5 kB."""
MAX_TIMESTAMP: Final = 2**63 - 1
"""A cosignature's timestamp MUST NOT exceed 2^63 - 1 (tlog-cosignature)."""
COSIGNATURE_HEADER: Final = "cosignature/v1\n"
_ED25519_SIZE: Final = 64


class SignatureType(IntEnum):
    """Signature type identifier bytes of c2sp.org/signed-note that Puente implements."""

    ED25519 = 0x01
    COSIGNATURE_V1 = 0x04


def is_valid_key_name(name: str) -> bool:
    """A key name is non-empty, without Unicode spaces or ``+`` (signed-note §Format)."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


_CONTROL: Final = re.compile("[\x00-\x09\x0b-\x1f]")


def _check_text(text: str, what: str) -> None:
    """Text without ASCII control characters other than newline."""
    found = _CONTROL.search(text)
    if found:
        raise NoteFormatError(f"{what} contains the control character U+{ord(found[0]):04X}")


def key_id(name: str, signature_type: SignatureType, public_key: bytes) -> bytes:
    """``SHA-256(name || 0x0A || type || public key)[:4]``."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([signature_type]) + public_key).digest()[:4]


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note, verified or not."""

    name: str
    key_id: bytes
    """4 bytes."""
    signature: bytes
    """What follows the key ID: the signature proper, in the format of the key's type."""

    def __post_init__(self) -> None:
        if not is_valid_key_name(self.name):
            raise NoteFormatError(f"invalid key name {self.name!r}")
        if len(self.key_id) != 4 or not self.signature:
            raise NoteFormatError("a signature is a 4-byte key ID and at least one byte")

    def line(self) -> str:
        """``— <name> <base64(key ID || signature)>\\n``."""
        return f"{SIGNATURE_PREFIX}{self.name} {b64encode(self.key_id + self.signature)}\n"


@dataclass(frozen=True)
class Note:
    """A note text and its signature lines."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def __post_init__(self) -> None:
        if not self.text.endswith("\n"):
            raise NoteFormatError("a note text ends with a newline")
        _check_text(self.text, "the note text")
        if not self.signatures:
            raise NoteFormatError("a signed note has at least one signature")
        if len(self.signatures) > MAX_SIGNATURES:
            raise NoteFormatError(f"more than {MAX_SIGNATURES} signatures")

    def to_bytes(self) -> bytes:
        """The note as sent: text, a blank line, the signature lines."""
        return (self.text + "\n" + "".join(s.line() for s in self.signatures)).encode()

    def with_signatures(self, *signatures: NoteSignature) -> Note:
        """This note with more signatures; a new one replaces any line of the same key."""
        keys = {(s.name, s.key_id) for s in signatures}
        kept = tuple(s for s in self.signatures if (s.name, s.key_id) not in keys)
        return Note(self.text, kept + signatures)


def parse_note(data: bytes | str) -> Note:
    """Parse a signed note in its exact canonical form; raises :class:`NoteFormatError`.

    Valid UTF-8, no control character but newline, the text separated from the signatures by
    the *last* blank line, every signature line ``— <valid name> <canonical base64 of at least
    five bytes>`` ending in a newline, at most :data:`MAX_SIGNATURES` of them.
    """
    try:
        raw = data.encode() if isinstance(data, str) else data
    except UnicodeEncodeError as error:  # lone surrogates
        raise NoteFormatError("note is not valid Unicode") from error
    if len(raw) > MAX_NOTE_BYTES:
        raise NoteFormatError(f"note larger than {MAX_NOTE_BYTES} bytes")
    try:
        message = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NoteFormatError("note is not valid UTF-8") from error
    _check_text(message, "the note")
    split = message.rfind("\n\n")
    if split < 0:
        raise NoteFormatError("no blank line before the signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block.endswith("\n"):
        raise NoteFormatError("the signature lines do not end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteFormatError(f"more than {MAX_SIGNATURES} signatures")
    signatures = []
    for number, line in enumerate(lines, 1):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteFormatError(f"signature line {number} does not start with '— '")
        name, space, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if not space or not is_valid_key_name(name):
            raise NoteFormatError(f"signature line {number} has no valid key name")
        blob = b64decode_canonical(encoded, f"signature line {number}")
        if len(blob) < 5:
            raise NoteFormatError(f"signature line {number} is shorter than a key ID and a byte")
        signatures.append(NoteSignature(name, blob[:4], blob[4:]))
    return Note(text, tuple(signatures))


class NoteVerifier(Protocol):
    """A known public key: its name, key ID, and how it checks a signature of a note text."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def check(self, text: bytes, signature: bytes) -> bool:
        """Whether ``signature`` (after the key ID) is this key's over note text ``text``."""
        ...


def verify_note(note: Note, known: Sequence[NoteVerifier]) -> list[NoteSignature]:
    """The signatures of ``note`` that verify under ``known`` keys (at least one), in order.

    Lines whose (name, key ID) is not a known key's are ignored; of several lines of one known
    key the first decides; a line of a known key that does not verify raises
    :class:`NoteSignatureError`, and so does a note without a verified signature. Two known keys
    with the same (name, key ID) are a configuration error (:class:`ValueError`).
    """
    by_id: dict[tuple[str, bytes], NoteVerifier] = {}
    for key in known:
        handle = (key.name, key.key_id)
        if handle in by_id:
            raise ValueError(f"ambiguous key {key.name}+{key.key_id.hex()}")
        by_id[handle] = key
    text = note.text.encode()
    verified: list[NoteSignature] = []
    seen: set[tuple[str, bytes]] = set()
    for signature in note.signatures:
        handle = (signature.name, signature.key_id)
        verifier = by_id.get(handle)
        if verifier is None or handle in seen:
            continue
        seen.add(handle)
        if not verifier.check(text, signature.signature):
            raise NoteSignatureError(
                f"invalid signature for key {signature.name}+{signature.key_id.hex()}"
            )
        verified.append(signature)
    if not verified:
        raise NoteSignatureError("no signature from a known key")
    return verified


def _raw_public(key: ed25519.Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class _Ed25519Key:
    TYPE: ClassVar[SignatureType]

    name: str
    public_key: ed25519.Ed25519PublicKey = field(compare=False)
    raw: bytes = field(init=False)
    key_id: bytes = field(init=False, compare=False)

    def __post_init__(self) -> None:
        if not is_valid_key_name(self.name):
            raise NoteFormatError(f"invalid key name {self.name!r}")
        object.__setattr__(self, "raw", _raw_public(self.public_key))
        object.__setattr__(self, "key_id", key_id(self.name, self.TYPE, self.raw))

    def vkey(self) -> str:
        """The verifier key text: ``<name>+<hex key ID>+<base64(type || public key)>``."""
        return f"{self.name}+{self.key_id.hex()}+{b64encode(bytes([self.TYPE]) + self.raw)}"

    @classmethod
    def from_vkey(cls, vkey: str) -> Self:
        """Parse a verifier key of this key's type; its stated key ID must be the computed
        one."""
        name, public_key, stated = cls._parse_vkey(vkey)
        key = cls(name, public_key)
        if key.key_id != stated:
            raise NoteFormatError("verifier key: the key ID does not match the key")
        return key

    @classmethod
    def _parse_vkey(cls, vkey: str) -> tuple[str, ed25519.Ed25519PublicKey, bytes]:
        name, _, rest = vkey.partition("+")
        hex_id, _, encoded = rest.partition("+")
        if not is_valid_key_name(name):
            raise NoteFormatError("verifier key: invalid key name")
        if len(hex_id) != 8 or hex_id != hex_id.lower() or not hex_id.isascii():
            raise NoteFormatError("verifier key: the key ID is not 8 lowercase hex digits")
        try:
            stated = bytes.fromhex(hex_id)
        except ValueError as error:
            raise NoteFormatError("verifier key: the key ID is not hex") from error
        blob = b64decode_canonical(encoded, "verifier key")
        if len(blob) != 33 or blob[0] != cls.TYPE:
            raise NoteFormatError(f"verifier key: not a type 0x{cls.TYPE:02x} key of 32 bytes")
        return name, ed25519.Ed25519PublicKey.from_public_bytes(blob[1:]), stated


@dataclass(frozen=True)
class LogKey(_Ed25519Key):
    """A log's public key: Ed25519 signatures over the note text (signed-note type 0x01)."""

    TYPE: ClassVar[SignatureType] = SignatureType.ED25519

    def check(self, text: bytes, signature: bytes) -> bool:
        if len(signature) != _ED25519_SIZE:
            return False
        try:
            self.public_key.verify(signature, text)
        except InvalidSignature:
            return False
        return True


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: ``cosignature/v1\\ntime <timestamp>\\n`` and the note text
    (the whole checkpoint body, extension lines included)."""
    return f"{COSIGNATURE_HEADER}time {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class WitnessKey(_Ed25519Key):
    """A witness's public key: timestamped Ed25519 cosignatures (signed-note type 0x04)."""

    TYPE: ClassVar[SignatureType] = SignatureType.COSIGNATURE_V1

    def check(self, text: bytes, signature: bytes) -> bool:
        if len(signature) != 8 + _ED25519_SIZE:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        try:
            self.public_key.verify(
                signature[8:], COSIGNATURE_HEADER.encode() + b"time %d\n" % timestamp + text
            )
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class LogSigner:
    """A log's private key, signing checkpoints (type 0x01)."""

    name: str
    private_key: ed25519.Ed25519PrivateKey = field(repr=False, compare=False)

    @property
    def public(self) -> LogKey:
        return LogKey(self.name, self.private_key.public_key())

    def sign(self, text: str) -> NoteSignature:
        """Sign a note text (ending in a newline)."""
        _check_text(text, "the note text")
        if not text.endswith("\n"):
            raise NoteFormatError("a note text ends with a newline")
        public = self.public
        return NoteSignature(self.name, public.key_id, self.private_key.sign(text.encode()))


@dataclass(frozen=True)
class WitnessSigner:
    """A witness's private key, cosigning checkpoints (type 0x04)."""

    name: str
    private_key: ed25519.Ed25519PrivateKey = field(repr=False, compare=False)

    @property
    def public(self) -> WitnessKey:
        return WitnessKey(self.name, self.private_key.public_key())

    def cosign(self, text: str, timestamp: int) -> NoteSignature:
        """Cosign a note text at ``timestamp`` (Unix seconds)."""
        _check_text(text, "the note text")
        if not text.endswith("\n"):
            raise NoteFormatError("a note text ends with a newline")
        if not 0 <= timestamp <= MAX_TIMESTAMP:
            raise NoteFormatError(f"timestamp {timestamp} outside [0, 2^63 - 1]")
        signature = self.private_key.sign(cosigned_message(text, timestamp))
        return NoteSignature(
            self.name, self.public.key_id, timestamp.to_bytes(8, "big") + signature
        )
