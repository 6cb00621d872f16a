"""Encryption at rest of what a node stores: sealed sections, drafts, case facts.

Two levels of keys, so that deleting data is cheap and certain (crypto-shredding):

- the node's **data key** (a key-encryption key, 32 bytes) lives in its own file, sealed like the
  key ring (Argon2id passphrase or key file, AES-256-GCM);
- each case gets its own **case key** (32 random bytes), stored in the database only wrapped by the
  data key. Destroying a case's wrapped key makes every blob of the case unreadable for good, while
  the hashes in the audit log stay verifiable.

Every blob is AES-256-GCM with a fresh 96-bit nonce and associated data naming what it is (the
case, the message, the path of the section): a blob moved to another row does not open.
Format of a blob: ``0x01 || nonce (12) || ciphertext+tag``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crypto._hazmat.b64 import Base64Error, b64url_decode, b64url_encode
from crypto.errors import KeyringError
from crypto.keys import (
    MIN_PASSPHRASE_CHARS,
    Argon2Params,
    Passphrase,
    Secret,
    kdf_header,
    wrapping_key,
    write_atomically,
)

BLOB_VERSION: Final = 1
KEY_BYTES: Final = 32
_NONCE_BYTES: Final = 12
DATA_KEY_FORMAT: Final = "puente-data-key"


class UnreadableBlob(KeyringError):
    """A blob does not open: wrong key, altered bytes, moved to another place, or shredded."""


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return bytes([BLOB_VERSION]) + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, blob: bytes, aad: bytes, what: str) -> bytes:
    if len(blob) < 1 + _NONCE_BYTES + 16 or blob[0] != BLOB_VERSION:
        raise UnreadableBlob(f"{what}: not a version-{BLOB_VERSION} blob")
    try:
        return AESGCM(key).decrypt(blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :], aad)
    except InvalidTag:
        raise UnreadableBlob(f"{what}: does not open (wrong key, altered, or moved)") from None


@dataclass(frozen=True, repr=False)
class CaseKey:
    """One case's key: encrypts that case's blobs."""

    material: bytes

    def __repr__(self) -> str:
        return "CaseKey(***)"

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        return _seal(self.material, plaintext, aad)

    def open(self, blob: bytes, aad: bytes) -> bytes:
        return _open(self.material, blob, aad, "sealed data")


@dataclass(frozen=True, repr=False)
class DataKey:
    """The node's data key: wraps case keys."""

    material: bytes

    def __repr__(self) -> str:
        return "DataKey(***)"

    @classmethod
    def generate(cls) -> DataKey:
        return cls(os.urandom(KEY_BYTES))

    def new_case_key(self, case_id: str) -> tuple[CaseKey, bytes]:
        """A fresh case key and its wrapped form, to store beside the case."""
        key = CaseKey(os.urandom(KEY_BYTES))
        return key, _seal(self.material, key.material, b"case-key|" + case_id.encode())

    def case_key(self, case_id: str, wrapped: bytes | None) -> CaseKey:
        """Unwrap a case's key; a shredded case (``wrapped`` None) raises UnreadableBlob."""
        if wrapped is None:
            raise UnreadableBlob(f"case {case_id}: its key was destroyed (crypto-shredded)")
        material = _open(self.material, wrapped, b"case-key|" + case_id.encode(), "case key")
        return CaseKey(material)


def write_data_key(
    path: Path, key: DataKey, secret: Secret, params: Argon2Params | None = None
) -> None:
    """Seal the data key to ``path`` (mode 0600, replaced atomically)."""
    if isinstance(secret, Passphrase) and len(secret.text) < MIN_PASSPHRASE_CHARS:
        raise KeyringError(f"a passphrase has at least {MIN_PASSPHRASE_CHARS} characters")
    kdf = kdf_header(secret, params or Argon2Params())
    header = {"format": DATA_KEY_FORMAT, "version": 1, "kdf": kdf}
    aad = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    blob = _seal(wrapping_key(secret, kdf), key.material, aad)
    document = {**header, "blob": b64url_encode(blob).decode("ascii")}
    write_atomically(path, json.dumps(document).encode() + b"\n", 0o600)


def read_data_key(path: Path, secret: Secret) -> DataKey:
    """Unlock the data key at ``path``; KeyringError says what failed."""
    try:
        document = json.loads(path.read_bytes())
    except OSError as error:
        raise KeyringError(f"cannot read data key {path}: {error.strerror}") from None
    except ValueError:
        raise KeyringError(f"data key {path}: not JSON") from None
    if (
        not isinstance(document, dict)
        or set(document) != {"format", "version", "kdf", "blob"}
        or document["format"] != DATA_KEY_FORMAT
        or document["version"] != 1
        or not isinstance(document["blob"], str)
    ):
        raise KeyringError(f"data key {path}: not a {DATA_KEY_FORMAT} version 1 file")
    header = {k: document[k] for k in ("format", "version", "kdf")}
    aad = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    try:
        blob = b64url_decode(document["blob"])
    except Base64Error:
        raise KeyringError(f"data key {path}: bad base64") from None
    material = _open(wrapping_key(secret, document["kdf"]), blob, aad, f"data key {path}")
    if len(material) != KEY_BYTES:
        raise KeyringError(f"data key {path}: not {KEY_BYTES} bytes")
    return DataKey(material)
