"""Controlled vocabularies shared by every family: families, message types, roles, legal bases,
classification and urgency. Family-specific vocabularies live in each family's module."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Family(StrEnum):
    """The message families. ``transport`` carries delivery receipts, never business content."""

    MLA = "mla"
    REPATRIATION = "repatriation"
    WITNESS_PROTECTION = "witness_protection"
    STATISTICS = "statistics"
    TRANSPORT = "transport"


class MessageType(StrEnum):
    """Every message type of every family. Names are unique across families."""

    # mla
    EVIDENCE_REQUEST = "EvidenceRequest"
    ACKNOWLEDGEMENT = "Acknowledgement"
    INFORMATION_REQUEST = "InformationRequest"
    INFORMATION_REPLY = "InformationReply"
    DECISION_NOTICE = "DecisionNotice"
    DELAY_NOTICE = "DelayNotice"
    POSTPONEMENT_NOTICE = "PostponementNotice"
    CONSULTATION_PROPOSAL = "ConsultationProposal"
    CONSULTATION_REPLY = "ConsultationReply"
    STATUS_INQUIRY = "StatusInquiry"
    STATUS_REPORT = "StatusReport"
    EXECUTION_REPORT = "ExecutionReport"
    REFUSAL_NOTICE = "RefusalNotice"
    WITHDRAWAL_NOTICE = "WithdrawalNotice"
    CLOSURE_NOTICE = "ClosureNotice"
    # repatriation
    VICTIM_IDENTIFIED_NOTICE = "VictimIdentifiedNotice"
    CONSULAR_NOTIFICATION = "ConsularNotification"
    NATIONALITY_VERIFICATION_REQUEST = "NationalityVerificationRequest"
    NATIONALITY_VERIFICATION_RESULT = "NationalityVerificationResult"
    TRAVEL_DOCUMENT_REQUEST = "TravelDocumentRequest"
    TRAVEL_DOCUMENT_ISSUED = "TravelDocumentIssued"
    SAFETY_RISK_ASSESSMENT = "SafetyRiskAssessment"
    RETURN_PLAN = "ReturnPlan"
    RETURN_SCHEDULED = "ReturnScheduled"
    ARRIVAL_CONFIRMED = "ArrivalConfirmed"
    REINTEGRATION_FOLLOW_UP = "ReintegrationFollowUp"
    HOLD_NOTICE = "HoldNotice"
    RESUME_NOTICE = "ResumeNotice"
    CANCELLATION_NOTICE = "CancellationNotice"
    CASE_CLOSURE = "CaseClosure"
    # witness_protection
    WP_COOPERATION_REQUEST = "WPCooperationRequest"
    WP_COOPERATION_DECISION = "WPCooperationDecision"
    WP_ARRANGEMENT_CONCLUDED = "WPArrangementConcluded"
    WP_STATUS_UPDATE = "WPStatusUpdate"
    TESTIMONY_ARRANGEMENT_REQUEST = "TestimonyArrangementRequest"
    WP_INCIDENT_ALERT = "WPIncidentAlert"
    WP_TERMINATION = "WPTermination"
    # statistics
    AGGREGATE_RELEASE = "AggregateRelease"
    # transport
    DELIVERY_RECEIPT = "DeliveryReceipt"


_FAMILY_PREFIXES: Final = (
    (Family.MLA, MessageType.EVIDENCE_REQUEST, MessageType.CLOSURE_NOTICE),
    (Family.REPATRIATION, MessageType.VICTIM_IDENTIFIED_NOTICE, MessageType.CASE_CLOSURE),
    (Family.WITNESS_PROTECTION, MessageType.WP_COOPERATION_REQUEST, MessageType.WP_TERMINATION),
    (Family.STATISTICS, MessageType.AGGREGATE_RELEASE, MessageType.AGGREGATE_RELEASE),
    (Family.TRANSPORT, MessageType.DELIVERY_RECEIPT, MessageType.DELIVERY_RECEIPT),
)


def _family_of_each_type() -> dict[MessageType, Family]:
    members = list(MessageType)
    result: dict[MessageType, Family] = {}
    for family, first, last in _FAMILY_PREFIXES:
        for member in members[members.index(first) : members.index(last) + 1]:
            result[member] = family
    return result


FAMILY_OF: Final[dict[MessageType, Family]] = _family_of_each_type()
"""The family each message type belongs to."""


class AuthorityRole(StrEnum):
    """The role of the authority that sends or receives a message (header ``sender.role``)."""

    CENTRAL_AUTHORITY = "CENTRAL_AUTHORITY"
    PROSECUTOR = "PROSECUTOR"
    JUDGE = "JUDGE"
    CONSULAR_POST = "CONSULAR_POST"
    MFA = "MFA"
    WP_UNIT = "WP_UNIT"
    VICTIM_SERVICES = "VICTIM_SERVICES"
    STATS_OFFICE = "STATS_OFFICE"


class LegalBasis(StrEnum):
    """The instrument under which a message is sent (domain model A.1)."""

    IACMAMC_1992 = "IACMAMC_1992"
    """Inter-American Convention on Mutual Assistance in Criminal Matters (Nassau, 1992)."""
    IACMAMC_OPT_PROTOCOL_1993 = "IACMAMC_OPT_PROTOCOL_1993"
    """Optional Protocol to the Inter-American Convention (Managua, 1993)."""
    UNTOC_ART18 = "UNTOC_ART18"
    """UN Convention against Transnational Organized Crime, art. 18 (mutual legal assistance)."""
    UNTOC_ART24 = "UNTOC_ART24"
    """UNTOC art. 24 (protection of witnesses)."""
    TIP_PROTOCOL_ART8 = "TIP_PROTOCOL_ART8"
    """Trafficking in Persons Protocol art. 8 (repatriation of victims)."""
    VCCR_ART36 = "VCCR_ART36"
    """Vienna Convention on Consular Relations art. 36 (communication with nationals)."""
    BILATERAL = "BILATERAL"
    """A bilateral treaty, named by ``treaty_id``."""
    RECIPROCITY = "RECIPROCITY"
    DOMESTIC_LAW = "DOMESTIC_LAW"


class Classification(StrEnum):
    """Protective marking, in increasing order of protection."""

    PUBLIC = "PUBLIC"
    RESTRICTED = "RESTRICTED"
    CONFIDENTIAL = "CONFIDENTIAL"
    SECRET = "SECRET"  # noqa: S105 - a protective marking, not a password

    @property
    def rank(self) -> int:
        """Position in the order PUBLIC < RESTRICTED < CONFIDENTIAL < SECRET."""
        return list(Classification).index(self)


class UseLimitation(StrEnum):
    """What the recipient may use the content for (IACMAMC art. 25; UNTOC 18(19))."""

    STATED_PURPOSE_ONLY = "STATED_PURPOSE_ONLY"
    STATED_PURPOSE_AND_RELATED_PROCEEDINGS = "STATED_PURPOSE_AND_RELATED_PROCEEDINGS"
    VICTIM_ASSISTANCE_ONLY = "VICTIM_ASSISTANCE_ONLY"
    WITNESS_PROTECTION_ONLY = "WITNESS_PROTECTION_ONLY"
    STATISTICS_ONLY = "STATISTICS_ONLY"
    NO_RESTRICTION = "NO_RESTRICTION"


class UrgencyLevel(StrEnum):
    NORMAL = "NORMAL"
    URGENT = "URGENT"
    IMMEDIATE = "IMMEDIATE"


class UrgencyReason(StrEnum):
    """Why a message is urgent (EIO Annex A section B, adapted)."""

    EVIDENCE_AT_RISK = "EVIDENCE_AT_RISK"
    IMMINENT_TRIAL_DATE = "IMMINENT_TRIAL_DATE"
    PERSON_IN_CUSTODY = "PERSON_IN_CUSTODY"
    RISK_TO_LIFE_OR_SAFETY = "RISK_TO_LIFE_OR_SAFETY"
    LIMITATION_PERIOD = "LIMITATION_PERIOD"
    VICTIM_RETURN_DATE = "VICTIM_RETURN_DATE"
    OTHER = "OTHER"
