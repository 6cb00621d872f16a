"""The witness-protection lifecycle (domain model A.5), as data.

REQUESTED → ASSESSING → (NEEDS_INFO ↔ ASSESSING) → ACCEPTED / DECLINED; ACCEPTED →
ARRANGEMENT_CONCLUDED → RELOCATION_IN_PROGRESS → ACTIVE ↔ UNDER_REVIEW; ACTIVE → SUSPENDED or
TERMINATED; TERMINATED → CLOSED. An incident sets a flag on the case, not a state.

Who drives each move:

- the requesting unit's ``WPCooperationRequest`` (INITIAL) opens the case: DRAFT → REQUESTED;
  a SUPPLEMENT answers NEEDS_INFO → ASSESSING;
- the host starts assessing by a local event (ASSESSMENT_STARTED), which the requesting unit
  cannot see, so the host's ``WPCooperationDecision`` is accepted in REQUESTED as well as in
  ASSESSING; the decision moves the case to ACCEPTED, DECLINED or NEEDS_INFO; the host may
  still decline while waiting for information, or after accepting if the arrangement cannot
  be agreed;
- ``WPArrangementConcluded`` (either unit) → ARRANGEMENT_CONCLUDED;
- the host's ``WPStatusUpdate`` drives RELOCATION_IN_PROGRESS, ACTIVE, UNDER_REVIEW and
  SUSPENDED; the host may instead start the relocation by a local event (RELOCATION_STARTED),
  so a status ACTIVE is accepted in ARRANGEMENT_CONCLUDED too (also for arrangements without
  relocation);
- ``WPTermination`` NOTICE (either unit) → TERMINATED; the other unit's CLOSURE_CONFIRMATION,
  once termination is effective, → CLOSED. Before an arrangement exists the requesting unit
  withdraws its request the same way (reason REQUEST_WITHDRAWN);
- ``WPIncidentAlert`` and ``TestimonyArrangementRequest`` change no state (self-loops).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from messages.document import Document
from messages.lifecycle import Lifecycle, Rule, Transition, Trigger
from messages.vocab import Family, MessageType
from messages.witness_protection.models import (
    WPArrangementConcluded,
    WPCooperationDecision,
    WPCooperationRequest,
    WPIncidentAlert,
    WPStatusUpdate,
    WPTermination,
)
from messages.witness_protection.vocab import (
    ACCEPTANCES,
    RELOCATION_MEASURES,
    IncidentSeverity,
    TerminationStep,
    WPDecisionOutcome,
    WPInfoItem,
    WPMeasure,
    WPSide,
    WPStatus,
    WPSubmission,
    WPTerminationReason,
)


class WPState(StrEnum):
    DRAFT = "DRAFT"
    DISCARDED = "DISCARDED"
    REQUESTED = "REQUESTED"
    ASSESSING = "ASSESSING"
    NEEDS_INFO = "NEEDS_INFO"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    ARRANGEMENT_CONCLUDED = "ARRANGEMENT_CONCLUDED"
    RELOCATION_IN_PROGRESS = "RELOCATION_IN_PROGRESS"
    ACTIVE = "ACTIVE"
    UNDER_REVIEW = "UNDER_REVIEW"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"
    CLOSED = "CLOSED"


class WPEvent(StrEnum):
    """Acts at one unit that send no message."""

    DRAFT_DISCARDED = "DRAFT_DISCARDED"
    """The requesting unit abandons a request it has not sent."""
    ASSESSMENT_STARTED = "ASSESSMENT_STARTED"
    """The host unit starts assessing the request."""
    RELOCATION_STARTED = "RELOCATION_STARTED"
    """The host unit starts moving the person (without telling the requesting unit yet)."""


@dataclass(frozen=True)
class WPCase:
    """A witness-protection case as each unit records it. No personal data: the person is the
    ``wp_token``; the dossier is kept apart, sealed."""

    state: WPState
    previous_state: WPState | None = None
    wp_token: str | None = None
    requesting_state: str | None = None
    """The state whose unit opened the case."""
    host_state: str | None = None
    """The state whose unit is asked to protect the person."""
    requested_measures: frozenset[WPMeasure] = frozenset()
    information_needed: frozenset[WPInfoItem] = frozenset()
    """Items the host asked for and the requesting unit has not yet supplied."""
    accepted_measures: frozenset[WPMeasure] = frozenset()
    arrangement_ref: str | None = None
    agreed_measures: frozenset[WPMeasure] = frozenset()
    arrangement_end: date | None = None
    """Planned end of the arrangement: the retention date is computed from it (A.5 rule 8)."""
    last_status: WPStatus | None = None
    next_review_at: date | None = None
    incident_open: bool = False
    """Set by an incident alert; cleared by a status update with ``open_incident`` false."""
    incident_count: int = 0
    last_incident_at: datetime | None = None
    last_incident_severity: IncidentSeverity | None = None
    testimony_requests: int = 0
    termination_reason: WPTerminationReason | None = None
    termination_effective_at: datetime | None = None
    terminated_by: WPSide | None = None


def new_case() -> WPCase:
    """A case in the initial state: the requesting unit's draft, or the host unit's record
    before the request arrives."""
    return WPCase(state=WPState.DRAFT)


# --- helpers -------------------------------------------------------------------------------

Check = Callable[[WPCase, Document[Any] | None, datetime], bool]


def _rule(name: str, description: str, source: str, check: Check) -> Rule[WPCase]:
    return Rule(name, description, source, check)


def _body(document: Document[Any] | None) -> Any:
    return document.body if document is not None else None


def _side(case: WPCase, document: Document[Any] | None) -> WPSide | None:
    """The side that sent ``document``, or None if it does not come from a party of the case."""
    if document is None:
        return None
    sender, recipient = document.header.sender.state, document.header.recipient.state
    if case.requesting_state is None:
        return WPSide.REQUESTING  # the opening request defines the parties
    if (sender, recipient) == (case.requesting_state, case.host_state):
        return WPSide.REQUESTING
    if (sender, recipient) == (case.host_state, case.requesting_state):
        return WPSide.HOST
    return None


_A5 = "domain model A.5"

# --- conditions (select a row by content) ---------------------------------------------------


def _decision_is(*outcomes: WPDecisionOutcome) -> Check:
    return lambda case, doc, now: (
        isinstance(b := _body(doc), WPCooperationDecision) and (b.decision in outcomes)
    )


def _status_is(status: WPStatus) -> Check:
    return lambda case, doc, now: (
        isinstance(b := _body(doc), WPStatusUpdate) and (b.status is status)
    )


def _step_is(step: TerminationStep) -> Check:
    return lambda case, doc, now: isinstance(b := _body(doc), WPTermination) and b.step is step


DECISION_ACCEPTS = _rule(
    "decision-accepts",
    "the decision is ACCEPTED or ACCEPTED_WITH_CONDITIONS",
    _A5,
    _decision_is(*ACCEPTANCES),
)
DECISION_DECLINES = _rule(
    "decision-declines", "the decision is DECLINED", _A5, _decision_is(WPDecisionOutcome.DECLINED)
)
DECISION_NEEDS_INFO = _rule(
    "decision-needs-info",
    "the decision is NEEDS_INFO",
    _A5,
    _decision_is(WPDecisionOutcome.NEEDS_INFO),
)
STATUS_WHEN: Final[dict[WPStatus, Rule[WPCase]]] = {
    status: _rule(
        f"status-{status.lower().replace('_', '-')}",
        f"the reported status is {status}",
        _A5,
        _status_is(status),
    )
    for status in WPStatus
}
TERMINATION_NOTICE = _rule(
    "termination-notice",
    "the termination message is a NOTICE",
    _A5,
    _step_is(TerminationStep.NOTICE),
)
CLOSURE_CONFIRMATION = _rule(
    "closure-confirmation",
    "the termination message is a CLOSURE_CONFIRMATION",
    _A5,
    _step_is(TerminationStep.CLOSURE_CONFIRMATION),
)

# --- guards --------------------------------------------------------------------------------

SAME_TOKEN = _rule(
    "same-wp-token",
    "the message names the person by the case's wp_token (one token per relationship; "
    "messages are linked by token, never by name)",
    "domain model A.5 rules 1, 3",
    lambda case, doc, now: case.wp_token is None or _body(doc).wp_token == case.wp_token,
)
FROM_REQUESTING = _rule(
    "sent-by-requesting-unit",
    "only the requesting state's unit sends this message type, to the host unit",
    "domain model A.5 (direction of each message type)",
    lambda case, doc, now: _side(case, doc) is WPSide.REQUESTING,
)
FROM_HOST = _rule(
    "sent-by-host-unit",
    "only the host state's unit sends this message type, to the requesting unit; it never "
    "carries identity or location data back",
    "domain model A.5 (direction of each message type), rule 4",
    lambda case, doc, now: _side(case, doc) is WPSide.HOST,
)
SIDE_MATCHES = _rule(
    "sender-side-matches",
    "sender_side names the side that actually sends the message, between the case's two states",
    "domain model A.5 rule 4",
    lambda case, doc, now: (
        (side := _side(case, doc)) is not None and _body(doc).sender_side is side
    ),
)
INITIAL_SUBMISSION = _rule(
    "initial-submission",
    "the request that opens a case is an INITIAL submission",
    "Salzburg Forum Agreement (written request); domain model A.5",
    lambda case, doc, now: _body(doc).submission is WPSubmission.INITIAL,
)
SUPPLEMENT_ANSWERS = _rule(
    "supplement-answers-request",
    "a request sent after NEEDS_INFO is a SUPPLEMENT that supplies at least one of the items "
    "the host asked for",
    "domain model A.5 lifecycle (NEEDS_INFO ↔ ASSESSING)",
    lambda case, doc, now: (
        _body(doc).submission is WPSubmission.SUPPLEMENT
        and bool(set(_body(doc).supplied_information) & case.information_needed)
    ),
)
ACCEPTED_WERE_REQUESTED = _rule(
    "accepted-measures-were-requested",
    "the host accepts only measures the requesting unit asked for",
    "domain model A.5 (design)",
    lambda case, doc, now: set(_body(doc).accepted_measures) <= case.requested_measures,
)
AGREED_WERE_ACCEPTED = _rule(
    "agreed-measures-were-accepted",
    "the arrangement covers only measures the host accepted",
    "domain model A.5 (design)",
    lambda case, doc, now: set(_body(doc).measures) <= case.accepted_measures,
)
ARRANGEMENT_REF_MATCHES = _rule(
    "arrangement-ref-matches",
    "the arrangement concluded is the one the acceptance named",
    "domain model A.5 rule 9",
    lambda case, doc, now: case.arrangement_ref in (None, _body(doc).arrangement_ref),
)
RELOCATION_AGREED = _rule(
    "relocation-agreed",
    "a relocation starts only if the arrangement provides for one",
    "Salzburg Forum Agreement; domain model A.5",
    lambda case, doc, now: bool(case.agreed_measures & RELOCATION_MEASURES),
)
HEARING_AHEAD = _rule(
    "hearing-window-ahead",
    "the hearing window has not already passed",
    "domain model A.5 (design)",
    lambda case, doc, now: _body(doc).hearing_window.latest > now,
)
WITHDRAWAL_ONLY = _rule(
    "withdrawal-before-arrangement",
    "before an arrangement is concluded a case ends only by the requesting unit's withdrawal "
    "(REQUEST_WITHDRAWN); the host declines instead",
    "domain model A.5 (design)",
    lambda case, doc, now: _body(doc).reason is WPTerminationReason.REQUEST_WITHDRAWN,
)
NO_WITHDRAWAL = _rule(
    "no-withdrawal-after-arrangement",
    "once an arrangement is concluded protection is terminated for one of its reasons, not "
    "withdrawn",
    "domain model A.5 (WPTermination reasons)",
    lambda case, doc, now: _body(doc).reason is not WPTerminationReason.REQUEST_WITHDRAWN,
)
CLOSED_BY_OTHER_UNIT = _rule(
    "closure-by-other-unit",
    "the closure is confirmed by the unit that did not send the termination notice",
    "domain model A.5 (design)",
    lambda case, doc, now: (
        case.terminated_by is not None and _side(case, doc) not in (None, case.terminated_by)
    ),
)
SAME_REASON = _rule(
    "closure-repeats-reason",
    "the closure confirmation repeats the notice's reason",
    "domain model A.5 (design)",
    lambda case, doc, now: _body(doc).reason is case.termination_reason,
)
TERMINATION_EFFECTIVE = _rule(
    "termination-effective",
    "a case is closed only once the termination has taken effect",
    "domain model A.5 (WPTermination effective_at)",
    lambda case, doc, now: (
        case.termination_effective_at is not None and now >= case.termination_effective_at
    ),
)

# --- the table -----------------------------------------------------------------------------

S = WPState
M = MessageType
FROM_REQUESTING_GUARDS: Final = (FROM_REQUESTING, SAME_TOKEN)
FROM_HOST_GUARDS: Final = (FROM_HOST, SAME_TOKEN)
EITHER_SIDE_GUARDS: Final = (SIDE_MATCHES, SAME_TOKEN)

BEFORE_ARRANGEMENT: Final = (S.REQUESTED, S.ASSESSING, S.NEEDS_INFO, S.ACCEPTED)
PROTECTION: Final = (
    S.ARRANGEMENT_CONCLUDED,
    S.RELOCATION_IN_PROGRESS,
    S.ACTIVE,
    S.UNDER_REVIEW,
    S.SUSPENDED,
)
STATUS_MOVES: Final[dict[WPState, tuple[WPStatus, ...]]] = {
    S.ARRANGEMENT_CONCLUDED: (WPStatus.RELOCATION_IN_PROGRESS, WPStatus.ACTIVE),
    S.RELOCATION_IN_PROGRESS: (
        WPStatus.RELOCATION_IN_PROGRESS,
        WPStatus.ACTIVE,
        WPStatus.SUSPENDED,
    ),
    S.ACTIVE: (WPStatus.ACTIVE, WPStatus.UNDER_REVIEW, WPStatus.SUSPENDED),
    S.UNDER_REVIEW: (WPStatus.ACTIVE, WPStatus.UNDER_REVIEW, WPStatus.SUSPENDED),
    S.SUSPENDED: (WPStatus.ACTIVE, WPStatus.UNDER_REVIEW, WPStatus.SUSPENDED),
}
STATE_OF_STATUS: Final = {
    WPStatus.RELOCATION_IN_PROGRESS: S.RELOCATION_IN_PROGRESS,
    WPStatus.ACTIVE: S.ACTIVE,
    WPStatus.UNDER_REVIEW: S.UNDER_REVIEW,
    WPStatus.SUSPENDED: S.SUSPENDED,
}


def _decision_rows(source: WPState) -> list[Transition[WPState, WPCase]]:
    return [
        Transition(
            source,
            M.WP_COOPERATION_DECISION,
            S.ACCEPTED,
            DECISION_ACCEPTS,
            (*FROM_HOST_GUARDS, ACCEPTED_WERE_REQUESTED),
        ),
        Transition(
            source, M.WP_COOPERATION_DECISION, S.DECLINED, DECISION_DECLINES, FROM_HOST_GUARDS
        ),
        Transition(
            source, M.WP_COOPERATION_DECISION, S.NEEDS_INFO, DECISION_NEEDS_INFO, FROM_HOST_GUARDS
        ),
    ]


def _status_rows() -> list[Transition[WPState, WPCase]]:
    rows: list[Transition[WPState, WPCase]] = []
    for source, statuses in STATUS_MOVES.items():
        for status in statuses:
            guards: tuple[Rule[WPCase], ...] = FROM_HOST_GUARDS
            if source is S.ARRANGEMENT_CONCLUDED and status is WPStatus.RELOCATION_IN_PROGRESS:
                guards = (*FROM_HOST_GUARDS, RELOCATION_AGREED)
            rows.append(
                Transition(
                    source,
                    M.WP_STATUS_UPDATE,
                    STATE_OF_STATUS[status],
                    STATUS_WHEN[status],
                    guards,
                )
            )
    return rows


TRANSITIONS: Final[tuple[Transition[WPState, WPCase], ...]] = (
    Transition(
        S.DRAFT,
        M.WP_COOPERATION_REQUEST,
        S.REQUESTED,
        guards=(*FROM_REQUESTING_GUARDS, INITIAL_SUBMISSION),
    ),
    Transition(S.DRAFT, WPEvent.DRAFT_DISCARDED, S.DISCARDED),
    Transition(S.REQUESTED, WPEvent.ASSESSMENT_STARTED, S.ASSESSING),
    *_decision_rows(S.REQUESTED),
    *_decision_rows(S.ASSESSING),
    Transition(
        S.NEEDS_INFO,
        M.WP_COOPERATION_REQUEST,
        S.ASSESSING,
        guards=(*FROM_REQUESTING_GUARDS, SUPPLEMENT_ANSWERS),
    ),
    Transition(
        S.NEEDS_INFO, M.WP_COOPERATION_DECISION, S.DECLINED, DECISION_DECLINES, FROM_HOST_GUARDS
    ),
    # The host may still decline if the arrangement cannot be agreed (e.g. its cost terms).
    Transition(
        S.ACCEPTED, M.WP_COOPERATION_DECISION, S.DECLINED, DECISION_DECLINES, FROM_HOST_GUARDS
    ),
    Transition(
        S.ACCEPTED,
        M.WP_ARRANGEMENT_CONCLUDED,
        S.ARRANGEMENT_CONCLUDED,
        guards=(*EITHER_SIDE_GUARDS, AGREED_WERE_ACCEPTED, ARRANGEMENT_REF_MATCHES),
    ),
    Transition(
        S.ARRANGEMENT_CONCLUDED,
        WPEvent.RELOCATION_STARTED,
        S.RELOCATION_IN_PROGRESS,
        guards=(RELOCATION_AGREED,),
    ),
    *_status_rows(),
    *(
        Transition(
            source,
            M.TESTIMONY_ARRANGEMENT_REQUEST,
            source,
            guards=(*FROM_REQUESTING_GUARDS, HEARING_AHEAD),
        )
        for source in PROTECTION
    ),
    *(
        Transition(source, M.WP_INCIDENT_ALERT, source, guards=EITHER_SIDE_GUARDS)
        for source in (*BEFORE_ARRANGEMENT, *PROTECTION, S.TERMINATED)
    ),
    *(
        Transition(
            source,
            M.WP_TERMINATION,
            S.TERMINATED,
            TERMINATION_NOTICE,
            (*EITHER_SIDE_GUARDS, WITHDRAWAL_ONLY),
        )
        for source in BEFORE_ARRANGEMENT
    ),
    *(
        Transition(
            source,
            M.WP_TERMINATION,
            S.TERMINATED,
            TERMINATION_NOTICE,
            (*EITHER_SIDE_GUARDS, NO_WITHDRAWAL),
        )
        for source in PROTECTION
    ),
    Transition(
        S.TERMINATED,
        M.WP_TERMINATION,
        S.CLOSED,
        CLOSURE_CONFIRMATION,
        (SAME_TOKEN, CLOSED_BY_OTHER_UNIT, SAME_REASON, TERMINATION_EFFECTIVE),
    ),
)

DESCRIPTIONS: Final[dict[WPState, str]] = {
    S.DRAFT: "The requesting unit is preparing a request; the host unit's record of a case "
    "also starts here, before the request arrives.",
    S.DISCARDED: "The requesting unit abandoned the draft without sending it.",
    S.REQUESTED: "The request was sent and received; the host has not started assessing it "
    "(a host decision is also accepted here, since the requesting unit cannot see the "
    "assessment start).",
    S.ASSESSING: "The host unit is assessing the request (threat, capacity, programme rules).",
    S.NEEDS_INFO: "The host asked for more information; the requesting unit's SUPPLEMENT "
    "resumes the assessment.",
    S.ACCEPTED: "The host accepted (possibly with conditions); the units are concluding the "
    "arrangement (MoU). If they cannot agree on it, the host declines after all.",
    S.DECLINED: "The host declined the request.",
    S.ARRANGEMENT_CONCLUDED: "The arrangement is concluded; protection starts (a status "
    "ACTIVE is accepted here too, since the host may start a relocation by a local event).",
    S.RELOCATION_IN_PROGRESS: "The host is moving the person and dependants.",
    S.ACTIVE: "Protection measures are in force in the host state.",
    S.UNDER_REVIEW: "The host is reviewing the arrangement (periodic review or after an incident).",
    S.SUSPENDED: "Protection measures are suspended by the host.",
    S.TERMINATED: "Protection ended (or the request was withdrawn); the other unit's closure "
    "confirmation is awaited.",
    S.CLOSED: "Both units closed the case; the dossier is destroyed or kept only until the "
    "retention date.",
}


def absorb(case: WPCase, trigger: Trigger, now: datetime) -> WPCase:
    """Record the facts of a message that later guards need (never the state)."""
    if not isinstance(trigger, Document):
        return case
    body = trigger.body
    header = trigger.header
    facts: dict[str, Any] = {}
    if case.wp_token is None:
        facts.update(
            wp_token=body.wp_token,
            requesting_state=header.sender.state,
            host_state=header.recipient.state,
        )
    if isinstance(body, WPCooperationRequest):
        facts["requested_measures"] = frozenset(body.measures)
        facts["information_needed"] = case.information_needed - set(body.supplied_information)
    elif isinstance(body, WPCooperationDecision):
        facts["information_needed"] = frozenset(body.information_needed)
        if body.decision in ACCEPTANCES:
            facts.update(
                accepted_measures=frozenset(body.accepted_measures),
                arrangement_ref=body.arrangement_ref,
            )
    elif isinstance(body, WPArrangementConcluded):
        facts.update(
            arrangement_ref=body.arrangement_ref,
            agreed_measures=frozenset(body.measures),
            arrangement_end=body.end_date,
        )
    elif isinstance(body, WPStatusUpdate):
        facts.update(last_status=body.status, next_review_at=body.next_review_at)
        if body.open_incident is not None:
            facts["incident_open"] = body.open_incident
    elif isinstance(body, WPIncidentAlert):
        facts.update(
            incident_open=True,
            incident_count=case.incident_count + 1,
            last_incident_at=body.occurred_at,
            last_incident_severity=body.severity,
        )
    elif isinstance(body, WPTermination):
        if body.step is TerminationStep.NOTICE:
            facts.update(
                termination_reason=body.reason,
                termination_effective_at=body.effective_at,
                terminated_by=body.sender_side,
            )
    else:  # TestimonyArrangementRequest
        facts["testimony_requests"] = case.testimony_requests + 1
    return dataclasses.replace(case, **facts)


LIFECYCLE: Final = Lifecycle(
    family=Family.WITNESS_PROTECTION,
    states=WPState,
    events=WPEvent,
    initial=WPState.DRAFT,
    terminal=frozenset({WPState.DISCARDED, WPState.DECLINED, WPState.CLOSED}),
    transitions=TRANSITIONS,
    absorb=absorb,
    descriptions=DESCRIPTIONS,
)
