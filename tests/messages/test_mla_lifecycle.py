"""The mla lifecycle (domain model A.7): every row of the table, every guard, every move the
table does not allow, the facts the case records and the convergence of both sides."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from messages import mla
from messages.document import Document
from messages.errors import GuardFailed, IllegalTransition
from messages.lifecycle import Transition, apply
from messages.mla.case import MlaCase
from messages.mla.lifecycle import LIFECYCLE, TRANSITIONS
from messages.mla.vocab import Decision, ExecutionStage, FinalState, MlaState
from messages.samples import sample_time
from messages.vocab import FAMILY_OF, Family, MessageType

S, M, E = MlaState, MessageType, mla.MlaEvent
CONVERSATIONS = mla.example_conversations()
AR_PY, PE_CO, BR_AR, CL_PE, CO_MX, UY_AR = range(6)


def replay(conversation: int, upto: int) -> MlaCase:
    """The case after the first ``upto`` documents of a sample conversation."""
    case = mla.new_case()
    for document in CONVERSATIONS[conversation][:upto]:
        case = apply(LIFECYCLE, case, document, now=document.header.sent_at)
    return case


def with_body(document: Document[Any], **changes: Any) -> Document[Any]:
    """The document with its body's fields changed (no re-validation: lifecycle tests only)."""
    return document.model_copy(update={"body": document.body.model_copy(update=changes)})


# Where each row's trigger comes from: (trigger, when) -> (conversation, index of the document,
# changes to its body). The case is the conversation replayed up to that document, so its facts
# are the real ones; the row's source state is then set.
Scenario = tuple[int, int, dict[str, Any]]
SCENARIOS: dict[tuple[Any, str | None], Scenario] = {
    (M.EVIDENCE_REQUEST, None): (AR_PY, 0, {}),
    (M.ACKNOWLEDGEMENT, None): (AR_PY, 1, {}),
    (M.INFORMATION_REQUEST, None): (AR_PY, 2, {}),
    (M.INFORMATION_REPLY, None): (AR_PY, 3, {}),
    (M.DECISION_NOTICE, None): (PE_CO, 5, {}),
    (M.DELAY_NOTICE, None): (AR_PY, 7, {}),
    (M.POSTPONEMENT_NOTICE, None): (PE_CO, 6, {}),
    (M.CONSULTATION_PROPOSAL, None): (PE_CO, 3, {}),
    (M.CONSULTATION_REPLY, None): (PE_CO, 4, {}),
    (M.STATUS_INQUIRY, None): (AR_PY, 5, {}),
    (M.STATUS_REPORT, "reports-no-change"): (AR_PY, 6, {"reported_state": None}),
    (M.STATUS_REPORT, "reports-under-assessment"): (PE_CO, 2, {}),
    (M.STATUS_REPORT, "reports-in-execution"): (AR_PY, 6, {}),
    (M.EXECUTION_REPORT, "outcome-executed"): (AR_PY, 10, {}),
    (M.EXECUTION_REPORT, "outcome-partially-executed"): (AR_PY, 8, {}),
    (M.EXECUTION_REPORT, "outcome-not-executable"): (BR_AR, 6, {}),
    (M.REFUSAL_NOTICE, "refusal-total"): (CL_PE, 3, {}),
    (M.REFUSAL_NOTICE, "refusal-partial"): (BR_AR, 4, {}),
    (M.WITHDRAWAL_NOTICE, None): (CO_MX, 3, {}),
    (M.CLOSURE_NOTICE, "closure-matches-state"): (AR_PY, 11, {}),
    (M.CLOSURE_NOTICE, "closure-lapsed"): (UY_AR, 4, {}),
    (E.DRAFT_DISCARDED, None): (AR_PY, 0, {}),
    (E.ASSESSMENT_STARTED, None): (AR_PY, 2, {}),
    (E.EXECUTION_STARTED, None): (AR_PY, 5, {}),
    (E.EXECUTION_RESUMED, None): (PE_CO, 7, {}),
    (E.LAPSE_DECLARED, None): (UY_AR, 4, {}),
}


def scenario(row: Transition[MlaState, MlaCase]) -> tuple[MlaCase, Any, datetime]:
    key = (row.trigger, row.when.name if row.when else None)
    assert key in SCENARIOS, f"no scenario for {key}: every row must be exercised"
    conversation, index, changes = SCENARIOS[key]
    case = dataclasses.replace(replay(conversation, index), state=row.source, previous_state=None)
    if isinstance(row.trigger, MessageType):
        document = CONVERSATIONS[conversation][index]
        if (
            row.trigger is M.CLOSURE_NOTICE
            and row.when
            and row.when.name == "closure-matches-state"
        ):
            changes = {**changes, "final_state": FinalState(row.source.value)}
        if row.trigger is M.STATUS_REPORT and row.when and row.when.name == "reports-no-change":
            changes = {**changes, "reported_state": row.source}
        trigger = with_body(document, **changes) if changes else document
        return case, trigger, document.header.sent_at
    return case, row.trigger, CONVERSATIONS[conversation][index].header.sent_at


def _row_id(row: Transition[MlaState, MlaCase]) -> str:
    when = f"[{row.when.name}]" if row.when else ""
    return f"{row.source}-{row.trigger}{when}->{row.target}"


@pytest.mark.parametrize("row", TRANSITIONS, ids=[_row_id(row) for row in TRANSITIONS])
def test_every_row_of_the_table_moves_the_case(row: Transition[MlaState, MlaCase]) -> None:
    case, trigger, now = scenario(row)
    after = apply(LIFECYCLE, case, trigger, now=now)
    assert after.state is row.target
    if row.target is not row.source:
        assert after.previous_state is row.source


def test_the_scenarios_are_all_used() -> None:
    used = {(row.trigger, row.when.name if row.when else None) for row in TRANSITIONS}
    assert used == set(SCENARIOS)


# --- guards -------------------------------------------------------------------------------


def refused(case: MlaCase, trigger: Any, now: datetime) -> tuple[str, ...]:
    with pytest.raises(GuardFailed) as caught:
        apply(LIFECYCLE, case, trigger, now=now)
    return caught.value.guards


def doc(conversation: int, index: int) -> Document[Any]:
    return CONVERSATIONS[conversation][index]


GUARD_FAILURES: dict[str, tuple[MlaCase, Any, datetime]] = {
    "sent-by-requested-state": (
        dataclasses.replace(replay(AR_PY, 1), requested_state="BR"),
        doc(AR_PY, 1),
        doc(AR_PY, 1).header.sent_at,
    ),
    "sent-by-requesting-state": (
        dataclasses.replace(replay(CO_MX, 3), requesting_state="BR"),
        doc(CO_MX, 3),
        doc(CO_MX, 3).header.sent_at,
    ),
    "measures-of-the-request": (
        dataclasses.replace(replay(PE_CO, 6), measure_ids=frozenset({"M1", "M3"})),
        doc(PE_CO, 6),
        doc(PE_CO, 6).header.sent_at,
    ),
    "measures-accepted": (
        dataclasses.replace(
            replay(AR_PY, 8),
            decision=Decision.PARTIALLY_ACCEPTED,
            accepted_measure_ids=frozenset({"M2"}),
        ),
        doc(AR_PY, 8),
        doc(AR_PY, 8).header.sent_at,
    ),
    "every-accepted-measure-done": (
        replay(AR_PY, 8),
        doc(AR_PY, 10),
        doc(AR_PY, 10).header.sent_at,
    ),
    "decision-consistent-with-refusals": (
        dataclasses.replace(replay(AR_PY, 4), refused_measure_ids=frozenset({"M2"})),
        doc(AR_PY, 4),
        doc(AR_PY, 4).header.sent_at,
    ),
    "partial-refusal-leaves-measures": (
        dataclasses.replace(replay(BR_AR, 4), refused_measure_ids=frozenset({"M1"})),
        doc(BR_AR, 4),
        doc(BR_AR, 4).header.sent_at,
    ),
    "conditions-agreed": (
        replay(PE_CO, 4),  # the proposal is not yet answered
        doc(PE_CO, 5),
        doc(PE_CO, 5).header.sent_at,
    ),
    "answers-the-open-proposal": (
        dataclasses.replace(replay(PE_CO, 4), consultation_proposal_id=uuid4()),
        doc(PE_CO, 4),
        doc(PE_CO, 4).header.sent_at,
    ),
    "every-question-answered": (
        dataclasses.replace(replay(AR_PY, 3), open_info_items=frozenset({"Q1", "Q2"})),
        doc(AR_PY, 3),
        doc(AR_PY, 3).header.sent_at,
    ),
    "reply-deadline-passed": (replay(UY_AR, 4), doc(UY_AR, 4), sample_time(35)),
}


def test_every_guard_has_a_failing_case() -> None:
    names = {guard.name for row in TRANSITIONS for guard in row.guards}
    assert names == set(GUARD_FAILURES)


@pytest.mark.parametrize("name", sorted(GUARD_FAILURES))
def test_a_failing_guard_refuses_the_move_and_is_named(name: str) -> None:
    case, trigger, now = GUARD_FAILURES[name]
    assert name in refused(case, trigger, now)


def test_a_lapse_declared_too_early_is_refused() -> None:
    assert refused(replay(UY_AR, 3), E.LAPSE_DECLARED, sample_time(35)) == (
        "reply-deadline-passed",
    )
    assert (
        apply(LIFECYCLE, replay(UY_AR, 3), E.LAPSE_DECLARED, now=sample_time(45)).state is S.LAPSED
    )


def test_conditions_not_agreed_refuse_a_conditional_decision_after_a_declined_proposal() -> None:
    declined = with_body(doc(PE_CO, 4), accepted=False, reasons="No")
    case = apply(LIFECYCLE, replay(PE_CO, 4), declined, now=declined.header.sent_at)
    assert case.consultation_accepted is False
    assert refused(case, doc(PE_CO, 5), doc(PE_CO, 5).header.sent_at) == ("conditions-agreed",)
    # Accepting without conditions remains possible.
    plain = with_body(doc(PE_CO, 5), decision=Decision.ACCEPTED, conditions=[])
    assert apply(LIFECYCLE, case, plain, now=plain.header.sent_at).state is S.ACCEPTED


def test_a_proposal_is_answered_once_and_by_the_other_side() -> None:
    case = replay(PE_CO, 5)  # the proposal was accepted
    assert refused(case, doc(PE_CO, 4), doc(PE_CO, 4).header.sent_at) == (
        "answers-the-open-proposal",
    )
    reply = doc(PE_CO, 4)
    swapped = {"sender": reply.header.recipient, "recipient": reply.header.sender}
    own = reply.model_copy(update={"header": reply.header.model_copy(update=swapped)})
    assert "answers-the-open-proposal" in refused(replay(PE_CO, 4), own, own.header.sent_at)


# --- moves the table does not allow -------------------------------------------------------

FIRST_OF_TYPE = {d.header.message_type: d for d in reversed(mla.examples())}
MLA_TYPES = [t for t in MessageType if FAMILY_OF[t] is Family.MLA]
ABSENT = [
    (state, message_type)
    for state in MlaState
    for message_type in MLA_TYPES
    if message_type not in LIFECYCLE.triggers_from(state)
]


@pytest.mark.parametrize(("state", "message_type"), ABSENT, ids=[f"{s}-{t}" for s, t in ABSENT])
def test_a_message_without_a_row_is_an_illegal_transition(
    state: MlaState, message_type: MessageType
) -> None:
    case = dataclasses.replace(replay(AR_PY, 1), state=state)
    document = FIRST_OF_TYPE[message_type]
    with pytest.raises(IllegalTransition) as caught:
        apply(LIFECYCLE, case, document, now=document.header.sent_at)
    assert not isinstance(caught.value, GuardFailed)


@pytest.mark.parametrize("state", sorted(LIFECYCLE.terminal))
def test_terminal_states_accept_nothing(state: MlaState) -> None:
    case = dataclasses.replace(replay(AR_PY, 12), state=state)
    for document in FIRST_OF_TYPE.values():
        with pytest.raises(IllegalTransition):
            apply(LIFECYCLE, case, document, now=document.header.sent_at)
    for event in mla.MlaEvent:
        with pytest.raises(IllegalTransition):
            apply(LIFECYCLE, case, event, now=sample_time(200))


@pytest.mark.parametrize(
    ("state", "document", "why"),
    [
        (S.REFUSED, with_body(doc(AR_PY, 11), final_state=FinalState.EXECUTED), "wrong final"),
        (S.INFO_REQUESTED, doc(AR_PY, 11), "closure that is not a lapse"),
        (S.POSTPONED, doc(BR_AR, 4), "partial refusal during postponement"),
        (S.PARTIALLY_EXECUTED, doc(BR_AR, 6), "nothing left is not executable"),
        (S.ACCEPTED, with_body(doc(AR_PY, 6), reported_state=S.POSTPONED), "unseen postponement"),
    ],
)
def test_a_message_matching_no_condition_is_an_illegal_transition(
    state: MlaState, document: Document[Any], why: str
) -> None:
    case = dataclasses.replace(replay(AR_PY, 1), state=state)
    with pytest.raises(IllegalTransition) as caught:
        apply(LIFECYCLE, case, document, now=document.header.sent_at)
    assert not isinstance(caught.value, GuardFailed), why


def test_a_status_report_without_a_state_changes_nothing() -> None:
    report = with_body(doc(AR_PY, 6), reported_state=None)
    for state in (S.RECEIVED, S.ACCEPTED, S.POSTPONED):
        case = dataclasses.replace(replay(AR_PY, 6), state=state)
        assert apply(LIFECYCLE, case, report, now=report.header.sent_at).state is state


def test_a_requesting_side_status_report_cannot_move_the_case() -> None:
    report = doc(PE_CO, 2)
    reversed_header = report.header.model_copy(
        update={"sender": report.header.recipient, "recipient": report.header.sender}
    )
    mine = report.model_copy(update={"header": reversed_header})
    with pytest.raises(IllegalTransition):
        apply(LIFECYCLE, replay(PE_CO, 2), mine, now=mine.header.sent_at)


# --- facts and convergence ----------------------------------------------------------------


def test_the_case_records_the_facts_the_timers_need() -> None:
    case = replay(AR_PY, 12)
    assert case.state is S.CLOSED
    assert case.requesting_state == "AR"
    assert case.requested_state == "PY"
    assert case.transmitted_at == sample_time(0)
    assert case.received_at == sample_time(0, hours=2)
    assert case.accepted_at == sample_time(20)
    assert case.respond_by is not None
    assert case.decision_paused == timedelta(days=4)  # information asked on day 9, given on 13
    assert case.clock_paused_since is None
    assert case.completed_measure_ids == {"M1", "M2", "M3"}
    assert case.final_state is FinalState.EXECUTED
    assert {ref.basis for ref in case.legal_basis} == {"UNTOC_ART18", "IACMAMC_1992"}


def test_a_postponement_stops_the_execution_clock() -> None:
    during = replay(PE_CO, 7)
    assert during.state is S.POSTPONED
    assert during.clock_paused_since == sample_time(25)
    after = replay(PE_CO, 8)
    assert after.clock_paused_since is None
    assert after.execution_paused == timedelta(days=45)
    assert after.decision_paused == timedelta(0)
    resumed = apply(LIFECYCLE, during, E.EXECUTION_RESUMED, now=sample_time(40))
    assert resumed.execution_paused == timedelta(days=15)


def test_consultation_facts_are_recorded() -> None:
    case = replay(PE_CO, 5)
    assert case.consultation_accepted is True
    assert case.agreed_condition_ids == {"C1", "C2"}
    assert case.consultation_proposer == "CO"
    declined = replay(BR_AR, 4)
    assert declined.consultation_accepted is False
    assert declined.agreed_condition_ids == frozenset()


def test_a_partial_refusal_and_partial_acceptance_are_recorded() -> None:
    case = replay(BR_AR, 6)
    assert case.refused_measure_ids == {"M2"}
    assert case.accepted_measure_ids == {"M1"}
    assert case.decision is Decision.PARTIALLY_ACCEPTED


@pytest.mark.parametrize(
    ("conversation", "events"),
    [
        (PE_CO, {2: E.ASSESSMENT_STARTED, 7: E.EXECUTION_RESUMED}),
        (AR_PY, {2: E.ASSESSMENT_STARTED, 5: E.EXECUTION_STARTED}),
        (UY_AR, {}),
    ],
)
def test_both_sides_converge(conversation: int, events: dict[int, mla.MlaEvent]) -> None:
    """The requested side performs local acts the requesting side never sees; after each
    message both sides are in the same state, except while a local act is not yet reported."""
    requesting, requested = mla.new_case(), mla.new_case()
    for index, document in enumerate(CONVERSATIONS[conversation]):
        if index in events:
            requested = apply(LIFECYCLE, requested, events[index], now=document.header.sent_at)
        requesting = apply(LIFECYCLE, requesting, document, now=document.header.sent_at)
        requested = apply(LIFECYCLE, requested, document, now=document.header.sent_at)
    assert requesting.state is requested.state is S.CLOSED


def test_the_requested_side_declares_a_lapse_and_both_close() -> None:
    requested = apply(LIFECYCLE, replay(UY_AR, 4), E.LAPSE_DECLARED, now=sample_time(44))
    assert requested.state is S.LAPSED
    closure = doc(UY_AR, 4)
    assert apply(LIFECYCLE, requested, closure, now=closure.header.sent_at).state is S.CLOSED
    assert replay(UY_AR, 5).state is S.CLOSED


def test_every_example_conversation_applies_and_ends_closed() -> None:
    for conversation in range(len(CONVERSATIONS)):
        assert replay(conversation, len(CONVERSATIONS[conversation])).state is S.CLOSED


def test_every_state_is_described() -> None:
    assert set(LIFECYCLE.descriptions) == set(MlaState)
    assert LIFECYCLE.initial is S.DRAFT
    assert mla.new_case().state is S.DRAFT


def test_an_amended_request_replaces_the_measures() -> None:
    reply = doc(AR_PY, 3)
    amended = CONVERSATIONS[AR_PY][0].body
    extra = amended.measures[2].model_copy(update={"measure_id": "M4"})
    new_request = amended.model_copy(update={"measures": [*amended.measures, extra]})
    with_amendment = with_body(reply, amended_request=new_request)
    case = apply(LIFECYCLE, replay(AR_PY, 3), with_amendment, now=reply.header.sent_at)
    assert case.measure_ids == {"M1", "M2", "M3", "M4"}
    assert case.state is S.UNDER_ASSESSMENT


def test_a_decision_delay_is_recorded_once() -> None:
    delay = with_body(doc(AR_PY, 7), stage=ExecutionStage.DECISION)
    case = dataclasses.replace(replay(AR_PY, 2), state=S.UNDER_ASSESSMENT)
    first = apply(LIFECYCLE, case, delay, now=delay.header.sent_at)
    assert first.decision_delay_notified_at == delay.header.sent_at
    assert first.estimated_completion == case.estimated_completion
    later = delay.model_copy(
        update={"header": delay.header.model_copy(update={"sent_at": sample_time(70)})}
    )
    again = apply(LIFECYCLE, first, later, now=sample_time(70))
    assert again.decision_delay_notified_at == delay.header.sent_at
