"""The witness-protection lifecycle: every row of the table, every guard, every refused move."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

import pytest

from messages import witness_protection as wp
from messages.document import Document, document_class
from messages.errors import GuardFailed, IllegalTransition
from messages.lifecycle import Transition, apply
from messages.samples import sample_time
from messages.vocab import FAMILY_OF, Family, MessageType
from messages.witness_protection.lifecycle import (
    BEFORE_ARRANGEMENT,
    PROTECTION,
    WPCase,
    WPEvent,
    WPState,
)
from messages.witness_protection.vocab import (
    WPInfoItem,
    WPMeasure,
    WPSide,
    WPStatus,
    WPTerminationReason,
)

S = WPState
M = MessageType
LIFECYCLE = wp.LIFECYCLE
RELOCATION, DECLINED, SUSPENDED, WITHDRAWN = wp.example_conversations()
# The relocation case, message by message (see messages/witness_protection/examples.py).
(
    INITIAL,
    NEEDS_INFO,
    SUPPLEMENT,
    WITH_CONDITIONS,
    ARRANGEMENT,
    RELOCATING,
    ACTIVE,
    HOST_ALERT,
    UNDER_REVIEW,
    ACTIVE_AGAIN,
    TESTIMONY,
    NOTICE,
    CLOSURE,
) = RELOCATION
TOKEN = INITIAL.body.wp_token
WP_TYPES = [t for t in MessageType if FAMILY_OF[t] is Family.WITNESS_PROTECTION]


def edited(
    document: Document[Any], header: dict[str, Any] | None = None, **body: Any
) -> Document[Any]:
    raw = json.loads(document.to_json())
    raw["body"].update(body)
    raw["header"].update(header or {})
    return document_class(type(document.body)).model_validate_json(json.dumps(raw))


def reversed_direction(document: Document[Any]) -> Document[Any]:
    raw = json.loads(document.to_json())
    header = raw["header"]
    header["sender"], header["recipient"] = header["recipient"], header["sender"]
    return document_class(type(document.body)).model_validate_json(json.dumps(raw))


DECLINE = edited(
    WITH_CONDITIONS,
    decision="DECLINED",
    decline_reasons=["RISK_TO_HOST_STATE"],
    accepted_measures=[],
    conditions=[],
    arrangement_ref=None,
)
SUSPEND = edited(
    ACTIVE, status="SUSPENDED", suspension_reason="HOSPITALISATION", next_review_at=None
)
WITHDRAWAL = edited(NOTICE, reason="REQUEST_WITHDRAWN")

# A case with every fact a guard may need, as the relocation case records them.
FACTS = WPCase(
    state=S.DRAFT,
    wp_token=TOKEN,
    requesting_state="AR",
    host_state="PY",
    requested_measures=frozenset(WITH_CONDITIONS.body.accepted_measures),
    information_needed=frozenset({WPInfoItem.THREAT_ASSESSMENT, WPInfoItem.PROCEEDINGS_SCHEDULE}),
    accepted_measures=frozenset(WITH_CONDITIONS.body.accepted_measures),
    arrangement_ref=ARRANGEMENT.body.arrangement_ref,
    agreed_measures=frozenset(ARRANGEMENT.body.measures),
    termination_reason=WPTerminationReason.PROCEEDINGS_CONCLUDED,
    termination_effective_at=NOTICE.body.effective_at,
    terminated_by=WPSide.REQUESTING,
)
STATUS_DOCUMENT = {
    WPStatus.RELOCATION_IN_PROGRESS: RELOCATING,
    WPStatus.ACTIVE: ACTIVE,
    WPStatus.UNDER_REVIEW: UNDER_REVIEW,
    WPStatus.SUSPENDED: SUSPEND,
}
DECISION_DOCUMENT = {
    "decision-accepts": WITH_CONDITIONS,
    "decision-declines": DECLINE,
    "decision-needs-info": NEEDS_INFO,
}


def at(state: WPState, case: WPCase = FACTS) -> WPCase:
    return dataclasses.replace(case, state=state)


def scenario(row: Transition[WPState, WPCase]) -> tuple[WPCase, Any, datetime]:
    """A case in the row's source state and a trigger the row accepts."""
    trigger = row.trigger
    if isinstance(trigger, WPEvent):
        return at(row.source), trigger, sample_time(300)
    if trigger is M.WP_COOPERATION_REQUEST:
        if row.source is S.DRAFT:
            return wp.new_case(), INITIAL, INITIAL.header.sent_at
        return at(row.source), SUPPLEMENT, SUPPLEMENT.header.sent_at
    documents: dict[MessageType, Document[Any]] = {
        M.WP_ARRANGEMENT_CONCLUDED: ARRANGEMENT,
        M.TESTIMONY_ARRANGEMENT_REQUEST: TESTIMONY,
        M.WP_INCIDENT_ALERT: HOST_ALERT,
    }
    if trigger is M.WP_COOPERATION_DECISION:
        assert row.when is not None
        document = DECISION_DOCUMENT[row.when.name]
    elif trigger is M.WP_STATUS_UPDATE:
        document = next(
            d for s, d in STATUS_DOCUMENT.items() if row.target is wp.lifecycle.STATE_OF_STATUS[s]
        )
    elif trigger is M.WP_TERMINATION:
        if row.source is S.TERMINATED:
            document = CLOSURE
        else:
            document = WITHDRAWAL if row.source in BEFORE_ARRANGEMENT else NOTICE
    else:
        document = documents[MessageType(trigger)]
    return at(row.source), document, document.header.sent_at


ROWS = list(LIFECYCLE.transitions)


def row_id(row: Transition[WPState, WPCase]) -> str:
    when = f"[{row.when.name}]" if row.when else ""
    return f"{row.source}-{row.trigger}{when}->{row.target}"


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_row_moves_the_case(row: Transition[WPState, WPCase]) -> None:
    case, trigger, now = scenario(row)
    assert case.state is row.source
    moved = apply(LIFECYCLE, case, trigger, now=now)
    assert moved.state is row.target
    if row.target is not row.source:
        assert moved.previous_state is row.source


def test_the_scenarios_cover_every_row_with_the_row_itself() -> None:
    # The selected row for each scenario is the row under test (not an earlier one).
    for row in ROWS:
        case, trigger, now = scenario(row)
        key = trigger.header.message_type if isinstance(trigger, Document) else trigger
        rows = [x for x in LIFECYCLE.rows_from(case.state) if x.trigger == key]
        document = trigger if isinstance(trigger, Document) else None
        selected = [x for x in rows if x.when is None or x.when.check(case, document, now)]
        assert selected[0] is row, row_id(row)


# --- guards --------------------------------------------------------------------------------

GUARD_FAILURES: dict[str, tuple[WPCase, Any, datetime]] = {
    "same-wp-token": (
        at(S.ACTIVE, dataclasses.replace(FACTS, wp_token="wpt_AAAAAAAAAAAAAAAAAAAAAA")),
        HOST_ALERT,
        HOST_ALERT.header.sent_at,
    ),
    "sent-by-requesting-unit": (
        at(S.ACTIVE),
        reversed_direction(TESTIMONY),
        TESTIMONY.header.sent_at,
    ),
    "sent-by-host-unit": (
        at(S.ACTIVE),
        reversed_direction(UNDER_REVIEW),
        UNDER_REVIEW.header.sent_at,
    ),
    "sender-side-matches": (
        at(S.ACTIVE),
        edited(HOST_ALERT, sender_side="REQUESTING"),
        HOST_ALERT.header.sent_at,
    ),
    "initial-submission": (wp.new_case(), SUPPLEMENT, SUPPLEMENT.header.sent_at),
    "supplement-answers-request": (
        at(
            S.NEEDS_INFO,
            dataclasses.replace(FACTS, information_needed=frozenset({WPInfoItem.MEDICAL_NEEDS})),
        ),
        SUPPLEMENT,
        SUPPLEMENT.header.sent_at,
    ),
    "accepted-measures-were-requested": (
        at(
            S.ASSESSING,
            dataclasses.replace(FACTS, requested_measures=frozenset({WPMeasure.INFO_EXCHANGE})),
        ),
        WITH_CONDITIONS,
        WITH_CONDITIONS.header.sent_at,
    ),
    "agreed-measures-were-accepted": (
        at(
            S.ACCEPTED,
            dataclasses.replace(FACTS, accepted_measures=frozenset({WPMeasure.INFO_EXCHANGE})),
        ),
        ARRANGEMENT,
        ARRANGEMENT.header.sent_at,
    ),
    "arrangement-ref-matches": (
        at(S.ACCEPTED, dataclasses.replace(FACTS, arrangement_ref="AR-PY-WP-2026-999")),
        ARRANGEMENT,
        ARRANGEMENT.header.sent_at,
    ),
    "relocation-agreed": (
        at(
            S.ARRANGEMENT_CONCLUDED,
            dataclasses.replace(FACTS, agreed_measures=frozenset({WPMeasure.TESTIMONY_SUPPORT})),
        ),
        RELOCATING,
        RELOCATING.header.sent_at,
    ),
    "hearing-window-ahead": (at(S.ACTIVE), TESTIMONY, sample_time(200)),
    "withdrawal-before-arrangement": (at(S.ASSESSING), NOTICE, NOTICE.header.sent_at),
    "no-withdrawal-after-arrangement": (at(S.ACTIVE), WITHDRAWAL, WITHDRAWAL.header.sent_at),
    "closure-by-other-unit": (
        at(S.TERMINATED, dataclasses.replace(FACTS, terminated_by=WPSide.HOST)),
        CLOSURE,
        CLOSURE.header.sent_at,
    ),
    "closure-repeats-reason": (
        at(
            S.TERMINATED,
            dataclasses.replace(FACTS, termination_reason=WPTerminationReason.THREAT_CEASED),
        ),
        CLOSURE,
        CLOSURE.header.sent_at,
    ),
    "termination-effective": (at(S.TERMINATED), CLOSURE, sample_time(229)),
}


def guard_names() -> set[str]:
    return {guard.name for row in ROWS for guard in row.guards}


def test_every_guard_has_a_failing_case() -> None:
    assert set(GUARD_FAILURES) == guard_names()


@pytest.mark.parametrize("name", sorted(GUARD_FAILURES))
def test_a_failing_guard_refuses_the_move_and_is_named(name: str) -> None:
    case, trigger, now = GUARD_FAILURES[name]
    with pytest.raises(GuardFailed) as caught:
        apply(LIFECYCLE, case, trigger, now=now)
    assert caught.value.guards == (name,)
    assert name in str(caught.value)


def test_the_relocation_event_is_guarded_too() -> None:
    case = at(
        S.ARRANGEMENT_CONCLUDED,
        dataclasses.replace(FACTS, agreed_measures=frozenset({WPMeasure.TESTIMONY_SUPPORT})),
    )
    with pytest.raises(GuardFailed) as caught:
        apply(LIFECYCLE, case, WPEvent.RELOCATION_STARTED, now=sample_time(30))
    assert caught.value.guards == ("relocation-agreed",)


def test_a_third_state_is_no_party_to_the_case() -> None:
    raw = json.loads(HOST_ALERT.to_json())
    raw["header"]["sender"]["state"] = "CO"
    stranger = document_class(type(HOST_ALERT.body)).model_validate_json(json.dumps(raw))
    with pytest.raises(GuardFailed) as caught:
        apply(LIFECYCLE, at(S.ACTIVE), stranger, now=stranger.header.sent_at)
    assert caught.value.guards == ("sender-side-matches",)


# --- refused moves -------------------------------------------------------------------------

ONE_OF_EACH = {d.header.message_type: d for d in reversed(wp.examples())}


@pytest.mark.parametrize(
    ("state", "message_type"),
    [(state, t) for state in WPState for t in WP_TYPES if t not in LIFECYCLE.triggers_from(state)],
)
def test_a_message_without_a_row_is_refused(state: WPState, message_type: MessageType) -> None:
    document = ONE_OF_EACH[message_type]
    with pytest.raises(IllegalTransition) as caught:
        apply(LIFECYCLE, at(state), document, now=document.header.sent_at)
    assert not isinstance(caught.value, GuardFailed)


@pytest.mark.parametrize(
    ("state", "document"),
    [
        (S.ACTIVE, RELOCATING),  # no way back to relocation
        (S.TERMINATED, NOTICE),  # a second notice
        (S.NEEDS_INFO, NEEDS_INFO),  # asking again before the supplement
        (S.NEEDS_INFO, WITH_CONDITIONS),  # accepting without the information asked for
        (S.ARRANGEMENT_CONCLUDED, UNDER_REVIEW),
    ],
    ids=lambda value: str(value) if isinstance(value, WPState) else value.body.__class__.__name__,
)
def test_a_message_matching_no_condition_is_refused(
    state: WPState, document: Document[Any]
) -> None:
    with pytest.raises(IllegalTransition) as caught:
        apply(LIFECYCLE, at(state), document, now=document.header.sent_at)
    assert not isinstance(caught.value, GuardFailed)


@pytest.mark.parametrize("state", sorted(LIFECYCLE.terminal))
def test_terminal_states_accept_nothing(state: WPState) -> None:
    assert LIFECYCLE.rows_from(state) == []
    for trigger in [*ONE_OF_EACH.values(), *WPEvent]:
        now = trigger.header.sent_at if isinstance(trigger, Document) else sample_time(0)
        with pytest.raises(IllegalTransition):
            apply(LIFECYCLE, at(state), trigger, now=now)


# --- facts and conversations ---------------------------------------------------------------


def walk(conversation: list[Document[Any]]) -> list[WPCase]:
    case = wp.new_case()
    cases = []
    for document in conversation:
        case = apply(LIFECYCLE, case, document, now=document.header.sent_at)
        cases.append(case)
    return cases


@pytest.mark.parametrize(
    ("conversation", "final"),
    [(RELOCATION, S.CLOSED), (DECLINED, S.DECLINED), (SUSPENDED, S.CLOSED), (WITHDRAWN, S.CLOSED)],
    ids=["relocation", "declined", "suspended", "withdrawn"],
)
def test_every_example_conversation_applies(
    conversation: list[Document[Any]], final: WPState
) -> None:
    assert walk(conversation)[-1].state is final


def test_the_relocation_case_records_its_facts() -> None:
    cases = walk(RELOCATION)
    assert [c.state for c in cases] == [
        S.REQUESTED,
        S.NEEDS_INFO,
        S.ASSESSING,
        S.ACCEPTED,
        S.ARRANGEMENT_CONCLUDED,
        S.RELOCATION_IN_PROGRESS,
        S.ACTIVE,
        S.ACTIVE,
        S.UNDER_REVIEW,
        S.ACTIVE,
        S.ACTIVE,
        S.TERMINATED,
        S.CLOSED,
    ]
    assert (cases[0].requesting_state, cases[0].host_state, cases[0].wp_token) == (
        "AR",
        "PY",
        TOKEN,
    )
    assert cases[1].information_needed
    assert not cases[2].information_needed
    # The incident sets a flag, not a state; the later status update clears it.
    alerted, reviewing, resumed = cases[7], cases[8], cases[9]
    assert alerted.incident_open
    assert alerted.incident_count == 1
    assert alerted.last_incident_at == HOST_ALERT.body.occurred_at
    assert reviewing.incident_open
    assert not resumed.incident_open
    assert cases[10].testimony_requests == 1
    assert cases[11].terminated_by is WPSide.REQUESTING
    assert cases[4].arrangement_end == ARRANGEMENT.body.end_date


def test_the_host_may_start_a_relocation_unseen_and_both_sides_converge() -> None:
    host = apply(
        LIFECYCLE, at(S.ARRANGEMENT_CONCLUDED), WPEvent.RELOCATION_STARTED, now=sample_time(24)
    )
    requesting = at(S.ARRANGEMENT_CONCLUDED)
    assert apply(LIFECYCLE, host, ACTIVE, now=ACTIVE.header.sent_at).state is S.ACTIVE
    assert apply(LIFECYCLE, requesting, ACTIVE, now=ACTIVE.header.sent_at).state is S.ACTIVE


def test_the_host_decides_whether_or_not_the_requesting_side_saw_the_assessment_start() -> None:
    host = apply(LIFECYCLE, at(S.REQUESTED), WPEvent.ASSESSMENT_STARTED, now=sample_time(1))
    for case in (host, at(S.REQUESTED)):
        assert (
            apply(LIFECYCLE, case, NEEDS_INFO, now=NEEDS_INFO.header.sent_at).state is S.NEEDS_INFO
        )


def test_every_state_is_described() -> None:
    assert set(LIFECYCLE.descriptions) == set(WPState)
    assert set(PROTECTION) | set(BEFORE_ARRANGEMENT) < set(WPState)
