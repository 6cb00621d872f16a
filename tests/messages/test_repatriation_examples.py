"""The repatriation samples: valid, round-tripping, deterministic, telling the cases they claim,
and keeping personal data sealed, under consent and to the right readers."""

from __future__ import annotations

from typing import Any

import pytest

from messages.document import Document
from messages.lifecycle import apply
from messages.repatriation import (
    BODIES,
    LIFECYCLE,
    RepatriationState,
    example_cases,
    example_conversations,
    examples,
    new_case,
)
from messages.repatriation.models import ConsularNotification, identity_sections
from messages.repatriation.sections import (
    Consent,
    DetentionDetails,
    FollowUpNotes,
    GuardianIdentity,
    Itinerary,
    RiskNarrative,
    TravelDocumentDetails,
    VictimIdentity,
    VictimStatement,
)
from messages.sealed import Sealed, iter_sealed
from messages.vocab import FAMILY_OF, AuthorityRole, Family, MessageType

S = RepatriationState
R = AuthorityRole
EXAMPLES = examples()


def test_the_bodies_are_the_familys_message_types_in_order() -> None:
    family_types = [t for t in MessageType if FAMILY_OF[t] is Family.REPATRIATION]
    assert [body.MESSAGE_TYPE for body in BODIES] == family_types
    for body in BODIES:
        assert body.__name__ == body.MESSAGE_TYPE.value
        assert body.FAMILY is Family.REPATRIATION
        assert body.__doc__


def test_there_is_an_example_of_every_message_type() -> None:
    assert {d.header.message_type for d in EXAMPLES} == {b.MESSAGE_TYPE for b in BODIES}


@pytest.mark.parametrize(
    "document", EXAMPLES, ids=[f"{i}-{d.header.message_type}" for i, d in enumerate(EXAMPLES)]
)
def test_every_example_validates_and_round_trips(document: Document[Any]) -> None:
    model = Document[type(document.body)]  # type: ignore[misc]
    again = model.model_validate_json(document.to_json())
    assert again == document
    assert again.to_json() == document.to_json()
    assert document.header.family is Family.REPATRIATION


def test_the_examples_are_deterministic() -> None:
    assert [d.to_json() for d in examples()] == [d.to_json() for d in EXAMPLES]
    assert len({d.header.message_id for d in EXAMPLES}) == len(EXAMPLES)


def test_each_case_is_one_conversation_with_one_case_reference() -> None:
    for documents in example_conversations():
        assert len({d.header.conversation_id for d in documents}) == 1
        assert len({d.header.case_ref for d in documents}) == 1
        times = [d.header.sent_at for d in documents]
        assert times == sorted(times)
    refs = [documents[0].header.case_ref for documents in example_conversations()]
    assert len(set(refs)) == len(refs)


EXPECTED_ENDS = {
    "br-py-adult": S.CLOSED,
    "ar-py-hold": S.CLOSED,
    "br-py-child": S.REINTEGRATION_FOLLOW_UP,
    "br-py-prohibitive": S.CANCELLED,
    "ar-py-withdrawn": S.CANCELLED,
}


@pytest.mark.parametrize(("name", "end"), EXPECTED_ENDS.items())
def test_every_case_applies_cleanly_to_its_end(name: str, end: RepatriationState) -> None:
    case = new_case()
    visited = [case.state]
    for document in example_cases()[name]:
        case = apply(LIFECYCLE, case, document, now=document.header.sent_at)
        visited.append(case.state)
    assert case.state is end
    assert visited[0] is S.DRAFT


def test_the_cases_walk_every_branch_the_brief_names() -> None:
    visited: set[RepatriationState] = set()
    for documents in example_conversations():
        case = new_case()
        for document in documents:
            case = apply(LIFECYCLE, case, document, now=document.header.sent_at)
            visited.add(case.state)
    # everything but IN_TRANSIT, which only the destination's local DEPARTED event enters
    assert visited == set(RepatriationState) - {S.IN_TRANSIT}


def test_the_demo_case_is_a_paraguayan_woman_identified_in_brazil() -> None:
    documents = example_cases()["br-py-adult"]
    first, last = documents[0], documents[-1]
    assert (first.header.sender.state, first.header.recipient.state) == ("BR", "PY")
    assert first.header.recipient.role is AuthorityRole.CONSULAR_POST
    assert first.body.presumed_nationality == "PY"
    assert first.body.victim.sex == "FEMALE"
    assert last.header.message_type is MessageType.CASE_CLOSURE
    follow_ups = [
        d for d in documents if d.header.message_type is MessageType.REINTEGRATION_FOLLOW_UP
    ]
    assert len(follow_ups) == 3
    assert all(d.header.sender.state == "PY" for d in follow_ups)


def sealed_sections() -> list[tuple[MessageType, str, Sealed]]:
    return [
        (d.header.message_type, path, section) for d in EXAMPLES for path, section in iter_sealed(d)
    ]


READERS = {R.CONSULAR_POST, R.MFA, R.VICTIM_SERVICES, R.CENTRAL_AUTHORITY}
DESIGNED_AUDIENCE: dict[type[Sealed], set[AuthorityRole]] = {
    VictimIdentity: READERS,
    GuardianIdentity: {R.CONSULAR_POST, R.VICTIM_SERVICES, R.CENTRAL_AUTHORITY},
    TravelDocumentDetails: {R.CONSULAR_POST, R.MFA, R.VICTIM_SERVICES},
    VictimStatement: {R.VICTIM_SERVICES, R.CONSULAR_POST},
    RiskNarrative: {R.VICTIM_SERVICES},
    FollowUpNotes: {R.VICTIM_SERVICES},
    DetentionDetails: {R.CONSULAR_POST, R.MFA},
    Itinerary: {R.VICTIM_SERVICES, R.CONSULAR_POST},
}


def test_sealed_sections_name_their_readers_and_never_statistics_or_prosecutors() -> None:
    sections = sealed_sections()
    assert sections
    for message_type, path, section in sections:
        assert section.AUDIENCE, f"{message_type} {path}"
        assert R.STATS_OFFICE not in section.AUDIENCE
        assert R.PROSECUTOR not in section.AUDIENCE
        assert R.WP_UNIT not in section.AUDIENCE
        assert section.AUDIENCE <= READERS


@pytest.mark.parametrize(("section", "audience"), DESIGNED_AUDIENCE.items())
def test_each_sealed_section_has_the_audience_the_design_gives_it(
    section: type[Sealed], audience: set[AuthorityRole]
) -> None:
    assert audience == section.AUDIENCE


def test_the_examples_use_every_kind_of_sealed_section() -> None:
    kinds = {type(section) for *_, section in sealed_sections()}
    assert set(DESIGNED_AUDIENCE) <= kinds


@pytest.mark.parametrize(
    "document",
    [d for d in EXAMPLES if identity_sections(d.body)],
    ids=lambda d: str(d.header.message_type),
)
def test_identity_travels_only_under_consent_or_at_the_detainees_request(
    document: Document[Any],
) -> None:
    body = document.body
    if isinstance(body, ConsularNotification):
        assert body.person_requested_notification
        assert not body.person_opposes_consular_action
        return
    consent = body.consent
    assert isinstance(consent, Consent)
    assert consent.covers(type(body).CONSENT_PURPOSE)


def test_an_anonymous_notice_carries_no_identity() -> None:
    notice = example_cases()["br-py-prohibitive"][0]
    assert not notice.body.consent.given
    assert identity_sections(notice.body) == []
    assert notice.body.reflection_period is not None


def test_the_child_case_names_a_guardian_and_travels_escorted() -> None:
    documents = example_cases()["br-py-child"]
    notice = documents[0]
    assert notice.body.age_group == "CHILD"
    assert notice.body.unaccompanied_child
    assert notice.body.guardian is not None
    assert notice.body.consent.given_by == "VICTIM_AND_GUARDIAN"
    scheduled = next(d for d in documents if d.header.message_type is MessageType.RETURN_SCHEDULED)
    assert scheduled.body.travel.escort != "NONE"
