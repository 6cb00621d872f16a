"""Controlled vocabularies of the mutual legal assistance family (domain model A.2, A.3, A.7).

Where the domain model gives a list, it is used as given; additions are marked in the member's
docstring. ``MeasureType`` is the union of the EIO Annex A section C checkboxes, the UNODC MLA
Request Writer Tool modules and typical trafficking cases (domain model A.2); it is a proposal,
not a standard code list (domain model B.8).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from messages.people import ExploitationForm as ExploitationForm
from messages.people import Sex as Sex


class MlaState(StrEnum):
    """Business state of an evidence request (domain model A.7).

    The transport state of each message (e-CODEX evidences) is kept apart, in delivery receipts.
    """

    DRAFT = "DRAFT"
    TRANSMITTED = "TRANSMITTED"
    RECEIVED = "RECEIVED"
    UNDER_ASSESSMENT = "UNDER_ASSESSMENT"
    INFO_REQUESTED = "INFO_REQUESTED"
    CONSULTATION = "CONSULTATION"
    ACCEPTED = "ACCEPTED"
    IN_EXECUTION = "IN_EXECUTION"
    INFO_REQUESTED_EXEC = "INFO_REQUESTED_EXEC"
    POSTPONED = "POSTPONED"
    PARTIALLY_EXECUTED = "PARTIALLY_EXECUTED"
    EXECUTED = "EXECUTED"
    NOT_EXECUTABLE = "NOT_EXECUTABLE"
    REFUSED = "REFUSED"
    WITHDRAWN = "WITHDRAWN"
    LAPSED = "LAPSED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


REPORTABLE_STATES: Final = frozenset(
    {
        MlaState.RECEIVED,
        MlaState.UNDER_ASSESSMENT,
        MlaState.INFO_REQUESTED,
        MlaState.CONSULTATION,
        MlaState.ACCEPTED,
        MlaState.IN_EXECUTION,
        MlaState.INFO_REQUESTED_EXEC,
        MlaState.POSTPONED,
        MlaState.PARTIALLY_EXECUTED,
    }
)
"""The states a StatusReport may name: a request in progress. Outcomes (executed, refused,
withdrawn, ...) are announced by their own messages, never by a status report."""


class FinalState(StrEnum):
    """The state in which a request ended, as a ClosureNotice records it."""

    EXECUTED = "EXECUTED"
    PARTIALLY_EXECUTED = "PARTIALLY_EXECUTED"
    """Closed with only part of the measures carried out (domain model A.7)."""
    NOT_EXECUTABLE = "NOT_EXECUTABLE"
    REFUSED = "REFUSED"
    WITHDRAWN = "WITHDRAWN"
    LAPSED = "LAPSED"
    """The requesting state did not supply the information asked for within the time given."""


# --- the request --------------------------------------------------------------------------


class AuthorityKind(StrEnum):
    """What kind of authority an authority is (domain model A.2 ``Authority.kind``)."""

    JUDGE = "JUDGE"
    COURT = "COURT"
    INVESTIGATING_JUDGE = "INVESTIGATING_JUDGE"
    PROSECUTOR = "PROSECUTOR"
    CENTRAL_AUTHORITY = "CENTRAL_AUTHORITY"
    LAW_ENFORCEMENT = "LAW_ENFORCEMENT"
    """Added: police or another investigative body that executes or conducts under a
    prosecutor's or judge's direction."""
    OTHER = "OTHER"


class ProceedingKind(StrEnum):
    """The kind of proceeding the request serves (EIO Annex A section F; UNTOC 18(15)(b))."""

    INVESTIGATION = "INVESTIGATION"
    PROSECUTION = "PROSECUTION"
    TRIAL = "TRIAL"
    POST_CONVICTION = "POST_CONVICTION"
    ASSET_RECOVERY = "ASSET_RECOVERY"
    ADMIN_PUNITIVE = "ADMIN_PUNITIVE"


class OffenceCategory(StrEnum):
    """Broad category of an offence, for routing and statistics (the legal classification in
    the requesting state's own terms is ``Offence.legal_classification``)."""

    TRAFFICKING_IN_PERSONS = "TRAFFICKING_IN_PERSONS"
    SMUGGLING_OF_MIGRANTS = "SMUGGLING_OF_MIGRANTS"
    SEXUAL_EXPLOITATION_OF_CHILDREN = "SEXUAL_EXPLOITATION_OF_CHILDREN"
    FORCED_LABOUR = "FORCED_LABOUR"
    PARTICIPATION_IN_ORGANIZED_CRIMINAL_GROUP = "PARTICIPATION_IN_ORGANIZED_CRIMINAL_GROUP"
    MONEY_LAUNDERING = "MONEY_LAUNDERING"
    CORRUPTION = "CORRUPTION"
    DOCUMENT_FRAUD = "DOCUMENT_FRAUD"
    OBSTRUCTION_OF_JUSTICE = "OBSTRUCTION_OF_JUSTICE"
    OTHER = "OTHER"


class MeasureType(StrEnum):
    """An investigative measure or other assistance requested (domain model A.2)."""

    EVIDENCE_ALREADY_HELD = "EVIDENCE_ALREADY_HELD"
    DATABASE_INFORMATION = "DATABASE_INFORMATION"
    HEARING = "HEARING"
    HEARING_VIDEOCONFERENCE = "HEARING_VIDEOCONFERENCE"
    HEARING_TELEPHONE = "HEARING_TELEPHONE"
    SERVICE_OF_DOCUMENTS = "SERVICE_OF_DOCUMENTS"
    SUBSCRIBER_IDENTIFICATION = "SUBSCRIBER_IDENTIFICATION"
    BANK_ACCOUNT_INFO = "BANK_ACCOUNT_INFO"
    BANK_OPERATIONS_INFO = "BANK_OPERATIONS_INFO"
    REAL_TIME_MONITORING = "REAL_TIME_MONITORING"
    CONTROLLED_DELIVERY = "CONTROLLED_DELIVERY"
    COVERT_INVESTIGATION = "COVERT_INVESTIGATION"
    INTERCEPTION = "INTERCEPTION"
    STORED_DATA_PRESERVATION = "STORED_DATA_PRESERVATION"
    STORED_DATA_DISCLOSURE = "STORED_DATA_DISCLOSURE"
    SEARCH_AND_SEIZURE = "SEARCH_AND_SEIZURE"
    PROVISIONAL_MEASURE = "PROVISIONAL_MEASURE"
    FREEZE_OR_CONFISCATION = "FREEZE_OR_CONFISCATION"
    TEMPORARY_TRANSFER_IN_CUSTODY = "TEMPORARY_TRANSFER_IN_CUSTODY"
    PUBLIC_RECORDS_COPY = "PUBLIC_RECORDS_COPY"
    """Copies of public records (IACMAMC art. 24)."""
    TRANSFER_OF_PROCEEDINGS = "TRANSFER_OF_PROCEEDINGS"
    OTHER = "OTHER"


INTRUSIVE_MEASURES: Final = frozenset(
    {
        MeasureType.REAL_TIME_MONITORING,
        MeasureType.CONTROLLED_DELIVERY,
        MeasureType.COVERT_INVESTIGATION,
        MeasureType.INTERCEPTION,
    }
)
"""Real-time, covert and interception measures: the request states why the information is
relevant (EIO arts. 28(3), 30(4))."""

COERCIVE_MEASURES: Final = frozenset(
    {MeasureType.SEARCH_AND_SEIZURE, MeasureType.FREEZE_OR_CONFISCATION}
)
"""Coercive measures for which the requested state needs a court order of its own: Puente also
requires a relevance justification for them (a design choice; see rule
``mla.measure.relevance-coercive``)."""

HEARING_MEASURES: Final = frozenset(
    {MeasureType.HEARING, MeasureType.HEARING_VIDEOCONFERENCE, MeasureType.HEARING_TELEPHONE}
)


class PersonRole(StrEnum):
    """A person's procedural position (EIO Annex A section E)."""

    SUSPECT = "SUSPECT"
    ACCUSED = "ACCUSED"
    VICTIM = "VICTIM"
    WITNESS = "WITNESS"
    EXPERT = "EXPERT"
    THIRD_PARTY = "THIRD_PARTY"
    OTHER = "OTHER"


class PersonKind(StrEnum):
    NATURAL = "NATURAL"
    LEGAL = "LEGAL"


class IdDocumentKind(StrEnum):
    PASSPORT = "PASSPORT"
    NATIONAL_ID_CARD = "NATIONAL_ID_CARD"
    RESIDENCE_PERMIT = "RESIDENCE_PERMIT"
    DRIVING_LICENCE = "DRIVING_LICENCE"
    BIRTH_CERTIFICATE = "BIRTH_CERTIFICATE"
    TAX_NUMBER = "TAX_NUMBER"
    COMPANY_REGISTRATION = "COMPANY_REGISTRATION"
    OTHER = "OTHER"


class TargetKind(StrEnum):
    """What a measure is aimed at (domain model A.2 ``TargetRef``)."""

    PERSON = "PERSON"
    """A person concerned, named by subject token; identity in the person's sealed section."""
    PHONE_NUMBER = "PHONE_NUMBER"
    BANK_ACCOUNT = "BANK_ACCOUNT"
    IP_ADDRESS = "IP_ADDRESS"
    EMAIL_ACCOUNT = "EMAIL_ACCOUNT"
    ONLINE_ACCOUNT = "ONLINE_ACCOUNT"
    """A social-network, messaging or classified-advertisement account."""
    PREMISES = "PREMISES"
    VEHICLE = "VEHICLE"
    DEVICE = "DEVICE"
    OBJECT = "OBJECT"
    REGISTRY_RECORD = "REGISTRY_RECORD"
    """An entry in a public or company registry, a civil registry or a migration database."""


class HearingCapacity(StrEnum):
    """The capacity in which a person is heard (domain model A.2)."""

    WITNESS = "WITNESS"
    VICTIM = "VICTIM"
    EXPERT = "EXPERT"
    SUSPECT = "SUSPECT"
    """Suspect or accused person."""


class HearingMode(StrEnum):
    IN_PERSON = "IN_PERSON"
    VIDEO = "VIDEO"
    PHONE = "PHONE"


class ProtectiveMeasure(StrEnum):
    """Protective measures asked for a hearing (UNTOC art. 24(2)(b); TIP Protocol art. 6)."""

    NO_VISUAL_CONTACT_WITH_ACCUSED = "NO_VISUAL_CONTACT_WITH_ACCUSED"
    VOICE_DISTORTION = "VOICE_DISTORTION"
    IMAGE_DISTORTION = "IMAGE_DISTORTION"
    CLOSED_SESSION = "CLOSED_SESSION"
    SUPPORT_PERSON_PRESENT = "SUPPORT_PERSON_PRESENT"
    CHILD_FRIENDLY_SETTING = "CHILD_FRIENDLY_SETTING"
    SPECIALISED_INTERVIEWER = "SPECIALISED_INTERVIEWER"
    SINGLE_RECORDED_INTERVIEW = "SINGLE_RECORDED_INTERVIEW"
    """One video-recorded interview to avoid repeated questioning (Gesell chamber practice)."""
    IDENTITY_WITHHELD_FROM_PARTIES = "IDENTITY_WITHHELD_FROM_PARTIES"
    OTHER = "OTHER"


class TransferDirection(StrEnum):
    """Where a person in custody is temporarily transferred (EIO Annex A section H1)."""

    TO_REQUESTING_STATE = "TO_REQUESTING_STATE"
    TO_REQUESTED_STATE = "TO_REQUESTED_STATE"


class RequestRelation(StrEnum):
    """How a request relates to an earlier one (EIO Annex A section D)."""

    SUPPLEMENTS = "SUPPLEMENTS"
    RELATED = "RELATED"
    PARALLEL_TO_OTHER_STATE = "PARALLEL_TO_OTHER_STATE"


class AssuranceKind(StrEnum):
    """An assurance the requesting state gives (IACMAMC art. 25; UNTOC 18(19))."""

    SPECIALITY = "SPECIALITY"
    """Use only for the proceedings stated (IACMAMC art. 25)."""
    NE_BIS_IN_IDEM = "NE_BIS_IN_IDEM"
    NO_DEATH_PENALTY = "NO_DEATH_PENALTY"
    CONFIDENTIALITY = "CONFIDENTIALITY"
    RETURN_OF_ORIGINALS = "RETURN_OF_ORIGINALS"
    SAFE_CONDUCT = "SAFE_CONDUCT"
    """A person coming to testify will not be prosecuted or detained for earlier acts."""
    OTHER = "OTHER"


# --- the answers --------------------------------------------------------------------------


class InformationReason(StrEnum):
    """Why the requested state asks for more information (EIO art. 16(2)(a)-(c); UNTOC
    18(16); IACMAMC art. 26)."""

    INCOMPLETE = "INCOMPLETE"
    MANIFESTLY_INCORRECT = "MANIFESTLY_INCORRECT"
    NEEDED_UNDER_DOMESTIC_LAW = "NEEDED_UNDER_DOMESTIC_LAW"
    FORMALITY_NOT_POSSIBLE = "FORMALITY_NOT_POSSIBLE"
    ADDITIONAL_MEASURE_ADVISABLE = "ADDITIONAL_MEASURE_ADVISABLE"


class Decision(StrEnum):
    """The requested state's decision to execute (EIO art. 16(3))."""

    ACCEPTED = "ACCEPTED"
    ACCEPTED_WITH_CONDITIONS = "ACCEPTED_WITH_CONDITIONS"
    PARTIALLY_ACCEPTED = "PARTIALLY_ACCEPTED"
    """Some measures accepted; the others refused by a partial RefusalNotice with grounds."""


class ConditionKind(StrEnum):
    """What a condition of assistance is about (UNTOC 18(26); IACMAMC art. 25)."""

    USE_LIMITATION = "USE_LIMITATION"
    CONFIDENTIALITY = "CONFIDENTIALITY"
    RETURN_OF_ORIGINALS = "RETURN_OF_ORIGINALS"
    PRESENCE_OF_OFFICIALS = "PRESENCE_OF_OFFICIALS"
    COSTS = "COSTS"
    TIMING = "TIMING"
    PROCEDURE = "PROCEDURE"
    PROTECTION_OF_PERSONS = "PROTECTION_OF_PERSONS"
    OTHER = "OTHER"


class ExecutionStage(StrEnum):
    """Which deadline a delay concerns (EIO art. 12(5) decision, 12(6) execution)."""

    DECISION = "DECISION"
    EXECUTION = "EXECUTION"


class DelayReason(StrEnum):
    """Why a deadline cannot be met (EIO art. 12(5)-(6): reasons must be given)."""

    AWAITING_COURT_ORDER = "AWAITING_COURT_ORDER"
    AWAITING_THIRD_PARTY = "AWAITING_THIRD_PARTY"
    """A bank, provider or registry has not yet answered the production order."""
    PERSON_NOT_YET_LOCATED = "PERSON_NOT_YET_LOCATED"
    TRANSLATION = "TRANSLATION"
    COMPLEXITY = "COMPLEXITY"
    WORKLOAD = "WORKLOAD"
    TECHNICAL = "TECHNICAL"
    OTHER = "OTHER"


class PostponementReason(StrEnum):
    """Why execution is postponed (UNTOC 18(25); EIO art. 15(1))."""

    DOMESTIC_INVESTIGATION_INTERFERENCE = "DOMESTIC_INVESTIGATION_INTERFERENCE"
    DOMESTIC_PROSECUTION_INTERFERENCE = "DOMESTIC_PROSECUTION_INTERFERENCE"
    EVIDENCE_IN_USE_IN_OTHER_PROCEEDINGS = "EVIDENCE_IN_USE_IN_OTHER_PROCEEDINGS"
    """The objects or documents are already used in other proceedings (EIO art. 15(1)(b))."""
    OTHER = "OTHER"


class ConsultationSubject(StrEnum):
    """What a consultation is about (UNTOC 18(26), 18(28))."""

    CONDITIONS_FOR_ASSISTANCE = "CONDITIONS_FOR_ASSISTANCE"
    ALTERNATIVE_MEASURE = "ALTERNATIVE_MEASURE"
    PARTIAL_EXECUTION = "PARTIAL_EXECUTION"
    TIMING = "TIMING"
    EXTRAORDINARY_COSTS = "EXTRAORDINARY_COSTS"
    OTHER = "OTHER"


class ConsultationFallback(StrEnum):
    """What the proposer intends to do if the other side declines (UNTOC 18(26): consult
    before refusing or postponing)."""

    REFUSAL = "REFUSAL"
    PARTIAL_REFUSAL = "PARTIAL_REFUSAL"
    POSTPONEMENT = "POSTPONEMENT"
    PROCEED_WITHOUT_CONDITIONS = "PROCEED_WITHOUT_CONDITIONS"
    WITHDRAWAL = "WITHDRAWAL"
    """For a proposal of the requesting state: it would withdraw the request."""


class InquiryReason(StrEnum):
    """Why the requesting state asks for the status (UNTOC 18(24))."""

    ROUTINE = "ROUTINE"
    NO_ACKNOWLEDGEMENT = "NO_ACKNOWLEDGEMENT"
    DEADLINE_APPROACHING = "DEADLINE_APPROACHING"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    NEW_DEVELOPMENT_IN_PROCEEDINGS = "NEW_DEVELOPMENT_IN_PROCEEDINGS"
    OTHER = "OTHER"


class NextStep(StrEnum):
    """The next step the reporting side expects (domain model A.3 StatusReport)."""

    DECISION = "DECISION"
    COURT_ORDER = "COURT_ORDER"
    EXECUTION_OF_MEASURES = "EXECUTION_OF_MEASURES"
    HEARING_SCHEDULED = "HEARING_SCHEDULED"
    ANSWER_FROM_THIRD_PARTY = "ANSWER_FROM_THIRD_PARTY"
    TRANSMISSION_OF_EVIDENCE = "TRANSMISSION_OF_EVIDENCE"
    REPLY_FROM_REQUESTING_STATE = "REPLY_FROM_REQUESTING_STATE"
    OTHER = "OTHER"


class ExecutionOutcome(StrEnum):
    """What an ExecutionReport reports (domain model A.3, plus NOT_EXECUTABLE)."""

    EXECUTED = "EXECUTED"
    PARTIALLY_EXECUTED = "PARTIALLY_EXECUTED"
    NOT_EXECUTABLE = "NOT_EXECUTABLE"
    """Added: the request cannot be executed (person or object not found, ...) and is returned
    with an explanation (IACMAMC art. 26)."""


class MeasureStatus(StrEnum):
    """What became of one measure (domain model A.3 ``MeasureResult.status``)."""

    COMPLETED = "COMPLETED"
    PARTIAL = "PARTIAL"
    NOT_PERFORMED = "NOT_PERFORMED"
    SUBSTITUTED = "SUBSTITUTED"
    """Carried out by another, less intrusive measure with the same result (EIO art. 10)."""


DONE_STATUSES: Final = frozenset({MeasureStatus.COMPLETED, MeasureStatus.SUBSTITUTED})
"""A measure in one of these statuses needs nothing more."""


class EvidenceKind(StrEnum):
    """What an evidence item is."""

    DOCUMENT = "DOCUMENT"
    CERTIFIED_COPY = "CERTIFIED_COPY"
    PUBLIC_RECORD_COPY = "PUBLIC_RECORD_COPY"
    BANK_RECORDS = "BANK_RECORDS"
    TELECOM_RECORDS = "TELECOM_RECORDS"
    DIGITAL_DATA = "DIGITAL_DATA"
    RECORD_OF_HEARING = "RECORD_OF_HEARING"
    AUDIO_RECORDING = "AUDIO_RECORDING"
    VIDEO_RECORDING = "VIDEO_RECORDING"
    PHOTOGRAPH = "PHOTOGRAPH"
    EXPERT_REPORT = "EXPERT_REPORT"
    PROOF_OF_SERVICE = "PROOF_OF_SERVICE"
    PHYSICAL_OBJECT = "PHYSICAL_OBJECT"
    """A seized object; it has no digest and travels by courier or diplomatic bag."""
    OTHER = "OTHER"


class EvidenceDelivery(StrEnum):
    """How an evidence item reaches the requesting state."""

    ATTACHED = "ATTACHED"
    """Attached to the ExecutionReport; the item's digest names the attachment."""
    SECURE_TRANSFER = "SECURE_TRANSFER"
    """Sent by a separate secure electronic channel (large files); the digest is given."""
    DIPLOMATIC_BAG = "DIPLOMATIC_BAG"
    COURIER = "COURIER"
    HELD_FOR_COLLECTION = "HELD_FOR_COLLECTION"
    """Kept by the requested state until officials of the requesting state collect it."""


class CustodyAction(StrEnum):
    """What happened to an item when it came into a holder's custody."""

    COLLECTED = "COLLECTED"
    SEIZED = "SEIZED"
    PRODUCED_BY_THIRD_PARTY = "PRODUCED_BY_THIRD_PARTY"
    """Handed over by a bank, a provider or a registry under a production order."""
    RECEIVED = "RECEIVED"
    STORED = "STORED"
    EXAMINED = "EXAMINED"
    COPIED = "COPIED"
    SEALED = "SEALED"
    DISPATCHED = "DISPATCHED"


class Currency(StrEnum):
    """ISO 4217 currencies of OAS member states, plus EUR."""

    USD = "USD"
    CAD = "CAD"
    MXN = "MXN"
    GTQ = "GTQ"
    HNL = "HNL"
    NIO = "NIO"
    CRC = "CRC"
    PAB = "PAB"
    DOP = "DOP"
    HTG = "HTG"
    JMD = "JMD"
    TTD = "TTD"
    BBD = "BBD"
    BSD = "BSD"
    BZD = "BZD"
    XCD = "XCD"
    GYD = "GYD"
    SRD = "SRD"
    COP = "COP"
    PEN = "PEN"
    BOB = "BOB"
    CLP = "CLP"
    ARS = "ARS"
    PYG = "PYG"
    UYU = "UYU"
    BRL = "BRL"
    VES = "VES"
    EUR = "EUR"


class RefusalGround(StrEnum):
    """A ground for refusing assistance; REFUSAL_GROUND_SOURCES records which instrument
    allows each (domain model A.3)."""

    NON_CONFORMING_REQUEST = "NON_CONFORMING_REQUEST"
    SOVEREIGNTY_SECURITY_ORDRE_PUBLIC = "SOVEREIGNTY_SECURITY_ORDRE_PUBLIC"
    DOMESTIC_LAW_BARS_SIMILAR_MEASURE = "DOMESTIC_LAW_BARS_SIMILAR_MEASURE"
    CONTRARY_TO_MLA_LEGAL_SYSTEM = "CONTRARY_TO_MLA_LEGAL_SYSTEM"
    IMMUNITY_OR_PRIVILEGE = "IMMUNITY_OR_PRIVILEGE"
    NE_BIS_IN_IDEM = "NE_BIS_IN_IDEM"
    NO_DUAL_CRIMINALITY = "NO_DUAL_CRIMINALITY"
    FUNDAMENTAL_RIGHTS = "FUNDAMENTAL_RIGHTS"
    DISCRIMINATORY_PURPOSE = "DISCRIMINATORY_PURPOSE"
    POLITICAL_OFFENCE = "POLITICAL_OFFENCE"
    MILITARY_OFFENCE = "MILITARY_OFFENCE"
    PROHIBITED_PENALTY = "PROHIBITED_PENALTY"
    INTERFERES_WITH_DOMESTIC_CASE = "INTERFERES_WITH_DOMESTIC_CASE"
    IMPOSSIBLE_TO_EXECUTE = "IMPOSSIBLE_TO_EXECUTE"
    BANK_SECRECY = "BANK_SECRECY"
    FISCAL_MATTER_ONLY = "FISCAL_MATTER_ONLY"
    OTHER = "OTHER"


REFUSAL_GROUND_SOURCES: Final[dict[RefusalGround, str]] = {
    RefusalGround.NON_CONFORMING_REQUEST: "UNTOC art. 18(21)(a)",
    RefusalGround.SOVEREIGNTY_SECURITY_ORDRE_PUBLIC: "UNTOC art. 18(21)(b); EIO art. 11(1)(b); "
    "IACMAMC art. 9 (unverified)",
    RefusalGround.DOMESTIC_LAW_BARS_SIMILAR_MEASURE: "UNTOC art. 18(21)(c); EIO art. 11(1)(c),(h)",
    RefusalGround.CONTRARY_TO_MLA_LEGAL_SYSTEM: "UNTOC art. 18(21)(d)",
    RefusalGround.IMMUNITY_OR_PRIVILEGE: "EIO art. 11(1)(a)",
    RefusalGround.NE_BIS_IN_IDEM: "EIO art. 11(1)(d); IACMAMC art. 9 (unverified); bilateral",
    RefusalGround.NO_DUAL_CRIMINALITY: "EIO art. 11(1)(e),(g); IACMAMC art. 5 for coercive "
    "measures (unverified)",
    RefusalGround.FUNDAMENTAL_RIGHTS: "EIO art. 11(1)(f)",
    RefusalGround.DISCRIMINATORY_PURPOSE: "IACMAMC art. 9 (unverified); bilateral",
    RefusalGround.POLITICAL_OFFENCE: "IACMAMC art. 9 (unverified); bilateral",
    RefusalGround.MILITARY_OFFENCE: "IACMAMC art. 9 (unverified); bilateral",
    RefusalGround.PROHIBITED_PENALTY: "bilateral (e.g. CO Ley 2288 de 2023)",
    RefusalGround.INTERFERES_WITH_DOMESTIC_CASE: "UNTOC art. 18(25): postpone rather than refuse",
    RefusalGround.IMPOSSIBLE_TO_EXECUTE: "IACMAMC art. 26 (return with explanation)",
    RefusalGround.BANK_SECRECY: "invalid under UNTOC art. 18(8); bilateral only",
    RefusalGround.FISCAL_MATTER_ONLY: "invalid under UNTOC art. 18(22)",
    RefusalGround.OTHER: "free text required",
}
"""Which instrument allows each refusal ground (domain model A.3)."""

UNTOC_18_21_GROUNDS: Final = frozenset(
    {
        RefusalGround.NON_CONFORMING_REQUEST,
        RefusalGround.SOVEREIGNTY_SECURITY_ORDRE_PUBLIC,
        RefusalGround.DOMESTIC_LAW_BARS_SIMILAR_MEASURE,
        RefusalGround.CONTRARY_TO_MLA_LEGAL_SYSTEM,
    }
)
"""The grounds of UNTOC art. 18(21): before refusing on them, the requested state consults
(UNTOC art. 18(26))."""

UNTOC_EXCLUDED_GROUNDS: Final = frozenset(
    {RefusalGround.BANK_SECRECY, RefusalGround.FISCAL_MATTER_ONLY}
)
"""Grounds a state may not invoke when assistance is sought under UNTOC art. 18 (18(8), 18(22))."""


class WithdrawalReason(StrEnum):
    """Why the requesting state withdraws a request (UNTOC 18(24), last sentence)."""

    ASSISTANCE_NO_LONGER_NEEDED = "ASSISTANCE_NO_LONGER_NEEDED"
    PROCEEDINGS_DISCONTINUED = "PROCEEDINGS_DISCONTINUED"
    EVIDENCE_OBTAINED_OTHERWISE = "EVIDENCE_OBTAINED_OTHERWISE"
    SUPERSEDED_BY_NEW_REQUEST = "SUPERSEDED_BY_NEW_REQUEST"
    CONDITIONS_NOT_ACCEPTABLE = "CONDITIONS_NOT_ACCEPTABLE"
    OTHER = "OTHER"
