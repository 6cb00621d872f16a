"""Public and private keys as JWK (RFC 7517, RFC 8037) and their RFC 7638 thumbprints.

Key ids everywhere in Puente are thumbprints: SHA-256 over the required members of the JWK in
lexicographic order, serialized compactly, base64url without padding. They are computed, never
asserted, so a key id names exactly one key.

Key forms:

- Ed25519 signing key: ``{"kty": "OKP", "crv": "Ed25519", "x": ...}`` (+ ``"d"``, the 32-byte
  private key);
- X25519 encryption key: ``{"kty": "OKP", "crv": "X25519", "x": ...}`` (+ ``"d"``);
- hybrid encryption key of suite HPKE-MLKEM768X25519-SHA256-A256GCM:
  ``{"kty": "OKP", "crv": "MLKEM768-X25519", "x": ...}`` where ``x`` is the 1184-byte ML-KEM-768
  encapsulation key followed by the 32-byte X25519 public key, and ``d`` is the 64-byte ML-KEM
  seed (d || z, FIPS 203) followed by the 32-byte X25519 private key. The thumbprint is computed
  over ``crv``, ``kty`` and ``x`` as for the other keys.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519

from crypto._hazmat.b64 import Base64Error, b64url_decode, b64url_encode
from crypto.errors import KeyFormatError

_MLKEM768_PUBLIC: Final = 1184
_MLKEM_SEED: Final = 64
_X25519: Final = 32
_OKP_MEMBERS: Final = frozenset({"kty", "crv", "x"})


@dataclass(frozen=True)
class HybridPublicKey:
    """An ML-KEM-768 + X25519 public key (the recipient key of the post-quantum suite)."""

    mlkem: mlkem.MLKEM768PublicKey
    x25519: x25519.X25519PublicKey

    def raw(self) -> bytes:
        return self.mlkem.public_bytes_raw() + self.x25519.public_bytes_raw()

    def for_hpke(self) -> hpke.MLKEM768X25519PublicKey:
        return hpke.MLKEM768X25519PublicKey(self.mlkem, self.x25519)


@dataclass(frozen=True)
class HybridPrivateKey:
    """An ML-KEM-768 + X25519 private key."""

    mlkem: mlkem.MLKEM768PrivateKey
    x25519: x25519.X25519PrivateKey

    @classmethod
    def generate(cls) -> HybridPrivateKey:
        return cls(mlkem.MLKEM768PrivateKey.generate(), x25519.X25519PrivateKey.generate())

    def public_key(self) -> HybridPublicKey:
        return HybridPublicKey(self.mlkem.public_key(), self.x25519.public_key())

    def raw(self) -> bytes:
        return self.mlkem.private_bytes_raw() + self.x25519.private_bytes_raw()

    def for_hpke(self) -> hpke.MLKEM768X25519PrivateKey:
        return hpke.MLKEM768X25519PrivateKey(self.mlkem, self.x25519)


SigningPublicKey = ed25519.Ed25519PublicKey
SigningPrivateKey = ed25519.Ed25519PrivateKey
EncryptionPublicKey = x25519.X25519PublicKey | HybridPublicKey
EncryptionPrivateKey = x25519.X25519PrivateKey | HybridPrivateKey
PublicKey = SigningPublicKey | EncryptionPublicKey
PrivateKey = SigningPrivateKey | EncryptionPrivateKey


def _public_raw(key: PublicKey) -> tuple[str, bytes]:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", key.public_bytes_raw()
    if isinstance(key, x25519.X25519PublicKey):
        return "X25519", key.public_bytes_raw()
    return "MLKEM768-X25519", key.raw()


def public_jwk(key: PublicKey) -> dict[str, str]:
    """The public JWK of a key, members in lexicographic order."""
    crv, raw = _public_raw(key)
    return {"crv": crv, "kty": "OKP", "x": b64url_encode(raw).decode("ascii")}


def private_jwk(key: PrivateKey) -> dict[str, str]:
    """The private JWK of a key (with ``d``). Handle as a secret."""
    public = public_jwk(key.public_key())
    if isinstance(key, (ed25519.Ed25519PrivateKey, x25519.X25519PrivateKey)):
        raw = key.private_bytes_raw()
    else:
        raw = key.raw()
    return {**public, "d": b64url_encode(raw).decode("ascii")}


def thumbprint(jwk: Mapping[str, str]) -> str:
    """RFC 7638 thumbprint (SHA-256) of an OKP JWK, base64url without padding."""
    required = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return b64url_encode(hashlib.sha256(canonical).digest()).decode("ascii")


def kid_of(key: PublicKey) -> str:
    """The key id of a public key: its RFC 7638 thumbprint."""
    return thumbprint(public_jwk(key))


def _members(jwk: Mapping[str, object], private: bool) -> tuple[str, bytes, bytes | None]:
    allowed = _OKP_MEMBERS | ({"d"} if private else set())
    extra = set(jwk) - allowed - {"kid", "use", "alg", "key_ops"}
    if extra or not set(jwk) >= _OKP_MEMBERS or (private and "d" not in jwk):
        raise KeyFormatError("a JWK here has exactly kty, crv, x (and d for a private key)")
    if jwk["kty"] != "OKP" or not all(isinstance(jwk[m], str) for m in allowed):
        raise KeyFormatError("kty must be OKP and every member a string")
    try:
        x = b64url_decode(str(jwk["x"]))
        d = b64url_decode(str(jwk["d"])) if private else None
    except Base64Error as error:
        raise KeyFormatError(f"bad base64url in JWK: {error}") from None
    return str(jwk["crv"]), x, d


def load_public_jwk(jwk: Mapping[str, object]) -> PublicKey:
    """A public key from its JWK; raises :class:`KeyFormatError`."""
    crv, x, _ = _members(jwk, private=False)
    try:
        if crv == "Ed25519" and len(x) == 32:
            return ed25519.Ed25519PublicKey.from_public_bytes(x)
        if crv == "X25519" and len(x) == _X25519:
            return x25519.X25519PublicKey.from_public_bytes(x)
        if crv == "MLKEM768-X25519" and len(x) == _MLKEM768_PUBLIC + _X25519:
            return HybridPublicKey(
                mlkem.MLKEM768PublicKey.from_public_bytes(x[:_MLKEM768_PUBLIC]),
                x25519.X25519PublicKey.from_public_bytes(x[_MLKEM768_PUBLIC:]),
            )
    except ValueError as error:
        raise KeyFormatError(f"invalid {crv} public key") from error
    raise KeyFormatError(f"unsupported curve or key length: {crv}")


def load_private_jwk(jwk: Mapping[str, object]) -> PrivateKey:
    """A private key from its JWK; raises :class:`KeyFormatError` (also when x does not match d)."""
    crv, _, d = _members(jwk, private=True)
    assert d is not None  # noqa: S101 - _members guarantees it for private keys
    key: PrivateKey
    try:
        if crv == "Ed25519" and len(d) == 32:
            key = ed25519.Ed25519PrivateKey.from_private_bytes(d)
        elif crv == "X25519" and len(d) == _X25519:
            key = x25519.X25519PrivateKey.from_private_bytes(d)
        elif crv == "MLKEM768-X25519" and len(d) == _MLKEM_SEED + _X25519:
            key = HybridPrivateKey(
                mlkem.MLKEM768PrivateKey.from_seed_bytes(d[:_MLKEM_SEED]),
                x25519.X25519PrivateKey.from_private_bytes(d[_MLKEM_SEED:]),
            )
        else:
            raise KeyFormatError(f"unsupported curve or key length: {crv}")
    except ValueError as error:
        raise KeyFormatError(f"invalid {crv} private key") from error
    if public_jwk(key.public_key())["x"] != jwk["x"]:
        raise KeyFormatError("the JWK's x is not the public key of its d")
    return key
