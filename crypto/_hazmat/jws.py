"""JWS Compact Serialization with Ed25519 (RFC 7515, RFC 8037, RFC 9864), nothing else.

These functions sign and split exactly what they are given; the header rules of puente/1 are
applied by :mod:`crypto.envelope`.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from crypto._hazmat.b64 import b64url_decode, b64url_encode


def sign_compact(header_json: bytes, payload: bytes, key: ed25519.Ed25519PrivateKey) -> bytes:
    """``BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature)``."""
    signing_input = b64url_encode(header_json) + b"." + b64url_encode(payload)
    return signing_input + b"." + b64url_encode(key.sign(signing_input))


def split_compact(token: bytes) -> tuple[bytes, bytes, bytes]:
    """The three segments of a compact JWS; ValueError if there are not exactly three."""
    parts = token.split(b".")
    if len(parts) != 3:
        raise ValueError("a compact JWS has exactly three segments")
    return parts[0], parts[1], parts[2]


def verify_segments(
    header_segment: bytes, payload_segment: bytes, signature: bytes, key: ed25519.Ed25519PublicKey
) -> bool:
    """Whether ``signature`` (decoded) signs the two segments as received."""
    try:
        key.verify(signature, header_segment + b"." + payload_segment)
    except InvalidSignature:
        return False
    return True


def hpke_info(header_segment: bytes) -> bytes:
    """The HPKE ``info`` of puente/1: the prefix and the SHA-256 of the received header segment."""
    return b"puente/1 " + hashlib.sha256(header_segment).digest()


def decode_segments(token: bytes) -> tuple[bytes, bytes, bytes]:
    """Split and strictly decode the three segments (ValueError on any defect)."""
    header, payload, signature = split_compact(token)
    return b64url_decode(header), b64url_decode(payload), b64url_decode(signature)
