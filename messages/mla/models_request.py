"""The evidence request (domain model A.2): EvidenceRequest and its parts."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from messages.base import WireModel
from messages.header import Header
from messages.mla.models_common import (
    MLA_AUDIENCE,
    Authority,
    MlaBody,
    OfficialIdentity,
    PersonRef,
    SealedNarrative,
    SealedText,
    duplicates,
)
from messages.mla.rules import (
    ASSURANCE_TEXT,
    CONDUCTING_AUTHORITY,
    CONFIDENTIAL_MARKING,
    CONFIDENTIALITY_REASON,
    COSTS_NOTE,
    DEADLINE_REASONS,
    EXPLOITATION_FORMS,
    FACTS_SUMMARY,
    HEARING_DETAILS,
    INTERCEPTION_DETAILS,
    MEASURE_IDS_UNIQUE,
    RELEVANCE_COERCIVE,
    RELEVANCE_INTRUSIVE,
    SIGNED_BEFORE_SENDING,
    SUBJECTS,
    TARGETS,
    TIME_WINDOW,
    TRANSFER_DETAILS,
    at,
)
from messages.mla.vocab import (
    COERCIVE_MEASURES,
    HEARING_MEASURES,
    INTRUSIVE_MEASURES,
    AssuranceKind,
    ExploitationForm,
    HearingCapacity,
    HearingMode,
    MeasureType,
    OffenceCategory,
    ProceedingKind,
    ProtectiveMeasure,
    RequestRelation,
    TargetKind,
    TransferDirection,
)
from messages.sealed import Sealed
from messages.types import (
    CalendarDate,
    CaseRef,
    Identifier,
    Label,
    LanguageTag,
    Paragraph,
    Sentence,
    StateCode,
    SubjectToken,
    UtcDateTime,
)
from messages.vocab import Classification, MessageType

MAX_MEASURES = 50
MAX_PERSONS = 100


class CentralAuthorityRefs(WireModel):
    """The central authorities' file numbers (IACMAMC art. 3; UNTOC 18(13))."""

    requesting: Identifier
    """The requesting central authority's file number."""
    requested: Identifier | None = None
    """The requested central authority's file number, once known (e.g. in an amended request)."""


class RelatedRequest(WireModel):
    """An earlier or parallel request this one relates to (EIO Annex A section D)."""

    relation: RequestRelation
    ref: Identifier
    """The related request's file number (or its case_ref between the same two states)."""
    state: StateCode
    """The state the related request was sent to."""
    sent_on: CalendarDate | None = None


class Proceeding(WireModel):
    """The proceeding the request serves (UNTOC 18(15)(b); IACMAMC art. 26(a))."""

    kind: ProceedingKind
    stage: Label
    """The procedural stage in the requesting state's terms, e.g. 'investigación penal
    preparatoria'."""
    domestic_file_no: Identifier


class Offence(WireModel):
    """An offence under investigation or prosecution (EIO Annex A section G; UNTOC
    18(15)(b); IACMAMC art. 26(a))."""

    legal_classification: Label
    """The offence as the requesting state's law names it."""
    statutory_provisions: list[Label] = Field(min_length=1, max_length=20)
    """The provisions that define and punish it, e.g. 'Código Penal art. 145 bis'."""
    category: OffenceCategory
    max_penalty_years: int | None = Field(default=None, ge=0, le=100)
    """Maximum custodial penalty in years, where the law sets one."""
    exploitation_forms: list[ExploitationForm] = Field(default_factory=list, max_length=13)

    @model_validator(mode="after")
    def _exploitation(self) -> Offence:
        if duplicates(self.exploitation_forms):
            raise at(EXPLOITATION_FORMS, "exploitation_forms", "a form is listed twice")
        if self.category is OffenceCategory.TRAFFICKING_IN_PERSONS and not self.exploitation_forms:
            raise at(EXPLOITATION_FORMS, "exploitation_forms")
        return self


class RequestNarrative(Sealed):
    """What the request is for, in the requesting authority's words (UNTOC 18(15)(f);
    IACMAMC art. 26(b))."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    purpose: Paragraph
    """The purpose for which the evidence, information or action is sought."""
    acts_concerned: Paragraph | None = None
    """The acts the request concerns, precisely described (IACMAMC art. 26(b))."""


class TargetIdentifier(Sealed):
    """The identifier of a target: a phone number, account number, IP address, premises'
    address, registration plate, serial number, ..."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    value: Label
    details: Sentence | None = None
    """E.g. the period of use, the account holder as registered, the kind of premises."""


class TargetRef(WireModel):
    """What a measure is aimed at (domain model A.2 ``TargetRef``)."""

    target_ref: Identifier
    """Unique within the request; interception details refer to it."""
    kind: TargetKind
    subject_token: SubjectToken | None = None
    """For a PERSON target, the person; for another target, its holder or user if known."""
    institution: Label | None = None
    """The bank, provider, registry or company that holds the data, where relevant."""
    identifier: TargetIdentifier | None = None
    """Required for every target but a PERSON."""


class TimeWindow(WireModel):
    """The period the measure concerns (e.g. the months of bank operations requested)."""

    start: CalendarDate | None = None
    end: CalendarDate | None = None


class HearingQuestions(Sealed):
    """The questions to put to the person heard."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    questions: list[Sentence] = Field(min_length=1, max_length=200)


class HearingDetails(WireModel):
    """How a person is to be heard (EIO Annex A section H2; UNTOC 18(18))."""

    subject_token: SubjectToken
    """The person to be heard: one of the persons concerned."""
    capacity: HearingCapacity
    mode: HearingMode
    language: LanguageTag | None = None
    """The language of the hearing; an interpreter is needed if it differs from the
    authority's."""
    interpreter_needed: bool
    protective_measures: list[ProtectiveMeasure] = Field(default_factory=list, max_length=10)
    preferred_date: CalendarDate | None = None
    questions: HearingQuestions | None = None


class InterceptionTechnicalData(Sealed):
    """What the executing state needs to intercept (EIO art. 30(3)(a),(c))."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    subject_identification: Sentence
    """Information identifying the subject of the interception."""
    technical_data: Paragraph | None = None
    """Technical data beyond the target identifier (IMEI, provider, service)."""


class InterceptionDetails(WireModel):
    """Interception of telecommunications (EIO art. 30(3))."""

    target_ref: Identifier
    """The target of this measure whose communications are intercepted."""
    subject_token: SubjectToken | None = None
    """The person whose communications are intercepted, if one of the persons concerned."""
    duration_days: int = Field(ge=1, le=366)
    """The desired duration of the interception."""
    technical_assistance_needed: bool
    """Whether the requested state's technical assistance is needed (EIO art. 31: without it,
    the state is only notified)."""
    technical: InterceptionTechnicalData


class TransferInCustody(WireModel):
    """Temporary transfer of a person in custody (EIO arts. 22-23; Annex A section H1)."""

    subject_token: SubjectToken
    direction: TransferDirection
    person_consented: bool | None = None
    """Whether the person consented, where the law of either state requires it."""
    max_duration_days: int = Field(ge=1, le=366)


class RequestedMeasure(WireModel):
    """One measure requested (domain model A.2 ``RequestedMeasure``; UNTOC 18(15)(d))."""

    measure_id: Identifier
    """Unique within the request; every answer refers to the measure by it."""
    measure_type: MeasureType
    description: SealedText
    """What is to be done, precisely (IACMAMC art. 26(d))."""
    targets: list[TargetRef] = Field(default_factory=list, max_length=50)
    place_of_execution: SealedText | None = None
    """Where the measure is to be carried out, if not evident from the targets."""
    time_window: TimeWindow | None = None
    relevance_justification: SealedText | None = None
    """Why the information is relevant to the proceeding (EIO arts. 28(3), 30(4))."""
    alternative_acceptable: bool | None = None
    """Whether a less intrusive measure with the same result is acceptable (EIO art. 10)."""
    hearing: HearingDetails | None = None
    interception: InterceptionDetails | None = None
    transfer_in_custody: TransferInCustody | None = None

    def check_rules(self, index: int) -> None:
        """Raise the first rule this measure breaks; ``index`` names it in the request."""
        here = f"measures[{index}]"
        kind = self.measure_type
        if self.relevance_justification is None:
            if kind in INTRUSIVE_MEASURES:
                raise at(RELEVANCE_INTRUSIVE, f"{here}.relevance_justification")
            if kind in COERCIVE_MEASURES:
                raise at(RELEVANCE_COERCIVE, f"{here}.relevance_justification")
        self._check_interception(here)
        self._check_hearing(here)
        if (kind is MeasureType.TEMPORARY_TRANSFER_IN_CUSTODY) != (
            self.transfer_in_custody is not None
        ):
            raise at(TRANSFER_DETAILS, f"{here}.transfer_in_custody")
        window = self.time_window
        if window and window.start and window.end and window.end < window.start:
            raise at(TIME_WINDOW, f"{here}.time_window")
        for number, target in enumerate(self.targets):
            if target.kind is TargetKind.PERSON and target.subject_token is None:
                raise at(TARGETS, f"{here}.targets[{number}].subject_token")
            if target.kind is not TargetKind.PERSON and target.identifier is None:
                raise at(TARGETS, f"{here}.targets[{number}].identifier")

    def _check_interception(self, here: str) -> None:
        if self.measure_type is MeasureType.INTERCEPTION:
            if self.interception is None:
                raise at(INTERCEPTION_DETAILS, f"{here}.interception")
            if self.interception.target_ref not in {t.target_ref for t in self.targets}:
                raise at(
                    INTERCEPTION_DETAILS,
                    f"{here}.interception.target_ref",
                    "the target intercepted is not one of this measure's targets",
                )
        elif self.interception is not None:
            raise at(INTERCEPTION_DETAILS, f"{here}.interception", "only for INTERCEPTION")

    def _check_hearing(self, here: str) -> None:
        if self.measure_type in HEARING_MEASURES:
            if self.hearing is None:
                raise at(HEARING_DETAILS, f"{here}.hearing")
            expected = {
                MeasureType.HEARING_VIDEOCONFERENCE: HearingMode.VIDEO,
                MeasureType.HEARING_TELEPHONE: HearingMode.PHONE,
            }.get(self.measure_type)
            if expected is not None and self.hearing.mode is not expected:
                raise at(
                    HEARING_DETAILS,
                    f"{here}.hearing.mode",
                    f"a {self.measure_type} is held by {expected}",
                )
        elif self.hearing is not None:
            raise at(HEARING_DETAILS, f"{here}.hearing", "only for a hearing measure")

    def subject_tokens(self) -> list[tuple[str, str]]:
        """(path, token) of every person this measure names."""
        found = [
            (f"targets[{n}].subject_token", t.subject_token)
            for n, t in enumerate(self.targets)
            if t.subject_token
        ]
        for name, part in (
            ("hearing", self.hearing),
            ("interception", self.interception),
            ("transfer_in_custody", self.transfer_in_custody),
        ):
            token = getattr(part, "subject_token", None)
            if token:
                found.append((f"{name}.subject_token", token))
        return found


class SpecialProcedure(WireModel):
    """A formality or procedure the requesting state asks to be followed (UNTOC 18(17);
    IACMAMC art. 26(c); EIO art. 9(2)). Procedural text only."""

    description: Sentence
    reason: Sentence
    """Why it is needed, e.g. for the evidence to be admissible."""
    required_for_admissibility: bool


class OfficialToAttend(WireModel):
    """An official of the requesting state who asks to attend the execution (EIO art. 9(4))."""

    function: Label
    authority_id: Identifier | None = None
    language: LanguageTag | None = None
    official: OfficialIdentity


class Confidentiality(WireModel):
    """Confidentiality the requesting state asks for (UNTOC 18(20))."""

    keep_fact_and_substance_confidential: bool
    do_not_notify_subject: bool
    """The person concerned must not be told of the request or the measure."""
    reason: Sentence | None = None


class LegalRemedies(WireModel):
    """Remedies sought against the measure in the requesting state (EIO Annex A section J)."""

    remedy_sought: bool
    details: Sentence | None = None
    info_authority_id: Identifier | None = None
    """The authority that can give further information on the remedies."""


class Assurance(WireModel):
    """An assurance the requesting state gives (IACMAMC art. 25; UNTOC 18(19))."""

    kind: AssuranceKind
    text: Sentence | None = None


class CostsNote(WireModel):
    """Whether extraordinary costs are foreseen (UNTOC 18(28))."""

    extraordinary_expected: bool
    note: Sentence | None = None


class Signatory(WireModel):
    """Who signs the request for the requesting authority (EIO Annex A section K). The title
    is institutional; the name is sealed."""

    title: Label
    """The signatory's function, e.g. 'Fiscal Federal' or 'Director de Asistencia Jurídica
    Internacional'."""
    authority_id: Identifier | None = None
    signed_at: UtcDateTime
    official: OfficialIdentity


class EvidenceRequest(MlaBody):
    """A request for mutual legal assistance in a criminal matter: what is needed, for which
    proceeding, about which facts and persons (UNTOC art. 18(15); IACMAMC art. 26; EIO Annex A).

    The requesting state's deadline, if any, is the header's ``urgency.respond_by``, justified
    in ``deadline_reasons``.
    """

    MESSAGE_TYPE: ClassVar = MessageType.EVIDENCE_REQUEST

    requesting_authority: Authority
    """The authority making the request (UNTOC 18(15)(a))."""
    requesting_authority_conducts: bool
    """Whether the requesting authority itself conducts the proceeding."""
    conducting_authority: Authority | None = None
    """The authority conducting the proceeding, when not the requesting one (UNTOC
    18(15)(b))."""
    validating_authority: Authority | None = None
    """The judicial authority that validated the request, if any (EIO Annex A section L)."""
    central_authority_refs: CentralAuthorityRefs
    related_requests: list[RelatedRequest] = Field(default_factory=list, max_length=20)
    proceeding: Proceeding
    offences: list[Offence] = Field(min_length=1, max_length=20)
    facts_summary: SealedNarrative | None = None
    """A summary of the relevant facts (UNTOC 18(15)(c); IACMAMC art. 26(a))."""
    narrative: RequestNarrative
    measures: list[RequestedMeasure] = Field(min_length=1, max_length=MAX_MEASURES)
    persons_concerned: list[PersonRef] = Field(default_factory=list, max_length=MAX_PERSONS)
    """Where possible, every person concerned (UNTOC 18(15)(e))."""
    special_procedures: list[SpecialProcedure] = Field(default_factory=list, max_length=20)
    officials_to_attend: list[OfficialToAttend] = Field(default_factory=list, max_length=10)
    confidentiality: Confidentiality | None = None
    deadline_reasons: Sentence | None = None
    """Why the deadline in header.urgency.respond_by is needed (UNTOC 18(24))."""
    legal_remedies: LegalRemedies | None = None
    assurances: list[Assurance] = Field(default_factory=list, max_length=10)
    costs_note: CostsNote | None = None
    signatory: Signatory
    replaces_case_ref: CaseRef | None = None
    """Set in an amended request that replaces an earlier one under another case_ref."""

    @model_validator(mode="after")
    def _rules(self) -> EvidenceRequest:
        types = {m.measure_type for m in self.measures}
        if self.facts_summary is None and types != {MeasureType.SERVICE_OF_DOCUMENTS}:
            raise FACTS_SUMMARY.violation()
        self._check_conducting_authority()
        repeated = duplicates(m.measure_id for m in self.measures)
        if repeated:
            raise MEASURE_IDS_UNIQUE.violation(f"measure_id {repeated[0]} is used twice")
        for index, measure in enumerate(self.measures):
            measure.check_rules(index)
        self._check_subjects()
        self._check_other_parts()
        return self

    def _check_conducting_authority(self) -> None:
        conducting = self.conducting_authority
        if self.requesting_authority_conducts and conducting is not None:
            raise CONDUCTING_AUTHORITY.violation(
                "the requesting authority conducts the proceeding: no other is named"
            )
        if not self.requesting_authority_conducts:
            if conducting is None:
                raise CONDUCTING_AUTHORITY.violation()
            if conducting.functions is None:
                raise at(CONDUCTING_AUTHORITY, "conducting_authority.functions")

    def _check_subjects(self) -> None:
        tokens = [p.subject_token for p in self.persons_concerned]
        if duplicates(tokens):
            raise SUBJECTS.violation("a subject token is given to two persons")
        known = set(tokens)
        for index, measure in enumerate(self.measures):
            for path, token in measure.subject_tokens():
                if token not in known:
                    raise at(
                        SUBJECTS,
                        f"measures[{index}].{path}",
                        "names no person in persons_concerned",
                    )
        refs = [t.target_ref for m in self.measures for t in m.targets]
        repeated = duplicates(refs)
        if repeated:
            raise at(TARGETS, "measures[].targets[].target_ref", f"{repeated[0]} is used twice")

    def _check_other_parts(self) -> None:
        secret = self.confidentiality
        if (
            secret is not None
            and (secret.keep_fact_and_substance_confidential or secret.do_not_notify_subject)
            and secret.reason is None
        ):
            raise CONFIDENTIALITY_REASON.violation()
        for index, assurance in enumerate(self.assurances):
            if assurance.kind is AssuranceKind.OTHER and assurance.text is None:
                raise at(ASSURANCE_TEXT, f"assurances[{index}].text")
        if self.costs_note and self.costs_note.extraordinary_expected and not self.costs_note.note:
            raise COSTS_NOTE.violation()

    def check_body_against_header(self, header: Header) -> None:
        urgency = header.urgency
        if urgency is not None and urgency.respond_by is not None and not self.deadline_reasons:
            raise DEADLINE_REASONS.violation()
        if self.signatory.signed_at > header.sent_at:
            raise SIGNED_BEFORE_SENDING.violation()
        secret = self.confidentiality
        if (
            secret is not None
            and secret.keep_fact_and_substance_confidential
            and header.classification.rank < Classification.CONFIDENTIAL.rank
        ):
            raise CONFIDENTIAL_MARKING.violation()

    @property
    def measure_ids(self) -> frozenset[str]:
        """The ids of the measures requested."""
        return frozenset(m.measure_id for m in self.measures)
