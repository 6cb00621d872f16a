"""Personal data lives only in sealed sections; witness-protection messages carry no free text
outside them (domain model A.0 decision 3, A.5 rules 2 and 5)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from messages.header import Header
from messages.registry import BODY_OF, all_examples
from messages.sealed import Sealed, iter_sealed
from messages.types import LABEL_MAX
from messages.vocab import FAMILY_OF, AuthorityRole, Family, MessageType

# Field names that would hold personal data if they appeared outside a sealed section.
PERSONAL_FIELD = re.compile(
    r"(^|_)(name|names|surname|alias|aliases|birth|dob|address|addresses|passport|phone|"
    r"email|iban|account_number|ip_address|identity|new_identity|location|parents)($|_)"
)
# Names that match the pattern but hold institutional or coded data, with the reason.
ALLOWED = {
    "authority_name": "the name of an institution",
    "requesting_authority_name": "the name of an institution",
}


def models_outside_sealed(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """The model and every model it contains, not entering sealed sections."""
    seen: set[type[BaseModel]] = set()
    stack = [model]
    while stack:
        current = stack.pop()
        if current in seen or issubclass(current, Sealed):
            continue
        seen.add(current)
        yield current
        for field in current.model_fields.values():
            stack.extend(_models_in(field.annotation))


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in getattr(annotation, "__args__", ()):
        yield from _models_in(argument)


@pytest.mark.parametrize("message_type", list(MessageType))
def test_no_personal_data_field_outside_sealed_sections(message_type: MessageType) -> None:
    offenders = [
        f"{model.__name__}.{name}"
        for model in [Header, *models_outside_sealed(BODY_OF[message_type])]
        for name in model.model_fields
        if PERSONAL_FIELD.search(name) and name not in ALLOWED
    ]
    assert offenders == []


def free_text_fields(model: type[BaseModel]) -> Iterator[str]:
    """Fields outside sealed sections whose schema is prose (a string with no pattern)."""
    for current in models_outside_sealed(model):
        schema = current.model_json_schema()
        for name, spec in schema.get("properties", {}).items():
            if _is_prose(spec):
                yield f"{current.__name__}.{name}"


def _is_prose(spec: dict[str, Any]) -> bool:
    options = spec.get("anyOf", [spec])
    return any(
        (
            option.get("type") == "string"
            and "pattern" in option
            and option.get("maxLength", 0) >= 1
            and option["pattern"].startswith("^[^\\x00")
        )
        or (option.get("type") == "array" and _is_prose(option.get("items", {})))
        for option in options
    )


@pytest.mark.parametrize(
    "message_type", [t for t in MessageType if FAMILY_OF[t] is Family.WITNESS_PROTECTION]
)
def test_witness_protection_bodies_have_no_free_text_outside_sealed(
    message_type: MessageType,
) -> None:
    assert list(free_text_fields(BODY_OF[message_type])) == []


def test_the_prose_detector_finds_prose() -> None:
    # Guards the test above against passing vacuously.
    found = list(free_text_fields(BODY_OF[MessageType.REFUSAL_NOTICE]))
    assert found, "RefusalNotice has reasons in prose; the detector must see them"
    assert LABEL_MAX > 0


def test_sealed_sections_name_who_may_read_them() -> None:
    for document in all_examples():
        for path, section in iter_sealed(document):
            assert section.AUDIENCE, f"{document.header.message_type} {path}"
            assert AuthorityRole.STATS_OFFICE not in section.AUDIENCE


def test_examples_hold_personal_data_only_in_sealed_sections() -> None:
    # Every example that has identity data carries it in a sealed section somewhere.
    with_sealed = {d.header.message_type for d in all_examples() if list(iter_sealed(d))}
    assert MessageType.EVIDENCE_REQUEST in with_sealed
    assert MessageType.NATIONALITY_VERIFICATION_REQUEST in with_sealed
    assert MessageType.WP_COOPERATION_REQUEST in with_sealed
