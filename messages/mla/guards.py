"""The conditions (``when``) and guards of the mla lifecycle table, each with its source."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from messages.document import Document
from messages.lifecycle import Rule
from messages.mla.case import MlaCase
from messages.mla.models_execution import ExecutionReport
from messages.mla.models_responses import (
    ClosureNotice,
    DecisionNotice,
    InformationReply,
    RefusalNotice,
    StatusReport,
)
from messages.mla.vocab import Decision, ExecutionOutcome, FinalState, MlaState

Check = Rule[MlaCase]


def _body(document: Document[Any] | None) -> Any:
    return document.body if document is not None else None


def _sender(document: Document[Any] | None) -> str | None:
    return document.header.sender.state if document is not None else None


SENT_BY_REQUESTED = Check(
    "sent-by-requested-state",
    "this message is the requested state's: its sender is the state the request was sent to",
    "Domain model A.3 (direction of each message)",
    lambda case, doc, now: (
        case.requested_state is not None and _sender(doc) == case.requested_state
    ),
)
SENT_BY_REQUESTING = Check(
    "sent-by-requesting-state",
    "this message is the requesting state's: its sender is the state that made the request",
    "Domain model A.3 (direction of each message)",
    lambda case, doc, now: (
        case.requesting_state is not None and _sender(doc) == case.requesting_state
    ),
)


def _named_measures(body: Any) -> set[str]:
    if isinstance(body, ExecutionReport):
        return {r.measure_id for r in body.results}
    return set(getattr(body, "measure_ids", ()))


def _accepted(case: MlaCase) -> frozenset[str]:
    if case.decision is Decision.PARTIALLY_ACCEPTED:
        return case.accepted_measure_ids
    return case.measure_ids - case.refused_measure_ids


MEASURES_OF_REQUEST = Check(
    "measures-of-the-request",
    "every measure the message names is a measure of the request",
    "Design (answers refer to the request's measure ids)",
    lambda case, doc, now: _named_measures(_body(doc)) <= case.measure_ids,
)
MEASURES_ACCEPTED = Check(
    "measures-accepted",
    "an execution report reports on accepted measures only",
    "EIO art. 16(3); domain model A.3",
    lambda case, doc, now: _named_measures(_body(doc)) <= _accepted(case),
)


def _all_done(case: MlaCase, doc: Document[Any] | None, now: datetime) -> bool:
    body = _body(doc)
    done = case.completed_measure_ids
    if isinstance(body, ExecutionReport):
        done = done | body.completed_measure_ids()
    return _accepted(case) <= done


ALL_DONE = Check(
    "every-accepted-measure-done",
    "a request is EXECUTED only when every accepted measure has been completed (in this or an "
    "earlier report)",
    "Domain model A.3, A.7",
    _all_done,
)


def _decision_consistent(case: MlaCase, doc: Document[Any] | None, now: datetime) -> bool:
    body = _body(doc)
    if not isinstance(body, DecisionNotice):
        return False
    accepted = set(body.measure_ids)
    if body.decision is Decision.PARTIALLY_ACCEPTED:
        return (
            bool(accepted)
            and not (accepted & case.refused_measure_ids)
            and accepted | case.refused_measure_ids == set(case.measure_ids)
        )
    return not case.refused_measure_ids


DECISION_CONSISTENT = Check(
    "decision-consistent-with-refusals",
    "a PARTIALLY_ACCEPTED decision accepts exactly the measures not refused by a partial "
    "RefusalNotice (so every refused measure has grounds); a full acceptance follows no "
    "partial refusal",
    "UNTOC art. 18(23) (reasons for any refusal); domain model A.3",
    _decision_consistent,
)


def _leaves_measures(case: MlaCase, doc: Document[Any] | None, now: datetime) -> bool:
    refused = case.refused_measure_ids | _named_measures(_body(doc))
    return bool(case.measure_ids - refused)


PARTIAL_LEAVES_MEASURES = Check(
    "partial-refusal-leaves-measures",
    "a partial refusal leaves at least one measure; refusing all of them is a total refusal",
    "Design (domain model A.3 RefusalNotice.partial)",
    _leaves_measures,
)


def _conditions_agreed(case: MlaCase, doc: Document[Any] | None, now: datetime) -> bool:
    body = _body(doc)
    if not isinstance(body, DecisionNotice):
        return False
    ids = {c.condition_id for c in body.conditions}
    if not ids:
        return True
    return case.consultation_accepted is True and ids <= case.agreed_condition_ids


CONDITIONS_AGREED = Check(
    "conditions-agreed",
    "out of a consultation, a decision imposes only conditions the requesting state accepted",
    "UNTOC art. 18(26)",
    _conditions_agreed,
)


def _answers_open_proposal(case: MlaCase, doc: Document[Any] | None, now: datetime) -> bool:
    return (
        doc is not None
        and case.consultation_proposal_id is not None
        and doc.header.in_reply_to == case.consultation_proposal_id
        and case.consultation_accepted is None
        and doc.header.sender.state != case.consultation_proposer
    )


ANSWERS_OPEN_PROPOSAL = Check(
    "answers-the-open-proposal",
    "a consultation reply answers the latest proposal, once, and comes from the other side",
    "UNTOC art. 18(26)",
    _answers_open_proposal,
)


def _every_question_answered(case: MlaCase, doc: Document[Any] | None, now: datetime) -> bool:
    body = _body(doc)
    if not isinstance(body, InformationReply):
        return False
    return case.open_info_items <= {answer.item_id for answer in body.answers}


EVERY_QUESTION_ANSWERED = Check(
    "every-question-answered",
    "the reply answers every open question (an answer may say the information is not "
    "available), so that the assessment can resume",
    "UNTOC art. 18(16); EIO art. 16(2)",
    _every_question_answered,
)
REPLY_DEADLINE_PASSED = Check(
    "reply-deadline-passed",
    "a request lapses only after the date given for the information has passed",
    "Design (domain model A.7: INFO_REQUESTED -> LAPSED)",
    lambda case, doc, now: case.info_respond_by is not None and now.date() > case.info_respond_by,
)

# Conditions that select a row by content (IllegalTransition when none matches).

REFUSAL_TOTAL = Check(
    "refusal-total",
    "the refusal covers the whole request",
    "Domain model A.3",
    lambda case, doc, now: isinstance(_body(doc), RefusalNotice) and not _body(doc).partial,
)
REFUSAL_PARTIAL = Check(
    "refusal-partial",
    "the refusal covers some measures; the others proceed",
    "Domain model A.3",
    lambda case, doc, now: isinstance(_body(doc), RefusalNotice) and _body(doc).partial,
)


def _outcome(outcome: ExecutionOutcome) -> Check:
    return Check(
        f"outcome-{outcome.value.lower().replace('_', '-')}",
        f"the report's outcome is {outcome}",
        "Domain model A.3",
        lambda case, doc, now: (
            isinstance(_body(doc), ExecutionReport) and _body(doc).outcome is outcome
        ),
    )


OUTCOME_EXECUTED = _outcome(ExecutionOutcome.EXECUTED)
OUTCOME_PARTIAL = _outcome(ExecutionOutcome.PARTIALLY_EXECUTED)
OUTCOME_NOT_EXECUTABLE = _outcome(ExecutionOutcome.NOT_EXECUTABLE)

REPORTS_NO_CHANGE = Check(
    "reports-no-change",
    "the status report names no state, or the case's current state",
    "UNTOC art. 18(24)",
    lambda case, doc, now: (
        isinstance(_body(doc), StatusReport) and _body(doc).reported_state in (None, case.state)
    ),
)


def _reports(state: MlaState) -> Check:
    return Check(
        f"reports-{state.value.lower().replace('_', '-')}",
        f"the requested state reports that the request is {state}: the requesting side's "
        "mirror catches up with a local step it could not see",
        "Domain model A.7 (convergence of both sides)",
        lambda case, doc, now: (
            isinstance(_body(doc), StatusReport)
            and _body(doc).reported_state is state
            and _sender(doc) == case.requested_state
        ),
    )


REPORTS_UNDER_ASSESSMENT = _reports(MlaState.UNDER_ASSESSMENT)
REPORTS_IN_EXECUTION = _reports(MlaState.IN_EXECUTION)

CLOSURE_MATCHES = Check(
    "closure-matches-state",
    "the closure records the state in which the case ended",
    "Domain model A.7",
    lambda case, doc, now: (
        isinstance(_body(doc), ClosureNotice) and _body(doc).final_state.value == case.state.value
    ),
)
CLOSURE_LAPSED = Check(
    "closure-lapsed",
    "the closure records that the request lapsed for want of the information asked for",
    "Domain model A.7",
    lambda case, doc, now: (
        isinstance(_body(doc), ClosureNotice) and _body(doc).final_state is FinalState.LAPSED
    ),
)
