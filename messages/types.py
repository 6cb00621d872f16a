"""Constrained primitive types of the wire format.

Every string on the wire is bounded and, where it is not prose, patterned; every number is an
integer or a decimal *string* (no JSON floats, whose meaning differs between implementations);
every timestamp is RFC 3339 in UTC with a ``Z`` suffix. The JSON Schema of each type is named
(``$defs``) so that other states' implementers see the same vocabulary as this code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import Field, GetCoreSchemaHandler, StringConstraints
from pydantic_core import PydanticCustomError, core_schema

from messages.countries import ISO_3166_ALPHA2

# Control characters other than TAB, LF and CR have no place in any text a person wrote; they
# are a classic way to smuggle content past a reviewer or to break a log line.
_NO_CONTROL_CHARS: Final = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

# Bounds for prose. A field holds a label, a sentence, a paragraph or a narrative.
LABEL_MAX: Final = 200
SENTENCE_MAX: Final = 1_000
PARAGRAPH_MAX: Final = 4_000
NARRATIVE_MAX: Final = 20_000


def _named_string(
    name: str,
    *,
    pattern: str,
    description: str,
    check: Callable[[str], str] | None = None,
    extra_schema: dict[str, Any] | None = None,
) -> object:
    """A pydantic marker for a string type that appears once in ``$defs`` under ``name``."""

    def json_schema(schema: core_schema.CoreSchema, handler: Any) -> dict[str, Any]:
        result: dict[str, Any] = dict(handler(schema))
        result.update(title=name, description=description, **(extra_schema or {}))
        return result

    class _Marker:
        @classmethod
        def __get_pydantic_core_schema__(
            cls, source: Any, handler: GetCoreSchemaHandler
        ) -> core_schema.CoreSchema:
            base = core_schema.str_schema(pattern=pattern, strict=True)
            inner: core_schema.CoreSchema = (
                core_schema.no_info_after_validator_function(check, base) if check else base
            )
            return {
                **inner,
                "ref": name,
                "metadata": {"pydantic_js_functions": [json_schema]},
            }

    _Marker.__name__ = f"{name}Marker"
    return _Marker


# --- identifiers ---------------------------------------------------------------------------


def _check_state(value: str) -> str:
    if value not in ISO_3166_ALPHA2:
        raise PydanticCustomError(
            "state_code", "'{value}' is not an ISO 3166-1 alpha-2 country code", {"value": value}
        )
    return value


StateCode = Annotated[
    str,
    _named_string(
        "StateCode",
        pattern=r"^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2 country code of a state.",
        check=_check_state,
        extra_schema={"enum": sorted(ISO_3166_ALPHA2)},
    ),
]

Identifier = Annotated[
    str,
    _named_string(
        "Identifier",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$",
        description="An institutional identifier (authority id, file number, measure id): "
        "letters, digits and . _ : / -, at most 128 characters. Never personal data.",
    ),
]

CaseRef = Annotated[
    str,
    _named_string(
        "CaseRef",
        pattern=r"^[A-Z0-9][A-Z0-9-]{5,63}$",
        description="Opaque case reference, chosen per sender-recipient pair by the node that "
        "opens the case: upper-case letters, digits and hyphens, 6 to 64 characters. It must "
        "never contain a name or a national identity number.",
    ),
]

WpToken = Annotated[
    str,
    _named_string(
        "WpToken",
        pattern=r"^wpt_[A-Za-z0-9_-]{22,64}$",
        description="Witness-protection token: 'wpt_' and at least 128 random bits in "
        "base64url. Random and different for every counterpart state; never derived from a "
        "name or an identity number.",
    ),
]

SubjectToken = Annotated[
    str,
    _named_string(
        "SubjectToken",
        pattern=r"^sbj_[A-Za-z0-9_-]{22,64}$",
        description="Pseudonymous token of a person within one case relationship: 'sbj_' and "
        "at least 128 random bits in base64url.",
    ),
]

Sha256Hex = Annotated[
    str,
    _named_string(
        "Sha256Hex",
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 digest in lower-case hexadecimal.",
    ),
]

MediaType = Annotated[
    str,
    _named_string(
        "MediaType",
        pattern=r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$",
        description="IANA media type without parameters, e.g. application/pdf.",
    ),
]

LanguageTag = Annotated[
    str,
    _named_string(
        "LanguageTag",
        pattern=r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$",
        description="BCP 47 language tag: language, optional script and region "
        "(es, pt-BR, es-419, en).",
    ),
]

SemVer = Annotated[
    str,
    _named_string(
        "SemVer",
        pattern=r"^(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$",
        description="Semantic version MAJOR.MINOR.PATCH.",
    ),
]

# --- prose ---------------------------------------------------------------------------------


def _text(max_length: int) -> object:
    return StringConstraints(min_length=1, max_length=max_length, pattern=_NO_CONTROL_CHARS)


Label = Annotated[str, _text(LABEL_MAX)]
"""A name of an institution, a title, a short label."""
Sentence = Annotated[str, _text(SENTENCE_MAX)]
"""One or two sentences."""
Paragraph = Annotated[str, _text(PARAGRAPH_MAX)]
"""A paragraph of reasons or description."""
Narrative = Annotated[str, _text(NARRATIVE_MAX)]
"""A narrative (facts of a case). Only ever inside a sealed section or an MLA request."""

# --- time ----------------------------------------------------------------------------------

_RFC3339_UTC: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def _check_utc(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is None or offset.total_seconds() != 0:
        raise PydanticCustomError("utc_datetime", "timestamp must be in UTC (RFC 3339, 'Z')")
    return value.astimezone(UTC)


def _check_rfc3339_text(value: object) -> object:
    # Pydantic alone accepts '2026-01-01 10:00:00+00:00' and Unix numbers; the wire does not.
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _RFC3339_UTC.match(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "utc_datetime", "timestamp must be RFC 3339 UTC: YYYY-MM-DDThh:mm:ss[.ffffff]Z"
    )


def format_utc(value: datetime) -> str:
    """The one wire form of a timestamp: RFC 3339, UTC, 'Z', microseconds only when set."""
    text = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


class _UtcDateTimeMarker:
    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        inner = core_schema.no_info_before_validator_function(
            _check_rfc3339_text,
            core_schema.no_info_after_validator_function(_check_utc, core_schema.datetime_schema()),
        )

        def json_schema(schema: core_schema.CoreSchema, handler: Any) -> dict[str, Any]:
            return {
                "type": "string",
                "format": "date-time",
                "pattern": _RFC3339_UTC.pattern,
                "title": "UtcDateTime",
                "description": "RFC 3339 timestamp in UTC with a 'Z' suffix.",
            }

        return {
            **inner,
            "ref": "UtcDateTime",
            "serialization": core_schema.plain_serializer_function_ser_schema(
                format_utc, when_used="json"
            ),
            "metadata": {"pydantic_js_functions": [json_schema]},
        }


UtcDateTime = Annotated[datetime, _UtcDateTimeMarker]
"""A timezone-aware UTC instant; on the wire RFC 3339 with 'Z'."""

CalendarDate = Annotated[date, Field(json_schema_extra={"format": "date"})]
"""A calendar date (ISO 8601 YYYY-MM-DD), for deadlines and dates of birth."""

# --- numbers -------------------------------------------------------------------------------

Count = Annotated[int, Field(ge=0, le=1_000_000_000)]
"""A non-negative count."""
ByteSize = Annotated[int, Field(ge=0, le=1 << 40)]
"""A size in bytes, at most 1 TiB."""

_DECIMAL_PATTERN: Final = r"^-?(0|[1-9][0-9]{0,17})(\.[0-9]{1,9})?$"


def _check_decimal_text(value: object) -> object:
    if isinstance(value, str):
        if not re.match(_DECIMAL_PATTERN, value):
            raise PydanticCustomError(
                "decimal_string", "decimal must be a string such as '0.25' or '-3' (no exponent)"
            )
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    raise PydanticCustomError("decimal_string", "decimal must be given as a string, not a number")


class _DecimalStringMarker:
    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def json_schema(schema: core_schema.CoreSchema, handler: Any) -> dict[str, Any]:
            return {
                "type": "string",
                "pattern": _DECIMAL_PATTERN,
                "title": "DecimalString",
                "description": "A decimal number written as a JSON string (JSON numbers with "
                "fractions are not used on the wire), e.g. '0.25'.",
            }

        return {
            **core_schema.no_info_plain_validator_function(_check_decimal_text),
            "ref": "DecimalString",
            "serialization": core_schema.plain_serializer_function_ser_schema(
                lambda value: format(value, "f"), when_used="json"
            ),
            "metadata": {"pydantic_js_functions": [json_schema]},
        }


DecimalString = Annotated[Decimal, _DecimalStringMarker]
"""A decimal; on the wire a string such as '0.25'."""
