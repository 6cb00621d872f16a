"""Text encodings shared by notes, checkpoints, witness requests and proofs: each in its one
canonical form, so that exactly one text encodes a value."""

from __future__ import annotations

import base64
import binascii

from crypto.transparency.errors import NoteFormatError


def b64decode_canonical(text: str, what: str) -> bytes:
    """Standard base64 (RFC 4648 §4) with padding, in its one canonical form."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as error:
        raise NoteFormatError(f"{what} is not base64") from error
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteFormatError(f"{what} is not canonical base64")
    return raw


def b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def parse_decimal(text: str, what: str, limit: int) -> int:
    """ASCII decimal digits, no sign, no leading zero (except ``0`` itself), at most ``limit``."""
    if not text or not text.isascii() or not text.isdigit():
        raise NoteFormatError(f"{what} is not a decimal number")
    if len(text) > 1 and text[0] == "0":
        raise NoteFormatError(f"{what} has a leading zero")
    if len(text) > len(str(limit)) or int(text) > limit:  # int() of huge strings raises
        raise NoteFormatError(f"{what} exceeds {limit}")
    return int(text)
