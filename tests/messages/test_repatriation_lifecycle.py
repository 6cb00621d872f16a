"""The repatriation lifecycle: every row of the table with a matching message, every guard
refusing, every absent move refused, and the facts a case records."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from messages.document import Document
from messages.errors import GuardFailed, IllegalTransition
from messages.lifecycle import Transition, Trigger, apply
from messages.repatriation import (
    DEFAULT_RISK_ASSESSMENT_MAX_AGE,
    LIFECYCLE,
    RepatriationCase,
    RepatriationEvent,
    RepatriationState,
    example,
    example_cases,
    new_case,
)
from messages.repatriation.sections import Consent
from messages.repatriation.vocab import (
    AgeGroup,
    CancellationReason,
    ConsentGiver,
    ConsentPurpose,
    HoldReason,
    RecoveryStage,
    RiskLevel,
    VerificationOutcome,
)
from messages.samples import sample_time
from messages.vocab import FAMILY_OF, Family, MessageType

S = RepatriationState
E = RepatriationEvent
M = MessageType
ADULT, HOLD, CHILD, PROHIBITIVE, WITHDRAWN = (
    "br-py-adult",
    "ar-py-hold",
    "br-py-child",
    "br-py-prohibitive",
    "ar-py-withdrawn",
)
FAMILY_TYPES = [t for t in MessageType if FAMILY_OF[t] is Family.REPATRIATION]

CONSENT = Consent(
    given=True,
    scope=list(ConsentPurpose),
    given_by=ConsentGiver.VICTIM,
    recorded_at=sample_time(-10),
)


def ready(state: RepatriationState, now: datetime, **facts: Any) -> RepatriationCase:
    """A case in ``state`` whose facts satisfy every guard at ``now`` (an adult, consent in force,
    a recent LOW assessment), with ``facts`` overriding."""
    base = RepatriationCase(
        state=state,
        previous_state=S.TRAVEL_DOCS_ISSUED if state is S.ON_HOLD else None,
        age_group=AgeGroup.ADULT,
        consent=CONSENT,
        risk_level=RiskLevel.LOW,
        risk_assessed_at=now - timedelta(days=1),
        hold_reason=HoldReason.HEALTH if state is S.ON_HOLD else None,
    )
    return dataclasses.replace(base, **facts)


# The document that drives each kind of row, by (trigger, name of the row's condition).
DRIVER: dict[tuple[MessageType, str | None], Callable[[], Document[Any]]] = {
    (M.VICTIM_IDENTIFIED_NOTICE, "notice-consent-in-force"): lambda: example(
        ADULT, M.VICTIM_IDENTIFIED_NOTICE
    ),
    (M.VICTIM_IDENTIFIED_NOTICE, "notice-consent-not-in-force"): lambda: example(
        PROHIBITIVE, M.VICTIM_IDENTIFIED_NOTICE
    ),
    (M.CONSULAR_NOTIFICATION, None): lambda: example(HOLD, M.CONSULAR_NOTIFICATION),
    (M.NATIONALITY_VERIFICATION_REQUEST, None): lambda: example(
        ADULT, M.NATIONALITY_VERIFICATION_REQUEST
    ),
    (M.NATIONALITY_VERIFICATION_RESULT, "result-confirmed"): lambda: example(
        ADULT, M.NATIONALITY_VERIFICATION_RESULT
    ),
    (M.NATIONALITY_VERIFICATION_RESULT, "result-not-confirmed"): lambda: example(
        CHILD, M.NATIONALITY_VERIFICATION_RESULT
    ),
    (M.TRAVEL_DOCUMENT_REQUEST, None): lambda: example(ADULT, M.TRAVEL_DOCUMENT_REQUEST),
    (M.TRAVEL_DOCUMENT_ISSUED, None): lambda: example(ADULT, M.TRAVEL_DOCUMENT_ISSUED),
    (M.SAFETY_RISK_ASSESSMENT, None): lambda: example(ADULT, M.SAFETY_RISK_ASSESSMENT),
    (M.RETURN_PLAN, None): lambda: example(ADULT, M.RETURN_PLAN),
    (M.RETURN_SCHEDULED, None): lambda: example(ADULT, M.RETURN_SCHEDULED),
    (M.ARRIVAL_CONFIRMED, None): lambda: example(ADULT, M.ARRIVAL_CONFIRMED),
    (M.REINTEGRATION_FOLLOW_UP, None): lambda: example(ADULT, M.REINTEGRATION_FOLLOW_UP),
    (M.HOLD_NOTICE, None): lambda: example(HOLD, M.HOLD_NOTICE),
    (M.RESUME_NOTICE, None): lambda: example(HOLD, M.RESUME_NOTICE),
    (M.CANCELLATION_NOTICE, None): lambda: example(WITHDRAWN, M.CANCELLATION_NOTICE),
    (M.CASE_CLOSURE, None): lambda: example(ADULT, M.CASE_CLOSURE),
}

BEFORE_DEPARTURE = [
    S.IDENTIFIED,
    S.CONSENT_PENDING,
    S.NATIONALITY_VERIFICATION,
    S.NATIONALITY_CONFIRMED,
    S.NOT_CONFIRMED,
    S.RISK_ASSESSMENT,
    S.TRAVEL_DOCS_REQUESTED,
    S.TRAVEL_DOCS_ISSUED,
    S.RETURN_SCHEDULED,
    S.ON_HOLD,
]
HOLDABLE = [
    S.IDENTIFIED,
    S.NATIONALITY_VERIFICATION,
    S.NATIONALITY_CONFIRMED,
    S.RISK_ASSESSMENT,
    S.TRAVEL_DOCS_REQUESTED,
    S.TRAVEL_DOCS_ISSUED,
    S.RETURN_SCHEDULED,
]

# Every row of the table, as (source, trigger, condition) -> expected target. A row missing
# here, or an entry without a row, fails test_every_row_is_listed.
EXPECTED: dict[tuple[RepatriationState, Any, str | None], RepatriationState | None] = {
    (S.DRAFT, M.VICTIM_IDENTIFIED_NOTICE, "notice-consent-in-force"): S.IDENTIFIED,
    (S.DRAFT, M.VICTIM_IDENTIFIED_NOTICE, "notice-consent-not-in-force"): S.CONSENT_PENDING,
    (S.DRAFT, E.DRAFT_DISCARDED, None): S.CANCELLED,
    (S.IDENTIFIED, M.VICTIM_IDENTIFIED_NOTICE, "notice-consent-in-force"): S.IDENTIFIED,
    (S.IDENTIFIED, M.VICTIM_IDENTIFIED_NOTICE, "notice-consent-not-in-force"): S.CONSENT_PENDING,
    (S.CONSENT_PENDING, M.VICTIM_IDENTIFIED_NOTICE, "notice-consent-in-force"): S.IDENTIFIED,
    (
        S.CONSENT_PENDING,
        M.VICTIM_IDENTIFIED_NOTICE,
        "notice-consent-not-in-force",
    ): S.CONSENT_PENDING,
    (S.IDENTIFIED, M.NATIONALITY_VERIFICATION_REQUEST, None): S.NATIONALITY_VERIFICATION,
    (S.CONSENT_PENDING, M.NATIONALITY_VERIFICATION_REQUEST, None): S.NATIONALITY_VERIFICATION,
    (S.NOT_CONFIRMED, M.NATIONALITY_VERIFICATION_REQUEST, None): S.NATIONALITY_VERIFICATION,
    (
        S.NATIONALITY_VERIFICATION,
        M.NATIONALITY_VERIFICATION_RESULT,
        "result-confirmed",
    ): S.NATIONALITY_CONFIRMED,
    (
        S.NATIONALITY_VERIFICATION,
        M.NATIONALITY_VERIFICATION_RESULT,
        "result-not-confirmed",
    ): S.NOT_CONFIRMED,
    (S.NATIONALITY_CONFIRMED, M.SAFETY_RISK_ASSESSMENT, None): S.RISK_ASSESSMENT,
    **{
        (s, M.SAFETY_RISK_ASSESSMENT, None): s
        for s in (
            S.RISK_ASSESSMENT,
            S.TRAVEL_DOCS_REQUESTED,
            S.TRAVEL_DOCS_ISSUED,
            S.RETURN_SCHEDULED,
            S.ON_HOLD,
        )
    },
    **{
        (s, M.RETURN_PLAN, None): s
        for s in (S.RISK_ASSESSMENT, S.TRAVEL_DOCS_REQUESTED, S.TRAVEL_DOCS_ISSUED)
    },
    (S.RISK_ASSESSMENT, M.TRAVEL_DOCUMENT_REQUEST, None): S.TRAVEL_DOCS_REQUESTED,
    (S.TRAVEL_DOCS_ISSUED, M.TRAVEL_DOCUMENT_REQUEST, None): S.TRAVEL_DOCS_REQUESTED,
    (S.TRAVEL_DOCS_REQUESTED, M.TRAVEL_DOCUMENT_ISSUED, None): S.TRAVEL_DOCS_ISSUED,
    (S.TRAVEL_DOCS_ISSUED, M.RETURN_SCHEDULED, None): S.RETURN_SCHEDULED,
    (S.RETURN_SCHEDULED, M.RETURN_SCHEDULED, None): S.RETURN_SCHEDULED,
    (S.RETURN_SCHEDULED, E.DEPARTED, None): S.IN_TRANSIT,
    (S.RETURN_SCHEDULED, M.ARRIVAL_CONFIRMED, None): S.RETURNED,
    (S.IN_TRANSIT, M.ARRIVAL_CONFIRMED, None): S.RETURNED,
    (S.RETURNED, M.REINTEGRATION_FOLLOW_UP, None): S.REINTEGRATION_FOLLOW_UP,
    (S.REINTEGRATION_FOLLOW_UP, M.REINTEGRATION_FOLLOW_UP, None): S.REINTEGRATION_FOLLOW_UP,
    (S.RETURNED, M.CASE_CLOSURE, None): S.CLOSED,
    (S.REINTEGRATION_FOLLOW_UP, M.CASE_CLOSURE, None): S.CLOSED,
    **{(s, M.HOLD_NOTICE, None): S.ON_HOLD for s in [*HOLDABLE, S.ON_HOLD]},
    (S.ON_HOLD, M.RESUME_NOTICE, None): None,
    **{(s, M.CANCELLATION_NOTICE, None): S.CANCELLED for s in BEFORE_DEPARTURE},
    **{(s, M.CONSULAR_NOTIFICATION, None): s for s in [S.DRAFT, *BEFORE_DEPARTURE]},
}


def key(row: Transition[Any, Any]) -> tuple[RepatriationState, Any, str | None]:
    return (row.source, row.trigger, row.when.name if row.when else None)


def scenario(row: Transition[Any, Any]) -> tuple[RepatriationCase, Trigger, datetime]:
    """A case in the row's source state and a trigger that the row accepts."""
    if isinstance(row.trigger, RepatriationEvent):
        now = sample_time(30)
        return ready(row.source, now), row.trigger, now
    document = DRIVER[(row.trigger, row.when.name if row.when else None)]()
    now = document.header.sent_at
    return ready(row.source, now), document, now


def test_every_row_is_listed() -> None:
    keys = [key(row) for row in LIFECYCLE.transitions]
    assert len(keys) == len(set(keys)), "two rows share a source, trigger and condition"
    assert set(keys) == set(EXPECTED)


@pytest.mark.parametrize("row", LIFECYCLE.transitions, ids=lambda row: "-".join(map(str, key(row))))
def test_every_row_moves_the_case_as_the_table_says(row: Transition[Any, Any]) -> None:
    case, trigger, now = scenario(row)
    expected = EXPECTED[key(row)]
    moved = apply(LIFECYCLE, case, trigger, now=now)
    if expected is None:  # resume: back to the state before the hold
        assert moved.state is case.previous_state
        assert moved.previous_state is S.ON_HOLD
    else:
        assert moved.state is expected
    if moved.state is case.state:
        assert moved.previous_state is case.previous_state


def guard_failure(state: RepatriationState, document: Document[Any], **facts: Any) -> GuardFailed:
    now = document.header.sent_at
    with pytest.raises(GuardFailed) as caught:
        apply(LIFECYCLE, ready(state, now, **facts), document, now=now)
    return caught.value


def withdrawn_after(document: Document[Any]) -> datetime:
    consent: Consent = document.body.consent
    return consent.recorded_at + timedelta(hours=1)


# Every guard with a case that makes it fail: (guard, state, document, case facts).
GUARD_FAILURES: list[tuple[str, RepatriationState, Callable[[], Document[Any]], dict[str, Any]]]
GUARD_FAILURES = [
    (
        "consent-for-identity",
        S.IDENTIFIED,
        lambda: example(ADULT, M.NATIONALITY_VERIFICATION_REQUEST),
        {"consent_withdrawn_at": sample_time(0)},
    ),
    (
        "consent-for-identity",
        S.CONSENT_PENDING,
        lambda: example(ADULT, M.VICTIM_IDENTIFIED_NOTICE),
        {"consent_withdrawn_at": sample_time(-1, hours=2)},
    ),
    (
        "consent-for-identity",
        S.RETURNED,
        lambda: example(ADULT, M.REINTEGRATION_FOLLOW_UP),
        {"consent_withdrawn_at": sample_time(40)},
    ),
    (
        "child-has-guardian",
        S.IDENTIFIED,
        lambda: example(ADULT, M.NATIONALITY_VERIFICATION_REQUEST),
        {"age_group": AgeGroup.CHILD},
    ),
    (
        "child-has-guardian",
        S.RISK_ASSESSMENT,
        lambda: example(ADULT, M.TRAVEL_DOCUMENT_REQUEST),
        {"age_group": AgeGroup.UNKNOWN, "unaccompanied_child": True},
    ),
    (
        "child-travels-escorted",
        S.TRAVEL_DOCS_ISSUED,
        lambda: example(HOLD, M.RETURN_SCHEDULED),
        {"age_group": AgeGroup.CHILD, "guardian_ref": "BR-TJPR-VIJ-0001"},
    ),
    (
        "risk-assessment-current",
        S.TRAVEL_DOCS_ISSUED,
        lambda: example(ADULT, M.RETURN_SCHEDULED),
        {
            "risk_assessed_at": sample_time(27)
            - DEFAULT_RISK_ASSESSMENT_MAX_AGE
            - timedelta(hours=1)
        },
    ),
    (
        "risk-assessment-current",
        S.RETURN_SCHEDULED,
        lambda: example(ADULT, M.RETURN_SCHEDULED),
        {"risk_assessed_at": None, "risk_level": None},
    ),
    (
        "risk-below-prohibitive",
        S.TRAVEL_DOCS_ISSUED,
        lambda: example(ADULT, M.RETURN_SCHEDULED),
        {"risk_level": RiskLevel.PROHIBITIVE},
    ),
    (
        "risk-below-prohibitive",
        S.RISK_ASSESSMENT,
        lambda: example(ADULT, M.TRAVEL_DOCUMENT_REQUEST),
        {"risk_level": RiskLevel.PROHIBITIVE},
    ),
    (
        "legal-proceedings-cleared",
        S.TRAVEL_DOCS_ISSUED,
        lambda: example(CHILD, M.RETURN_SCHEDULED),
        {"legal_proceedings_pending": True},
    ),
    (
        "prohibitive-risk-on-record",
        S.RISK_ASSESSMENT,
        lambda: example(PROHIBITIVE, M.CANCELLATION_NOTICE),
        {"risk_level": RiskLevel.HIGH},
    ),
    (
        "resume-matches-hold",
        S.ON_HOLD,
        lambda: example(HOLD, M.RESUME_NOTICE),
        {"hold_reason": HoldReason.LEGAL_PROCEEDINGS},
    ),
    (
        "resumed-return-still-safe",
        S.ON_HOLD,
        lambda: example(HOLD, M.RESUME_NOTICE),
        {"previous_state": S.RETURN_SCHEDULED, "risk_assessed_at": sample_time(-20)},
    ),
    (
        "resumed-return-still-safe",
        S.ON_HOLD,
        lambda: example(HOLD, M.RESUME_NOTICE),
        {"previous_state": S.RETURN_SCHEDULED, "legal_proceedings_pending": True},
    ),
    (
        "arrival-after-departure",
        S.IN_TRANSIT,
        lambda: example(ADULT, M.ARRIVAL_CONFIRMED),
        {"departed_at": sample_time(34, hours=2)},
    ),
    (
        "arrival-after-departure",
        S.RETURN_SCHEDULED,
        lambda: example(ADULT, M.ARRIVAL_CONFIRMED),
        {"travel_date": sample_time(36).date()},
    ),
]


@pytest.mark.parametrize(
    ("guard", "state", "document", "facts"),
    GUARD_FAILURES,
    ids=[f"{g[0]}-{i}" for i, g in enumerate(GUARD_FAILURES)],
)
def test_a_guard_that_does_not_hold_refuses_the_transition(
    guard: str,
    state: RepatriationState,
    document: Callable[[], Document[Any]],
    facts: dict[str, Any],
) -> None:
    failure = guard_failure(state, document(), **facts)
    assert guard in failure.guards
    assert guard in str(failure)
    assert failure.code == "guard-failed"


def test_every_guard_has_a_failing_case() -> None:
    guards = {guard.name for row in LIFECYCLE.transitions for guard in row.guards}
    assert guards == {name for name, *_ in GUARD_FAILURES}


def test_the_assessment_age_is_a_policy_the_case_carries() -> None:
    document = example(ADULT, M.RETURN_SCHEDULED)
    now = document.header.sent_at
    old = now - timedelta(days=40)
    strict = ready(S.TRAVEL_DOCS_ISSUED, now, risk_assessed_at=old)
    with pytest.raises(GuardFailed):
        apply(LIFECYCLE, strict, document, now=now)
    lenient = dataclasses.replace(
        strict,
        risk_assessment_max_age=new_case(
            risk_assessment_max_age=timedelta(days=45)
        ).risk_assessment_max_age,
    )
    assert apply(LIFECYCLE, lenient, document, now=now).state is S.RETURN_SCHEDULED
    assert (
        new_case().risk_assessment_max_age == DEFAULT_RISK_ASSESSMENT_MAX_AGE == timedelta(days=30)
    )


def test_a_childs_return_needs_a_guardian_and_an_escort_and_then_passes() -> None:
    document = example(CHILD, M.RETURN_SCHEDULED)
    now = document.header.sent_at
    case = ready(S.TRAVEL_DOCS_ISSUED, now, age_group=AgeGroup.CHILD, guardian_ref="G-1")
    assert apply(LIFECYCLE, case, document, now=now).state is S.RETURN_SCHEDULED
    with pytest.raises(GuardFailed) as caught:
        apply(LIFECYCLE, dataclasses.replace(case, guardian_ref=None), document, now=now)
    assert caught.value.guards == ("child-has-guardian",)


def test_a_verification_request_may_name_the_guardian_itself() -> None:
    document = example(CHILD, M.NATIONALITY_VERIFICATION_REQUEST)
    now = document.header.sent_at
    case = ready(S.IDENTIFIED, now, age_group=AgeGroup.CHILD, guardian_ref=None)
    moved = apply(LIFECYCLE, case, document, now=now)
    assert moved.state is S.NATIONALITY_VERIFICATION
    assert moved.guardian_ref == "BR-TJPR-VIJ-FOZ-0001287-2026"


def test_proceedings_cleared_by_the_prosecutor_allow_the_return() -> None:
    document = example(ADULT, M.RETURN_SCHEDULED)  # carries the prosecutor's confirmation
    now = document.header.sent_at
    case = ready(S.TRAVEL_DOCS_ISSUED, now, legal_proceedings_pending=True)
    moved = apply(LIFECYCLE, case, document, now=now)
    assert moved.state is S.RETURN_SCHEDULED
    assert moved.prosecutor_confirmed


def test_a_hold_for_legal_proceedings_needs_the_prosecutor_again_to_resume_the_return() -> None:
    hold_document = example(HOLD, M.HOLD_NOTICE)
    hold = hold_document.model_copy(
        update={
            "body": hold_document.body.model_copy(update={"reason": HoldReason.LEGAL_PROCEEDINGS})
        }
    )
    now = hold.header.sent_at
    case = ready(S.RETURN_SCHEDULED, now, legal_proceedings_pending=True, prosecutor_confirmed=True)
    held = apply(LIFECYCLE, case, hold, now=now)
    assert (held.state, held.previous_state) == (S.ON_HOLD, S.RETURN_SCHEDULED)
    assert held.legal_proceedings_pending
    assert not held.prosecutor_confirmed
    resume = example(HOLD, M.RESUME_NOTICE)
    plain = resume.model_copy(
        update={
            "body": resume.body.model_copy(update={"hold_reason": HoldReason.LEGAL_PROCEEDINGS})
        }
    )
    with pytest.raises(GuardFailed) as caught:
        apply(LIFECYCLE, held, plain, now=resume.header.sent_at)
    assert caught.value.guards == ("resumed-return-still-safe",)
    confirmation = example(ADULT, M.RETURN_SCHEDULED).body.prosecutor_confirmation
    confirmed = plain.model_copy(
        update={"body": plain.body.model_copy(update={"prosecutor_confirmation": confirmation})}
    )
    resumed = apply(LIFECYCLE, held, confirmed, now=resume.header.sent_at)
    assert resumed.state is S.RETURN_SCHEDULED
    assert resumed.prosecutor_confirmed


def test_a_notice_that_withdraws_consent_moves_the_case_to_consent_pending() -> None:
    document = example(WITHDRAWN, M.VICTIM_IDENTIFIED_NOTICE)
    withdrawal = sample_time(0, hours=2)
    body = document.body.model_copy(
        update={"consent": document.body.consent.model_copy(update={"withdrawn_at": withdrawal})}
    )
    update = document.model_copy(update={"body": body})
    case = ready(S.IDENTIFIED, update.header.sent_at)
    moved = apply(LIFECYCLE, case, update, now=update.header.sent_at)
    assert moved.state is S.CONSENT_PENDING
    assert moved.consent_withdrawn_at == withdrawal
    # An identity sent later under the consent recorded before the withdrawal is refused.
    request = example(ADULT, M.NATIONALITY_VERIFICATION_REQUEST)
    with pytest.raises(GuardFailed):
        apply(LIFECYCLE, moved, request, now=request.header.sent_at)


def test_a_second_hold_replaces_the_reason_and_keeps_the_state_to_resume() -> None:
    first = example(HOLD, M.HOLD_NOTICE)
    now = first.header.sent_at
    case = apply(LIFECYCLE, ready(S.TRAVEL_DOCS_ISSUED, now), first, now=now)
    second = first.model_copy(
        update={"body": first.body.model_copy(update={"reason": HoldReason.LEGAL_PROCEEDINGS})}
    )
    case = apply(LIFECYCLE, case, second, now=now)
    assert (case.state, case.previous_state) == (S.ON_HOLD, S.TRAVEL_DOCS_ISSUED)
    assert case.hold_reason is HoldReason.LEGAL_PROCEEDINGS
    resume = example(HOLD, M.RESUME_NOTICE)  # names HEALTH, the reason no longer on record
    with pytest.raises(GuardFailed) as caught:
        apply(LIFECYCLE, case, resume, now=resume.header.sent_at)
    assert caught.value.guards == ("resume-matches-hold",)


def test_a_cancellation_for_prohibitive_risk_follows_a_prohibitive_assessment() -> None:
    document = example(PROHIBITIVE, M.CANCELLATION_NOTICE)
    assert document.body.reason is CancellationReason.PROHIBITIVE_RISK
    now = document.header.sent_at
    case = ready(S.RISK_ASSESSMENT, now, risk_level=RiskLevel.PROHIBITIVE)
    moved = apply(LIFECYCLE, case, document, now=now)
    assert moved.state is S.CANCELLED
    assert moved.cancellation_reason is CancellationReason.PROHIBITIVE_RISK


MOVES_WITHOUT_A_ROW = [
    (state, message_type)
    for state in RepatriationState
    for message_type in FAMILY_TYPES
    if message_type not in LIFECYCLE.triggers_from(state)
]


@pytest.mark.parametrize(("state", "message_type"), MOVES_WITHOUT_A_ROW)
def test_a_message_with_no_row_in_the_state_is_refused(
    state: RepatriationState, message_type: MessageType
) -> None:
    document = DRIVER[
        (
            message_type,
            {
                M.VICTIM_IDENTIFIED_NOTICE: "notice-consent-in-force",
                M.NATIONALITY_VERIFICATION_RESULT: "result-confirmed",
            }.get(message_type),
        )
    ]()
    now = document.header.sent_at
    with pytest.raises(IllegalTransition) as caught:
        apply(LIFECYCLE, ready(state, now), document, now=now)
    assert not isinstance(caught.value, GuardFailed)
    assert str(state) in str(caught.value)


def test_the_refused_moves_include_the_obvious_ones() -> None:
    assert (S.DRAFT, M.RETURN_SCHEDULED) in MOVES_WITHOUT_A_ROW
    assert (S.IN_TRANSIT, M.CANCELLATION_NOTICE) in MOVES_WITHOUT_A_ROW
    assert (S.RETURNED, M.HOLD_NOTICE) in MOVES_WITHOUT_A_ROW
    assert (S.NATIONALITY_CONFIRMED, M.TRAVEL_DOCUMENT_REQUEST) in MOVES_WITHOUT_A_ROW


@pytest.mark.parametrize("state", [S.CANCELLED, S.CLOSED])
@pytest.mark.parametrize("trigger", [*FAMILY_TYPES, *RepatriationEvent])
def test_terminal_states_accept_nothing(state: RepatriationState, trigger: Any) -> None:
    assert state in LIFECYCLE.terminal
    if isinstance(trigger, RepatriationEvent):
        item: Trigger = trigger
        now = sample_time(0)
    else:
        item = DRIVER[
            (
                trigger,
                {
                    M.VICTIM_IDENTIFIED_NOTICE: "notice-consent-in-force",
                    M.NATIONALITY_VERIFICATION_RESULT: "result-confirmed",
                }.get(trigger),
            )
        ]()
        now = item.header.sent_at
    with pytest.raises(IllegalTransition, match="terminal"):
        apply(LIFECYCLE, ready(state, now), item, now=now)


@pytest.mark.parametrize("state", [s for s in RepatriationState if s is not S.RETURN_SCHEDULED])
def test_departure_is_recorded_only_from_a_scheduled_return(state: RepatriationState) -> None:
    with pytest.raises(IllegalTransition):
        apply(LIFECYCLE, ready(state, sample_time(0)), E.DEPARTED, now=sample_time(0))


def test_a_resume_without_a_recorded_previous_state_is_refused() -> None:
    document = example(HOLD, M.RESUME_NOTICE)
    now = document.header.sent_at
    case = ready(S.ON_HOLD, now, previous_state=None)
    with pytest.raises(IllegalTransition, match="previous state"):
        apply(LIFECYCLE, case, document, now=now)


def test_the_destination_records_departure_and_both_sides_converge_on_arrival() -> None:
    documents = example_cases()[ADULT]
    scheduled = next(
        i for i, d in enumerate(documents) if d.header.message_type is M.RETURN_SCHEDULED
    )
    destination = origin = new_case()
    for document in documents[: scheduled + 1]:
        destination = apply(LIFECYCLE, destination, document, now=document.header.sent_at)
        origin = apply(LIFECYCLE, origin, document, now=document.header.sent_at)
    departure = sample_time(34, hours=-2)
    destination = apply(LIFECYCLE, destination, E.DEPARTED, now=departure)
    assert (destination.state, origin.state) == (S.IN_TRANSIT, S.RETURN_SCHEDULED)
    arrival = documents[scheduled + 1]
    destination = apply(LIFECYCLE, destination, arrival, now=arrival.header.sent_at)
    origin = apply(LIFECYCLE, origin, arrival, now=arrival.header.sent_at)
    assert destination.state is origin.state is S.RETURNED
    assert destination.departed_at == departure
    assert origin.departed_at == arrival.body.departed_at


def run(case_name: str) -> RepatriationCase:
    case = new_case()
    for document in example_cases()[case_name]:
        case = apply(LIFECYCLE, case, document, now=document.header.sent_at)
    return case


def test_the_case_records_the_facts_the_guards_need() -> None:
    adult = run(ADULT)
    assert adult.state is S.CLOSED
    assert adult.age_group is AgeGroup.ADULT
    assert adult.legal_proceedings_pending
    assert adult.prosecutor_confirmed
    assert adult.verification_outcome is VerificationOutcome.CONFIRMED_NATIONAL
    assert adult.risk_level is RiskLevel.MEDIUM
    assert adult.risk_assessed_at == sample_time(17)  # the later of the two assessments
    assert adult.follow_up_visits == 3
    assert adult.recovery_stage is RecoveryStage.SUSTAINABLE_REINTEGRATION
    assert adult.consent is not None
    assert adult.consent.scope == [ConsentPurpose.REINTEGRATION_FOLLOW_UP]

    held = run(HOLD)
    assert held.consular_notifications == 1
    assert held.hold_reason is None
    assert held.travel_date == sample_time(33).date()

    child = run(CHILD)
    assert child.child
    assert child.guardian_ref == "BR-TJPR-VIJ-FOZ-0001287-2026"
    assert child.verification_requests == 2

    withdrawn = run(WITHDRAWN)
    assert withdrawn.state is S.CANCELLED
    assert withdrawn.consent_withdrawn_at == sample_time(9)


def test_an_older_assessment_received_late_does_not_replace_a_newer_one() -> None:
    newer = example(ADULT, M.SAFETY_RISK_ASSESSMENT, 1)
    older = example(ADULT, M.SAFETY_RISK_ASSESSMENT, 0)
    case = ready(S.RISK_ASSESSMENT, newer.header.sent_at, risk_assessed_at=None, risk_level=None)
    case = apply(LIFECYCLE, case, newer, now=newer.header.sent_at)
    case = apply(LIFECYCLE, case, older, now=newer.header.sent_at)
    assert case.risk_assessed_at == newer.body.assessed_at


def test_every_state_is_described_and_the_table_starts_in_draft() -> None:
    assert LIFECYCLE.initial is S.DRAFT
    assert new_case().state is S.DRAFT
    assert set(LIFECYCLE.descriptions) == set(RepatriationState)
    assert LIFECYCLE.terminal == {S.CANCELLED, S.CLOSED}
