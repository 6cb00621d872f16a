"""The answers to an evidence request and the messages around it (domain model A.3), except
the execution report (``models_execution``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from messages.base import WireModel
from messages.header import Header
from messages.mla.models_common import (
    Authority,
    Condition,
    MlaBody,
    SealedText,
    duplicates,
    sent_on,
)
from messages.mla.models_request import MAX_MEASURES, EvidenceRequest
from messages.mla.rules import (
    CLOSED_AT,
    CONDITION_IDS,
    CONSULTATION_DECLINED_REASONS,
    CONSULTATION_REPLY_TO,
    CONSULTATION_RESPOND_BY,
    DECISION_CONDITIONS,
    DECISION_MEASURES,
    DELAY_NEW_DATE,
    EXPECTED_COMPLETION,
    INFO_ITEM_IDS,
    INFO_RESPOND_BY,
    MEASURE_REFS_UNIQUE,
    OTHER_NOTE,
    POSTPONEMENT_CONSULTATION,
    POSTPONEMENT_UNTIL,
    RECEIVED_AT,
    REFUSAL_CONSULTATION,
    REFUSAL_GROUNDS,
    REFUSAL_OTHER_GROUND,
    REFUSAL_PARTIAL,
    REFUSAL_POSTPONE_INSTEAD,
    REFUSAL_REASONS,
    REFUSAL_UNTOC_GROUNDS,
    REPLY_ANSWERS,
    REPLY_ATTACHMENTS,
    REPORTABLE_STATE,
    STATUS_ETA,
    at,
)
from messages.mla.vocab import (
    REPORTABLE_STATES,
    UNTOC_18_21_GROUNDS,
    UNTOC_EXCLUDED_GROUNDS,
    ConsultationFallback,
    ConsultationSubject,
    Decision,
    DelayReason,
    ExecutionStage,
    FinalState,
    InformationReason,
    InquiryReason,
    MlaState,
    NextStep,
    PostponementReason,
    RefusalGround,
    WithdrawalReason,
)
from messages.types import (
    CalendarDate,
    CaseRef,
    Identifier,
    Label,
    Paragraph,
    Sentence,
    Sha256Hex,
    UtcDateTime,
)
from messages.vocab import LegalBasis, MessageType

MAX_CONDITIONS = 20


def check_condition_ids(conditions: list[Condition], field: str = "conditions") -> None:
    """Raise when two conditions share an id."""
    repeated = duplicates(c.condition_id for c in conditions)
    if repeated:
        raise at(CONDITION_IDS, f"{field}[].condition_id", f"{repeated[0]} is used twice")


def check_measure_refs(measure_ids: list[str]) -> None:
    repeated = duplicates(measure_ids)
    if repeated:
        raise MEASURE_REFS_UNIQUE.violation(f"{repeated[0]} is named twice")


class Acknowledgement(MlaBody):
    """The requested state confirms it received the request (EIO art. 16(1) and Annex B:
    within a week). A further acknowledgement may come from the competent authority the
    request was forwarded to."""

    MESSAGE_TYPE: ClassVar = MessageType.ACKNOWLEDGEMENT

    received_at: UtcDateTime
    received_by: Identifier
    """The authority id of the authority that received the request."""
    requested_ref: Identifier
    """The requested side's file number for the request."""
    forwarded_to: Authority | None = None
    """The competent authority the request was forwarded to for execution, if any."""

    def check_body_against_header(self, header: Header) -> None:
        if self.received_at > header.sent_at:
            raise RECEIVED_AT.violation()


class InformationItem(WireModel):
    """One thing the requested state needs to know."""

    item_id: Identifier
    field_path: Label | None = None
    """The part of the request concerned, as a dotted path, e.g. 'measures[1].targets'."""
    reason: InformationReason
    question: SealedText
    """The question; sealed because it may quote the request's personal data."""


class InformationRequest(MlaBody):
    """The requested state asks for more information before deciding or while executing
    (UNTOC 18(16); IACMAMC art. 26; EIO art. 16(2))."""

    MESSAGE_TYPE: ClassVar = MessageType.INFORMATION_REQUEST

    items: list[InformationItem] = Field(min_length=1, max_length=50)
    respond_by: CalendarDate | None = None
    """The date by which the reply is needed; if nothing comes by then, the request may be
    closed as LAPSED."""
    clock_paused: bool
    """Whether the requested state's service-level clock stops until the reply arrives."""

    @model_validator(mode="after")
    def _unique_items(self) -> InformationRequest:
        repeated = duplicates(item.item_id for item in self.items)
        if repeated:
            raise INFO_ITEM_IDS.violation(f"{repeated[0]} is used twice")
        return self

    def check_body_against_header(self, header: Header) -> None:
        if self.respond_by is not None and self.respond_by < sent_on(header):
            raise INFO_RESPOND_BY.violation()


class Answer(WireModel):
    """The answer to one item of an InformationRequest."""

    item_id: Identifier
    answer: SealedText | None = None
    attachment_sha256: Sha256Hex | None = None
    """The digest of an attachment of this message that answers the item."""


class InformationReply(MlaBody):
    """The requesting state answers an InformationRequest, possibly with an amended request."""

    MESSAGE_TYPE: ClassVar = MessageType.INFORMATION_REPLY

    answers: list[Answer] = Field(min_length=1, max_length=50)
    amended_request: EvidenceRequest | None = None
    """The request as amended, replacing the earlier text in full."""

    @model_validator(mode="after")
    def _answers(self) -> InformationReply:
        for index, answer in enumerate(self.answers):
            if answer.answer is None and answer.attachment_sha256 is None:
                raise at(REPLY_ANSWERS, f"answers[{index}]", "gives neither text nor attachment")
        repeated = duplicates(answer.item_id for answer in self.answers)
        if repeated:
            raise at(REPLY_ANSWERS, "answers[].item_id", f"{repeated[0]} is answered twice")
        return self

    def check_body_against_header(self, header: Header) -> None:
        attached = {attachment.sha256 for attachment in header.attachments}
        for index, answer in enumerate(self.answers):
            if answer.attachment_sha256 is not None and answer.attachment_sha256 not in attached:
                raise at(REPLY_ATTACHMENTS, f"answers[{index}].attachment_sha256")


class DecisionNotice(MlaBody):
    """The requested state decides to execute the request, in whole, with conditions, or in
    part (EIO art. 16(3)). A partial acceptance follows a partial RefusalNotice that gives the
    grounds for the measures not accepted."""

    MESSAGE_TYPE: ClassVar = MessageType.DECISION_NOTICE

    decision: Decision
    measure_ids: list[Identifier] = Field(default_factory=list, max_length=MAX_MEASURES)
    """PARTIALLY_ACCEPTED only: the measures accepted."""
    conditions: list[Condition] = Field(default_factory=list, max_length=MAX_CONDITIONS)
    """The conditions of execution or use; out of a consultation, the conditions agreed."""
    executing_authority: Authority
    expected_completion: CalendarDate | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DecisionNotice:
        conditional = self.decision is Decision.ACCEPTED_WITH_CONDITIONS
        if conditional and not self.conditions:
            raise DECISION_CONDITIONS.violation("ACCEPTED_WITH_CONDITIONS lists the conditions")
        if self.decision is Decision.ACCEPTED and self.conditions:
            raise DECISION_CONDITIONS.violation(
                "an unconditional acceptance lists no conditions (use ACCEPTED_WITH_CONDITIONS)"
            )
        check_condition_ids(self.conditions)
        partial = self.decision is Decision.PARTIALLY_ACCEPTED
        if partial != bool(self.measure_ids):
            raise DECISION_MEASURES.violation()
        check_measure_refs(self.measure_ids)
        return self

    def check_body_against_header(self, header: Header) -> None:
        if self.expected_completion is not None and self.expected_completion < sent_on(header):
            raise EXPECTED_COMPLETION.violation()


class DelayNotice(MlaBody):
    """The requested state cannot meet a deadline and says why and when it expects to
    (EIO art. 12(5)-(6); EJN practice: inform the requester if its deadline cannot be met)."""

    MESSAGE_TYPE: ClassVar = MessageType.DELAY_NOTICE

    stage: ExecutionStage
    reason: DelayReason
    note: Sentence | None = None
    """Required for reason OTHER. Procedural: persons only by subject token."""
    new_estimated_date: CalendarDate

    @model_validator(mode="after")
    def _other(self) -> DelayNotice:
        if self.reason is DelayReason.OTHER and self.note is None:
            raise OTHER_NOTE.violation()
        return self

    def check_body_against_header(self, header: Header) -> None:
        if self.new_estimated_date < sent_on(header):
            raise DELAY_NEW_DATE.violation()


class PostponementNotice(MlaBody):
    """The requested state postpones execution because it would interfere with its own
    investigation, prosecution or proceedings (UNTOC 18(25); EIO art. 15)."""

    MESSAGE_TYPE: ClassVar = MessageType.POSTPONEMENT_NOTICE

    reason: PostponementReason
    note: Sentence | None = None
    """Required for reason OTHER."""
    until: CalendarDate
    """The end of the postponement, or the date on which it will be reviewed."""
    measure_ids: list[Identifier] = Field(default_factory=list, max_length=MAX_MEASURES)
    """The measures postponed; empty when the whole execution is postponed."""
    consultation_held: bool
    """Whether the requesting state was consulted first (UNTOC 18(26))."""

    @model_validator(mode="after")
    def _consistent(self) -> PostponementNotice:
        if self.reason is PostponementReason.OTHER and self.note is None:
            raise OTHER_NOTE.violation()
        check_measure_refs(self.measure_ids)
        return self

    def check_body_against_header(self, header: Header) -> None:
        if self.until <= sent_on(header):
            raise POSTPONEMENT_UNTIL.violation()
        if LegalBasis.UNTOC_ART18 in header.bases and not self.consultation_held:
            raise POSTPONEMENT_CONSULTATION.violation()


class ConsultationProposal(MlaBody):
    """One side proposes the conditions under which assistance could be given, before the
    requested state refuses or postpones (UNTOC 18(26)); the other may counter-propose."""

    MESSAGE_TYPE: ClassVar = MessageType.CONSULTATION_PROPOSAL

    subject: ConsultationSubject
    conditions: list[Condition] = Field(min_length=1, max_length=MAX_CONDITIONS)
    if_declined: ConsultationFallback
    """What the proposer intends to do if the proposal is declined."""
    respond_by: CalendarDate | None = None
    note: Sentence | None = None

    @model_validator(mode="after")
    def _unique(self) -> ConsultationProposal:
        check_condition_ids(self.conditions)
        return self

    def check_body_against_header(self, header: Header) -> None:
        if self.respond_by is not None and self.respond_by < sent_on(header):
            raise CONSULTATION_RESPOND_BY.violation()


class ConsultationReply(MlaBody):
    """The answer to a ConsultationProposal (named by header.in_reply_to): its conditions are
    accepted, and bind once accepted (UNTOC 18(26)), or declined with reasons."""

    MESSAGE_TYPE: ClassVar = MessageType.CONSULTATION_REPLY

    accepted: bool
    reasons: Sentence | None = None
    """Required when the proposal is declined."""

    @model_validator(mode="after")
    def _reasons(self) -> ConsultationReply:
        if not self.accepted and self.reasons is None:
            raise CONSULTATION_DECLINED_REASONS.violation()
        return self

    def check_body_against_header(self, header: Header) -> None:
        if header.in_reply_to is None:
            raise CONSULTATION_REPLY_TO.violation()


class StatusInquiry(MlaBody):
    """The requesting state asks where the request stands; reasonable inquiries are answered
    (UNTOC 18(24))."""

    MESSAGE_TYPE: ClassVar = MessageType.STATUS_INQUIRY

    reason: InquiryReason
    note: Sentence | None = None
    """Required for reason OTHER."""

    @model_validator(mode="after")
    def _other(self) -> StatusInquiry:
        if self.reason is InquiryReason.OTHER and self.note is None:
            raise OTHER_NOTE.violation()
        return self


class StatusReport(MlaBody):
    """Where the request stands (UNTOC 18(24)). A report by the requested state that names a
    state brings the requesting side's mirror of the case up to date (e.g. from RECEIVED to
    UNDER_ASSESSMENT)."""

    MESSAGE_TYPE: ClassVar = MessageType.STATUS_REPORT

    reported_state: MlaState | None = None
    """The state of the request as the sender records it."""
    progress_note: Sentence | None = None
    """Procedural: persons only by subject token."""
    next_step: NextStep | None = None
    next_step_eta: CalendarDate | None = None

    @model_validator(mode="after")
    def _reportable(self) -> StatusReport:
        if self.reported_state is not None and self.reported_state not in REPORTABLE_STATES:
            raise REPORTABLE_STATE.violation(
                f"{self.reported_state} is announced by its own message, not a status report"
            )
        return self

    def check_body_against_header(self, header: Header) -> None:
        if self.next_step_eta is not None and self.next_step_eta < sent_on(header):
            raise STATUS_ETA.violation()


class RefusalNotice(MlaBody):
    """The requested state refuses the request, or some of its measures, giving the grounds
    and the reasons (UNTOC 18(21), 18(23); IACMAMC art. 26)."""

    MESSAGE_TYPE: ClassVar = MessageType.REFUSAL_NOTICE

    grounds: list[RefusalGround] = Field(max_length=16, json_schema_extra={"minItems": 1})
    """At least one ground (rule mla.refusal.grounds)."""
    other_ground_text: Sentence | None = None
    """The ground, in words, when OTHER is among the grounds."""
    reasons_text: Paragraph
    """The reasons for the refusal (UNTOC 18(23)). Procedural: persons only by subject
    token."""
    partial: bool
    """Whether only some measures are refused; the others proceed."""
    measure_ids: list[Identifier] = Field(default_factory=list, max_length=MAX_MEASURES)
    """A partial refusal: the measures refused."""
    consultation_held: bool
    """Whether the requesting state was consulted first (UNTOC 18(26))."""

    @model_validator(mode="after")
    def _rules(self) -> RefusalNotice:
        if not self.grounds:
            raise REFUSAL_GROUNDS.violation()
        if duplicates(self.grounds):
            raise REFUSAL_GROUNDS.violation("a ground is listed twice")
        if not self.reasons_text.strip():
            raise REFUSAL_REASONS.violation()
        if (RefusalGround.OTHER in self.grounds) != (self.other_ground_text is not None):
            raise REFUSAL_OTHER_GROUND.violation()
        if self.partial != bool(self.measure_ids):
            raise REFUSAL_PARTIAL.violation()
        check_measure_refs(self.measure_ids)
        return self

    def check_body_against_header(self, header: Header) -> None:
        if LegalBasis.UNTOC_ART18 not in header.bases:
            return
        excluded = sorted(UNTOC_EXCLUDED_GROUNDS & set(self.grounds))
        if excluded:
            raise REFUSAL_UNTOC_GROUNDS.violation(
                f"{', '.join(excluded)} is not a permitted refusal ground when the legal basis "
                "includes UNTOC_ART18"
            )
        if self.grounds == [RefusalGround.INTERFERES_WITH_DOMESTIC_CASE]:
            raise REFUSAL_POSTPONE_INSTEAD.violation()
        if UNTOC_18_21_GROUNDS & set(self.grounds) and not self.consultation_held:
            raise REFUSAL_CONSULTATION.violation()


class WithdrawalNotice(MlaBody):
    """The requesting state withdraws the request, e.g. because the assistance is no longer
    needed (UNTOC 18(24), last sentence)."""

    MESSAGE_TYPE: ClassVar = MessageType.WITHDRAWAL_NOTICE

    reason: WithdrawalReason
    note: Sentence | None = None
    """Required for reason OTHER."""
    replacement_case_ref: CaseRef | None = None
    """The case_ref of the new request that supersedes this one, if any."""

    @model_validator(mode="after")
    def _other(self) -> WithdrawalNotice:
        if self.reason is WithdrawalReason.OTHER and self.note is None:
            raise OTHER_NOTE.violation()
        return self


class ClosureNotice(MlaBody):
    """Either side records that the case is closed and how it ended."""

    MESSAGE_TYPE: ClassVar = MessageType.CLOSURE_NOTICE

    final_state: FinalState
    closed_at: UtcDateTime
    note: Sentence | None = None

    def check_body_against_header(self, header: Header) -> None:
        if self.closed_at > header.sent_at:
            raise CLOSED_AT.violation()
