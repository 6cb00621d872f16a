"""The constrained wire types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pycountry
import pytest
from pydantic import ValidationError

from messages.base import WireModel
from messages.countries import ISO_3166_ALPHA2, OAS_MEMBER_STATES
from messages.types import (
    CaseRef,
    DecimalString,
    LanguageTag,
    Sentence,
    StateCode,
    UtcDateTime,
    WpToken,
)


class Sample(WireModel):
    state: StateCode | None = None
    at: UtcDateTime | None = None
    ratio: DecimalString | None = None
    text: Sentence | None = None
    language: LanguageTag | None = None
    case_ref: CaseRef | None = None
    token: WpToken | None = None


def rejects(json_text: str) -> list[tuple[int | str, ...]]:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate_json(json_text)
    return [error["loc"] for error in caught.value.errors()]


def test_the_embedded_country_list_is_the_iso_3166_list() -> None:
    assert {country.alpha_2 for country in pycountry.countries} == ISO_3166_ALPHA2
    assert OAS_MEMBER_STATES <= ISO_3166_ALPHA2
    assert len(OAS_MEMBER_STATES) == 35


@pytest.mark.parametrize("code", ["AR", "BR", "PY", "US", "TT"])
def test_real_states_are_accepted(code: str) -> None:
    assert Sample.model_validate_json(f'{{"state": "{code}"}}').state == code


@pytest.mark.parametrize("code", ["XX", "ar", "ARG", "EU", "UK", ""])
def test_unknown_or_malformed_states_are_rejected(code: str) -> None:
    assert rejects(f'{{"state": "{code}"}}') == [("state",)]


@pytest.mark.parametrize(
    "text", ["2026-03-02T13:00:00Z", "2026-03-02T13:00:00.5Z", "2026-03-02T13:00:00.123456Z"]
)
def test_rfc3339_utc_timestamps_round_trip(text: str) -> None:
    sample = Sample.model_validate_json(f'{{"at": "{text}"}}')
    assert sample.at is not None
    assert sample.at.tzinfo is UTC
    assert Sample.model_validate_json(sample.model_dump_json()) == sample
    assert f'"{text}"' in sample.model_dump_json()


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02 13:00:00Z",
        "2026-03-02T13:00:00+00:00",
        "2026-03-02T13:00:00-03:00",
        "2026-03-02T13:00:00",
        "2026-02-30T13:00:00Z",
        "1772456400",
    ],
)
def test_other_timestamp_forms_are_rejected(text: str) -> None:
    assert rejects(f'{{"at": "{text}"}}') == [("at",)]


def test_a_unix_number_is_not_a_timestamp() -> None:
    assert rejects('{"at": 1772456400}') == [("at",)]


def test_python_timestamps_must_be_utc() -> None:
    with pytest.raises(ValidationError):
        Sample(at=datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=-3))))
    with pytest.raises(ValidationError):
        Sample(at=datetime(2026, 3, 2, 10))  # naive


def test_decimals_travel_as_strings_never_as_json_numbers() -> None:
    sample = Sample.model_validate_json('{"ratio": "0.250"}')
    assert sample.ratio == Decimal("0.250")
    assert '"ratio":"0.250"' in sample.model_dump_json()
    assert rejects('{"ratio": 0.25}') == [("ratio",)]
    assert rejects('{"ratio": "1e-3"}') == [("ratio",)]
    assert rejects('{"ratio": "NaN"}') == [("ratio",)]


def test_text_rejects_control_characters_and_empty_and_oversized_strings() -> None:
    assert Sample.model_validate_json('{"text": "línea uno\\nlínea dos"}').text
    assert rejects('{"text": "a\\u0000b"}') == [("text",)]
    assert rejects('{"text": "a\\u001bb"}') == [("text",)]
    assert rejects('{"text": ""}') == [("text",)]
    assert rejects('{"text": "' + "x" * 1001 + '"}') == [("text",)]


@pytest.mark.parametrize("tag", ["es", "pt-BR", "es-419", "en", "zh-Hant-TW"])
def test_language_tags(tag: str) -> None:
    assert Sample.model_validate_json(f'{{"language": "{tag}"}}').language == tag


@pytest.mark.parametrize("tag", ["spanish", "ES", "pt_BR", "es-"])
def test_bad_language_tags(tag: str) -> None:
    assert rejects(f'{{"language": "{tag}"}}') == [("language",)]


@pytest.mark.parametrize("ref", ["Juan Perez", "pnt-ar-1", "A B C D E F", "X"])
def test_case_refs_are_opaque_codes(ref: str) -> None:
    assert rejects(f'{{"case_ref": "{ref}"}}') == [("case_ref",)]


def test_witness_tokens_carry_at_least_128_random_bits() -> None:
    assert Sample.model_validate_json('{"token": "wpt_' + "A" * 22 + '"}').token
    assert rejects('{"token": "wpt_' + "A" * 21 + '"}') == [("token",)]
    assert rejects('{"token": "maria-gonzalez-1980"}') == [("token",)]


def test_strict_mode_coerces_nothing() -> None:
    assert rejects('{"state": 12}') == [("state",)]
    assert rejects('{"text": 7}') == [("text",)]


def test_unknown_members_are_rejected() -> None:
    assert rejects('{"surname": "Perez"}') == [("surname",)]


def test_errors_do_not_echo_the_input() -> None:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate_json('{"case_ref": "Maria Gonzalez"}')
    assert "Maria" not in str(caught.value)
