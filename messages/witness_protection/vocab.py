"""Controlled vocabularies of the witness-protection family (domain model A.5).

Rule 5 of A.5 allows no free text outside sealed sections, so everything a protection unit
says in the open part of a message is one of these codes.
"""

from __future__ import annotations

from enum import StrEnum


class WPMeasure(StrEnum):
    """A protection measure the requesting state asks for (A.5; Salzburg Forum Agreement)."""

    TEMP_RELOCATION = "TEMP_RELOCATION"
    PERMANENT_RELOCATION = "PERMANENT_RELOCATION"
    TRANSIT_PROTECTION = "TRANSIT_PROTECTION"
    DOCUMENT_SUPPORT = "DOCUMENT_SUPPORT"
    TESTIMONY_SUPPORT = "TESTIMONY_SUPPORT"
    INFO_EXCHANGE = "INFO_EXCHANGE"


RELOCATION_MEASURES = frozenset({WPMeasure.TEMP_RELOCATION, WPMeasure.PERMANENT_RELOCATION})
"""Measures that move the protected person to the host state."""


class WPThreatLevel(StrEnum):
    """The requesting unit's assessment of the threat to the protected person."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class WPCostBearer(StrEnum):
    """Who bears the cost of the measures (the terms themselves are in the arrangement)."""

    REQUESTING = "REQUESTING"
    SHARED = "SHARED"
    REQUESTED = "REQUESTED"


class WPSubmission(StrEnum):
    """Whether a cooperation request opens the case or supplements it after NEEDS_INFO."""

    INITIAL = "INITIAL"
    SUPPLEMENT = "SUPPLEMENT"


class WPInfoItem(StrEnum):
    """An item of information the host unit needs before it can decide."""

    THREAT_ASSESSMENT = "THREAT_ASSESSMENT"
    PROGRAMME_ADMISSION_RECORD = "PROGRAMME_ADMISSION_RECORD"
    PROCEEDINGS_SCHEDULE = "PROCEEDINGS_SCHEDULE"
    DEPENDANTS_DETAILS = "DEPENDANTS_DETAILS"
    MEDICAL_NEEDS = "MEDICAL_NEEDS"
    LANGUAGE_NEEDS = "LANGUAGE_NEEDS"
    CRIMINAL_RECORD = "CRIMINAL_RECORD"
    IDENTITY_DOCUMENTS = "IDENTITY_DOCUMENTS"
    COST_UNDERTAKING = "COST_UNDERTAKING"


class ProtectedPersonRole(StrEnum):
    """Why the person is protected (CoE Rec(2005)9 covers witnesses and collaborators)."""

    WITNESS = "WITNESS"
    VICTIM_WITNESS = "VICTIM_WITNESS"
    COLLABORATOR_OF_JUSTICE = "COLLABORATOR_OF_JUSTICE"


class ProceedingsStage(StrEnum):
    """Stage of the criminal proceedings in which the person testifies."""

    INVESTIGATION = "INVESTIGATION"
    TRIAL_PENDING = "TRIAL_PENDING"
    TRIAL = "TRIAL"
    APPEAL = "APPEAL"
    CONCLUDED = "CONCLUDED"


class WPDecisionOutcome(StrEnum):
    """The host unit's answer to a cooperation request (A.5)."""

    ACCEPTED = "ACCEPTED"
    ACCEPTED_WITH_CONDITIONS = "ACCEPTED_WITH_CONDITIONS"
    DECLINED = "DECLINED"
    NEEDS_INFO = "NEEDS_INFO"


ACCEPTANCES = frozenset({WPDecisionOutcome.ACCEPTED, WPDecisionOutcome.ACCEPTED_WITH_CONDITIONS})


class WPCondition(StrEnum):
    """A condition attached to an acceptance; the terms are written in the arrangement (rule 9)."""

    REQUESTING_STATE_BEARS_COSTS = "REQUESTING_STATE_BEARS_COSTS"
    COSTS_SHARED_PER_ARRANGEMENT = "COSTS_SHARED_PER_ARRANGEMENT"
    PRINCIPAL_ACCEPTS_HOST_PROGRAMME_RULES = "PRINCIPAL_ACCEPTS_HOST_PROGRAMME_RULES"
    NO_CONTACT_WITH_STATE_OF_ORIGIN_WITHOUT_CLEARANCE = (
        "NO_CONTACT_WITH_STATE_OF_ORIGIN_WITHOUT_CLEARANCE"
    )
    PERIODIC_THREAT_REASSESSMENT = "PERIODIC_THREAT_REASSESSMENT"
    LIMITED_DURATION = "LIMITED_DURATION"
    DEPENDANTS_ONLY_AS_LISTED = "DEPENDANTS_ONLY_AS_LISTED"
    TESTIMONY_BY_VIDEO_LINK_ONLY = "TESTIMONY_BY_VIDEO_LINK_ONLY"
    REQUESTING_STATE_RETAKES_PERSON_ON_TERMINATION = (
        "REQUESTING_STATE_RETAKES_PERSON_ON_TERMINATION"
    )


class WPDeclineReason(StrEnum):
    """Why the host unit declines."""

    NO_CAPACITY = "NO_CAPACITY"
    NOT_IN_NATIONAL_PROGRAMME = "NOT_IN_NATIONAL_PROGRAMME"
    MEASURE_NOT_AVAILABLE = "MEASURE_NOT_AVAILABLE"
    RISK_TO_HOST_STATE = "RISK_TO_HOST_STATE"
    THREAT_NOT_SUBSTANTIATED = "THREAT_NOT_SUBSTANTIATED"
    COST_TERMS_NOT_AGREED = "COST_TERMS_NOT_AGREED"
    INFORMATION_NOT_PROVIDED = "INFORMATION_NOT_PROVIDED"


class WPSide(StrEnum):
    """The side of the case a message comes from, in messages either side may send.

    The requesting state's unit opened the case; the host (requested) state's unit protects
    the person. Data-minimisation rule 4 depends on the direction.
    """

    REQUESTING = "REQUESTING"
    HOST = "HOST"


class WPStatus(StrEnum):
    """Status of the protection reported by the host unit (A.5, plus RELOCATION_IN_PROGRESS)."""

    RELOCATION_IN_PROGRESS = "RELOCATION_IN_PROGRESS"
    ACTIVE = "ACTIVE"
    UNDER_REVIEW = "UNDER_REVIEW"
    SUSPENDED = "SUSPENDED"


class SuspensionReason(StrEnum):
    """Why the host unit suspended the protection measures."""

    BREACH_UNDER_INVESTIGATION = "BREACH_UNDER_INVESTIGATION"
    PERSON_UNREACHABLE = "PERSON_UNREACHABLE"
    HOSPITALISATION = "HOSPITALISATION"
    TEMPORARY_ABSENCE_FOR_TESTIMONY = "TEMPORARY_ABSENCE_FOR_TESTIMONY"
    SECURITY_REVIEW = "SECURITY_REVIEW"


class TestimonyMode(StrEnum):
    """How the protected person testifies (A.5; UNTOC art. 18(18) for video hearings)."""

    __test__ = False  # not a pytest test class despite the name

    VIDEO_LINK = "VIDEO_LINK"
    IN_PERSON_ESCORTED = "IN_PERSON_ESCORTED"


class CourtProtectiveMeasure(StrEnum):
    """Protective measures in court (A.5; UNODC good practices: identity during testimony)."""

    PSEUDONYM = "PSEUDONYM"
    VOICE_DISTORTION = "VOICE_DISTORTION"
    FACE_MASKING = "FACE_MASKING"
    SCREEN = "SCREEN"
    CLOSED_SESSION = "CLOSED_SESSION"


class IncidentSeverity(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class IncidentKind(StrEnum):
    """What happened (A.5)."""

    THREAT = "THREAT"
    BREACH = "BREACH"
    COMPROMISE = "COMPROMISE"
    HEALTH = "HEALTH"


class IncidentAction(StrEnum):
    """What the sending unit has already done about the incident."""

    EMERGENCY_RELOCATION = "EMERGENCY_RELOCATION"
    PROTECTION_REINFORCED = "PROTECTION_REINFORCED"
    COMMUNICATIONS_CHANGED = "COMMUNICATIONS_CHANGED"
    POLICE_NOTIFIED = "POLICE_NOTIFIED"
    MEDICAL_CARE_PROVIDED = "MEDICAL_CARE_PROVIDED"
    NONE_YET = "NONE_YET"


class IncidentRequest(StrEnum):
    """What the sending unit asks the other unit to do."""

    UPDATED_THREAT_ASSESSMENT = "UPDATED_THREAT_ASSESSMENT"
    INVESTIGATE_INFORMATION_LEAK = "INVESTIGATE_INFORMATION_LEAK"
    REVIEW_ARRANGEMENT = "REVIEW_ARRANGEMENT"
    CONSIDER_TERMINATION = "CONSIDER_TERMINATION"
    NO_ACTION = "NO_ACTION"


class WPTerminationReason(StrEnum):
    """Why protection ends (A.5), plus REQUEST_WITHDRAWN before an arrangement exists."""

    THREAT_CEASED = "THREAT_CEASED"
    VOLUNTARY_EXIT = "VOLUNTARY_EXIT"
    BREACH_OF_OBLIGATIONS = "BREACH_OF_OBLIGATIONS"
    PROCEEDINGS_CONCLUDED = "PROCEEDINGS_CONCLUDED"
    REQUEST_WITHDRAWN = "REQUEST_WITHDRAWN"
    OTHER = "OTHER"


class TerminationStep(StrEnum):
    """A termination is notified by one unit and its closure confirmed by the other."""

    NOTICE = "NOTICE"
    CLOSURE_CONFIRMATION = "CLOSURE_CONFIRMATION"


class PostTerminationMeasure(StrEnum):
    """What happens to the person after protection ends."""

    ASSISTED_RETURN_TO_REQUESTING_STATE = "ASSISTED_RETURN_TO_REQUESTING_STATE"
    REMAINS_IN_HOST_STATE = "REMAINS_IN_HOST_STATE"
    TRANSFER_TO_HOST_NATIONAL_PROGRAMME = "TRANSFER_TO_HOST_NATIONAL_PROGRAMME"
    FOLLOW_UP_CONTACT_PERIOD = "FOLLOW_UP_CONTACT_PERIOD"


class DossierDisposition(StrEnum):
    """What the confirming unit did with the sealed dossier at closure (A.5 rule 8)."""

    DESTROYED = "DESTROYED"
    RETAINED_UNTIL_RETENTION_DATE = "RETAINED_UNTIL_RETENTION_DATE"


class WPSex(StrEnum):
    """Sex as recorded in the person's identity documents (sealed sections only)."""

    FEMALE = "FEMALE"
    MALE = "MALE"
    OTHER = "OTHER"
    UNKNOWN = "UNKNOWN"


class DependantRelationship(StrEnum):
    SPOUSE_OR_PARTNER = "SPOUSE_OR_PARTNER"
    CHILD = "CHILD"
    PARENT = "PARENT"
    SIBLING = "SIBLING"
    OTHER_RELATIVE = "OTHER_RELATIVE"


class IdentityDocumentKind(StrEnum):
    PASSPORT = "PASSPORT"
    NATIONAL_IDENTITY_CARD = "NATIONAL_IDENTITY_CARD"
    RESIDENCE_PERMIT = "RESIDENCE_PERMIT"
    BIRTH_CERTIFICATE = "BIRTH_CERTIFICATE"
    OTHER = "OTHER"
