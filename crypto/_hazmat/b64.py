"""Strict base64url without padding (RFC 7515 §2, RFC 4648 §5).

Strict means: only the 64 URL-safe characters, no '=' padding, no whitespace, a length that is
not 1 modulo 4, and canonical trailing bits (the unused low bits of the last character are
zero), so that exactly one text encodes a given byte string.
"""

from __future__ import annotations

import base64
import binascii
from typing import Final

_CHARACTERS: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_TO_STANDARD: Final = bytes.maketrans(b"-_", b"+/")
_CANONICAL_LAST: Final = {
    # The last character of a text of length 2 (mod 4) carries 4 unused bits, of length 3 two.
    2: frozenset(c for i, c in enumerate(_CHARACTERS) if i % 16 == 0),
    3: frozenset(c for i, c in enumerate(_CHARACTERS) if i % 4 == 0),
}


class Base64Error(ValueError):
    """The text is not strict base64url."""


def b64url_encode(data: bytes) -> bytes:
    """Encode without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def b64url_decode(text: bytes | str) -> bytes:
    """Decode strict base64url; raises :class:`Base64Error` on any deviation."""
    if isinstance(text, str) and not text.isascii():
        raise Base64Error("not strict base64url")
    raw = text.encode("ascii") if isinstance(text, str) else text
    if raw.translate(None, _CHARACTERS) or len(raw) % 4 == 1:
        raise Base64Error("not strict base64url")
    if len(raw) % 4 and raw[-1] not in _CANONICAL_LAST[len(raw) % 4]:
        raise Base64Error("non-canonical trailing bits")
    try:
        return binascii.a2b_base64(raw.translate(_TO_STANDARD) + b"=" * (-len(raw) % 4))
    except binascii.Error as error:  # pragma: no cover - alphabet and length checked above
        raise Base64Error("not strict base64url") from error
