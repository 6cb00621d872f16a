"""Refuse weak or malformed public keys when they are registered in the directory.

Registration is the one place where a key enters the federation's trust, so it is checked
there once, strictly (crypto-and-trust.md §2.3, "Ed25519 verification edge cases"):

- an Ed25519 key must be the canonical encoding of a point of the prime-order subgroup: not the
  identity, not a point of small order, not a point with a torsion component (libraries differ
  on how they verify signatures under such keys, so a malicious signer could make one verifier
  accept what another refuses); every key an RFC 8032 implementation generates passes;
- an X25519 key (alone or inside the hybrid key) must be a canonical u-coordinate (top bit
  clear, below p) of a point that is not of small order (a Diffie-Hellman with it would give
  the all-zero secret);
- an ML-KEM-768 encapsulation key is checked by ``cryptography`` when it is loaded (length and
  the FIPS 203 modulus check).

The Edwards arithmetic below is plain integer arithmetic on public data; it is slow (about a
millisecond per key) and runs only at registration.
"""

from __future__ import annotations

from typing import Final

from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from crypto.errors import KeyFormatError
from crypto.jwk import EncryptionPublicKey, HybridPublicKey, SigningPublicKey

_P: Final = 2**255 - 19
_D: Final = (-121665 * pow(121666, -1, _P)) % _P
_SQRT_M1: Final = pow(2, (_P - 1) // 4, _P)
_L: Final = 2**252 + 27742317777372353535851937790883648493
"""The order of the Ed25519 base point (RFC 8032 §5.1)."""

_Point = tuple[int, int, int, int]
"""A point in extended twisted Edwards coordinates (X, Y, Z, T)."""
_IDENTITY: Final[_Point] = (0, 1, 1, 0)


def _add(a: _Point, b: _Point) -> _Point:
    # RFC 8032 §5.1.4, the unified addition formula (also used for doubling).
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    p = _P
    aa = (y1 - x1) * (y2 - x2) % p
    bb = (y1 + x1) * (y2 + x2) % p
    cc = 2 * t1 * t2 * _D % p
    dd = 2 * z1 * z2 % p
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % p, g * h % p, f * g % p, e * h % p)


def _multiply(scalar: int, point: _Point) -> _Point:
    result = _IDENTITY
    addend = point
    while scalar:
        if scalar & 1:
            result = _add(result, addend)
        addend = _add(addend, addend)
        scalar >>= 1
    return result


def _is_identity(point: _Point) -> bool:
    x, y, z, _ = point
    return x % _P == 0 and (y - z) % _P == 0


def _decompress(raw: bytes) -> _Point:
    """RFC 8032 §5.1.3, refusing every non-canonical encoding."""
    if len(raw) != 32:
        raise KeyFormatError("an Ed25519 public key is 32 bytes")
    encoded = int.from_bytes(raw, "little")
    sign = encoded >> 255
    y = encoded & ((1 << 255) - 1)
    if y >= _P:
        raise KeyFormatError("Ed25519 public key: non-canonical encoding (y >= p)")
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x2 = u * pow(v, -1, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        raise KeyFormatError("Ed25519 public key: not a point on the curve")
    if x == 0 and sign:
        raise KeyFormatError("Ed25519 public key: non-canonical encoding (x = 0, sign 1)")
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


def check_signing_key(key: SigningPublicKey) -> None:
    """Raise :class:`KeyFormatError` unless ``key`` is a canonical prime-order Ed25519 key."""
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise KeyFormatError("a signing key is an Ed25519 key")
    point = _decompress(key.public_bytes_raw())
    if _is_identity(_multiply(8, point)):
        raise KeyFormatError("Ed25519 public key of small order")
    if not _is_identity(_multiply(_L, point)):
        raise KeyFormatError("Ed25519 public key outside the prime-order subgroup")


def _check_x25519(key: x25519.X25519PublicKey) -> None:
    raw = key.public_bytes_raw()
    if raw[31] & 0x80 or int.from_bytes(raw, "little") >= _P:
        raise KeyFormatError("X25519 public key: non-canonical u-coordinate")
    try:
        # With a clamped scalar the shared secret is all-zero exactly when the point has small
        # order; OpenSSL refuses that result.
        x25519.X25519PrivateKey.generate().exchange(key)
    except ValueError:
        raise KeyFormatError("X25519 public key of small order") from None


def check_encryption_key(key: EncryptionPublicKey) -> None:
    """Raise :class:`KeyFormatError` unless ``key`` is a usable X25519 or hybrid key."""
    if isinstance(key, HybridPublicKey):
        _check_x25519(key.x25519)
    elif isinstance(key, x25519.X25519PublicKey):
        _check_x25519(key)
    else:
        raise KeyFormatError("an encryption key is an X25519 or MLKEM768-X25519 key")
