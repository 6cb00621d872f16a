"""Strict encodings and the padding rule of puente/1 (docs/protocol.md, sections 3 and 4):
base64url, JSON, JSON-equality, the padded length at the bucket boundaries, unpadding."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto._hazmat.b64 import Base64Error, b64url_decode, b64url_encode
from crypto._hazmat.strict_json import StrictJsonError, is_integer, json_equal, loads_strict
from crypto.envelope import pad, padded_length, unpad

MIB = 1024 * 1024

# --- padding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "length"),
    [
        (0, 1024),
        (1022, 1024),
        (1023, 1024),
        (1024, 2048),
        (2047, 2048),
        (2048, 4096),
        (MIB - 1, MIB),
        (MIB, 2 * MIB),
        (2 * MIB - 1, 2 * MIB),
        (2 * MIB, 3 * MIB),
        (5 * MIB + 7, 6 * MIB),
    ],
)
def test_the_padded_length(n: int, length: int) -> None:
    assert padded_length(n) == length


@given(st.integers(min_value=0, max_value=64 * MIB))
def test_the_padded_length_is_the_smallest_allowed(n: int) -> None:
    length = padded_length(n)
    assert length >= max(1024, n + 1)
    if n + 1 <= MIB:
        assert length & (length - 1) == 0
        assert length == 1024 or length // 2 < n + 1
    else:
        assert length % MIB == 0
        assert length - MIB < n + 1


@pytest.mark.parametrize(
    "n", [1023, 1024, MIB - 1, MIB], ids=["n+1=1024", "n+1=1025", "n+1=1MiB", "n+1=1MiB+1"]
)
def test_pad_and_unpad_at_the_bucket_boundaries(n: int) -> None:
    inner = b"j" * n
    padded = pad(inner)
    assert len(padded) == padded_length(n)
    assert padded[n] == 0x80
    assert not padded[n + 1 :].strip(b"\x00")
    assert unpad(padded) == inner
    for wrong in (padded[:-1], padded + b"\x00", padded + b"\x00" * 1024, padded[:-1] + b"\x01"):
        with pytest.raises(ValueError, match=r"padded length|0x80"):
            unpad(wrong)


@pytest.mark.parametrize(
    "plaintext",
    [
        b"",
        b"\x00" * 1024,
        b"j" * 1024,
        b"j" * 1023 + b"\x81",
        b"j" * 1000 + b"\x80\x01" + b"\x00" * 22,
    ],
    ids=["empty", "zeros", "no marker", "0x81", "non-zero after 0x80"],
)
def test_unpad_refuses_a_missing_0x80(plaintext: bytes) -> None:
    with pytest.raises(ValueError, match="0x80"):
        unpad(plaintext)


# --- strict encodings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "data"),
    [
        (b"", b""),
        (b"AA", b"\x00"),
        (b"AAA", b"\x00\x00"),
        (b"AAAA", b"\x00\x00\x00"),
        (b"_w", b"\xff"),
        (b"-_8", b"\xfb\xff"),
    ],
)
def test_strict_base64url_decodes_canonical_text(text: bytes, data: bytes) -> None:
    assert b64url_decode(text) == data
    assert b64url_decode(text.decode()) == data


@pytest.mark.parametrize(
    "text",
    [
        b"AA==",
        b"AA=",
        b"A",
        b"AAAAA",
        b"AB",
        b"AAB",
        b"_x",
        b"A A",
        b"AA\n",
        b"\nAA",
        b"AA\t",
        b"+w",
        b"/w",
        b"AA.",
        "Aé",
        b"A\x00",
        b"\xffA",
    ],
)
def test_strict_base64url_refuses_everything_else(text: bytes | str) -> None:
    with pytest.raises(Base64Error):
        b64url_decode(text)


@given(st.binary(max_size=64))
def test_base64url_round_trips(data: bytes) -> None:
    assert b64url_decode(b64url_encode(data)) == data


_URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _is_an_encoding(text: str) -> bool:
    """Whether some byte string encodes (without padding) to exactly ``text``."""
    if not set(text) <= set(_URLSAFE) or len(text) % 4 == 1:
        return False
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return b64url_encode(data).decode() == text


@given(st.text(alphabet=_URLSAFE + "=+/ \n", max_size=16))
def test_exactly_the_encoding_of_some_bytes_decodes(text: str) -> None:
    try:
        data = b64url_decode(text)
    except Base64Error:
        assert not _is_an_encoding(text)
    else:
        assert _is_an_encoding(text)
        assert b64url_encode(data).decode() == text


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf{}",
        b'{"a":1,"a":1}',
        b'{"a":{"b":[{"c":1,"c":2}]}}',
        b"NaN",
        b"[Infinity]",
        b"[-Infinity]",
        b'"\xff"',
        '{"a":1}'.encode("utf-16"),
        b"{",
        b"",
        b"[1] [2]",
    ],
)
def test_strict_json_refuses(data: bytes) -> None:
    with pytest.raises(StrictJsonError):
        loads_strict(data)


def test_strict_json_keeps_the_integer_distinction() -> None:
    value = loads_strict(b'{"i":1,"f":1.0,"e":1e3,"b":true,"n":-0}')
    assert [is_integer(value[k]) for k in "ifebn"] == [True, False, False, False, True]
    assert value["f"] == Decimal("1.0")


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ('{"a":1,"b":[1,2]}', '{"b":[1,2],"a":1}', True),
        ('{"a":[1,2]}', '{"a":[2,1]}', False),
        ("1", "1.0", True),
        ("1", "true", False),
        ("0", "false", False),
        ("true", "true", True),
        ('{"a":1}', '{"a":1,"b":null}', False),
        ('"1"', "1", False),
        ("null", "null", True),
        ('{"a":{"b":1e0}}', '{"a":{"b":1}}', True),
    ],
)
def test_json_equality(a: str, b: str, equal: bool) -> None:
    assert json_equal(loads_strict(a.encode()), loads_strict(b.encode())) is equal
    assert json_equal(loads_strict(b.encode()), loads_strict(a.encode())) is equal
