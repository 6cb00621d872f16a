"""Repatriation bodies from the safety assessment on: the plan and schedule of the return,
arrival, reintegration follow-up, holds, cancellation and closure (domain model A.4; TIP
Protocol art. 8(2); IOM AVRR stages and Reintegration Handbook).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from messages.document import Body
from messages.header import Header
from messages.repatriation import rules
from messages.repatriation.models import earliest_local_date
from messages.repatriation.sections import (
    Consent,
    FollowUpNotes,
    Itinerary,
    ProsecutorConfirmation,
    RiskNarrative,
    RssScore,
    RssScores,
    TravelArrangements,
)
from messages.repatriation.vocab import (
    AssessorKind,
    AssistanceType,
    CancellationReason,
    ClosureReason,
    ConsentPurpose,
    ContactStatus,
    HoldReason,
    InstitutionType,
    Mitigation,
    RecoveryStage,
    RiskFactor,
    RiskLevel,
)
from messages.types import CalendarDate, Count, UtcDateTime
from messages.vocab import Family, MessageType


class SafetyRiskAssessment(Body):
    """An assessment of the risks the person faces on return and of the measures that reduce
    them. Either side may assess, ideally both; the most recent assessment governs (TIP art.
    8(2): return 'with due regard for the safety of that person')."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.SAFETY_RISK_ASSESSMENT

    risk_level: RiskLevel
    risk_factors: list[RiskFactor] = Field(default_factory=list, max_length=len(RiskFactor))
    mitigations: list[Mitigation] = Field(default_factory=list, max_length=len(Mitigation))
    """Measures the assessor requires or has arranged."""
    assessed_at: UtcDateTime
    """When the assessment was completed; a return may be scheduled only on a recent one."""
    assessor_kind: AssessorKind
    narrative: RiskNarrative | None = None

    @model_validator(mode="after")
    def _rules(self) -> SafetyRiskAssessment:
        if self.risk_level is not RiskLevel.LOW and not self.risk_factors:
            raise rules.RISK_FACTORS.violation()
        if self.risk_level is RiskLevel.HIGH and not self.mitigations:
            raise rules.RISK_MITIGATION.violation()
        return self

    def check_header(self, header: Header) -> None:
        if self.assessed_at > header.sent_at:
            raise rules.RISK_ASSESSED_BEFORE_SENDING.violation()


class ReturnPlan(Body):
    """The proposed return: a travel window, how the person would travel and who would receive
    them, shared with the state of origin (and transit states) before the booking (IOM AVRR
    pre-departure stage)."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.RETURN_PLAN

    earliest_travel_date: CalendarDate
    latest_travel_date: CalendarDate
    travel: TravelArrangements
    planned_assistance: list[AssistanceType] = Field(
        default_factory=list, max_length=len(AssistanceType)
    )
    """The assistance the plan foresees on arrival."""

    @model_validator(mode="after")
    def _rules(self) -> ReturnPlan:
        if self.latest_travel_date < self.earliest_travel_date:
            raise rules.PLAN_WINDOW.violation()
        return self

    def check_header(self, header: Header) -> None:
        if self.earliest_travel_date < earliest_local_date(header.sent_at):
            raise rules.PLAN_WINDOW.violation("the travel window starts before the plan is sent")
        self.travel.check_transit(header)


class ReturnScheduled(Body):
    """The return is booked (IOM AVRR travel stage). It requires a recent safety assessment below
    PROHIBITIVE and, while legal proceedings are pending, the prosecutor's confirmation (TIP art.
    8(2)); a child travels escorted."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.RETURN_SCHEDULED

    travel_date: CalendarDate
    expected_arrival_date: CalendarDate
    travel: TravelArrangements
    itinerary: Itinerary | None = None
    prosecutor_confirmation: ProsecutorConfirmation | None = None
    """Required while legal proceedings are pending in the sending state."""

    @model_validator(mode="after")
    def _rules(self) -> ReturnScheduled:
        if self.expected_arrival_date < self.travel_date:
            raise rules.SCHEDULE_DATES.violation()
        return self

    def check_header(self, header: Header) -> None:
        if self.travel_date < earliest_local_date(header.sent_at):
            raise rules.SCHEDULE_DATES.violation("the travel date is before the day of scheduling")
        self.travel.check_transit(header)


class ArrivalConfirmed(Body):
    """The state of origin confirms that the person arrived and was received (IOM AVRR
    post-arrival stage: reception handover)."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.ARRIVAL_CONFIRMED

    arrived_at: UtcDateTime
    departed_at: UtcDateTime | None = None
    """When the person departed, if the state of origin knows it (the destination records
    departure locally)."""
    received_by: InstitutionType
    immediate_assistance: list[AssistanceType] = Field(
        default_factory=list, max_length=len(AssistanceType)
    )

    @model_validator(mode="after")
    def _rules(self) -> ArrivalConfirmed:
        if self.departed_at is not None and self.arrived_at <= self.departed_at:
            raise rules.ARRIVAL_TIMELINE.violation("the arrival is not after the departure")
        return self

    def check_header(self, header: Header) -> None:
        if self.arrived_at > header.sent_at:
            raise rules.ARRIVAL_TIMELINE.violation("the arrival is after the confirmation")


class ReintegrationFollowUp(Body):
    """A reintegration monitoring visit, reported by the state of origin to the destination state
    with the returnee's consent (opt-in); repeatable. Scores follow IOM's Reintegration
    Sustainability Survey (15 indicators in three dimensions), in whole points 0-100."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.REINTEGRATION_FOLLOW_UP
    CONSENT_PURPOSE: ClassVar = ConsentPurpose.REINTEGRATION_FOLLOW_UP

    visit_at: UtcDateTime
    visit_number: int = Field(ge=1, le=100)
    contact_status: ContactStatus
    assistance_rendered: list[AssistanceType] = Field(
        default_factory=list, max_length=len(AssistanceType)
    )
    referred_to: list[InstitutionType] = Field(
        default_factory=list, max_length=len(InstitutionType)
    )
    recovery_stage: RecoveryStage | None = None
    """The stage reached, as assessed at the visit; absent when the returnee was not reached."""
    rss: RssScores | None = None
    next_visit_due: CalendarDate | None = None
    consent: Consent
    """The returnee's consent to follow-up reporting, covering REINTEGRATION_FOLLOW_UP."""
    notes: FollowUpNotes | None = None

    @model_validator(mode="after")
    def _rules(self) -> ReintegrationFollowUp:
        if not self.consent.in_force:
            raise rules.FOLLOW_UP_OPT_IN.violation()
        if not self.consent.covers(self.CONSENT_PURPOSE):
            raise rules.CONSENT_SCOPE.violation(
                f"the consent does not cover {self.CONSENT_PURPOSE}, the purpose of this message"
            )
        if self.rss is not None and self.contact_status is not ContactStatus.IN_CONTACT:
            raise rules.RSS_NEEDS_CONTACT.violation()
        return self

    def check_header(self, header: Header) -> None:
        self.consent.check_sent_after(header)


class HoldNotice(Body):
    """The case is paused; it resumes where it was with a ResumeNotice (domain model A.4)."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.HOLD_NOTICE

    reason: HoldReason
    until: CalendarDate | None = None
    """The expected end of the hold, if known."""

    def check_header(self, header: Header) -> None:
        if self.until is not None and self.until < earliest_local_date(header.sent_at):
            raise rules.HOLD_UNTIL.violation()


class ResumeNotice(Body):
    """The hold ends; the case returns to the state it was in before the hold."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.RESUME_NOTICE

    hold_reason: HoldReason
    """The reason of the hold that ends (it must match the hold on record)."""
    prosecutor_confirmation: ProsecutorConfirmation | None = None
    """Required to resume a scheduled return after a hold for legal proceedings."""


class CancellationNotice(Body):
    """The return will not take place; the case ends (domain model A.4)."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.CANCELLATION_NOTICE

    reason: CancellationReason
    consent_withdrawn_at: UtcDateTime | None = None
    """With CONSENT_WITHDRAWN: when the person withdrew consent. The recipient then erases the
    identity data it received in this case."""

    @model_validator(mode="after")
    def _rules(self) -> CancellationNotice:
        withdrawn = self.reason is CancellationReason.CONSENT_WITHDRAWN
        if withdrawn != (self.consent_withdrawn_at is not None):
            raise rules.CANCELLATION_WITHDRAWAL.violation()
        return self

    def check_header(self, header: Header) -> None:
        if self.consent_withdrawn_at is not None and self.consent_withdrawn_at > header.sent_at:
            raise rules.CANCELLATION_WITHDRAWAL.violation(
                "consent is withdrawn after the notice is sent"
            )


class CaseClosure(Body):
    """The state of origin closes the case after the return (domain model A.4)."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.CASE_CLOSURE

    reason: ClosureReason
    closed_at: UtcDateTime
    follow_up_visits: Count
    """How many reintegration visits took place."""
    final_recovery_stage: RecoveryStage | None = None
    final_rss_composite: RssScore | None = None
    """The composite RSS score of the last visit, if one was measured."""

    @model_validator(mode="after")
    def _rules(self) -> CaseClosure:
        if (
            self.reason is ClosureReason.REINTEGRATION_ACHIEVED
            and self.final_recovery_stage is not RecoveryStage.SUSTAINABLE_REINTEGRATION
        ):
            raise rules.CLOSURE_ACHIEVED.violation()
        return self
