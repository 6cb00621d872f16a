"""Strict base64url without padding (RFC 7515 §2, RFC 4648 §5).

Strict means: only the 64 URL-safe characters, no '=' padding, no whitespace, a length that is
not 1 modulo 4, and canonical trailing bits (the unused low bits of the last character are
zero), so that exactly one text encodes a given byte string.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

_ALPHABET: Final = re.compile(rb"^[A-Za-z0-9_-]*$")


class Base64Error(ValueError):
    """The text is not strict base64url."""


def b64url_encode(data: bytes) -> bytes:
    """Encode without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def b64url_decode(text: bytes | str) -> bytes:
    """Decode strict base64url; raises :class:`Base64Error` on any deviation."""
    raw = text.encode("ascii") if isinstance(text, str) else text
    if not _ALPHABET.match(raw) or len(raw) % 4 == 1:
        raise Base64Error("not strict base64url")
    try:
        data = base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
    except (binascii.Error, ValueError) as error:  # pragma: no cover - alphabet checked above
        raise Base64Error("not strict base64url") from error
    if b64url_encode(data) != raw:
        raise Base64Error("non-canonical trailing bits")
    return data
