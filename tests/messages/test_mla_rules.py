"""Every legal rule of the mla family: a valid document and a violating one, the error naming
the field and the rule's source."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from messages import mla
from messages.errors import MalformedMessage
from messages.mla import rules as r
from messages.mla.examples_base import digest
from messages.mla.models_responses import RefusalNotice
from messages.registry import parse_document
from messages.rules import LegalRule

Wire = dict[str, Any]
Edit = Callable[[Wire], None]

CONVERSATIONS = mla.example_conversations()
AR_PY, PE_CO, BR_AR, CL_PE, CO_MX, UY_AR = range(6)


def wire_of(conversation: int, index: int) -> Wire:
    document = CONVERSATIONS[conversation][index]
    wire: Wire = json.loads(document.to_json())
    return wire


def _walk(wire: Any, path: str) -> tuple[Any, str | int]:
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = wire
    for part in parts[:-1]:
        node = node[part]
    return node, parts[-1]


def put(path: str, value: Any) -> Edit:
    def edit(wire: Wire) -> None:
        node, key = _walk(wire, path)
        node[key] = copy.deepcopy(value)

    return edit


def drop(path: str) -> Edit:
    def edit(wire: Wire) -> None:
        node, key = _walk(wire, path)
        del node[key]

    return edit


def copy_from(target: str, source: str) -> Edit:
    def edit(wire: Wire) -> None:
        value, key = _walk(wire, source)
        put(target, value[key])(wire)

    return edit


def append(path: str, value: Any) -> Edit:
    def edit(wire: Wire) -> None:
        node, key = _walk(wire, path)
        node[key].append(copy.deepcopy(value))

    return edit


def duplicate(path: str) -> Edit:
    """Append a copy of the list's first element."""

    def edit(wire: Wire) -> None:
        node, key = _walk(wire, path)
        node[key].append(copy.deepcopy(node[key][0]))

    return edit


def both(*edits: Edit) -> Edit:
    def edit(wire: Wire) -> None:
        for one in edits:
            one(wire)

    return edit


def unchanged(wire: Wire) -> None:
    """The example as it is: it obeys the rule."""


def iacmamc_only(wire: Wire) -> None:
    wire["header"]["legal_basis"] = [{"basis": "IACMAMC_1992"}]


BEFORE = "2000-01-01"
LATE = "2030-01-01T00:00:00Z"
STRANGER = "sbj_AAAAAAAAAAAAAAAAAAAAAA"

# (rule, example, edit that keeps the rule, edit that breaks it, path named in the error)
CASES: list[tuple[LegalRule, tuple[int, int], Edit, Edit, str]] = [
    (
        r.AUTHORITY_ROLES,
        (AR_PY, 1),
        put("header.sender.role", "PROSECUTOR"),
        put("header.sender.role", "CONSULAR_POST"),
        "header.sender.role",
    ),
    (
        r.AUTHORITY_ROLES,
        (AR_PY, 1),
        put("header.recipient.role", "JUDGE"),
        put("header.recipient.role", "STATS_OFFICE"),
        "header.recipient.role",
    ),
    (
        r.CLASSIFICATION_FLOOR,
        (AR_PY, 5),
        put("header.classification", "RESTRICTED"),
        put("header.classification", "PUBLIC"),
        "header.classification",
    ),
    (r.FACTS_SUMMARY, (AR_PY, 0), unchanged, drop("body.facts_summary"), "facts_summary"),
    (
        r.FACTS_SUMMARY,
        (CO_MX, 0),
        unchanged,  # service of documents only: no summary needed
        put("body.measures.0.measure_type", "EVIDENCE_ALREADY_HELD"),
        "facts_summary",
    ),
    (
        r.CONDUCTING_AUTHORITY,
        (PE_CO, 0),
        unchanged,
        drop("body.conducting_authority"),
        "conducting_authority",
    ),
    (
        r.CONDUCTING_AUTHORITY,
        (PE_CO, 0),
        both(drop("body.conducting_authority"), put("body.requesting_authority_conducts", True)),
        drop("body.conducting_authority.functions"),
        "conducting_authority.functions",
    ),
    (
        r.CONDUCTING_AUTHORITY,
        (PE_CO, 0),
        unchanged,
        put("body.requesting_authority_conducts", True),
        "conducting_authority",
    ),
    (
        r.MEASURE_IDS_UNIQUE,
        (AR_PY, 0),
        put("body.measures.1.measure_id", "M9"),
        put("body.measures.1.measure_id", "M1"),
        "measures[].measure_id",
    ),
    (
        r.SUBJECTS,
        (AR_PY, 0),
        unchanged,
        copy_from(
            "body.persons_concerned.1.subject_token", "body.persons_concerned.0.subject_token"
        ),
        "persons_concerned[].subject_token",
    ),
    (
        r.SUBJECTS,
        (AR_PY, 0),
        unchanged,
        put("body.measures.1.hearing.subject_token", STRANGER),
        "measures[1].hearing.subject_token",
    ),
    (
        r.PERSON_IDENTITY_KIND,
        (PE_CO, 0),
        unchanged,
        put("body.persons_concerned.1.kind", "NATURAL"),
        "legal_person",
    ),
    (
        r.PERSON_IDENTITY_KIND,
        (PE_CO, 0),
        unchanged,
        put("body.persons_concerned.0.kind", "LEGAL"),
        "natural_person",
    ),
    (
        r.RELEVANCE_INTRUSIVE,
        (BR_AR, 0),
        unchanged,
        drop("body.measures.1.relevance_justification"),
        "measures[1].relevance_justification",
    ),
    (
        r.RELEVANCE_INTRUSIVE,
        (AR_PY, 0),
        unchanged,  # a subscriber identification needs no justification
        put("body.measures.2.measure_type", "CONTROLLED_DELIVERY"),
        "measures[2].relevance_justification",
    ),
    (
        r.RELEVANCE_COERCIVE,
        (PE_CO, 0),
        unchanged,
        drop("body.measures.1.relevance_justification"),
        "measures[1].relevance_justification",
    ),
    (
        r.INTERCEPTION_DETAILS,
        (BR_AR, 0),
        both(
            put("body.measures.1.measure_type", "INTERCEPTION"),
            put(
                "body.measures.1.interception",
                {
                    "target_ref": "T2",
                    "duration_days": 60,
                    "technical_assistance_needed": True,
                    "technical": {"subject_identification": "El titular de la cuenta"},
                },
            ),
        ),
        put("body.measures.1.measure_type", "INTERCEPTION"),
        "measures[1].interception",
    ),
    (
        r.INTERCEPTION_DETAILS,
        (BR_AR, 0),
        unchanged,
        both(
            put("body.measures.1.measure_type", "INTERCEPTION"),
            put(
                "body.measures.1.interception",
                {
                    "target_ref": "T1",
                    "duration_days": 60,
                    "technical_assistance_needed": True,
                    "technical": {"subject_identification": "El titular de la cuenta"},
                },
            ),
        ),
        "measures[1].interception.target_ref",
    ),
    (
        r.INTERCEPTION_DETAILS,
        (BR_AR, 0),
        unchanged,
        put(
            "body.measures.1.interception",
            {
                "target_ref": "T2",
                "duration_days": 60,
                "technical_assistance_needed": False,
                "technical": {"subject_identification": "El titular de la cuenta"},
            },
        ),
        "measures[1].interception",
    ),
    (
        r.HEARING_DETAILS,
        (AR_PY, 0),
        both(
            put("body.measures.1.measure_type", "HEARING"),
            put("body.measures.1.hearing.mode", "PHONE"),
        ),
        put("body.measures.1.hearing.mode", "PHONE"),
        "measures[1].hearing.mode",
    ),
    (
        r.HEARING_DETAILS,
        (AR_PY, 0),
        unchanged,
        drop("body.measures.1.hearing"),
        "measures[1].hearing",
    ),
    (
        r.HEARING_DETAILS,
        (AR_PY, 0),
        unchanged,
        copy_from("body.measures.2.hearing", "body.measures.1.hearing"),
        "measures[2].hearing",
    ),
    (
        r.TRANSFER_DETAILS,
        (AR_PY, 0),
        both(
            put("body.measures.2.measure_type", "TEMPORARY_TRANSFER_IN_CUSTODY"),
            put(
                "body.measures.2.transfer_in_custody",
                {"direction": "TO_REQUESTING_STATE", "max_duration_days": 10},
            ),
            copy_from(
                "body.measures.2.transfer_in_custody.subject_token",
                "body.persons_concerned.0.subject_token",
            ),
        ),
        put("body.measures.2.measure_type", "TEMPORARY_TRANSFER_IN_CUSTODY"),
        "measures[2].transfer_in_custody",
    ),
    (
        r.TARGETS,
        (AR_PY, 0),
        unchanged,
        drop("body.measures.2.targets.0.identifier"),
        "measures[2].targets[0].identifier",
    ),
    (
        r.TARGETS,
        (AR_PY, 0),
        unchanged,
        drop("body.measures.1.targets.0.subject_token"),
        "measures[1].targets[0].subject_token",
    ),
    (
        r.TARGETS,
        (AR_PY, 0),
        unchanged,
        put("body.measures.2.targets.0.target_ref", "T1"),
        "measures[].targets[].target_ref",
    ),
    (
        r.TIME_WINDOW,
        (AR_PY, 0),
        put("body.measures.0.time_window.end", "2024-01-01"),
        put("body.measures.0.time_window.end", "2023-12-31"),
        "measures[0].time_window",
    ),
    (
        r.EXPLOITATION_FORMS,
        (AR_PY, 0),
        put("body.offences.1.exploitation_forms", []),
        put("body.offences.0.exploitation_forms", []),
        "exploitation_forms",
    ),
    (
        r.EXPLOITATION_FORMS,
        (AR_PY, 0),
        unchanged,
        put("body.offences.0.exploitation_forms", ["SEXUAL_EXPLOITATION", "SEXUAL_EXPLOITATION"]),
        "exploitation_forms",
    ),
    (
        r.CONFIDENTIALITY_REASON,
        (AR_PY, 0),
        both(
            drop("body.confidentiality.reason"),
            put("body.confidentiality.keep_fact_and_substance_confidential", False),
            put("body.confidentiality.do_not_notify_subject", False),
        ),
        drop("body.confidentiality.reason"),
        "confidentiality.reason",
    ),
    (
        r.CONFIDENTIAL_MARKING,
        (AR_PY, 0),
        put("header.classification", "SECRET"),
        put("header.classification", "RESTRICTED"),
        "header.classification",
    ),
    (
        r.DEADLINE_REASONS,
        (AR_PY, 0),
        both(drop("body.deadline_reasons"), drop("header.urgency")),
        drop("body.deadline_reasons"),
        "deadline_reasons",
    ),
    (
        r.SIGNED_BEFORE_SENDING,
        (AR_PY, 0),
        copy_from("body.signatory.signed_at", "header.sent_at"),
        put("body.signatory.signed_at", LATE),
        "signatory.signed_at",
    ),
    (
        r.ASSURANCE_TEXT,
        (AR_PY, 0),
        append("body.assurances", {"kind": "OTHER", "text": "Reciprocidad en casos análogos"}),
        append("body.assurances", {"kind": "OTHER"}),
        "assurances[2].text",
    ),
    (
        r.COSTS_NOTE,
        (AR_PY, 0),
        put("body.costs_note", {"extraordinary_expected": True, "note": "Traslado de peritos"}),
        put("body.costs_note", {"extraordinary_expected": True}),
        "costs_note.note",
    ),
    (
        r.RECEIVED_AT,
        (AR_PY, 1),
        copy_from("body.received_at", "header.sent_at"),
        put("body.received_at", LATE),
        "received_at",
    ),
    (
        r.INFO_ITEM_IDS,
        (AR_PY, 2),
        unchanged,
        append("body.items", {"item_id": "Q1", "reason": "INCOMPLETE", "question": {"text": "x"}}),
        "items[].item_id",
    ),
    (
        r.INFO_RESPOND_BY,
        (AR_PY, 2),
        unchanged,
        put("body.respond_by", BEFORE),
        "respond_by",
    ),
    (r.REPLY_ANSWERS, (AR_PY, 3), unchanged, drop("body.answers.0.answer"), "answers[0]"),
    (
        r.REPLY_ANSWERS,
        (AR_PY, 3),
        unchanged,
        append("body.answers", {"item_id": "Q1", "answer": {"text": "Otra respuesta"}}),
        "answers[].item_id",
    ),
    (
        r.REPLY_ATTACHMENTS,
        (AR_PY, 3),
        both(
            put("body.answers.0.attachment_sha256", digest("reply")),
            put(
                "header.attachments",
                [{"sha256": digest("reply"), "media_type": "application/pdf", "size_bytes": 10}],
            ),
        ),
        put("body.answers.0.attachment_sha256", digest("reply")),
        "answers[0].attachment_sha256",
    ),
    (
        r.DECISION_CONDITIONS,
        (PE_CO, 5),
        unchanged,
        put("body.conditions", []),
        "conditions",
    ),
    (
        r.DECISION_CONDITIONS,
        (PE_CO, 5),
        unchanged,
        put("body.decision", "ACCEPTED"),
        "conditions",
    ),
    (
        r.DECISION_MEASURES,
        (BR_AR, 5),
        unchanged,
        put("body.measure_ids", []),
        "measure_ids",
    ),
    (
        r.DECISION_MEASURES,
        (AR_PY, 4),
        unchanged,
        put("body.measure_ids", ["M1"]),
        "measure_ids",
    ),
    (
        r.EXPECTED_COMPLETION,
        (AR_PY, 4),
        unchanged,
        put("body.expected_completion", BEFORE),
        "expected_completion",
    ),
    (
        r.CONDITION_IDS,
        (PE_CO, 5),
        unchanged,
        put("body.conditions.1.condition_id", "C1"),
        "conditions[].condition_id",
    ),
    (
        r.CONDITION_IDS,
        (PE_CO, 3),
        unchanged,
        put("body.conditions.1.condition_id", "C1"),
        "conditions[].condition_id",
    ),
    (
        r.CONDITION_IDS,
        (PE_CO, 8),
        unchanged,
        duplicate("body.conditions"),
        "conditions[].condition_id",
    ),
    (
        r.MEASURE_REFS_UNIQUE,
        (PE_CO, 6),
        put("body.measure_ids", ["M2", "M3"]),
        put("body.measure_ids", ["M2", "M2"]),
        "measure_ids",
    ),
    (
        r.OTHER_NOTE,
        (AR_PY, 7),
        put("body.reason", "OTHER"),
        both(put("body.reason", "OTHER"), drop("body.note")),
        "note",
    ),
    (
        r.OTHER_NOTE,
        (AR_PY, 5),
        both(put("body.reason", "OTHER"), put("body.note", "Cambio de fiscal a cargo")),
        put("body.reason", "OTHER"),
        "note",
    ),
    (
        r.OTHER_NOTE,
        (CO_MX, 3),
        put("body.reason", "OTHER"),
        both(put("body.reason", "OTHER"), drop("body.note")),
        "note",
    ),
    (
        r.OTHER_NOTE,
        (PE_CO, 6),
        put("body.reason", "OTHER"),
        both(put("body.reason", "OTHER"), drop("body.note")),
        "note",
    ),
    (
        r.DELAY_NEW_DATE,
        (AR_PY, 7),
        unchanged,
        put("body.new_estimated_date", BEFORE),
        "new_estimated_date",
    ),
    (r.POSTPONEMENT_UNTIL, (PE_CO, 6), unchanged, put("body.until", BEFORE), "until"),
    (
        r.POSTPONEMENT_CONSULTATION,
        (PE_CO, 6),
        both(put("body.consultation_held", False), iacmamc_only),
        put("body.consultation_held", False),
        "consultation_held",
    ),
    (
        r.CONSULTATION_RESPOND_BY,
        (PE_CO, 3),
        unchanged,
        put("body.respond_by", BEFORE),
        "respond_by",
    ),
    (
        r.CONSULTATION_REPLY_TO,
        (PE_CO, 4),
        unchanged,
        drop("header.in_reply_to"),
        "header.in_reply_to",
    ),
    (
        r.CONSULTATION_DECLINED_REASONS,
        (PE_CO, 4),
        both(put("body.accepted", False), put("body.reasons", "Condición inaceptable")),
        put("body.accepted", False),
        "reasons",
    ),
    (
        r.REPORTABLE_STATE,
        (AR_PY, 6),
        put("body.reported_state", "POSTPONED"),
        put("body.reported_state", "CLOSED"),
        "reported_state",
    ),
    (r.STATUS_ETA, (AR_PY, 6), unchanged, put("body.next_step_eta", BEFORE), "next_step_eta"),
    (r.REFUSAL_GROUNDS, (BR_AR, 4), unchanged, put("body.grounds", []), "grounds"),
    (
        r.REFUSAL_GROUNDS,
        (BR_AR, 4),
        unchanged,
        append("body.grounds", "DOMESTIC_LAW_BARS_SIMILAR_MEASURE"),
        "grounds",
    ),
    (r.REFUSAL_REASONS, (BR_AR, 4), unchanged, put("body.reasons_text", "  \n "), "reasons_text"),
    (
        r.REFUSAL_OTHER_GROUND,
        (CL_PE, 3),
        unchanged,
        drop("body.other_ground_text"),
        "other_ground_text",
    ),
    (
        r.REFUSAL_OTHER_GROUND,
        (BR_AR, 4),
        unchanged,
        put("body.other_ground_text", "Otro motivo"),
        "other_ground_text",
    ),
    (
        r.REFUSAL_UNTOC_GROUNDS,
        (BR_AR, 4),
        both(put("body.grounds", ["BANK_SECRECY"]), iacmamc_only),
        put("body.grounds", ["BANK_SECRECY"]),
        "grounds",
    ),
    (
        r.REFUSAL_UNTOC_GROUNDS,
        (BR_AR, 4),
        both(put("body.grounds", ["FISCAL_MATTER_ONLY"]), iacmamc_only),
        put("body.grounds", ["DOMESTIC_LAW_BARS_SIMILAR_MEASURE", "FISCAL_MATTER_ONLY"]),
        "grounds",
    ),
    (
        r.REFUSAL_POSTPONE_INSTEAD,
        (BR_AR, 4),
        put("body.grounds", ["INTERFERES_WITH_DOMESTIC_CASE", "NO_DUAL_CRIMINALITY"]),
        put("body.grounds", ["INTERFERES_WITH_DOMESTIC_CASE"]),
        "grounds",
    ),
    (
        r.REFUSAL_CONSULTATION,
        (BR_AR, 4),
        both(put("body.consultation_held", False), put("body.grounds", ["IMPOSSIBLE_TO_EXECUTE"])),
        put("body.consultation_held", False),
        "consultation_held",
    ),
    (
        r.REFUSAL_CONSULTATION,
        (CL_PE, 3),
        unchanged,  # an 18(21) ground without consultation, but not under UNTOC
        put("header.legal_basis", [{"basis": "IACMAMC_1992"}, {"basis": "UNTOC_ART18"}]),
        "consultation_held",
    ),
    (r.REFUSAL_PARTIAL, (BR_AR, 4), unchanged, put("body.measure_ids", []), "measure_ids"),
    (r.REFUSAL_PARTIAL, (CL_PE, 3), unchanged, put("body.measure_ids", ["M1"]), "measure_ids"),
    (
        r.OUTCOME,
        (AR_PY, 10),
        both(
            put("body.results.0.status", "SUBSTITUTED"),
            put("body.results.0.substituted_by", "HEARING_TELEPHONE"),
            put("body.results.0.reason", "La víctima prefirió declarar por teléfono"),
        ),
        both(put("body.results.0.status", "PARTIAL"), put("body.results.0.reason", "Interrumpida")),
        "outcome",
    ),
    (
        r.OUTCOME,
        (BR_AR, 6),
        unchanged,
        put("body.outcome", "PARTIALLY_EXECUTED"),
        "outcome",
    ),
    (
        r.OUTCOME,
        (AR_PY, 8),
        put("body.outcome", "EXECUTED"),
        put("body.outcome", "NOT_EXECUTABLE"),
        "outcome",
    ),
    (
        r.NOT_EXECUTABLE_EXPLANATION,
        (BR_AR, 6),
        unchanged,
        drop("body.explanation"),
        "explanation",
    ),
    (
        r.RESULT_IDS,
        (AR_PY, 8),
        unchanged,
        put("body.results.1.measure_id", "M1"),
        "results[].measure_id",
    ),
    (
        r.SUBSTITUTION,
        (PE_CO, 8),
        unchanged,
        drop("body.results.1.substituted_by"),
        "results[1].substituted_by",
    ),
    (
        r.SUBSTITUTION,
        (PE_CO, 8),
        unchanged,
        put("body.results.0.substituted_by", "EVIDENCE_ALREADY_HELD"),
        "results[0].substituted_by",
    ),
    (r.RESULT_REASON, (PE_CO, 8), unchanged, drop("body.results.1.reason"), "results[1].reason"),
    (
        r.RESULT_PERFORMANCE,
        (BR_AR, 6),
        unchanged,
        put("body.results.0.executed_at", "2026-03-10T10:00:00Z"),
        "results[0].executed_at",
    ),
    (
        r.RESULT_PERFORMANCE,
        (AR_PY, 8),
        unchanged,
        drop("body.results.0.executed_at"),
        "results[0].executed_at",
    ),
    (
        r.RESULT_PERFORMANCE,
        (AR_PY, 8),
        unchanged,
        put("body.results.0.executed_at", LATE),
        "results[0].executed_at",
    ),
    (
        r.RESULT_PERFORMANCE,
        (AR_PY, 8),
        unchanged,
        both(
            put("body.results.0.status", "NOT_PERFORMED"),
            put("body.results.0.reason", "x"),
            drop("body.results.0.executed_at"),
        ),
        "results[0].evidence_items",
    ),
    (
        r.EVIDENCE_IDS,
        (AR_PY, 8),
        unchanged,
        put("body.results.1.evidence_items.0.item_id", "E1"),
        "results[].evidence_items[].item_id",
    ),
    (
        r.EVIDENCE_DIGEST,
        (PE_CO, 8),
        unchanged,
        drop("body.results.0.evidence_items.0.sha256"),
        "results[0].evidence_items[0].sha256",
    ),
    (
        r.EVIDENCE_DIGEST,
        (PE_CO, 8),
        unchanged,
        put("body.results.1.evidence_items.0.delivery", "ATTACHED"),
        "results[1].evidence_items[0].delivery",
    ),
    (
        r.EVIDENCE_ATTACHED,
        (AR_PY, 8),
        put("body.results.0.evidence_items.0.delivery", "SECURE_TRANSFER"),
        put("body.results.0.evidence_items.0.sha256", digest("not attached")),
        "results[0].evidence_items[0].sha256",
    ),
    (
        r.CUSTODY_CHAIN,
        (PE_CO, 8),
        unchanged,
        put("body.results.1.evidence_items.0.custody_chain.1.held_from", "2026-04-22T13:00:00Z"),
        "results[1].evidence_items[0].custody_chain[1].held_from",
    ),
    (
        r.CUSTODY_CHAIN,
        (PE_CO, 8),
        unchanged,
        drop("body.results.1.evidence_items.0.custody_chain.0.held_until"),
        "results[1].evidence_items[0].custody_chain[0].held_until",
    ),
    (
        r.CUSTODY_CHAIN,
        (PE_CO, 8),
        unchanged,
        both(
            put(
                "body.results.1.evidence_items.0.custody_chain.0.held_until", "2026-01-01T00:00:00Z"
            ),
            put(
                "body.results.1.evidence_items.0.custody_chain.1.held_from", "2026-01-01T00:00:00Z"
            ),
        ),
        "results[1].evidence_items[0].custody_chain[0].held_until",
    ),
    (
        r.ORIGINALS,
        (PE_CO, 8),
        both(put("body.originals_to_be_returned", False), drop("body.return_originals_by")),
        drop("body.return_originals_by"),
        "return_originals_by",
    ),
    (
        r.COSTS,
        (PE_CO, 8),
        put("body.costs_incurred", {"extraordinary": True, "amount": "1250.50", "currency": "COP"}),
        put("body.costs_incurred", {"extraordinary": True, "amount": "-5", "currency": "COP"}),
        "costs_incurred",
    ),
    (
        r.COSTS,
        (PE_CO, 8),
        unchanged,
        put("body.costs_incurred", {"extraordinary": True, "amount": "1250.50"}),
        "costs_incurred",
    ),
    (
        r.CLOSED_AT,
        (AR_PY, 11),
        copy_from("body.closed_at", "header.sent_at"),
        put("body.closed_at", LATE),
        "closed_at",
    ),
]


def _case_id(case: tuple[LegalRule, tuple[int, int], Edit, Edit, str]) -> str:
    return f"{case[0].rule_id}:{case[4]}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_a_rule_accepts_what_obeys_it_and_refuses_what_breaks_it(
    case: tuple[LegalRule, tuple[int, int], Edit, Edit, str],
) -> None:
    rule, (conversation, index), keep, breach, path = case
    valid = wire_of(conversation, index)
    keep(valid)
    assert parse_document(json.dumps(valid)).header.message_type in rule.message_types

    invalid = wire_of(conversation, index)
    breach(invalid)
    with pytest.raises(MalformedMessage) as caught:
        parse_document(json.dumps(invalid))
    messages = [str(problem) for problem in caught.value.problems]
    assert any(f"{path}: " in m and f"[{rule.source}]" in m for m in messages), messages
    assert all(p.startswith("body") for p in caught.value.paths), caught.value.paths


def test_every_legal_rule_of_the_family_is_exercised() -> None:
    assert {case[0].rule_id for case in CASES} == {rule.rule_id for rule in mla.LEGAL_RULES}


def test_legal_rules_are_declared_once_with_a_source() -> None:
    ids = [rule.rule_id for rule in mla.LEGAL_RULES]
    assert len(ids) == len(set(ids))
    for rule in mla.LEGAL_RULES:
        assert rule.rule_id.startswith("mla.")
        assert rule.source
        assert rule.text
        assert rule.field
        assert rule.message_types


def test_bank_secrecy_is_a_valid_ground_outside_untoc() -> None:
    # The same refusal that UNTOC forbids is lawful under a bilateral treaty alone.
    wire = wire_of(BR_AR, 4)
    wire["header"]["legal_basis"] = [{"basis": "BILATERAL", "treaty_id": "AR-BR-MLA-1991"}]
    wire["body"]["grounds"] = ["BANK_SECRECY", "FISCAL_MATTER_ONLY"]
    assert parse_document(json.dumps(wire)).body.grounds[0] == "BANK_SECRECY"


def test_the_published_schema_says_a_refusal_has_a_ground() -> None:
    # The rule is enforced by a validator (to cite its source), and still published.
    schema = RefusalNotice.model_json_schema()
    assert schema["properties"]["grounds"]["minItems"] == 1
