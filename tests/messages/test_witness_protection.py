"""Witness-protection bodies: every legal rule accepts a valid message and refuses a violating
one naming the field and the source; the data-minimisation rules of domain model A.5 hold
structurally (no free text outside sealed sections, no sealed section from the host)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from messages import witness_protection as wp
from messages.document import Body, Document, document_class
from messages.rules import LegalRule
from messages.sealed import Sealed, iter_sealed
from messages.vocab import FAMILY_OF, AuthorityRole, Family, MessageType
from messages.witness_protection import models as wpm
from messages.witness_protection import rules as r
from messages.witness_protection.sealed import IncidentDetail, WPDossier, WPSealed

Wire = dict[str, Any]
Edit = Callable[[Wire], None]

EXAMPLES = wp.examples()
CONVERSATIONS = wp.example_conversations()
RELOCATION, DECLINED, SUSPENDED, WITHDRAWN = CONVERSATIONS


def wire(document: Document[Any]) -> Wire:
    return json.loads(document.to_json())  # type: ignore[no-any-return]


def parse(raw: Wire, body: type[Body]) -> Document[Any]:
    return document_class(body).model_validate_json(json.dumps(raw))


def first(message_type: MessageType, **body_values: object) -> Document[Any]:
    """The first example of a type whose body has the given wire values."""
    for document in EXAMPLES:
        if document.header.message_type is not message_type:
            continue
        body = wire(document)["body"]
        if all(body.get(name) == value for name, value in body_values.items()):
            return document
    raise LookupError(f"no {message_type} example with {body_values}")


INITIAL = first(MessageType.WP_COOPERATION_REQUEST, submission="INITIAL", dependants_count=1)
SUPPLEMENT = first(MessageType.WP_COOPERATION_REQUEST, submission="SUPPLEMENT")
WITH_CONDITIONS = first(MessageType.WP_COOPERATION_DECISION, decision="ACCEPTED_WITH_CONDITIONS")
ACCEPTED = first(MessageType.WP_COOPERATION_DECISION, decision="ACCEPTED")
REFUSED = first(MessageType.WP_COOPERATION_DECISION, decision="DECLINED")
NEEDS_INFO = first(MessageType.WP_COOPERATION_DECISION, decision="NEEDS_INFO")
ARRANGEMENT = first(MessageType.WP_ARRANGEMENT_CONCLUDED)
ACTIVE = first(MessageType.WP_STATUS_UPDATE, status="ACTIVE")
SUSPENSION = first(MessageType.WP_STATUS_UPDATE, status="SUSPENDED")
TESTIMONY = first(MessageType.TESTIMONY_ARRANGEMENT_REQUEST)
HOST_ALERT = first(MessageType.WP_INCIDENT_ALERT, sender_side="HOST")
REQUESTING_ALERT = first(MessageType.WP_INCIDENT_ALERT, sender_side="REQUESTING")
NOTICE = first(MessageType.WP_TERMINATION, step="NOTICE", reason="PROCEEDINGS_CONCLUDED")
CLOSURE = first(MessageType.WP_TERMINATION, step="CLOSURE_CONFIRMATION")


def set_body(**values: object) -> Edit:
    return lambda raw: raw["body"].update(values)


def drop_body(*names: str) -> Edit:
    def edit(raw: Wire) -> None:
        for name in names:
            raw["body"].pop(name, None)

    return edit


def set_header(*path: str, value: object) -> Edit:
    def edit(raw: Wire) -> None:
        node = raw["header"]
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return edit


def both(*edits: Edit) -> Edit:
    def edit(raw: Wire) -> None:
        for one in edits:
            one(raw)

    return edit


# rule -> violations: (an example that satisfies the rule, an edit that breaks it, the field
# the error must name when it is not the rule's own field)
Violation = tuple[Document[Any], Edit, str | None]


def v(document: Document[Any], edit: Edit, field: str | None = None) -> Violation:
    return (document, edit, field)


def with_initial_dossier(raw: Wire) -> None:
    raw["body"].update(submission="INITIAL", dossier=wire(INITIAL)["body"]["dossier"])


def widen_window(raw: Wire) -> None:
    raw["body"]["hearing_window"].update(latest="2027-03-02T13:00:00Z")


def close_window(raw: Wire) -> None:
    window = raw["body"]["hearing_window"]
    window.update(latest=window["earliest"])


VIOLATIONS: dict[LegalRule, list[Violation]] = {
    r.CLASSIFICATION_FLOOR: [v(INITIAL, set_header("classification", value="RESTRICTED"))],
    r.NO_FREE_TEXT: [
        v(SUPPLEMENT, set_header("handling", "use_limitation_note", value="Solo el programa")),
        v(
            SUPPLEMENT,
            lambda raw: raw["header"]["attachments"][0].update(title="Evaluación de amenaza"),
            "attachments[0].title",
        ),
    ],
    r.WP_UNITS_ONLY: [
        v(NOTICE, set_header("sender", "role", value="PROSECUTOR")),
        v(NOTICE, set_header("recipient", "role", value="CENTRAL_AUTHORITY")),
    ],
    r.NEED_TO_KNOW: [
        v(TESTIMONY, set_header("handling", "need_to_know_roles", value=["CONSULAR_POST"])),
        v(INITIAL, set_header("handling", "need_to_know_roles", value=["WP_UNIT", "PROSECUTOR"])),
    ],
    r.USE_LIMITATION: [
        v(ACTIVE, set_header("handling", "use_limitation", value="STATED_PURPOSE_ONLY")),
        v(ACTIVE, set_header("handling", "no_onward_transmission", value=False)),
    ],
    r.RELOCATION_IN_PROGRAMME: [v(INITIAL, set_body(in_national_programme=False))],
    r.SINGLE_PRINCIPAL: [
        v(INITIAL, set_body(principal_count=2)),
        v(INITIAL, set_body(principal_count=0)),
    ],
    r.DEPENDANTS_COUNT: [
        v(INITIAL, set_body(dependants_count=0)),
        v(INITIAL, set_body(dependants_count=3)),
    ],
    r.INITIAL_DOSSIER: [v(INITIAL, drop_body("dossier"))],
    r.SUPPLEMENT_ITEMS: [
        v(SUPPLEMENT, drop_body("supplied_information")),
        v(SUPPLEMENT, with_initial_dossier),
    ],
    r.TEMPORARY_DURATION: [v(INITIAL, drop_body("duration_requested_months"))],
    r.DECISION_CONDITIONS: [
        v(WITH_CONDITIONS, drop_body("conditions")),
        v(WITH_CONDITIONS, set_body(decision="ACCEPTED")),
    ],
    r.DECISION_MEASURES: [
        v(ACCEPTED, drop_body("accepted_measures")),
        v(ACCEPTED, both(set_body(decision="DECLINED", decline_reasons=["NO_CAPACITY"]))),
    ],
    r.DECISION_DECLINE_REASONS: [
        v(REFUSED, drop_body("decline_reasons")),
        v(REFUSED, set_body(decision="NEEDS_INFO", information_needed=["MEDICAL_NEEDS"])),
    ],
    r.DECISION_INFORMATION: [
        v(NEEDS_INFO, drop_body("information_needed")),
        v(NEEDS_INFO, set_body(decision="DECLINED", decline_reasons=["NO_CAPACITY"])),
    ],
    r.DECISION_ARRANGEMENT_REF: [
        v(NEEDS_INFO, set_body(arrangement_ref="AR-PY-WP-2026-007")),
        v(REFUSED, set_body(arrangement_ref="CO-PY-WP-2026-009")),
    ],
    r.ARRANGEMENT_DATES: [
        v(ARRANGEMENT, lambda raw: raw["body"].update(end_date=raw["body"]["start_date"])),
        v(ARRANGEMENT, set_body(end_date="2026-01-01")),
    ],
    r.STATUS_NEXT_REVIEW: [
        v(ACTIVE, drop_body("next_review_at")),
        v(ACTIVE, both(set_body(status="UNDER_REVIEW"), drop_body("next_review_at"))),
    ],
    r.STATUS_SUSPENSION_REASON: [
        v(SUSPENSION, drop_body("suspension_reason")),
        v(SUSPENSION, set_body(status="RELOCATION_IN_PROGRESS")),
    ],
    r.TESTIMONY_WINDOW: [v(TESTIMONY, close_window), v(TESTIMONY, widen_window)],
    r.TESTIMONY_AUTHORITY: [
        v(TESTIMONY, set_body(requested_by_role="CONSULAR_POST")),
        v(TESTIMONY, set_body(requested_by_role="WP_UNIT")),
    ],
    r.INCIDENT_IMMEDIATE: [
        v(HOST_ALERT, set_header("urgency", value={"level": "URGENT", "reasons": ["OTHER"]})),
        v(HOST_ALERT, lambda raw: raw["header"].pop("urgency")),
    ],
    r.INCIDENT_TIME: [v(HOST_ALERT, set_body(occurred_at="2030-01-01T00:00:00Z"))],
    r.HOST_SENDS_NOTHING_SEALED: [v(REQUESTING_ALERT, set_body(sender_side="HOST"))],
    r.TERMINATION_CLOSURE_FIELDS: [
        v(CLOSURE, drop_body("dossier_disposition")),
        v(CLOSURE, set_body(post_termination_measures=["FOLLOW_UP_CONTACT_PERIOD"])),
        v(NOTICE, set_body(dossier_disposition="DESTROYED")),
    ],
    r.TERMINATION_WITHDRAWAL: [v(NOTICE, set_body(reason="REQUEST_WITHDRAWN", sender_side="HOST"))],
    r.UNIQUE_CODES: [
        v(INITIAL, set_body(measures=["TEMP_RELOCATION", "TEMP_RELOCATION"]), "measures"),
        v(WITH_CONDITIONS, set_body(conditions=["LIMITED_DURATION"] * 2), "conditions"),
        v(HOST_ALERT, set_body(actions_requested=["NO_ACTION"] * 2), "actions_requested"),
        v(TESTIMONY, set_body(court_protective_measures=["SCREEN"] * 2), "court_protective"),
    ],
}


def test_every_rule_is_declared_once_and_tested() -> None:
    ids = [rule.rule_id for rule in wp.LEGAL_RULES]
    assert len(ids) == len(set(ids))
    assert set(VIOLATIONS) == set(wp.LEGAL_RULES)
    for rule in wp.LEGAL_RULES:
        assert rule.message_types
        assert all(FAMILY_OF[t] is Family.WITNESS_PROTECTION for t in rule.message_types)
        assert rule.source
        assert rule.text


@pytest.mark.parametrize("rule", wp.LEGAL_RULES, ids=lambda rule: rule.rule_id)
def test_the_valid_examples_satisfy_the_rule(rule: LegalRule) -> None:
    for document, _, _ in VIOLATIONS[rule]:
        assert document.header.message_type in rule.message_types
        assert parse(wire(document), type(document.body)) == document


CASES = [
    pytest.param(rule, index, id=f"{rule.rule_id}-{index}")
    for rule, violations in VIOLATIONS.items()
    for index in range(len(violations))
]


@pytest.mark.parametrize(("rule", "index"), CASES)
def test_a_violation_is_refused_naming_field_and_source(rule: LegalRule, index: int) -> None:
    document, edit, field = VIOLATIONS[rule][index]
    raw = wire(document)
    edit(raw)
    with pytest.raises(ValidationError) as caught:
        parse(raw, type(document.body))
    errors = caught.value.errors()
    # The field is named relative to the header or to the body, and the source is cited.
    expected = field or rule.field.removeprefix("header.")
    assert any(expected in e["msg"] and rule.source in e["msg"] for e in errors), errors
    # The header validates the first two itself; the body checks the rest against the header.
    part = "header" if rule in (r.CLASSIFICATION_FLOOR, r.NO_FREE_TEXT) else "body"
    assert [e["loc"][0] for e in errors] == [part]


def test_the_rule_4_detail_is_accepted_from_the_requesting_side() -> None:
    body = REQUESTING_ALERT.body
    assert isinstance(body, wpm.WPIncidentAlert)
    assert isinstance(body.detail, IncidentDetail)


# --- structure: data minimisation ----------------------------------------------------------


def sealed_models_reachable(model: type[BaseModel]) -> set[type[Sealed]]:
    found: set[type[Sealed]] = set()
    stack: list[Any] = [field.annotation for field in model.model_fields.values()]
    while stack:
        annotation = stack.pop()
        stack.extend(getattr(annotation, "__args__", ()))
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if issubclass(annotation, Sealed):
                found.add(annotation)
            stack.extend(field.annotation for field in annotation.model_fields.values())
    return found


def test_only_the_request_carries_the_dossier_and_the_host_sends_nothing_sealed() -> None:
    reach = {body.MESSAGE_TYPE: sealed_models_reachable(body) for body in wp.BODIES}
    holders = {t for t, sealed in reach.items() if WPDossier in sealed}
    assert holders == {MessageType.WP_COOPERATION_REQUEST}
    # Host → requesting messages have no sealed section at all (rule 4).
    assert reach[MessageType.WP_COOPERATION_DECISION] == set()
    assert reach[MessageType.WP_STATUS_UPDATE] == set()
    assert reach[MessageType.WP_ARRANGEMENT_CONCLUDED] == set()
    assert reach[MessageType.WP_TERMINATION] == set()
    assert reach[MessageType.TESTIMONY_ARRANGEMENT_REQUEST] == set()
    assert reach[MessageType.WP_INCIDENT_ALERT] == {IncidentDetail}


def test_every_sealed_section_is_for_the_protection_units_only() -> None:
    sealed = set().union(*(sealed_models_reachable(body) for body in wp.BODIES))
    assert sealed
    for model in sealed:
        assert issubclass(model, WPSealed)
        assert frozenset({AuthorityRole.WP_UNIT}) == model.AUDIENCE
    for document in EXAMPLES:
        for _, section in iter_sealed(document):
            assert frozenset({AuthorityRole.WP_UNIT}) == section.AUDIENCE


ALLOWED_OUTSIDE_SEALED = {"WpToken", "Identifier", "UtcDateTime"}


def open_string_fields(body: type[Body]) -> list[str]:
    """Strings outside sealed sections that are neither codes, tokens, ids nor dates."""
    schema = document_class(body).model_json_schema()
    problems = []
    for name, definition in schema["$defs"].items():
        if "x-puente-sealed" in definition or name in ALLOWED_OUTSIDE_SEALED:
            continue
        if name in {"Header", "NodeAuthority", "Handling", "AttachmentRef", "Urgency"}:
            continue  # the header's text fields are ruled out by the header for this family
        for field, spec in definition.get("properties", {}).items():
            for option in spec.get("anyOf", [spec]):
                option = option.get("items", option)
                if option.get("type") != "string":
                    continue
                if option.get("format") == "date" or "enum" in option:
                    continue
                problems.append(f"{name}.{field}")
    return problems


@pytest.mark.parametrize("body", wp.BODIES, ids=lambda body: body.__name__)
def test_no_free_text_outside_sealed_sections(body: type[Body]) -> None:
    assert open_string_fields(body) == []


def test_the_free_text_walker_sees_free_text() -> None:
    class Probe(wpm.WPBody):
        MESSAGE_TYPE = MessageType.WP_STATUS_UPDATE
        note: wpm.Identifier
        remark: str

    assert open_string_fields(Probe) == ["Probe.remark"]


def test_an_unknown_member_such_as_a_name_is_refused() -> None:
    raw = wire(TESTIMONY)
    raw["body"]["witness_name"] = "Rocío"
    with pytest.raises(ValidationError) as caught:
        parse(raw, type(TESTIMONY.body))
    assert caught.value.errors()[0]["loc"] == ("body", "witness_name")
    assert "Rocío" not in str(caught.value)


# --- examples ------------------------------------------------------------------------------


def test_the_bodies_follow_message_type_order() -> None:
    expected = [t for t in MessageType if FAMILY_OF[t] is Family.WITNESS_PROTECTION]
    assert [body.MESSAGE_TYPE for body in wp.BODIES] == expected
    for body in wp.BODIES:
        assert body.__name__ == body.MESSAGE_TYPE.value
        assert body.FAMILY is Family.WITNESS_PROTECTION


def test_examples_cover_every_type() -> None:
    assert {d.header.message_type for d in EXAMPLES} == set(body.MESSAGE_TYPE for body in wp.BODIES)


@pytest.mark.parametrize(
    "document", EXAMPLES, ids=lambda d: f"{d.header.case_ref}-{d.header.message_type}"
)
def test_every_example_validates_and_round_trips(document: Document[Any]) -> None:
    body = type(document.body)
    again = document_class(body).model_validate_json(document.to_json())
    assert again == document
    assert again.to_json() == document.to_json()


def test_examples_are_deterministic() -> None:
    assert [d.to_json() for d in wp.examples()] == [d.to_json() for d in EXAMPLES]


def test_every_conversation_stays_between_two_protection_units() -> None:
    for conversation in CONVERSATIONS:
        states = {d.header.sender.state for d in conversation}
        states |= {d.header.recipient.state for d in conversation}
        assert len(states) == 2
        assert len({d.header.conversation_id for d in conversation}) == 1
        assert len({d.body.wp_token for d in conversation}) == 1
