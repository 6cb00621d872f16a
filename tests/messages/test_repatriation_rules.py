"""Every legal rule of the repatriation family: a valid document passes, a violating one is
rejected with an error that names the field and the rule's source."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from messages.document import Body, Document
from messages.repatriation import BODIES, LEGAL_RULES, example
from messages.repatriation import rules as r
from messages.rules import LegalRule
from messages.samples import sample_time
from messages.types import format_utc
from messages.vocab import FAMILY_OF, Family, MessageType

M = MessageType
BODY_OF: dict[MessageType, type[Body]] = {body.MESSAGE_TYPE: body for body in BODIES}
Edit = Callable[[dict[str, Any], dict[str, Any]], None]
"""Changes a wire document in place: edit(header, body)."""


def wire(case: str, message_type: MessageType, nth: int = 0) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(example(case, message_type, nth).to_json())
    return value


def parse(data: dict[str, Any]) -> Document[Any]:
    body = BODY_OF[MessageType(data["header"]["message_type"])]
    return Document[body].model_validate_json(json.dumps(data))  # type: ignore[valid-type]


def at(days: float = 0, hours: float = 0) -> str:
    return format_utc(sample_time(days, hours))


def set_(path: str, value: Any) -> Edit:
    """An edit that sets body.<path> (dotted) to ``value``."""

    def edit(header: dict[str, Any], body: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        node = body
        for part in parents:
            node = node[part]
        node[leaf] = value

    return edit


def drop(path: str) -> Edit:
    """An edit that removes body.<path> (dotted)."""

    def edit(header: dict[str, Any], body: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        node = body
        for part in parents:
            node = node[part]
        del node[leaf]

    return edit


def both(*edits: Edit) -> Edit:
    def edit(header: dict[str, Any], body: dict[str, Any]) -> None:
        for one in edits:
            one(header, body)

    return edit


def header_edit(change: Callable[[dict[str, Any]], None]) -> Edit:
    return lambda header, body: change(header)


ADULT, HOLD, CHILD, PROHIBITIVE, WITHDRAWN = (
    "br-py-adult",
    "ar-py-hold",
    "br-py-child",
    "br-py-prohibitive",
    "ar-py-withdrawn",
)

# (rule, sample case, message type, nth, an edit that breaks the rule)
VIOLATIONS: list[tuple[LegalRule, str, MessageType, int, Edit]] = [
    (r.CONSENT_COHERENT, ADULT, M.VICTIM_IDENTIFIED_NOTICE, 0, set_("consent.scope", [])),
    (r.CONSENT_COHERENT, ADULT, M.VICTIM_IDENTIFIED_NOTICE, 0, drop("consent.given_by")),
    (
        r.CONSENT_COHERENT,
        PROHIBITIVE,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        set_("consent.scope", ["CONSULAR_ASSISTANCE"]),
    ),
    (
        r.CONSENT_COHERENT,
        ADULT,
        M.REINTEGRATION_FOLLOW_UP,
        0,
        set_("consent.scope", ["REINTEGRATION_FOLLOW_UP", "REINTEGRATION_FOLLOW_UP"]),
    ),
    (
        r.CONSENT_WITHDRAWAL_ORDER,
        WITHDRAWN,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        set_("consent.withdrawn_at", at(-1, 3)),
    ),
    (
        r.CONSENT_BEFORE_SENDING,
        ADULT,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        set_("consent.recorded_at", at(0, 1)),
    ),
    (
        r.CONSENT_BEFORE_SENDING,
        ADULT,
        M.NATIONALITY_VERIFICATION_REQUEST,
        0,
        set_("consent.recorded_at", at(3, 1)),
    ),
    (
        r.IDENTITY_REQUIRES_CONSENT,
        PROHIBITIVE,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        set_("victim", {"given_names": "Mirna", "family_names": "Cáceres", "sex": "FEMALE"}),
    ),
    (
        r.IDENTITY_REQUIRES_CONSENT,
        WITHDRAWN,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        both(
            set_("consent.withdrawn_at", at(-1, 6)),
            set_("victim_statement", {"statement": "No sé todavía.", "language": "es"}),
        ),
    ),
    (r.IDENTITY_REQUIRES_CONSENT, ADULT, M.TRAVEL_DOCUMENT_ISSUED, 0, drop("consent")),
    (
        r.IDENTITY_REQUIRES_CONSENT,
        ADULT,
        M.NATIONALITY_VERIFICATION_REQUEST,
        0,
        set_("consent.withdrawn_at", at(2)),
    ),
    (
        r.CONSENT_SCOPE,
        ADULT,
        M.NATIONALITY_VERIFICATION_REQUEST,
        0,
        set_("consent.scope", ["CONSULAR_ASSISTANCE"]),
    ),
    (
        r.CONSENT_SCOPE,
        ADULT,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        set_("consent.scope", ["NATIONALITY_VERIFICATION"]),
    ),
    (
        r.CONSENT_SCOPE,
        ADULT,
        M.TRAVEL_DOCUMENT_REQUEST,
        0,
        set_("consent.scope", ["NATIONALITY_VERIFICATION"]),
    ),
    (
        r.IDENTITY_REQUIRES_CONSENT,
        ADULT,
        M.TRAVEL_DOCUMENT_REQUEST,
        0,
        set_("consent.withdrawn_at", at(19)),
    ),
    (
        r.CONSENT_SCOPE,
        ADULT,
        M.TRAVEL_DOCUMENT_ISSUED,
        0,
        set_("consent.scope", ["CONSULAR_ASSISTANCE"]),
    ),
    (
        r.CONSENT_SCOPE,
        ADULT,
        M.REINTEGRATION_FOLLOW_UP,
        0,
        set_("consent.scope", ["RETURN_ARRANGEMENTS"]),
    ),
    (
        r.FOLLOW_UP_OPT_IN,
        ADULT,
        M.REINTEGRATION_FOLLOW_UP,
        0,
        set_("consent.withdrawn_at", at(40)),
    ),
    (r.CHILD_GUARDIAN, CHILD, M.VICTIM_IDENTIFIED_NOTICE, 0, drop("guardian")),
    (
        r.CHILD_GUARDIAN,
        ADULT,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        set_("age_group", "CHILD"),
    ),
    (r.CHILD_CONSENT, CHILD, M.VICTIM_IDENTIFIED_NOTICE, 0, set_("consent.given_by", "VICTIM")),
    (r.UNACCOMPANIED_NOT_ADULT, CHILD, M.VICTIM_IDENTIFIED_NOTICE, 0, set_("age_group", "ADULT")),
    (r.NOTICE_STATE, ADULT, M.VICTIM_IDENTIFIED_NOTICE, 0, set_("presumed_nationality", "BO")),
    (
        r.IDENTIFIED_BEFORE_SENDING,
        ADULT,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        set_("identified_at", at(0, 2)),
    ),
    (
        r.REFLECTION_PERIOD,
        PROHIBITIVE,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        set_("reflection_period.ends_on", "2026-02-27"),
    ),
    (
        r.REFLECTION_PERIOD,
        PROHIBITIVE,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        set_("reflection_period.starts_on", "2026-02-20"),
    ),
    (
        r.COPIES_ATTACHED,
        ADULT,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        header_edit(lambda h: h.update(attachments=[])),
    ),
    (
        r.COPIES_ATTACHED,
        ADULT,
        M.TRAVEL_DOCUMENT_REQUEST,
        0,
        header_edit(lambda h: h.update(attachments=h["attachments"][:1])),
    ),
    (
        r.CONSULAR_OPPOSITION,
        HOLD,
        M.CONSULAR_NOTIFICATION,
        0,
        set_("person_opposes_consular_action", True),
    ),
    (
        r.CONSULAR_ON_REQUEST,
        HOLD,
        M.CONSULAR_NOTIFICATION,
        0,
        set_("person_requested_notification", False),
    ),
    (
        r.CONSULAR_BASIS,
        HOLD,
        M.CONSULAR_NOTIFICATION,
        0,
        header_edit(lambda h: h.update(legal_basis=[{"basis": "TIP_PROTOCOL_ART8"}])),
    ),
    (r.CONSULAR_DETENTION, HOLD, M.CONSULAR_NOTIFICATION, 0, drop("detained_at")),
    (r.CONSULAR_DETENTION, HOLD, M.CONSULAR_NOTIFICATION, 0, set_("detained", False)),
    (r.CONSULAR_DETENTION, HOLD, M.CONSULAR_NOTIFICATION, 0, set_("detained_at", at(0, 1))),
    (
        r.VERIFICATION_MISSING,
        CHILD,
        M.NATIONALITY_VERIFICATION_RESULT,
        0,
        set_("missing_information", []),
    ),
    (
        r.VERIFICATION_MISSING,
        ADULT,
        M.NATIONALITY_VERIFICATION_RESULT,
        0,
        set_("missing_information", ["PHOTOGRAPH"]),
    ),
    (
        r.TRAVEL_DOCUMENT_VALIDITY,
        ADULT,
        M.TRAVEL_DOCUMENT_ISSUED,
        0,
        set_("valid_until", "2026-03-26"),
    ),
    (
        r.TRAVEL_DOCUMENT_VALIDITY,
        ADULT,
        M.TRAVEL_DOCUMENT_ISSUED,
        0,
        set_("issued_on", "2026-03-30"),
    ),
    (
        r.TRAVEL_DOCUMENT_VALIDITY,
        ADULT,
        M.TRAVEL_DOCUMENT_ISSUED,
        0,
        both(set_("issued_on", "2026-01-02"), set_("valid_until", "2026-03-20")),
    ),
    (r.RISK_FACTORS, ADULT, M.SAFETY_RISK_ASSESSMENT, 0, set_("risk_factors", [])),
    (
        r.RISK_FACTORS,
        PROHIBITIVE,
        M.SAFETY_RISK_ASSESSMENT,
        0,
        set_("risk_factors", []),
    ),
    (
        r.RISK_MITIGATION,
        ADULT,
        M.SAFETY_RISK_ASSESSMENT,
        0,
        both(set_("risk_level", "HIGH"), set_("mitigations", [])),
    ),
    (
        r.RISK_ASSESSED_BEFORE_SENDING,
        ADULT,
        M.SAFETY_RISK_ASSESSMENT,
        0,
        set_("assessed_at", at(14, 1)),
    ),
    (r.TRANSIT_STATES, ADULT, M.RETURN_SCHEDULED, 0, set_("travel.transit_states", ["PY"])),
    (r.TRANSIT_STATES, ADULT, M.RETURN_SCHEDULED, 0, set_("travel.transit_states", ["BR"])),
    (r.TRANSIT_STATES, ADULT, M.RETURN_PLAN, 0, set_("travel.transit_states", ["AR", "AR"])),
    (r.PLAN_WINDOW, ADULT, M.RETURN_PLAN, 0, set_("latest_travel_date", "2026-03-31")),
    (r.PLAN_WINDOW, ADULT, M.RETURN_PLAN, 0, set_("earliest_travel_date", "2026-03-10")),
    (r.SCHEDULE_DATES, ADULT, M.RETURN_SCHEDULED, 0, set_("expected_arrival_date", "2026-04-04")),
    (
        r.SCHEDULE_DATES,
        ADULT,
        M.RETURN_SCHEDULED,
        0,
        both(set_("travel_date", "2026-03-20"), set_("expected_arrival_date", "2026-03-20")),
    ),
    (r.ARRIVAL_TIMELINE, ADULT, M.ARRIVAL_CONFIRMED, 0, set_("departed_at", at(34, 2))),
    (r.ARRIVAL_TIMELINE, ADULT, M.ARRIVAL_CONFIRMED, 0, set_("arrived_at", at(34, 6))),
    (
        r.RSS_NEEDS_CONTACT,
        ADULT,
        M.REINTEGRATION_FOLLOW_UP,
        0,
        set_("contact_status", "LOST_CONTACT"),
    ),
    (r.HOLD_UNTIL, HOLD, M.HOLD_NOTICE, 0, set_("until", "2026-03-10")),
    (
        r.CANCELLATION_WITHDRAWAL,
        PROHIBITIVE,
        M.CANCELLATION_NOTICE,
        0,
        set_("consent_withdrawn_at", at(39)),
    ),
    (r.CANCELLATION_WITHDRAWAL, WITHDRAWN, M.CANCELLATION_NOTICE, 0, drop("consent_withdrawn_at")),
    (
        r.CANCELLATION_WITHDRAWAL,
        WITHDRAWN,
        M.CANCELLATION_NOTICE,
        0,
        set_("consent_withdrawn_at", at(10, 1)),
    ),
    (r.CLOSURE_ACHIEVED, ADULT, M.CASE_CLOSURE, 0, set_("final_recovery_stage", "REINTEGRATION")),
    (r.CLOSURE_ACHIEVED, ADULT, M.CASE_CLOSURE, 0, drop("final_recovery_stage")),
]

# Documents that come close to a rule and keep it (beyond the samples themselves).
KEPT: list[tuple[LegalRule, str, MessageType, int, Edit]] = [
    (
        r.CONSULAR_ON_REQUEST,
        HOLD,
        M.CONSULAR_NOTIFICATION,
        0,
        both(
            set_("person_requested_notification", False),
            header_edit(
                lambda h: h["legal_basis"].append(
                    {"basis": "BILATERAL", "treaty_id": "AR-PY-CONSULAR-1989"}
                )
            ),
        ),
    ),
    (
        r.CONSULAR_DETENTION,
        HOLD,
        M.CONSULAR_NOTIFICATION,
        0,
        both(
            set_("detained", False),
            drop("detained_at"),
            drop("place_kind"),
            drop("detention"),
        ),
    ),
    (r.TRANSIT_STATES, ADULT, M.RETURN_SCHEDULED, 0, set_("travel.transit_states", ["AR", "BO"])),
    (
        r.SCHEDULE_DATES,
        ADULT,
        M.RETURN_SCHEDULED,
        0,
        # Sent at 01:00Z on 30 March: still 29 March in Brazil, so travel that day is fine.
        both(
            header_edit(lambda h: h.update(sent_at="2026-03-30T01:00:00Z")),
            set_("travel_date", "2026-03-29"),
            set_("expected_arrival_date", "2026-03-29"),
        ),
    ),
    (
        r.REFLECTION_PERIOD,
        PROHIBITIVE,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        set_("reflection_period.ends_on", "2026-02-28"),
    ),
    (
        r.RISK_FACTORS,
        ADULT,
        M.SAFETY_RISK_ASSESSMENT,
        0,
        both(set_("risk_level", "LOW"), set_("risk_factors", []), set_("mitigations", [])),
    ),
    (r.RSS_NEEDS_CONTACT, ADULT, M.REINTEGRATION_FOLLOW_UP, 0, drop("rss")),
    (r.CLOSURE_ACHIEVED, HOLD, M.CASE_CLOSURE, 0, set_("final_recovery_stage", "RECOVERY")),
    (
        r.IDENTITY_REQUIRES_CONSENT,
        ADULT,
        M.TRAVEL_DOCUMENT_ISSUED,
        0,
        both(drop("document"), drop("consent")),
    ),
]


def _apply(case: str, message_type: MessageType, nth: int, edit: Edit) -> dict[str, Any]:
    data = wire(case, message_type, nth)
    edit(data["header"], data["body"])
    return data


@pytest.mark.parametrize(
    ("rule", "case", "message_type", "nth", "edit"),
    VIOLATIONS,
    ids=[f"{v[0].rule_id}-{i}" for i, v in enumerate(VIOLATIONS)],
)
def test_a_violation_is_rejected_naming_the_field_and_source(
    rule: LegalRule, case: str, message_type: MessageType, nth: int, edit: Edit
) -> None:
    assert message_type in rule.message_types
    parse(wire(case, message_type, nth))  # the sample keeps the rule
    with pytest.raises(ValidationError) as caught:
        parse(_apply(case, message_type, nth, edit))
    messages = [error["msg"] for error in caught.value.errors()]
    assert any(f"{rule.field}: " in m and f"[{rule.source}]" in m for m in messages), messages


@pytest.mark.parametrize(
    ("rule", "case", "message_type", "nth", "edit"),
    KEPT,
    ids=[f"{v[0].rule_id}-{i}" for i, v in enumerate(KEPT)],
)
def test_a_document_close_to_a_rule_that_keeps_it_is_accepted(
    rule: LegalRule, case: str, message_type: MessageType, nth: int, edit: Edit
) -> None:
    document = parse(_apply(case, message_type, nth, edit))
    assert document.header.message_type is message_type


def test_every_rule_has_a_violating_case() -> None:
    covered = {rule.rule_id for rule, *_ in VIOLATIONS}
    assert covered == {rule.rule_id for rule in LEGAL_RULES}


@pytest.mark.parametrize(
    "message_type",
    [
        MessageType.NATIONALITY_VERIFICATION_REQUEST,
        MessageType.TRAVEL_DOCUMENT_REQUEST,
        MessageType.TRAVEL_DOCUMENT_ISSUED,
        MessageType.REINTEGRATION_FOLLOW_UP,
    ],
)
def test_the_consent_rules_hold_in_every_body_that_carries_consent(
    message_type: MessageType,
) -> None:
    for edit, rule in [
        (set_("consent.withdrawn_at", at(-3)), r.CONSENT_WITHDRAWAL_ORDER),
        (set_("consent.recorded_at", at(400)), r.CONSENT_BEFORE_SENDING),
        (set_("consent.scope", []), r.CONSENT_COHERENT),
    ]:
        with pytest.raises(ValidationError) as caught:
            parse(_apply(ADULT, message_type, 0, edit))
        assert f"[{rule.source}]" in str(caught.value)


CONSENT_BODIES = (
    M.NATIONALITY_VERIFICATION_REQUEST,
    M.TRAVEL_DOCUMENT_REQUEST,
    M.TRAVEL_DOCUMENT_ISSUED,
    M.REINTEGRATION_FOLLOW_UP,
)


def test_every_message_type_a_rule_names_has_a_violating_case() -> None:
    covered = {(rule.rule_id, message_type) for rule, _, message_type, *_ in VIOLATIONS}
    covered |= {
        (rule.rule_id, message_type)
        for rule in (r.CONSENT_WITHDRAWAL_ORDER, r.CONSENT_BEFORE_SENDING, r.CONSENT_COHERENT)
        for message_type in CONSENT_BODIES
    }
    covered.add((r.COPIES_ATTACHED.rule_id, M.NATIONALITY_VERIFICATION_REQUEST))
    expected = {(rule.rule_id, t) for rule in LEGAL_RULES for t in rule.message_types}
    assert expected - covered == set()


def test_identity_copies_are_checked_in_a_verification_request() -> None:
    data = _apply(
        ADULT,
        M.NATIONALITY_VERIFICATION_REQUEST,
        0,
        header_edit(lambda h: h.update(attachments=[])),
    )
    with pytest.raises(ValidationError, match=r"victim\.documents\.copy_sha256"):
        parse(data)


def test_the_rules_are_declared_once_for_this_family() -> None:
    ids = [rule.rule_id for rule in LEGAL_RULES]
    assert len(ids) == len(set(ids))
    for rule in LEGAL_RULES:
        assert rule.rule_id.startswith("repat.")
        assert rule.message_types
        assert all(FAMILY_OF[t] is Family.REPATRIATION for t in rule.message_types)
        assert rule.text
        assert rule.source
        assert rule.field


def test_the_child_guardian_rule_cites_its_unverified_sources_as_such() -> None:
    assert "VCCR art. 37" in r.CHILD_GUARDIAN.source
    assert "unverified" in r.CHILD_GUARDIAN.source
    assert "TIP Protocol art. 8" in r.CHILD_GUARDIAN.source


def test_an_error_never_echoes_personal_data() -> None:
    data = _apply(
        PROHIBITIVE,
        M.VICTIM_IDENTIFIED_NOTICE,
        0,
        set_("victim", {"given_names": "Mirna", "family_names": "Cáceres", "sex": "FEMALE"}),
    )
    with pytest.raises(ValidationError) as caught:
        parse(data)
    assert "Cáceres" not in str(caught.value)
