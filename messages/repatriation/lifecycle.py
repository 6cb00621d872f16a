"""The repatriation lifecycle (domain model A.4): states, local events, the case record, the
guards and the transition table.

Both nodes apply the same table; the case-holding node (the destination state) owns the state and
the state of origin mirrors it. Deviations from the table in A.4, all reported in the catalogue:

* DRAFT is added as the initial state: the case exists at the identifying node before its
  first message. A VCCR art. 36 ConsularNotification may be sent from it (a detained national
  asks for their consulate before anyone speaks of trafficking).
* The VictimIdentifiedNotice selects IDENTIFIED when it carries consent in force, and
  CONSENT_PENDING when it does not (an anonymous notice during a reflection period). A later
  notice reports a change of consent: IDENTIFIED -> CONSENT_PENDING when consent lapses or is
  withdrawn, CONSENT_PENDING -> IDENTIFIED when it is given. From CONSENT_PENDING a
  NationalityVerificationRequest that itself carries the consent moves on, as in A.4.
* A NationalityVerificationResult of INSUFFICIENT_DATA leads to NOT_CONFIRMED, from which a new
  request may be sent (the retry of A.4).
* A CancellationNotice is allowed from every state before departure, not only those A.4 lists:
  a victim may withdraw consent or be granted residence at any time (return is 'preferably
  voluntary', TIP art. 8(2)). A HoldNotice is also allowed in NATIONALITY_CONFIRMED and
  TRAVEL_DOCS_ISSUED (proceedings or illness can start then too).
* Travel documents are requested only while the last assessment is below PROHIBITIVE, and a
  child's return is escorted; resuming a scheduled return re-checks the return guards.
* New travel documents may be requested from TRAVEL_DOCS_ISSUED (an emergency document that
  expired during a hold), and a HoldNotice while ON_HOLD replaces the hold's reason or expected
  end (an illness, then proceedings); the ResumeNotice must name the reason on record.
* Status messages that change no state are self-loops: ConsularNotification before departure,
  SafetyRiskAssessment (a second or updated assessment) from RISK_ASSESSMENT to RETURN_SCHEDULED
  and while on hold, ReturnPlan until the return is scheduled, ReturnScheduled (rescheduling),
  ReintegrationFollowUp (repeatable).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from messages.document import Document
from messages.lifecycle import Lifecycle, Rule, Transition, Trigger
from messages.repatriation.models import (
    ConsularNotification,
    NationalityVerificationRequest,
    NationalityVerificationResult,
    VictimIdentifiedNotice,
    identity_sections,
    is_child,
    latest_local_date,
)
from messages.repatriation.models_return import (
    ArrivalConfirmed,
    CancellationNotice,
    CaseClosure,
    HoldNotice,
    ReintegrationFollowUp,
    ResumeNotice,
    ReturnScheduled,
    SafetyRiskAssessment,
)
from messages.repatriation.sections import Consent, Guardian
from messages.repatriation.vocab import (
    AgeGroup,
    CancellationReason,
    ClosureReason,
    EscortKind,
    HoldReason,
    RecoveryStage,
    RiskLevel,
    VerificationOutcome,
    VictimWishes,
)
from messages.vocab import Family, MessageType

DEFAULT_RISK_ASSESSMENT_MAX_AGE: Final = timedelta(days=30)
"""How old the last SafetyRiskAssessment may be when a return is scheduled (a policy, not law:
domain model A.4 'less than N days old'). A case may carry another value."""


class RepatriationState(StrEnum):
    DRAFT = "DRAFT"
    IDENTIFIED = "IDENTIFIED"
    CONSENT_PENDING = "CONSENT_PENDING"
    NATIONALITY_VERIFICATION = "NATIONALITY_VERIFICATION"
    NATIONALITY_CONFIRMED = "NATIONALITY_CONFIRMED"
    NOT_CONFIRMED = "NOT_CONFIRMED"
    RISK_ASSESSMENT = "RISK_ASSESSMENT"
    TRAVEL_DOCS_REQUESTED = "TRAVEL_DOCS_REQUESTED"
    TRAVEL_DOCS_ISSUED = "TRAVEL_DOCS_ISSUED"
    RETURN_SCHEDULED = "RETURN_SCHEDULED"
    IN_TRANSIT = "IN_TRANSIT"
    RETURNED = "RETURNED"
    REINTEGRATION_FOLLOW_UP = "REINTEGRATION_FOLLOW_UP"
    ON_HOLD = "ON_HOLD"
    CANCELLED = "CANCELLED"
    CLOSED = "CLOSED"


class RepatriationEvent(StrEnum):
    """Acts at one node that send no message."""

    DEPARTED = "DEPARTED"
    """The person left the destination state (recorded by the destination node)."""
    DRAFT_DISCARDED = "DRAFT_DISCARDED"
    """The identifying node drops a case before any notice was sent."""


State = RepatriationState


@dataclass(frozen=True)
class RepatriationCase:
    """A repatriation case as a node records it: the state and the facts the guards need."""

    state: RepatriationState = RepatriationState.DRAFT
    previous_state: RepatriationState | None = None
    risk_assessment_max_age: timedelta = DEFAULT_RISK_ASSESSMENT_MAX_AGE
    """The policy: how old an assessment may be when a return is scheduled."""
    age_group: AgeGroup | None = None
    unaccompanied_child: bool = False
    guardian_ref: str | None = None
    legal_proceedings_pending: bool = False
    prosecutor_confirmed: bool = False
    """The prosecutor confirmed the return since proceedings were last reported pending."""
    consent: Consent | None = None
    """The consent most recently reported in the case."""
    consent_withdrawn_at: datetime | None = None
    """The latest withdrawal of consent reported; consents recorded before it are void."""
    victim_wishes: VictimWishes | None = None
    verification_requests: int = 0
    verification_outcome: VerificationOutcome | None = None
    risk_level: RiskLevel | None = None
    """The level of the most recent assessment (by assessed_at)."""
    risk_assessed_at: datetime | None = None
    consular_notifications: int = 0
    hold_reason: HoldReason | None = None
    travel_date: date | None = None
    departed_at: datetime | None = None
    arrived_at: datetime | None = None
    follow_up_visits: int = 0
    recovery_stage: RecoveryStage | None = None
    cancellation_reason: CancellationReason | None = None
    closure_reason: ClosureReason | None = None

    @property
    def child(self) -> bool:
        """A child's case (age group CHILD, or an unaccompanied child)."""
        return self.age_group is not None and is_child(self.age_group, self.unaccompanied_child)


def new_case(*, risk_assessment_max_age: timedelta | None = None) -> RepatriationCase:
    """A case in the initial state, with the default or the given assessment-age policy."""
    return RepatriationCase(
        risk_assessment_max_age=risk_assessment_max_age or DEFAULT_RISK_ASSESSMENT_MAX_AGE
    )


# --- absorbing facts -----------------------------------------------------------------------


def _later(current: datetime | None, candidate: datetime | None) -> datetime | None:
    if candidate is None:
        return current
    return candidate if current is None or candidate > current else current


def absorb(case: RepatriationCase, trigger: Trigger, now: datetime) -> RepatriationCase:
    """Record the facts of a message or local event (never the state)."""
    if not isinstance(trigger, Document):
        if trigger is RepatriationEvent.DEPARTED:
            return dataclasses.replace(case, departed_at=now)
        return case
    body = trigger.body
    changes: dict[str, Any] = {}
    consent = getattr(body, "consent", None)
    if isinstance(consent, Consent):
        changes["consent"] = consent
        changes["consent_withdrawn_at"] = _later(case.consent_withdrawn_at, consent.withdrawn_at)
    guardian = getattr(body, "guardian", None)
    if isinstance(guardian, Guardian):
        changes["guardian_ref"] = guardian.guardian_ref
    if isinstance(body, VictimIdentifiedNotice):
        changes.update(
            age_group=body.age_group,
            unaccompanied_child=body.unaccompanied_child,
            legal_proceedings_pending=body.legal_proceedings_pending,
            victim_wishes=body.victim_wishes,
        )
    elif isinstance(body, ConsularNotification):
        changes["consular_notifications"] = case.consular_notifications + 1
    elif isinstance(body, NationalityVerificationRequest):
        changes["verification_requests"] = case.verification_requests + 1
    elif isinstance(body, NationalityVerificationResult):
        changes["verification_outcome"] = body.outcome
    elif isinstance(body, SafetyRiskAssessment):
        if case.risk_assessed_at is None or body.assessed_at >= case.risk_assessed_at:
            changes.update(risk_level=body.risk_level, risk_assessed_at=body.assessed_at)
    elif isinstance(body, ReturnScheduled):
        changes["travel_date"] = body.travel_date
        if body.prosecutor_confirmation is not None:
            changes["prosecutor_confirmed"] = True
    elif isinstance(body, ArrivalConfirmed):
        changes.update(arrived_at=body.arrived_at, departed_at=case.departed_at or body.departed_at)
    elif isinstance(body, ReintegrationFollowUp):
        changes["follow_up_visits"] = case.follow_up_visits + 1
        changes["recovery_stage"] = body.recovery_stage or case.recovery_stage
    elif isinstance(body, HoldNotice):
        changes["hold_reason"] = body.reason
        if body.reason is HoldReason.LEGAL_PROCEEDINGS:
            changes.update(legal_proceedings_pending=True, prosecutor_confirmed=False)
    elif isinstance(body, ResumeNotice):
        changes["hold_reason"] = None
        if body.prosecutor_confirmation is not None:
            changes["prosecutor_confirmed"] = True
    elif isinstance(body, CancellationNotice):
        changes["cancellation_reason"] = body.reason
        changes["consent_withdrawn_at"] = _later(
            case.consent_withdrawn_at, body.consent_withdrawn_at
        )
    elif isinstance(body, CaseClosure):
        changes["closure_reason"] = body.reason
    return dataclasses.replace(case, **changes)


# --- conditions and guards -----------------------------------------------------------------

Check = Rule[RepatriationCase]


def _body(document: Document[Any] | None) -> Any:
    return document.body if document is not None else None


def _consent_in_force(
    case: RepatriationCase, document: Document[Any] | None, now: datetime
) -> bool:
    consent = getattr(_body(document), "consent", None)
    return isinstance(consent, Consent) and consent.in_force


def _consent_for_identity(
    case: RepatriationCase, document: Document[Any] | None, now: datetime
) -> bool:
    body = _body(document)
    if body is None:
        return True
    carried = getattr(body, "consent", None)
    sections = identity_sections(body)
    if carried is None and not sections:
        return True
    consent = carried if carried is not None else case.consent
    if not isinstance(consent, Consent):
        return False
    purpose = getattr(type(body), "CONSENT_PURPOSE", None)
    if sections and not (consent.covers(purpose) if purpose else consent.in_force):
        return False
    withdrawn = case.consent_withdrawn_at
    return not (consent.in_force and withdrawn is not None and consent.recorded_at <= withdrawn)


def _child_has_guardian(
    case: RepatriationCase, document: Document[Any] | None, now: datetime
) -> bool:
    guardian = getattr(_body(document), "guardian", None)
    return not case.child or case.guardian_ref is not None or guardian is not None


def _child_escorted(case: RepatriationCase, document: Document[Any] | None, now: datetime) -> bool:
    body = _body(document)
    return not case.child or body is None or body.travel.escort is not EscortKind.NONE


def _risk_current(case: RepatriationCase, now: datetime) -> bool:
    assessed = case.risk_assessed_at
    return assessed is not None and now - assessed <= case.risk_assessment_max_age


def _risk_acceptable(case: RepatriationCase) -> bool:
    return case.risk_level is not None and case.risk_level is not RiskLevel.PROHIBITIVE


def _proceedings_cleared(case: RepatriationCase, body: Any) -> bool:
    confirmation = getattr(body, "prosecutor_confirmation", None)
    return not case.legal_proceedings_pending or case.prosecutor_confirmed or bool(confirmation)


def _resumed_return_safe(
    case: RepatriationCase, document: Document[Any] | None, now: datetime
) -> bool:
    if case.previous_state is not RepatriationState.RETURN_SCHEDULED:
        return True
    return (
        _risk_current(case, now)
        and _risk_acceptable(case)
        and _proceedings_cleared(case, _body(document))
    )


def _arrival_after_departure(
    case: RepatriationCase, document: Document[Any] | None, now: datetime
) -> bool:
    body = _body(document)
    if body is None:
        return True
    if case.departed_at is not None and body.arrived_at < case.departed_at:
        return False
    return case.travel_date is None or latest_local_date(body.arrived_at) >= case.travel_date


_CONFIRMED: Final = frozenset(
    {VerificationOutcome.CONFIRMED_NATIONAL, VerificationOutcome.CONFIRMED_PERMANENT_RESIDENT}
)

CONSENT_IN_FORCE: Final = Check(
    "notice-consent-in-force",
    "the notice reports consent given and not withdrawn",
    "Domain model A.4 (Consent)",
    _consent_in_force,
)
CONSENT_NOT_IN_FORCE: Final = Check(
    "notice-consent-not-in-force",
    "the notice reports consent not (yet) given, or withdrawn",
    "Domain model A.4 (Consent)",
    lambda case, document, now: not _consent_in_force(case, document, now),
)
NATIONALITY_CONFIRMED: Final = Check(
    "result-confirmed",
    "the result is CONFIRMED_NATIONAL or CONFIRMED_PERMANENT_RESIDENT",
    "TIP Protocol art. 8(3)",
    lambda case, document, now: _body(document).outcome in _CONFIRMED,
)
NATIONALITY_NOT_CONFIRMED: Final = Check(
    "result-not-confirmed",
    "the result is NOT_CONFIRMED or INSUFFICIENT_DATA",
    "TIP Protocol art. 8(3)",
    lambda case, document, now: _body(document).outcome not in _CONFIRMED,
)
CONSENT_FOR_IDENTITY: Final = Check(
    "consent-for-identity",
    "identity data is sent only under a consent in force that covers the message's purpose and "
    "was recorded after any withdrawal reported in the case",
    "Domain model A.4 guard ('no transition out of IDENTIFIED sends identity data unless "
    "consent.given'); TIP Protocol art. 6(1) (✗ unverified)",
    _consent_for_identity,
)
CHILD_HAS_GUARDIAN: Final = Check(
    "child-has-guardian",
    "a child's case names a guardian",
    "Domain model A.4 guard; TIP Protocol art. 8; VCCR art. 37(b) (✗ unverified)",
    _child_has_guardian,
)
CHILD_ESCORTED: Final = Check(
    "child-travels-escorted",
    "a child does not travel without an escort",
    "TIP Protocol art. 8(2) (safety); IOM AVRR travel stage (escorts for vulnerable persons)",
    _child_escorted,
)
RISK_ASSESSMENT_CURRENT: Final = Check(
    "risk-assessment-current",
    "the last safety assessment is no older than the case's policy allows (default 30 days)",
    "Domain model A.4 guard; TIP Protocol art. 8(2)",
    lambda case, document, now: _risk_current(case, now),
)
RISK_BELOW_PROHIBITIVE: Final = Check(
    "risk-below-prohibitive",
    "the last safety assessment is below PROHIBITIVE",
    "Domain model A.4 guard; TIP Protocol art. 8(2)",
    lambda case, document, now: _risk_acceptable(case),
)
PROCEEDINGS_CLEARED: Final = Check(
    "legal-proceedings-cleared",
    "while legal proceedings are pending, the prosecutor has confirmed the return",
    "TIP Protocol art. 8(2) ('the status of any legal proceedings'); domain model A.4 guard",
    lambda case, document, now: _proceedings_cleared(case, _body(document)),
)
PROHIBITIVE_ON_RECORD: Final = Check(
    "prohibitive-risk-on-record",
    "a cancellation for PROHIBITIVE_RISK follows an assessment of PROHIBITIVE risk",
    "Domain model A.4 (RISK_ASSESSMENT -> CANCELLED when risk is PROHIBITIVE)",
    lambda case, document, now: (
        _body(document).reason is not CancellationReason.PROHIBITIVE_RISK
        or case.risk_level is RiskLevel.PROHIBITIVE
    ),
)
RESUME_MATCHES_HOLD: Final = Check(
    "resume-matches-hold",
    "the resume notice ends the hold on record (same reason)",
    "Domain model A.4 (HoldNotice / ResumeNotice)",
    lambda case, document, now: _body(document).hold_reason is case.hold_reason,
)
RESUMED_RETURN_SAFE: Final = Check(
    "resumed-return-still-safe",
    "a scheduled return resumes only on a current assessment below PROHIBITIVE and, while "
    "proceedings are pending, with the prosecutor's confirmation",
    "TIP Protocol art. 8(2); domain model A.4 guards",
    _resumed_return_safe,
)
ARRIVAL_AFTER_DEPARTURE: Final = Check(
    "arrival-after-departure",
    "the arrival is not before the recorded departure or the scheduled travel date",
    "Domain model A.4; IOM AVRR travel and post-arrival stages",
    _arrival_after_departure,
)

# --- the table -----------------------------------------------------------------------------

M = MessageType
E = RepatriationEvent
T = Transition[RepatriationState, RepatriationCase]

_BEFORE_DEPARTURE: Final = (
    State.IDENTIFIED,
    State.CONSENT_PENDING,
    State.NATIONALITY_VERIFICATION,
    State.NATIONALITY_CONFIRMED,
    State.NOT_CONFIRMED,
    State.RISK_ASSESSMENT,
    State.TRAVEL_DOCS_REQUESTED,
    State.TRAVEL_DOCS_ISSUED,
    State.RETURN_SCHEDULED,
    State.ON_HOLD,
)
_HOLDABLE: Final = (
    State.IDENTIFIED,
    State.NATIONALITY_VERIFICATION,
    State.NATIONALITY_CONFIRMED,
    State.RISK_ASSESSMENT,
    State.TRAVEL_DOCS_REQUESTED,
    State.TRAVEL_DOCS_ISSUED,
    State.RETURN_SCHEDULED,
)
_REASSESSABLE: Final = (
    State.RISK_ASSESSMENT,
    State.TRAVEL_DOCS_REQUESTED,
    State.TRAVEL_DOCS_ISSUED,
    State.RETURN_SCHEDULED,
    State.ON_HOLD,
)
_PLANNABLE: Final = (State.RISK_ASSESSMENT, State.TRAVEL_DOCS_REQUESTED, State.TRAVEL_DOCS_ISSUED)
_RETURN_GUARDS: Final = (
    RISK_ASSESSMENT_CURRENT,
    RISK_BELOW_PROHIBITIVE,
    PROCEEDINGS_CLEARED,
    CHILD_HAS_GUARDIAN,
    CHILD_ESCORTED,
)
_VERIFICATION_GUARDS: Final = (CONSENT_FOR_IDENTITY, CHILD_HAS_GUARDIAN)

TRANSITIONS: Final[tuple[T, ...]] = (
    # identification
    T(State.DRAFT, M.VICTIM_IDENTIFIED_NOTICE, State.IDENTIFIED, CONSENT_IN_FORCE,
      (CONSENT_FOR_IDENTITY,)),
    T(State.DRAFT, M.VICTIM_IDENTIFIED_NOTICE, State.CONSENT_PENDING, CONSENT_NOT_IN_FORCE),
    T(State.DRAFT, E.DRAFT_DISCARDED, State.CANCELLED),
    T(State.IDENTIFIED, M.VICTIM_IDENTIFIED_NOTICE, State.IDENTIFIED, CONSENT_IN_FORCE,
      (CONSENT_FOR_IDENTITY,)),
    T(State.IDENTIFIED, M.VICTIM_IDENTIFIED_NOTICE, State.CONSENT_PENDING, CONSENT_NOT_IN_FORCE),
    T(State.CONSENT_PENDING, M.VICTIM_IDENTIFIED_NOTICE, State.IDENTIFIED, CONSENT_IN_FORCE,
      (CONSENT_FOR_IDENTITY,)),
    T(State.CONSENT_PENDING, M.VICTIM_IDENTIFIED_NOTICE, State.CONSENT_PENDING,
      CONSENT_NOT_IN_FORCE),
    # nationality verification (TIP art. 8(3))
    T(State.IDENTIFIED, M.NATIONALITY_VERIFICATION_REQUEST, State.NATIONALITY_VERIFICATION,
      guards=_VERIFICATION_GUARDS),
    T(State.CONSENT_PENDING, M.NATIONALITY_VERIFICATION_REQUEST, State.NATIONALITY_VERIFICATION,
      guards=_VERIFICATION_GUARDS),
    T(State.NOT_CONFIRMED, M.NATIONALITY_VERIFICATION_REQUEST, State.NATIONALITY_VERIFICATION,
      guards=_VERIFICATION_GUARDS),
    T(State.NATIONALITY_VERIFICATION, M.NATIONALITY_VERIFICATION_RESULT,
      State.NATIONALITY_CONFIRMED, NATIONALITY_CONFIRMED),
    T(State.NATIONALITY_VERIFICATION, M.NATIONALITY_VERIFICATION_RESULT, State.NOT_CONFIRMED,
      NATIONALITY_NOT_CONFIRMED),
    # safety (TIP art. 8(2)) and travel documents (TIP art. 8(4))
    T(State.NATIONALITY_CONFIRMED, M.SAFETY_RISK_ASSESSMENT, State.RISK_ASSESSMENT),
    *(T(s, M.SAFETY_RISK_ASSESSMENT, s) for s in _REASSESSABLE),
    *(T(s, M.RETURN_PLAN, s) for s in _PLANNABLE),
    T(State.RISK_ASSESSMENT, M.TRAVEL_DOCUMENT_REQUEST, State.TRAVEL_DOCS_REQUESTED, None,
      (CONSENT_FOR_IDENTITY, CHILD_HAS_GUARDIAN, RISK_BELOW_PROHIBITIVE)),
    T(State.TRAVEL_DOCS_ISSUED, M.TRAVEL_DOCUMENT_REQUEST, State.TRAVEL_DOCS_REQUESTED, None,
      (CONSENT_FOR_IDENTITY, CHILD_HAS_GUARDIAN, RISK_BELOW_PROHIBITIVE)),
    T(State.TRAVEL_DOCS_REQUESTED, M.TRAVEL_DOCUMENT_ISSUED, State.TRAVEL_DOCS_ISSUED, None,
      (CONSENT_FOR_IDENTITY,)),
    # the return (IOM AVRR travel and post-arrival stages)
    T(State.TRAVEL_DOCS_ISSUED, M.RETURN_SCHEDULED, State.RETURN_SCHEDULED, None,
      _RETURN_GUARDS),
    T(State.RETURN_SCHEDULED, M.RETURN_SCHEDULED, State.RETURN_SCHEDULED, None, _RETURN_GUARDS),
    T(State.RETURN_SCHEDULED, E.DEPARTED, State.IN_TRANSIT),
    T(State.RETURN_SCHEDULED, M.ARRIVAL_CONFIRMED, State.RETURNED, None,
      (ARRIVAL_AFTER_DEPARTURE,)),
    T(State.IN_TRANSIT, M.ARRIVAL_CONFIRMED, State.RETURNED, None, (ARRIVAL_AFTER_DEPARTURE,)),
    T(State.RETURNED, M.REINTEGRATION_FOLLOW_UP, State.REINTEGRATION_FOLLOW_UP, None,
      (CONSENT_FOR_IDENTITY,)),
    T(State.REINTEGRATION_FOLLOW_UP, M.REINTEGRATION_FOLLOW_UP, State.REINTEGRATION_FOLLOW_UP,
      None, (CONSENT_FOR_IDENTITY,)),
    T(State.RETURNED, M.CASE_CLOSURE, State.CLOSED),
    T(State.REINTEGRATION_FOLLOW_UP, M.CASE_CLOSURE, State.CLOSED),
    # holds, cancellation, consular notification
    *(T(s, M.HOLD_NOTICE, State.ON_HOLD) for s in _HOLDABLE),
    T(State.ON_HOLD, M.HOLD_NOTICE, State.ON_HOLD),
    T(State.ON_HOLD, M.RESUME_NOTICE, None, None, (RESUME_MATCHES_HOLD, RESUMED_RETURN_SAFE)),
    *(T(s, M.CANCELLATION_NOTICE, State.CANCELLED, None, (PROHIBITIVE_ON_RECORD,))
      for s in _BEFORE_DEPARTURE),
    *(T(s, M.CONSULAR_NOTIFICATION, s) for s in (State.DRAFT, *_BEFORE_DEPARTURE)),
)  # fmt: skip

DESCRIPTIONS: Final[dict[RepatriationState, str]] = {
    State.DRAFT: "The identifying node has opened the case; no notice has been sent yet (a "
    "VCCR art. 36 consular notification may already have been).",
    State.IDENTIFIED: "A presumed victim was notified to the consular post of presumed "
    "nationality, with consent in force.",
    State.CONSENT_PENDING: "A presumed victim was notified without identity: consent is not "
    "(yet) given, e.g. during a reflection period.",
    State.NATIONALITY_VERIFICATION: "The state of presumed nationality is verifying nationality "
    "or residence (TIP art. 8(3)).",
    State.NATIONALITY_CONFIRMED: "Nationality or permanent residence is confirmed; a safety "
    "assessment comes next.",
    State.NOT_CONFIRMED: "Nationality was not confirmed or the data were insufficient; a new "
    "request may be sent, or the case cancelled.",
    State.RISK_ASSESSMENT: "The risks on return have been assessed (TIP art. 8(2)); further "
    "assessments may follow.",
    State.TRAVEL_DOCS_REQUESTED: "Travel documents have been requested from the state of "
    "nationality (TIP art. 8(4)).",
    State.TRAVEL_DOCS_ISSUED: "Travel documents have been issued; the return can be scheduled.",
    State.RETURN_SCHEDULED: "The return is booked on a recent assessment below PROHIBITIVE. The "
    "destination records the departure locally (IN_TRANSIT); an ArrivalConfirmed is also "
    "accepted here so that the state of origin, which does not see the departure, converges.",
    State.IN_TRANSIT: "The person has departed (recorded by the destination node).",
    State.RETURNED: "The state of origin confirmed the arrival and reception.",
    State.REINTEGRATION_FOLLOW_UP: "Reintegration is being monitored, with the returnee's "
    "consent; visits repeat.",
    State.ON_HOLD: "The case is paused; a ResumeNotice returns it to the state before the hold; "
    "a further HoldNotice replaces the reason or the expected end.",
    State.CANCELLED: "The return will not take place (terminal).",
    State.CLOSED: "The state of origin closed the case after the return (terminal).",
}

LIFECYCLE: Final = Lifecycle[RepatriationState, RepatriationEvent, RepatriationCase](
    family=Family.REPATRIATION,
    states=RepatriationState,
    events=RepatriationEvent,
    initial=RepatriationState.DRAFT,
    terminal=frozenset({RepatriationState.CANCELLED, RepatriationState.CLOSED}),
    transitions=TRANSITIONS,
    absorb=absorb,
    descriptions=DESCRIPTIONS,
)
