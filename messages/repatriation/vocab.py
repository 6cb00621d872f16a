"""Controlled vocabularies of the repatriation family (domain model A.4).

Several lists are proposals (domain model B.8 item 8): no international code list exists for
assistance types, recovery stages or mitigation measures. ``AssistanceType``,
``InstitutionType`` and ``RecoveryStage`` are also the vocabulary of the local statistics record
(domain model A.6: ``assistance_rendered``, ``referred_to``, ``recovery_stage``); the statistics
family should import them from here rather than define its own copies.
"""

from __future__ import annotations

from enum import StrEnum

from messages.people import AgeGroup as AgeGroup
from messages.people import AssistanceType as AssistanceType
from messages.people import InstitutionType as InstitutionType
from messages.people import RecoveryStage as RecoveryStage
from messages.people import Sex as Sex


class IdentifyingAuthorityKind(StrEnum):
    """The kind of body that identified the presumed victim."""

    LAW_ENFORCEMENT = "LAW_ENFORCEMENT"
    LABOUR_INSPECTION = "LABOUR_INSPECTION"
    IMMIGRATION_SERVICE = "IMMIGRATION_SERVICE"
    PROSECUTION = "PROSECUTION"
    VICTIM_SERVICES = "VICTIM_SERVICES"
    CHILD_PROTECTION = "CHILD_PROTECTION"
    NGO = "NGO"
    HEALTH_SERVICE = "HEALTH_SERVICE"
    CONSULAR_POST = "CONSULAR_POST"
    OTHER = "OTHER"


class ConsentPurpose(StrEnum):
    """What the person agreed that their data may be used for (the scope of a consent)."""

    CONSULAR_ASSISTANCE = "CONSULAR_ASSISTANCE"
    """Their identity may be given to the consular post of their presumed nationality."""
    NATIONALITY_VERIFICATION = "NATIONALITY_VERIFICATION"
    """Their identity may be checked against civil and consular registries (TIP art. 8(3))."""
    TRAVEL_DOCUMENTS = "TRAVEL_DOCUMENTS"
    """A travel document may be requested and issued in their name (TIP art. 8(4))."""
    RISK_ASSESSMENT = "RISK_ASSESSMENT"
    """Their family and community of origin may be contacted to assess safety."""
    FAMILY_TRACING = "FAMILY_TRACING"
    RETURN_ARRANGEMENTS = "RETURN_ARRANGEMENTS"
    """Travel, escort and reception may be arranged with the state of origin."""
    REINTEGRATION_FOLLOW_UP = "REINTEGRATION_FOLLOW_UP"
    """After return, reintegration monitoring may be reported to the destination state (opt-in,
    domain model A.4)."""


class ConsentGiver(StrEnum):
    """Who gave the consent. For a child, the guardian gives or joins it."""

    VICTIM = "VICTIM"
    GUARDIAN = "GUARDIAN"
    VICTIM_AND_GUARDIAN = "VICTIM_AND_GUARDIAN"


class NeedFlag(StrEnum):
    """Immediate needs known at identification (domain model A.4)."""

    MEDICAL = "MEDICAL"
    PSYCHOSOCIAL = "PSYCHOSOCIAL"
    SECURITY = "SECURITY"
    LEGAL = "LEGAL"
    SHELTER = "SHELTER"


class VictimWishes(StrEnum):
    """What the person wishes, as recorded by victim services (in their words: sealed)."""

    RETURN = "RETURN"
    STAY = "STAY"
    UNDECIDED = "UNDECIDED"
    THIRD_COUNTRY = "THIRD_COUNTRY"


class GuardianKind(StrEnum):
    """Who acts as a child's guardian."""

    PARENT = "PARENT"
    RELATIVE = "RELATIVE"
    COURT_APPOINTED = "COURT_APPOINTED"
    CHILD_PROTECTION_AUTHORITY = "CHILD_PROTECTION_AUTHORITY"
    INSTITUTIONAL = "INSTITUTIONAL"


class IdentityDocumentKind(StrEnum):
    """A document that shows (or helps show) identity and nationality."""

    NATIONAL_ID_CARD = "NATIONAL_ID_CARD"
    PASSPORT = "PASSPORT"
    BIRTH_CERTIFICATE = "BIRTH_CERTIFICATE"
    CONSULAR_REGISTRATION = "CONSULAR_REGISTRATION"
    RESIDENCE_PERMIT = "RESIDENCE_PERMIT"
    DRIVING_LICENCE = "DRIVING_LICENCE"
    OTHER = "OTHER"


class DetentionPlaceKind(StrEnum):
    """Where a national is held (VCCR art. 36(1)(b): 'arrested or committed to prison or to
    custody pending trial or is detained in any other manner')."""

    POLICE_CUSTODY = "POLICE_CUSTODY"
    IMMIGRATION_DETENTION = "IMMIGRATION_DETENTION"
    PRE_TRIAL_DETENTION = "PRE_TRIAL_DETENTION"
    PRISON = "PRISON"
    CLOSED_SHELTER = "CLOSED_SHELTER"
    HOSPITAL_UNDER_GUARD = "HOSPITAL_UNDER_GUARD"
    OTHER = "OTHER"


class NationalityIndication(StrEnum):
    """Why the destination state presumes the nationality it asks to verify."""

    DOCUMENT_SEEN = "DOCUMENT_SEEN"
    DOCUMENT_COPY_ATTACHED = "DOCUMENT_COPY_ATTACHED"
    OWN_STATEMENT = "OWN_STATEMENT"
    LANGUAGE_OR_ACCENT = "LANGUAGE_OR_ACCENT"
    THIRD_PARTY_STATEMENT = "THIRD_PARTY_STATEMENT"
    PRIOR_CONSULAR_RECORD = "PRIOR_CONSULAR_RECORD"
    OTHER = "OTHER"


class VerificationScope(StrEnum):
    """What the state of origin is asked to verify (TIP art. 8(3): nationality or the right of
    permanent residence)."""

    NATIONALITY = "NATIONALITY"
    PERMANENT_RESIDENCE = "PERMANENT_RESIDENCE"
    NATIONALITY_OR_RESIDENCE = "NATIONALITY_OR_RESIDENCE"


class VerificationOutcome(StrEnum):
    """The answer to a nationality verification request (domain model A.4)."""

    CONFIRMED_NATIONAL = "CONFIRMED_NATIONAL"
    CONFIRMED_PERMANENT_RESIDENT = "CONFIRMED_PERMANENT_RESIDENT"
    NOT_CONFIRMED = "NOT_CONFIRMED"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
    """The registries could not decide; ``missing_information`` says what would help. The case
    moves to NOT_CONFIRMED, from which a new request may be sent."""


class VerificationSource(StrEnum):
    """What the state of origin checked."""

    CIVIL_REGISTRY = "CIVIL_REGISTRY"
    NATIONAL_ID_REGISTRY = "NATIONAL_ID_REGISTRY"
    PASSPORT_RECORDS = "PASSPORT_RECORDS"
    CONSULAR_RECORDS = "CONSULAR_RECORDS"
    CONSULAR_INTERVIEW = "CONSULAR_INTERVIEW"
    RESIDENCE_RECORDS = "RESIDENCE_RECORDS"


class MissingInformation(StrEnum):
    """What a verification lacked (with INSUFFICIENT_DATA)."""

    FULL_NAMES = "FULL_NAMES"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    PLACE_OF_BIRTH = "PLACE_OF_BIRTH"
    PARENTS_NAMES = "PARENTS_NAMES"
    DOCUMENT_COPY = "DOCUMENT_COPY"
    PHOTOGRAPH = "PHOTOGRAPH"
    FINGERPRINTS = "FINGERPRINTS"
    CONSULAR_INTERVIEW = "CONSULAR_INTERVIEW"


class TravelDocumentKind(StrEnum):
    """The document the state of origin issues for the return (TIP art. 8(4))."""

    PASSPORT = "PASSPORT"
    EMERGENCY_TRAVEL_DOC = "EMERGENCY_TRAVEL_DOC"
    LAISSEZ_PASSER = "LAISSEZ_PASSER"
    OTHER = "OTHER"


class DocumentHandover(StrEnum):
    """Where the issued travel document is."""

    HELD_BY_CONSULAR_POST = "HELD_BY_CONSULAR_POST"
    SENT_TO_REQUESTING_AUTHORITY = "SENT_TO_REQUESTING_AUTHORITY"
    HANDED_TO_PERSON = "HANDED_TO_PERSON"
    HANDED_TO_ESCORT = "HANDED_TO_ESCORT"


class RiskLevel(StrEnum):
    """Overall level of risk on return, in increasing order (domain model A.4)."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    PROHIBITIVE = "PROHIBITIVE"
    """Return cannot be made safe: no return may be scheduled (TIP art. 8(2))."""

    @property
    def rank(self) -> int:
        """Position in the order LOW < MEDIUM < HIGH < PROHIBITIVE."""
        return list(RiskLevel).index(self)


class RiskFactor(StrEnum):
    """What makes return unsafe (domain model A.4; IOM risk and family assessments)."""

    TRAFFICKER_IN_ORIGIN = "TRAFFICKER_IN_ORIGIN"
    FAMILY_COMPLICITY = "FAMILY_COMPLICITY"
    DEBT = "DEBT"
    STIGMA = "STIGMA"
    RE_TRAFFICKING = "RE_TRAFFICKING"
    HEALTH = "HEALTH"
    OTHER = "OTHER"


class Mitigation(StrEnum):
    """A measure that reduces a risk on return (proposal; IOM AVRR pre-departure, travel and
    post-arrival stages, domain model B.4)."""

    ESCORTED_TRAVEL = "ESCORTED_TRAVEL"
    CONFIDENTIAL_TRAVEL_ARRANGEMENTS = "CONFIDENTIAL_TRAVEL_ARRANGEMENTS"
    SHELTER_ON_ARRIVAL = "SHELTER_ON_ARRIVAL"
    RELOCATION_WITHIN_ORIGIN = "RELOCATION_WITHIN_ORIGIN"
    POLICE_PROTECTION = "POLICE_PROTECTION"
    FAMILY_MEDIATION = "FAMILY_MEDIATION"
    DEBT_COUNSELLING = "DEBT_COUNSELLING"
    PSYCHOSOCIAL_SUPPORT = "PSYCHOSOCIAL_SUPPORT"
    MEDICAL_CONTINUITY = "MEDICAL_CONTINUITY"
    CHILD_PROTECTION_REFERRAL = "CHILD_PROTECTION_REFERRAL"
    REGULAR_MONITORING = "REGULAR_MONITORING"
    OTHER = "OTHER"


class AssessorKind(StrEnum):
    """Who assessed the risk; ideally both sides assess (domain model A.4)."""

    DESTINATION_VICTIM_SERVICES = "DESTINATION_VICTIM_SERVICES"
    ORIGIN_VICTIM_SERVICES = "ORIGIN_VICTIM_SERVICES"
    CONSULAR_POST = "CONSULAR_POST"
    LAW_ENFORCEMENT = "LAW_ENFORCEMENT"
    CHILD_PROTECTION_AUTHORITY = "CHILD_PROTECTION_AUTHORITY"
    IOM_OR_UN = "IOM_OR_UN"
    NGO = "NGO"


class TravelMode(StrEnum):
    AIR = "AIR"
    LAND = "LAND"
    RIVER = "RIVER"
    SEA = "SEA"


class EscortKind(StrEnum):
    """Who accompanies the person on the journey (domain model A.4)."""

    NONE = "NONE"
    NGO = "NGO"
    IOM = "IOM"
    OFFICIAL = "OFFICIAL"
    MEDICAL = "MEDICAL"


class ContactStatus(StrEnum):
    """Whether the returnee could be reached for the follow-up."""

    IN_CONTACT = "IN_CONTACT"
    TEMPORARILY_UNREACHABLE = "TEMPORARILY_UNREACHABLE"
    DECLINED_CONTACT = "DECLINED_CONTACT"
    LOST_CONTACT = "LOST_CONTACT"


class ProceedingsStep(StrEnum):
    """What the prosecutor secured before agreeing to the return (TIP art. 8(2): 'due regard
    for ... the status of any legal proceedings')."""

    TESTIMONY_NOT_REQUIRED = "TESTIMONY_NOT_REQUIRED"
    TESTIMONY_TAKEN = "TESTIMONY_TAKEN"
    REMOTE_TESTIMONY_ARRANGED = "REMOTE_TESTIMONY_ARRANGED"
    RETURN_FOR_TRIAL_ARRANGED = "RETURN_FOR_TRIAL_ARRANGED"


class HoldReason(StrEnum):
    """Why a case is paused (domain model A.4, plus VICTIM_REQUEST: the person asks for time)."""

    LEGAL_PROCEEDINGS = "LEGAL_PROCEEDINGS"
    REFLECTION_PERIOD = "REFLECTION_PERIOD"
    HEALTH = "HEALTH"
    RISK_REVIEW = "RISK_REVIEW"
    DOCUMENTS = "DOCUMENTS"
    VICTIM_REQUEST = "VICTIM_REQUEST"


class CancellationReason(StrEnum):
    """Why a return will not take place (domain model A.4, plus PROHIBITIVE_RISK,
    RETURN_DECLINED, LOST_CONTACT and DECEASED)."""

    CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN"
    RETURN_DECLINED = "RETURN_DECLINED"
    """The person no longer wishes to return, without withdrawing consent to data use."""
    RESIDENCE_GRANTED = "RESIDENCE_GRANTED"
    THIRD_COUNTRY_SOLUTION = "THIRD_COUNTRY_SOLUTION"
    NOT_NATIONAL = "NOT_NATIONAL"
    PROHIBITIVE_RISK = "PROHIBITIVE_RISK"
    LOST_CONTACT = "LOST_CONTACT"
    DECEASED = "DECEASED"
    OTHER = "OTHER"


class ClosureReason(StrEnum):
    """Why the state of origin closes a case after return (domain model A.4)."""

    REINTEGRATION_ACHIEVED = "REINTEGRATION_ACHIEVED"
    DECLINED_FURTHER_ASSISTANCE = "DECLINED_FURTHER_ASSISTANCE"
    LOST_CONTACT = "LOST_CONTACT"
    REMIGRATED = "REMIGRATED"
    RE_TRAFFICKED = "RE_TRAFFICKED"
    TRANSFERRED = "TRANSFERRED"
    DECEASED = "DECEASED"
