"""Message bodies of the witness-protection family (domain model A.5).

Data minimisation (A.5) shapes every body:

- a person is named only by ``wp_token``, random and different for each counterpart state
  (rule 1); identity, new identity, addresses and locations live only in the sealed dossier,
  readable by the protection units alone (rule 2);
- outside sealed sections there is no free text at all: only codes, the token, institutional
  references (``arrangement_ref``, ``sealed_dossier_ref``), numbers, booleans and dates
  (rule 5);
- direction matters (rule 4): the host never sends identity data back. The only sealed
  dossier travels in a ``WPCooperationRequest``, which the requesting unit sends; the host's
  messages (``WPCooperationDecision``, ``WPStatusUpdate``) have no sealed section at all; the
  messages either unit may send (``WPArrangementConcluded``, ``WPIncidentAlert``,
  ``WPTermination``) say which side sends them in ``sender_side``, and only a requesting-side
  incident alert may carry a sealed detail. The lifecycle checks ``sender_side`` and the
  direction of every other type against the case.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import ClassVar, Final

from pydantic import Field, model_validator

from messages.base import WireModel
from messages.document import Body
from messages.header import Header
from messages.rules import LegalRule
from messages.types import CalendarDate, Identifier, UtcDateTime, WpToken
from messages.vocab import AuthorityRole, Family, MessageType, UrgencyLevel, UseLimitation
from messages.witness_protection import rules
from messages.witness_protection.sealed import IncidentDetail, WPDossier
from messages.witness_protection.vocab import (
    ACCEPTANCES,
    RELOCATION_MEASURES,
    CourtProtectiveMeasure,
    DossierDisposition,
    IncidentAction,
    IncidentKind,
    IncidentRequest,
    IncidentSeverity,
    PostTerminationMeasure,
    ProceedingsStage,
    ProtectedPersonRole,
    SuspensionReason,
    TerminationStep,
    TestimonyMode,
    WPCondition,
    WPCostBearer,
    WPDecisionOutcome,
    WPDeclineReason,
    WPInfoItem,
    WPMeasure,
    WPSide,
    WPStatus,
    WPSubmission,
    WPTerminationReason,
    WPThreatLevel,
)

MAX_HEARING_WINDOW: Final = timedelta(days=90)
TESTIMONY_READERS: Final = frozenset(
    {AuthorityRole.WP_UNIT, AuthorityRole.PROSECUTOR, AuthorityRole.JUDGE}
)
MEASURES_MAX = len(WPMeasure)


def _check_unique(values: Iterable[object], field: str) -> None:
    seen: set[object] = set()
    for value in values:
        if value in seen:
            raise rules.UNIQUE_CODES.violation(f"{field}: {value} is listed twice")
        seen.add(value)


def _check_present_iff(rule: LegalRule, present: bool, *, required: bool, when: str) -> None:
    """Raise ``rule`` unless the field is present exactly when it is required."""
    if required and not present:
        raise rule.violation(f"required when {when}")
    if not required and present:
        raise rule.violation(f"must be empty or absent when {when}")


class WPBody(Body):
    """Common header rules of every witness-protection body (A.5 rules 2, 3)."""

    FAMILY: ClassVar = Family.WITNESS_PROTECTION

    def check_header(self, header: Header) -> None:
        roles = (header.sender.role, header.recipient.role)
        if any(role is not AuthorityRole.WP_UNIT for role in roles):
            raise rules.WP_UNITS_ONLY.violation(
                f"sent by a {header.sender.role} to a {header.recipient.role}; both must be WP_UNIT"
            )
        allowed = (
            TESTIMONY_READERS
            if self.MESSAGE_TYPE is MessageType.TESTIMONY_ARRANGEMENT_REQUEST
            else frozenset({AuthorityRole.WP_UNIT})
        )
        extra = sorted(set(header.handling.need_to_know_roles) - allowed)
        if extra:
            raise rules.NEED_TO_KNOW.violation(
                f"{', '.join(extra)} may not see a {self.MESSAGE_TYPE}"
            )
        if (
            header.handling.use_limitation is not UseLimitation.WITNESS_PROTECTION_ONLY
            or not header.handling.no_onward_transmission
        ):
            raise rules.USE_LIMITATION.violation()


class WPCooperationRequest(WPBody):
    """The requesting unit asks the host unit to protect a person (A.5; Salzburg Forum
    Agreement: cooperation upon written request). An INITIAL request opens the case with the
    sealed dossier; a SUPPLEMENT answers the host's NEEDS_INFO decision."""

    FAMILY: ClassVar = Family.WITNESS_PROTECTION
    MESSAGE_TYPE: ClassVar = MessageType.WP_COOPERATION_REQUEST

    wp_token: WpToken
    submission: WPSubmission
    measures: list[WPMeasure] = Field(min_length=1, max_length=MEASURES_MAX)
    """The measures requested."""
    in_national_programme: bool
    """The person is already under the requesting state's national protection programme
    (required for relocation)."""
    principal_count: int = Field(ge=0, le=99)
    """Number of principals (persons protected in their own right): always 1."""
    dependants_count: int = Field(ge=0, le=20)
    """Relatives protected with the principal."""
    protected_person_role: ProtectedPersonRole
    proceedings_stage: ProceedingsStage
    threat_level: WPThreatLevel
    duration_requested_months: int | None = Field(default=None, ge=1, le=120)
    """Requested duration of the protection; required for a temporary relocation."""
    cost_bearer: WPCostBearer
    sealed_dossier_ref: Identifier
    """The requesting unit's reference of the dossier (never a name)."""
    supplied_information: list[WPInfoItem] = Field(default_factory=list, max_length=len(WPInfoItem))
    """In a SUPPLEMENT: the information items it supplies."""
    dossier: WPDossier | None = None
    """The sealed dossier; required in an INITIAL request, optional (an updated dossier) in a
    SUPPLEMENT."""

    @model_validator(mode="after")
    def _rules(self) -> WPCooperationRequest:
        _check_unique(self.measures, "measures")
        _check_unique(self.supplied_information, "supplied_information")
        relocation = [m for m in self.measures if m in RELOCATION_MEASURES]
        if relocation and not self.in_national_programme:
            raise rules.RELOCATION_IN_PROGRAMME.violation(
                f"{', '.join(relocation)} requested for a person not in the national programme"
            )
        if self.principal_count != 1:
            raise rules.SINGLE_PRINCIPAL.violation(f"principal_count is {self.principal_count}")
        if self.dossier is not None and self.dependants_count != len(self.dossier.dependants):
            raise rules.DEPENDANTS_COUNT.violation(
                f"dependants_count is {self.dependants_count} but the dossier identifies "
                f"{len(self.dossier.dependants)}"
            )
        if self.submission is WPSubmission.INITIAL and self.dossier is None:
            raise rules.INITIAL_DOSSIER.violation()
        if (self.submission is WPSubmission.SUPPLEMENT) != bool(self.supplied_information):
            raise rules.SUPPLEMENT_ITEMS.violation()
        if WPMeasure.TEMP_RELOCATION in self.measures and self.duration_requested_months is None:
            raise rules.TEMPORARY_DURATION.violation()
        return self


class WPCooperationDecision(WPBody):
    """The host unit's decision on a cooperation request (A.5). Sent by the host only; it has
    no sealed section, so it cannot carry identity or location data back (rule 4). Conditions
    are codes; their terms are written in the arrangement (rule 9)."""

    FAMILY: ClassVar = Family.WITNESS_PROTECTION
    MESSAGE_TYPE: ClassVar = MessageType.WP_COOPERATION_DECISION

    wp_token: WpToken
    decision: WPDecisionOutcome
    accepted_measures: list[WPMeasure] = Field(default_factory=list, max_length=MEASURES_MAX)
    """In an acceptance: the measures accepted (a subset of those requested)."""
    conditions: list[WPCondition] = Field(default_factory=list, max_length=len(WPCondition))
    """In ACCEPTED_WITH_CONDITIONS: the conditions."""
    decline_reasons: list[WPDeclineReason] = Field(
        default_factory=list, max_length=len(WPDeclineReason)
    )
    information_needed: list[WPInfoItem] = Field(default_factory=list, max_length=len(WPInfoItem))
    arrangement_ref: Identifier | None = None
    """In an acceptance: the reference of the arrangement (MoU) to be concluded."""

    @model_validator(mode="after")
    def _rules(self) -> WPCooperationDecision:
        for name in ("accepted_measures", "conditions", "decline_reasons", "information_needed"):
            _check_unique(getattr(self, name), name)
        when = f"the decision is {self.decision}"
        accepted = self.decision in ACCEPTANCES
        _check_present_iff(
            rules.DECISION_CONDITIONS,
            bool(self.conditions),
            required=self.decision is WPDecisionOutcome.ACCEPTED_WITH_CONDITIONS,
            when=when,
        )
        _check_present_iff(
            rules.DECISION_MEASURES, bool(self.accepted_measures), required=accepted, when=when
        )
        _check_present_iff(
            rules.DECISION_DECLINE_REASONS,
            bool(self.decline_reasons),
            required=self.decision is WPDecisionOutcome.DECLINED,
            when=when,
        )
        _check_present_iff(
            rules.DECISION_INFORMATION,
            bool(self.information_needed),
            required=self.decision is WPDecisionOutcome.NEEDS_INFO,
            when=when,
        )
        if self.arrangement_ref is not None and not accepted:
            raise rules.DECISION_ARRANGEMENT_REF.violation(f"must be absent when {when}")
        return self


class WPArrangementConcluded(WPBody):
    """The two units have concluded the arrangement (MoU) that governs the protection (A.5).
    Cost and obligation terms live in the arrangement itself, named by ``arrangement_ref``,
    not in operational messages (rule 9)."""

    FAMILY: ClassVar = Family.WITNESS_PROTECTION
    MESSAGE_TYPE: ClassVar = MessageType.WP_ARRANGEMENT_CONCLUDED

    wp_token: WpToken
    sender_side: WPSide
    arrangement_ref: Identifier
    """The arrangement's (MoU's) reference, as both units file it."""
    measures: list[WPMeasure] = Field(min_length=1, max_length=MEASURES_MAX)
    """The measures agreed."""
    cost_bearer: WPCostBearer
    start_date: CalendarDate
    end_date: CalendarDate | None = None
    """The planned end; absent for an arrangement that runs until terminated."""
    review_interval_months: int = Field(ge=1, le=24)
    termination_conditions: list[WPTerminationReason] = Field(
        min_length=1, max_length=len(WPTerminationReason)
    )
    """The events on which either unit may terminate the arrangement."""

    @model_validator(mode="after")
    def _rules(self) -> WPArrangementConcluded:
        _check_unique(self.measures, "measures")
        _check_unique(self.termination_conditions, "termination_conditions")
        if self.end_date is not None and self.end_date <= self.start_date:
            raise rules.ARRANGEMENT_DATES.violation(
                f"end_date {self.end_date} is not after start_date {self.start_date}"
            )
        return self


class WPStatusUpdate(WPBody):
    """The host unit reports the status of the protection (A.5). It carries no location and no
    new identity: it has no sealed section at all (rule 4)."""

    FAMILY: ClassVar = Family.WITNESS_PROTECTION
    MESSAGE_TYPE: ClassVar = MessageType.WP_STATUS_UPDATE

    wp_token: WpToken
    status: WPStatus
    next_review_at: CalendarDate | None = None
    """The date of the next periodic review of the arrangement."""
    suspension_reason: SuspensionReason | None = None
    measures_in_force: list[WPMeasure] = Field(default_factory=list, max_length=MEASURES_MAX)
    """The measures currently applied."""
    open_incident: bool | None = None
    """Whether an incident reported earlier is still being handled; false clears the case's
    incident flag, absent leaves it unchanged."""

    @model_validator(mode="after")
    def _rules(self) -> WPStatusUpdate:
        _check_unique(self.measures_in_force, "measures_in_force")
        when = f"the status is {self.status}"
        if self.status in (WPStatus.ACTIVE, WPStatus.UNDER_REVIEW) and self.next_review_at is None:
            raise rules.STATUS_NEXT_REVIEW.violation(f"required when {when}")
        _check_present_iff(
            rules.STATUS_SUSPENSION_REASON,
            self.suspension_reason is not None,
            required=self.status is WPStatus.SUSPENDED,
            when=when,
        )
        return self


class HearingWindow(WireModel):
    """When the hearing may take place."""

    earliest: UtcDateTime
    latest: UtcDateTime


class TestimonyArrangementRequest(WPBody):
    """A prosecutor or judge of the requesting state, through its own protection unit, asks
    the host unit to arrange the protected person's testimony (A.5). Prosecutor-visible, it
    carries only the token, the schedule and the in-court protective measures (rule 3); the
    hearing itself is an MLA measure (mla.EvidenceRequest) that names the witness by the same
    ``wp_token``, never by name."""

    __test__: ClassVar[bool] = False  # not a pytest test class despite its name

    FAMILY: ClassVar = Family.WITNESS_PROTECTION
    MESSAGE_TYPE: ClassVar = MessageType.TESTIMONY_ARRANGEMENT_REQUEST

    wp_token: WpToken
    requested_by_authority: Identifier
    """The authority id of the prosecutor's office or court (e.g. 'AR-MPF-PROTEX')."""
    requested_by_role: AuthorityRole
    hearing_window: HearingWindow
    mode: TestimonyMode
    court_protective_measures: list[CourtProtectiveMeasure] = Field(
        default_factory=list, max_length=len(CourtProtectiveMeasure)
    )

    @model_validator(mode="after")
    def _rules(self) -> TestimonyArrangementRequest:
        _check_unique(self.court_protective_measures, "court_protective_measures")
        if self.requested_by_role not in (AuthorityRole.PROSECUTOR, AuthorityRole.JUDGE):
            raise rules.TESTIMONY_AUTHORITY.violation(f"requested by a {self.requested_by_role}")
        window = self.hearing_window
        if not timedelta(0) < window.latest - window.earliest <= MAX_HEARING_WINDOW:
            raise rules.TESTIMONY_WINDOW.violation()
        return self


class WPIncidentAlert(WPBody):
    """Either unit alerts the other to an incident: a threat, a breach of the person's
    obligations, a compromise of the protection, or a health emergency (A.5). Always IMMEDIATE.
    An incident sets a flag on the case; it does not change its state."""

    FAMILY: ClassVar = Family.WITNESS_PROTECTION
    MESSAGE_TYPE: ClassVar = MessageType.WP_INCIDENT_ALERT

    wp_token: WpToken
    sender_side: WPSide
    kind: IncidentKind
    severity: IncidentSeverity
    occurred_at: UtcDateTime
    actions_taken: list[IncidentAction] = Field(min_length=1, max_length=len(IncidentAction))
    actions_requested: list[IncidentRequest] = Field(min_length=1, max_length=len(IncidentRequest))
    detail: IncidentDetail | None = None
    """Sealed details; only from the requesting side (rule 4)."""

    @model_validator(mode="after")
    def _rules(self) -> WPIncidentAlert:
        _check_unique(self.actions_taken, "actions_taken")
        _check_unique(self.actions_requested, "actions_requested")
        if self.detail is not None and self.sender_side is not WPSide.REQUESTING:
            raise rules.HOST_SENDS_NOTHING_SEALED.violation()
        return self

    def check_header(self, header: Header) -> None:
        super().check_header(header)
        if header.urgency is None or header.urgency.level is not UrgencyLevel.IMMEDIATE:
            level = header.urgency.level if header.urgency else "absent"
            raise rules.INCIDENT_IMMEDIATE.violation(f"urgency is {level}")
        if self.occurred_at > header.sent_at:
            raise rules.INCIDENT_TIME.violation()


class WPTermination(WPBody):
    """Either unit ends the protection (NOTICE), and the other confirms the closure of the case
    (CLOSURE_CONFIRMATION) once protection has ended (A.5). Before an arrangement exists the
    requesting unit withdraws its request with the reason REQUEST_WITHDRAWN."""

    FAMILY: ClassVar = Family.WITNESS_PROTECTION
    MESSAGE_TYPE: ClassVar = MessageType.WP_TERMINATION

    wp_token: WpToken
    sender_side: WPSide
    step: TerminationStep
    reason: WPTerminationReason
    """In a NOTICE, why protection ends; in a CLOSURE_CONFIRMATION, the notice's reason."""
    effective_at: UtcDateTime
    """In a NOTICE, when protection ends; in a CLOSURE_CONFIRMATION, when the case was closed."""
    post_termination_measures: list[PostTerminationMeasure] = Field(
        default_factory=list, max_length=len(PostTerminationMeasure)
    )
    """In a NOTICE: what happens to the person afterwards."""
    dossier_disposition: DossierDisposition | None = None
    """In a CLOSURE_CONFIRMATION: what the confirming unit did with the sealed dossier."""

    @model_validator(mode="after")
    def _rules(self) -> WPTermination:
        _check_unique(self.post_termination_measures, "post_termination_measures")
        closure = self.step is TerminationStep.CLOSURE_CONFIRMATION
        if closure != (self.dossier_disposition is not None) or (
            closure and self.post_termination_measures
        ):
            raise rules.TERMINATION_CLOSURE_FIELDS.violation(f"in a {self.step}")
        if (
            self.reason is WPTerminationReason.REQUEST_WITHDRAWN
            and not closure
            and self.sender_side is not WPSide.REQUESTING
        ):
            raise rules.TERMINATION_WITHDRAWAL.violation()
        return self


BODIES: Final[tuple[type[Body], ...]] = (
    WPCooperationRequest,
    WPCooperationDecision,
    WPArrangementConcluded,
    WPStatusUpdate,
    TestimonyArrangementRequest,
    WPIncidentAlert,
    WPTermination,
)
