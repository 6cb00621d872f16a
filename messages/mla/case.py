"""The case record of an evidence request: its state, the facts the lifecycle's guards and
the service-level timers need, and how each message or local event adds to them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from messages.document import Document
from messages.header import LegalBasisRef
from messages.lifecycle import Trigger
from messages.mla.models_execution import ExecutionReport
from messages.mla.models_request import EvidenceRequest
from messages.mla.models_responses import (
    Acknowledgement,
    ClosureNotice,
    ConsultationProposal,
    ConsultationReply,
    DecisionNotice,
    DelayNotice,
    InformationReply,
    InformationRequest,
    PostponementNotice,
    RefusalNotice,
    StatusReport,
)
from messages.mla.vocab import Decision, ExecutionOutcome, ExecutionStage, FinalState, MlaState
from messages.vocab import MessageType

S = MlaState
M = MessageType


class MlaEvent(StrEnum):
    """Acts at one node that send no message."""

    DRAFT_DISCARDED = "DRAFT_DISCARDED"
    """The requesting side abandons a draft that was never sent."""
    ASSESSMENT_STARTED = "ASSESSMENT_STARTED"
    """The requested side's competent authority starts assessing the request."""
    EXECUTION_STARTED = "EXECUTION_STARTED"
    """The executing authority starts carrying out the accepted measures."""
    EXECUTION_RESUMED = "EXECUTION_RESUMED"
    """Execution resumes after a postponement, or for the remaining measures."""
    LAPSE_DECLARED = "LAPSE_DECLARED"
    """The requested side treats the request as lapsed: the information it asked for did not
    come by the date it gave."""


@dataclass(frozen=True)
class MlaCase:
    """An evidence request's business state and the facts the guards and timers need."""

    state: MlaState
    previous_state: MlaState | None = None
    requesting_state: str | None = None
    """The state that sent the request (ISO 3166-1 alpha-2)."""
    requested_state: str | None = None
    legal_basis: tuple[LegalBasisRef, ...] = ()
    """The request's legal bases: they choose the service levels."""
    measure_ids: frozenset[str] = frozenset()
    """The measures requested (as amended by an InformationReply, if it was)."""
    respond_by: date | None = None
    """The requesting state's deadline (header.urgency.respond_by of the request)."""
    transmitted_at: datetime | None = None
    received_at: datetime | None = None
    """When the requested state received the request, as its first Acknowledgement says."""
    decided_at: datetime | None = None
    """When the request was accepted or refused as a whole."""
    accepted_at: datetime | None = None
    decision: Decision | None = None
    accepted_measure_ids: frozenset[str] = frozenset()
    refused_measure_ids: frozenset[str] = frozenset()
    """Measures refused by partial RefusalNotices (with grounds)."""
    completed_measure_ids: frozenset[str] = frozenset()
    """Measures reported COMPLETED or SUBSTITUTED."""
    execution_outcome: ExecutionOutcome | None = None
    """The outcome of the latest ExecutionReport."""
    open_info_items: frozenset[str] = frozenset()
    """Questions of InformationRequests not yet answered."""
    info_respond_by: date | None = None
    clock_paused_since: datetime | None = None
    """Set while a service-level clock is stopped: information requested with clock_paused,
    or execution postponed."""
    decision_paused: timedelta = timedelta(0)
    """Total time the decision clock was stopped for information (closed pauses)."""
    execution_paused: timedelta = timedelta(0)
    """Total time the execution clock was stopped (information, postponement)."""
    decision_delay_notified_at: datetime | None = None
    """When the requested side first announced a delay of its decision (EIO art. 12(5))."""
    estimated_completion: date | None = None
    postponed_until: date | None = None
    consultation_proposal_id: UUID | None = None
    """The message_id of the latest ConsultationProposal."""
    consultation_proposer: str | None = None
    consultation_condition_ids: frozenset[str] = frozenset()
    consultation_accepted: bool | None = None
    """The answer to the latest proposal: None while unanswered."""
    agreed_condition_ids: frozenset[str] = frozenset()
    """Conditions accepted in consultation; they bind once accepted (UNTOC 18(26))."""
    closed_at: datetime | None = None
    final_state: FinalState | None = None


def new_case() -> MlaCase:
    """A case in the initial state: a draft request at the requesting node."""
    return MlaCase(state=MlaState.DRAFT)


# --- facts --------------------------------------------------------------------------------


def _close_pause(case: MlaCase, at: datetime) -> MlaCase:
    if case.clock_paused_since is None:
        return case
    elapsed = max(at - case.clock_paused_since, timedelta(0))
    if case.state is S.INFO_REQUESTED:
        return dataclasses.replace(
            case, clock_paused_since=None, decision_paused=case.decision_paused + elapsed
        )
    return dataclasses.replace(
        case, clock_paused_since=None, execution_paused=case.execution_paused + elapsed
    )


def _ends_pause(case: MlaCase, trigger: Trigger) -> bool:
    if case.clock_paused_since is None:
        return False
    key = trigger.header.message_type if isinstance(trigger, Document) else trigger
    if case.state in (S.INFO_REQUESTED, S.INFO_REQUESTED_EXEC):
        return key in (
            M.INFORMATION_REPLY,
            M.WITHDRAWAL_NOTICE,
            M.CLOSURE_NOTICE,
            MlaEvent.LAPSE_DECLARED,
        )
    if case.state is S.POSTPONED:
        if isinstance(trigger, Document) and isinstance(trigger.body, StatusReport):
            return trigger.body.reported_state is S.IN_EXECUTION
        return key in (
            MlaEvent.EXECUTION_RESUMED,
            M.EXECUTION_REPORT,
            M.REFUSAL_NOTICE,
            M.WITHDRAWAL_NOTICE,
        )
    return False


def absorb(case: MlaCase, trigger: Trigger, now: datetime) -> MlaCase:
    """Record the facts a trigger brings (the engine sets the state)."""
    at = trigger.header.sent_at if isinstance(trigger, Document) else now
    if _ends_pause(case, trigger):
        case = _close_pause(case, at)
    if not isinstance(trigger, Document):
        return case
    return _absorb_message(case, trigger)


def _absorb_message(case: MlaCase, document: Document[Any]) -> MlaCase:
    body, header = document.body, document.header
    at = header.sent_at
    replace = dataclasses.replace
    if isinstance(body, EvidenceRequest):
        urgency = header.urgency
        return replace(
            case,
            requesting_state=header.sender.state,
            requested_state=header.recipient.state,
            legal_basis=tuple(header.legal_basis),
            measure_ids=body.measure_ids,
            respond_by=urgency.respond_by if urgency else None,
            transmitted_at=at,
        )
    if isinstance(body, Acknowledgement):
        return replace(case, received_at=case.received_at or body.received_at)
    if isinstance(body, InformationRequest):
        paused = case.clock_paused_since or (at if body.clock_paused else None)
        return replace(
            case,
            open_info_items=case.open_info_items | {item.item_id for item in body.items},
            info_respond_by=body.respond_by or case.info_respond_by,
            clock_paused_since=paused,
        )
    if isinstance(body, InformationReply):
        answered = {answer.item_id for answer in body.answers}
        amended = body.amended_request
        return replace(
            case,
            open_info_items=case.open_info_items - answered,
            info_respond_by=None,
            measure_ids=amended.measure_ids if amended else case.measure_ids,
        )
    if isinstance(body, DecisionNotice):
        accepted = (
            frozenset(body.measure_ids)
            if body.decision is Decision.PARTIALLY_ACCEPTED
            else case.measure_ids
        )
        return replace(
            case,
            decision=body.decision,
            decided_at=at,
            accepted_at=at,
            accepted_measure_ids=accepted,
            estimated_completion=body.expected_completion or case.estimated_completion,
        )
    if isinstance(body, DelayNotice):
        first_decision_delay = (
            body.stage is ExecutionStage.DECISION and case.decision_delay_notified_at is None
        )
        return replace(
            case,
            decision_delay_notified_at=at
            if first_decision_delay
            else case.decision_delay_notified_at,
            estimated_completion=body.new_estimated_date
            if body.stage is ExecutionStage.EXECUTION
            else case.estimated_completion,
        )
    if isinstance(body, PostponementNotice):
        return replace(
            case, postponed_until=body.until, clock_paused_since=case.clock_paused_since or at
        )
    if isinstance(body, ConsultationProposal):
        return replace(
            case,
            consultation_proposal_id=header.message_id,
            consultation_proposer=header.sender.state,
            consultation_condition_ids=frozenset(c.condition_id for c in body.conditions),
            consultation_accepted=None,
        )
    if isinstance(body, ConsultationReply):
        agreed = case.consultation_condition_ids if body.accepted else frozenset()
        return replace(
            case,
            consultation_accepted=body.accepted,
            agreed_condition_ids=case.agreed_condition_ids | agreed,
        )
    if isinstance(body, ExecutionReport):
        return replace(
            case,
            completed_measure_ids=case.completed_measure_ids | body.completed_measure_ids(),
            execution_outcome=body.outcome,
        )
    if isinstance(body, RefusalNotice):
        if body.partial:
            return replace(
                case, refused_measure_ids=case.refused_measure_ids | set(body.measure_ids)
            )
        return replace(case, decided_at=case.decided_at or at)
    if isinstance(body, ClosureNotice):
        return replace(case, closed_at=body.closed_at, final_state=body.final_state)
    return case
