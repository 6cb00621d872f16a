"""The completeness check of an evidence request: every missing or invalid item named at once,
in words a prosecutor reads (the item, what is expected), through the draft routes, the
checklist route and the refusal to send; and the template held to the schema (it finds every
rule the schema enforces on a request, where the schema finds it, and nothing in valid ones)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from messages.errors import MalformedMessage
from messages.mla import LEGAL_RULES
from messages.mla.examples import example_conversations
from messages.registry import parse_document
from messages.vocab import MessageType
from national_node.roles import Role
from national_node.workflows.mla import REQUEST_TEMPLATE, item_of, message_problems
from tests.national_node.conftest import NodesUnderTest
from tests.national_node.mla_kit import PY_CENTRAL, sample_draft, sample_offset

Json = dict[str, Any]

REQUESTS = [
    json.loads(d.to_json())
    for conversation in example_conversations()
    for d in conversation
    if d.header.message_type is MessageType.EVIDENCE_REQUEST
]
BASE = REQUESTS[0]
"""Argentina's request to Paraguay: bank records, a victim's hearing by videoconference, a
subscriber's identity."""


def schema_problems(document: Json) -> list[Any]:
    with pytest.raises(MalformedMessage) as refused:
        parse_document(json.dumps(document))
    return list(refused.value.problems)


# --- the template against the schema ----------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """A valid request with one rule broken, and the path where the rule is broken."""

    rule_id: str
    path: str
    mutate: Callable[[Json], None]


def _measure(doc: Json, index: int) -> Json:
    measure: Json = doc["body"]["measures"][index]
    return measure


def _public(doc: Json) -> None:
    doc["header"]["classification"] = "PUBLIC"
    doc["body"].pop("confidentiality")  # else the confidential marking rule breaks too


def _interception(doc: Json) -> None:
    _measure(doc, 2)["measure_type"] = "INTERCEPTION"
    _measure(doc, 2)["relevance_justification"] = {"text": "La línea organiza los traslados."}


def _unjustified_interception(doc: Json) -> None:
    _interception(doc)
    del _measure(doc, 2)["relevance_justification"]
    _measure(doc, 2)["interception"] = {
        "target_ref": "T3",
        "duration_days": 30,
        "technical_assistance_needed": True,
        "technical": {"subject_identification": "Usuario de la línea"},
    }


def _unjustified_freeze(doc: Json) -> None:
    _measure(doc, 0)["measure_type"] = "FREEZE_OR_CONFISCATION"
    del _measure(doc, 0)["relevance_justification"]


def _transfer_without_details(doc: Json) -> None:
    _measure(doc, 1)["measure_type"] = "TEMPORARY_TRANSFER_IN_CUSTODY"
    del _measure(doc, 1)["hearing"]


def _set(*path: str | int, **values: Any) -> Callable[[Json], None]:
    def mutate(doc: Json) -> None:
        part: Any = doc
        for step in path:
            part = part[step]
        part.update(values)

    return mutate


def _drop(*path: str | int) -> Callable[[Json], None]:
    def mutate(doc: Json) -> None:
        part: Any = doc
        for step in path[:-1]:
            part = part[step]
        del part[path[-1]]

    return mutate


UNKNOWN_TOKEN = "sbj_" + "Z" * 22

BROKEN = [
    Broken(
        "mla.header.authority-roles",
        "header.recipient.role",
        _set("header", "recipient", role="CONSULAR_POST"),
    ),
    Broken("mla.header.classification-floor", "header.classification", _public),
    Broken("mla.request.facts-summary", "body.facts_summary", _drop("body", "facts_summary")),
    Broken(
        "mla.request.conducting-authority",
        "body.conducting_authority",
        _set("body", requesting_authority_conducts=False),
    ),
    Broken(
        "mla.request.measure-ids-unique",
        "body.measures[].measure_id",
        _set("body", "measures", 2, measure_id="M1"),
    ),
    Broken(
        "mla.request.subjects",
        "body.measures[1].targets[0].subject_token",
        _set("body", "measures", 1, "targets", 0, subject_token=UNKNOWN_TOKEN),
    ),
    Broken(
        "mla.person.identity-kind",
        "body.persons_concerned[0].legal_person",
        _set("body", "persons_concerned", 0, legal_person={"legal_name": "Ramírez SA"}),
    ),
    Broken(
        "mla.measure.relevance-intrusive",
        "body.measures[2].relevance_justification",
        _unjustified_interception,
    ),
    Broken(
        "mla.measure.relevance-coercive",
        "body.measures[0].relevance_justification",
        _unjustified_freeze,
    ),
    Broken("mla.measure.interception", "body.measures[2].interception", _interception),
    Broken(
        "mla.measure.hearing",
        "body.measures[1].hearing.mode",
        _set("body", "measures", 1, "hearing", mode="PHONE"),
    ),
    Broken(
        "mla.measure.transfer-in-custody",
        "body.measures[1].transfer_in_custody",
        _transfer_without_details,
    ),
    Broken(
        "mla.measure.targets",
        "body.measures[2].targets[0].identifier",
        _drop("body", "measures", 2, "targets", 0, "identifier"),
    ),
    Broken(
        "mla.measure.time-window",
        "body.measures[0].time_window",
        _set("body", "measures", 0, "time_window", start="2026-01-01", end="2025-01-01"),
    ),
    Broken(
        "mla.offence.exploitation-forms",
        "body.offences[0].exploitation_forms",
        _set("body", "offences", 0, exploitation_forms=[]),
    ),
    Broken(
        "mla.request.confidentiality-reason",
        "body.confidentiality.reason",
        _drop("body", "confidentiality", "reason"),
    ),
    Broken(
        "mla.request.confidential-marking",
        "header.classification",
        _set("header", classification="RESTRICTED"),
    ),
    Broken(
        "mla.request.deadline-reasons", "body.deadline_reasons", _drop("body", "deadline_reasons")
    ),
    Broken(
        "mla.request.signed-before-sending",
        "body.signatory.signed_at",
        _set("body", "signatory", signed_at="2026-03-03T09:00:00Z"),
    ),
    Broken(
        "mla.request.assurance-text",
        "body.assurances[0].text",
        _set("body", "assurances", 0, kind="OTHER"),
    ),
    Broken(
        "mla.request.costs-note",
        "body.costs_note.note",
        _set("body", "costs_note", extraordinary_expected=True),
    ),
]


def broken(case: Broken) -> Json:
    document = copy.deepcopy(BASE)
    case.mutate(document)
    return document


def test_every_rule_of_a_request_has_a_broken_case() -> None:
    rules = {r.rule_id for r in LEGAL_RULES if MessageType.EVIDENCE_REQUEST in r.message_types}
    assert {case.rule_id for case in BROKEN} == rules


@pytest.mark.parametrize("case", BROKEN, ids=[case.rule_id for case in BROKEN])
def test_the_template_names_a_broken_rule_where_the_schema_does(case: Broken) -> None:
    document = broken(case)
    schema = message_problems(document, schema_problems(document))
    template = message_problems(document, [])
    assert case.path in [p.path for p in schema]
    assert [p.path for p in template] == [case.path]
    assert [p.path for p in schema] == [case.path]  # said once, in the item's words
    [problem] = template
    assert problem.message.startswith(item_of(case.path).label + ": ")


def test_the_template_finds_nothing_in_any_sample_request() -> None:
    for request in REQUESTS:
        assert message_problems(request, []) == []


def test_many_rules_broken_at_once_are_all_named() -> None:
    """The schema stops at the first rule of the request; the check names every one."""
    together = [c for c in BROKEN if c.rule_id in MANY]
    document = copy.deepcopy(BASE)
    for case in together:
        case.mutate(document)
    found = schema_problems(document)
    assert len(found) == 1
    named = message_problems(document, found)
    assert sorted(p.path for p in named) == sorted(c.path for c in together)


MANY = {
    "mla.request.facts-summary",
    "mla.request.conducting-authority",
    "mla.request.measure-ids-unique",
    "mla.measure.time-window",
    "mla.offence.exploitation-forms",
    "mla.request.confidentiality-reason",
    "mla.request.deadline-reasons",
    "mla.request.assurance-text",
    "mla.request.costs-note",
    "mla.measure.hearing",
}


def test_field_errors_and_rules_are_named_together_in_the_items_words() -> None:
    document = copy.deepcopy(BASE)
    document["header"]["legal_basis"] = []
    document["body"]["offences"][0]["statutory_provisions"] = []
    document["body"]["measures"][1]["hearing"]["capacity"] = "BYSTANDER"
    document["body"].pop("facts_summary")
    named = {p.path: p.message for p in message_problems(document, schema_problems(document))}
    assert set(named) == {
        "header.legal_basis",
        "body.offences[0].statutory_provisions",
        "body.measures[1].hearing.capacity",
        "body.facts_summary",
    }
    assert named["header.legal_basis"].startswith("Legal basis: missing: name the convention")
    assert named["body.facts_summary"].startswith("Summary of the facts: missing: ")
    assert named["body.measures[1].hearing.capacity"].startswith(
        "How each measure is carried out: measures[1].hearing.capacity Input should be"
    )


def test_problems_of_other_mla_messages_name_the_field_of_their_rule() -> None:
    inquiry = next(
        json.loads(d.to_json())
        for conversation in example_conversations()
        for d in conversation
        if d.header.message_type is MessageType.STATUS_INQUIRY
    )
    inquiry["body"] = {"reason": "OTHER"}
    named = message_problems(inquiry, schema_problems(inquiry))
    assert [p.path for p in named] == ["body.note"]


# --- through the API ---------------------------------------------------------------------------

REQUIRED = [
    "body.requesting_authority",
    "body.requesting_authority_conducts",
    "body.central_authority_refs",
    "header.legal_basis",
    "body.proceeding",
    "body.offences",
    "body.facts_summary",
    "body.narrative",
    "body.measures",
    "body.signatory",
]


@pytest.mark.asyncio
async def test_an_empty_request_is_told_every_item_it_lacks(nodes: NodesUnderTest) -> None:
    ar = nodes.clients["AR"]
    prosecutor = await nodes.headers("AR", Role.PROSECUTOR)
    draft = {"message_type": "EvidenceRequest", "body": {}, "recipient": PY_CENTRAL}
    created = await ar.post("/mla/cases", json=draft, headers=prosecutor)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]

    problems = (await ar.get(f"/mla/cases/{case_id}/draft", headers=prosecutor)).json()["problems"]
    assert [p["path"] for p in problems] == REQUIRED
    for problem in problems:
        label = item_of(problem["path"]).label
        assert problem["message"].startswith(f"{label}: missing: "), problem

    checklist = (await ar.get(f"/mla/cases/{case_id}/draft/checklist", headers=prosecutor)).json()
    assert [item["key"] for item in checklist] == [item.key for item in REQUEST_TEMPLATE]
    incomplete = {item["key"] for item in checklist if not item["complete"]}
    assert incomplete == {
        "requesting_authority",
        "conducting_authority",
        "file_number",
        "legal_basis",
        "proceeding",
        "offences",
        "facts_summary",
        "purpose",
        "measures",
        "signatory",
    }

    refused = await ar.post(f"/mla/cases/{case_id}/draft/send", headers=prosecutor)
    assert refused.status_code == 422
    assert [p["path"] for p in refused.json()["detail"]["problems"]] == REQUIRED
    case = (await ar.get(f"/mla/cases/{case_id}", headers=prosecutor)).json()
    assert (case["state"], case["entries"], case["draft_type"]) == ("DRAFT", [], "EvidenceRequest")


@pytest.mark.asyncio
async def test_a_request_breaking_many_rules_is_told_each_then_sent_once_corrected(
    nodes: NodesUnderTest,
) -> None:
    ar = nodes.clients["AR"]
    prosecutor = await nodes.headers("AR", Role.PROSECUTOR)
    valid = sample_draft(example_conversations()[0][0], first=True, offset=sample_offset())
    draft = copy.deepcopy(valid)
    draft["body"].pop("facts_summary")
    draft["body"]["requesting_authority_conducts"] = False
    draft["body"]["measures"][2]["measure_id"] = "M1"
    draft["body"]["measures"][1]["hearing"]["mode"] = "PHONE"
    draft["body"]["confidentiality"].pop("reason")
    draft["body"].pop("deadline_reasons")
    draft["body"]["signatory"]["signed_at"] = "2099-01-01T00:00:00Z"
    created = await ar.post("/mla/cases", json=draft, headers=prosecutor)
    case_id = created.json()["id"]

    expected = {
        "body.facts_summary": "facts_summary",
        "body.conducting_authority": "conducting_authority",
        "body.measures[].measure_id": "measures",
        "body.measures[1].hearing.mode": "measure_details",
        "body.confidentiality.reason": "confidentiality",
        "body.deadline_reasons": "deadline",
        "body.signatory.signed_at": "signatory",
    }
    check = (await ar.get(f"/mla/cases/{case_id}/draft", headers=prosecutor)).json()
    assert sorted(p["path"] for p in check["problems"]) == sorted(expected)
    checklist = (await ar.get(f"/mla/cases/{case_id}/draft/checklist", headers=prosecutor)).json()
    problems_of = {item["key"]: [p["path"] for p in item["problems"]] for item in checklist}
    for path, key in expected.items():
        assert path in problems_of[key]
    assert {i["key"] for i in checklist if not i["complete"]} == set(expected.values())
    refused = await ar.post(f"/mla/cases/{case_id}/draft/send", headers=prosecutor)
    assert refused.status_code == 422
    assert len(refused.json()["detail"]["problems"]) == len(expected)

    saved = await ar.put(f"/mla/cases/{case_id}/draft", json=valid, headers=prosecutor)
    assert saved.json()["problems"] == []
    checklist = (await ar.get(f"/mla/cases/{case_id}/draft/checklist", headers=prosecutor)).json()
    assert all(item["complete"] for item in checklist)
    sent = await ar.post(f"/mla/cases/{case_id}/draft/send", headers=prosecutor)
    assert sent.status_code == 200, sent.text
    assert sent.json()["state"] == "TRANSMITTED"
    gone = await ar.get(f"/mla/cases/{case_id}/draft/checklist", headers=prosecutor)
    assert gone.status_code == 409


@pytest.mark.asyncio
async def test_the_template_is_there_for_those_who_draft_or_read_requests(
    nodes: NodesUnderTest,
) -> None:
    ar = nodes.clients["AR"]
    for role in (Role.PROSECUTOR, Role.CENTRAL_AUTHORITY):
        listed = await ar.get("/mla/checklist", headers=await nodes.headers("AR", role))
        assert [item["key"] for item in listed.json()] == [i.key for i in REQUEST_TEMPLATE]
        assert all(item["expected"] and item["source"] for item in listed.json())
    assert (await ar.get("/mla/checklist")).status_code == 401
    for role in (Role.AUDITOR, Role.CONSULAR_OFFICER, Role.ADMIN):
        forbidden = await ar.get("/mla/checklist", headers=await nodes.headers("AR", role))
        assert forbidden.status_code == 403


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=5)
    | st.sampled_from(["OTHER", ""]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    replaced=st.dictionaries(st.sampled_from(sorted(BASE["body"])), _JSON, min_size=1, max_size=4),
    measure=st.dictionaries(
        st.sampled_from(sorted(BASE["body"]["measures"][1])), _JSON, max_size=3
    ),
)
def test_whatever_a_draft_holds_the_check_names_problems_and_never_fails(
    replaced: dict[str, Any], measure: dict[str, Any]
) -> None:
    document = copy.deepcopy(BASE)
    document["body"]["measures"][1].update(measure)
    document["body"].update(replaced)
    try:
        parse_document(json.dumps(document))
    except MalformedMessage as error:
        named = message_problems(document, list(error.problems))
        assert named
        assert len({p.path for p in named}) == len(named)
        assert all(p.message.startswith(item_of(p.path).label + ": ") for p in named)
