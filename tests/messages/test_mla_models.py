"""The mla bodies and their sample documents: every type present, valid, round-tripping, and
personal data only in sealed sections readable by central authorities, prosecutors and
judges."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from messages import mla
from messages.document import Document, document_class
from messages.mla.models_common import MLA_AUDIENCE
from messages.registry import parse_document
from messages.sealed import Sealed, iter_sealed
from messages.vocab import FAMILY_OF, AuthorityRole, Family, MessageType

EXAMPLES = mla.examples()
MLA_TYPES = [t for t in MessageType if FAMILY_OF[t] is Family.MLA]


def test_bodies_are_the_family_types_in_order() -> None:
    assert [body.MESSAGE_TYPE for body in mla.BODIES] == MLA_TYPES
    for body in mla.BODIES:
        assert body.__name__ == body.MESSAGE_TYPE.value
        assert body.FAMILY is Family.MLA
        assert body.__doc__


def test_every_message_type_has_an_example() -> None:
    assert {d.header.message_type for d in EXAMPLES} == set(MLA_TYPES)
    assert EXAMPLES[0].header.message_type is MessageType.EVIDENCE_REQUEST


@pytest.mark.parametrize(
    "document", EXAMPLES, ids=[f"{i}-{d.header.message_type}" for i, d in enumerate(EXAMPLES)]
)
def test_every_example_validates_and_round_trips(document: Document[Any]) -> None:
    cls = document_class(type(document.body))
    again = cls.model_validate_json(document.to_json())
    assert again == document
    assert again.to_json() == document.to_json()
    assert parse_document(document.to_json()) == document


def test_examples_are_deterministic() -> None:
    assert [d.to_json() for d in mla.examples()] == [d.to_json() for d in EXAMPLES]


def test_message_ids_are_unique_and_conversations_are_threads() -> None:
    ids = [d.header.message_id for d in EXAMPLES]
    assert len(ids) == len(set(ids))
    for conversation in mla.example_conversations():
        assert len({d.header.conversation_id for d in conversation}) == 1
        assert len({d.header.case_ref for d in conversation}) == 1
        times = [d.header.sent_at for d in conversation]
        assert times == sorted(times)


def _sealed_models(model: type[Any], seen: set[type[Any]] | None = None) -> set[type[Sealed]]:
    seen = set() if seen is None else seen
    found: set[type[Sealed]] = set()
    if model in seen:
        return found
    seen.add(model)
    for field in model.model_fields.values():
        for candidate in _types_in(field.annotation):
            if issubclass(candidate, Sealed):
                found.add(candidate)
            found |= _sealed_models(candidate, seen)
    return found


def _types_in(annotation: Any) -> list[type[Any]]:
    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for argument in getattr(annotation, "__args__", ()):
        found.extend(_types_in(argument))
    return found


def test_every_sealed_section_is_for_central_authorities_prosecutors_and_judges() -> None:
    sealed = set().union(*(_sealed_models(body) for body in mla.BODIES))
    assert len(sealed) >= 10
    for section in sealed:
        assert section.AUDIENCE == MLA_AUDIENCE, section.__name__
        assert AuthorityRole.STATS_OFFICE not in section.AUDIENCE


def _outside_sealed(value: Any) -> Any:
    """The wire form with every sealed section removed."""
    if isinstance(value, Sealed):
        return None
    if isinstance(value, list):
        return [_outside_sealed(item) for item in value]
    if isinstance(value, BaseModel):
        return {name: _outside_sealed(getattr(value, name)) for name in type(value).model_fields}
    return value


# Names, identity numbers, phone and account numbers and addresses of the sample persons.
PERSONAL = [
    "Ramírez Ocampo",
    "Giménez Duarte",
    "4.512.367",
    "Estigarribia",
    "+595 985",
    "0104-223871",
    "Castaño Ríos",
    "AQ518842",
    "Carrera 5",
    "Piñeiro",
    "2850590940090418135201",
    "Londoño",
    "María Eugenia Sosa",
    "Laura Benítez",
    "Rosa Martínez",
    "Diego Fernando Arango",
    "Trabajo Chile 2026",
]


@pytest.mark.parametrize("document", EXAMPLES, ids=[str(d.header.message_id) for d in EXAMPLES])
def test_personal_data_of_the_samples_is_only_in_sealed_sections(document: Document[Any]) -> None:
    outside = json.dumps(_outside_sealed(document.body), default=str, ensure_ascii=False)
    assert [needle for needle in PERSONAL if needle in outside] == []


def test_the_request_seals_identities_facts_targets_and_officials() -> None:
    request = EXAMPLES[0]
    paths = {path for path, _ in iter_sealed(request)}
    for expected in (
        "body.facts_summary",
        "body.narrative",
        "body.persons_concerned[0].natural_person",
        "body.measures[0].targets[0].identifier",
        "body.measures[0].relevance_justification",
        "body.measures[1].hearing.questions",
        "body.signatory.official",
        "body.requesting_authority.contact",
    ):
        assert expected in paths
    inside = json.dumps(json.loads(request.to_json()), ensure_ascii=False)
    assert "Ramírez Ocampo" in inside  # present, but only inside sealed sections


def test_a_person_outside_the_sealed_section_is_a_token_and_a_role() -> None:
    person = EXAMPLES[0].body.persons_concerned[0]
    outside = _outside_sealed(person)
    assert set(k for k, v in outside.items() if v not in (None, [])) == {
        "subject_token",
        "role",
        "kind",
        "nationalities",
        "is_child",
        "is_tip_victim",
    }


def test_every_refusal_ground_records_which_instrument_allows_it() -> None:
    from messages.mla.vocab import REFUSAL_GROUND_SOURCES, RefusalGround

    assert set(REFUSAL_GROUND_SOURCES) == set(RefusalGround)
    assert all(REFUSAL_GROUND_SOURCES.values())
