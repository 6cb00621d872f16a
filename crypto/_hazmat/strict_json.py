"""Strict JSON, as puente/1 requires everywhere (docs/protocol.md, "Encodings").

UTF-8 only (no BOM), no duplicate member names at any depth, no NaN or Infinity. Numbers with
a fraction or an exponent are kept as :class:`decimal.Decimal` so that a type check can refuse
``1.0`` where an integer is required; booleans are never integers.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Final


class StrictJsonError(ValueError):
    """The bytes are not strict JSON."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise StrictJsonError("duplicate member name")
    return result


def _no_constants(name: str) -> Any:
    raise StrictJsonError(f"{name} is not JSON")


_DECODER: Final = json.JSONDecoder(
    object_pairs_hook=_no_duplicates, parse_constant=_no_constants, parse_float=Decimal
)


def loads_strict(data: bytes) -> Any:
    """Parse strict JSON from UTF-8 bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise StrictJsonError("byte order mark")
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise StrictJsonError("not UTF-8") from error
    try:
        return _DECODER.decode(text)
    except StrictJsonError:
        raise
    except (ValueError, RecursionError) as error:
        raise StrictJsonError("not JSON") from error


def dumps_compact(value: Any) -> bytes:
    """Compact UTF-8 JSON in the members' insertion order (how puente/1 headers are written)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def is_integer(value: Any) -> bool:
    """A JSON integer literal: an int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: objects by member set, arrays in order, numbers by value; a boolean never
    equals a number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)):
        return Decimal(a) == Decimal(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is not type(b):
        return False
    return bool(a == b)
