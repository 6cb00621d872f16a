"""The business lifecycle of an evidence request (domain model A.7), as data.

Both nodes apply the same table: the requesting node when it sends or receives, the requested
node likewise. Three states are entered by a local act of the requested side that the
requesting side never sees (UNDER_ASSESSMENT, IN_EXECUTION, LAPSED); the table therefore also
accepts the next message from the earlier state, and a StatusReport that names the new state
moves the requesting side's mirror forward, so that both sides converge.

Consultation (UNTOC 18(26)) is a state of its own before the decision (A.7); after it, a
proposal and its reply are self-loops of the execution states, recorded in the case.

Timers (acknowledgement, decision, execution) are service levels computed from the facts the
case records (``messages.mla.service_levels``); a missed timer never changes the state.
"""

from __future__ import annotations

from typing import Final

from messages.lifecycle import Lifecycle, Transition
from messages.mla.case import MlaCase, MlaEvent, absorb, new_case
from messages.mla.guards import (
    ALL_DONE,
    ANSWERS_OPEN_PROPOSAL,
    CLOSURE_LAPSED,
    CLOSURE_MATCHES,
    CONDITIONS_AGREED,
    DECISION_CONSISTENT,
    EVERY_QUESTION_ANSWERED,
    MEASURES_ACCEPTED,
    MEASURES_OF_REQUEST,
    OUTCOME_EXECUTED,
    OUTCOME_NOT_EXECUTABLE,
    OUTCOME_PARTIAL,
    PARTIAL_LEAVES_MEASURES,
    REFUSAL_PARTIAL,
    REFUSAL_TOTAL,
    REPLY_DEADLINE_PASSED,
    REPORTS_IN_EXECUTION,
    REPORTS_NO_CHANGE,
    REPORTS_UNDER_ASSESSMENT,
    SENT_BY_REQUESTED,
    SENT_BY_REQUESTING,
    Check,
)
from messages.mla.vocab import MlaState
from messages.vocab import Family, MessageType

S = MlaState
M = MessageType

# --- the table ----------------------------------------------------------------------------

_DIRECTION: Final[dict[MessageType, Check]] = {
    M.ACKNOWLEDGEMENT: SENT_BY_REQUESTED,
    M.INFORMATION_REQUEST: SENT_BY_REQUESTED,
    M.DECISION_NOTICE: SENT_BY_REQUESTED,
    M.DELAY_NOTICE: SENT_BY_REQUESTED,
    M.POSTPONEMENT_NOTICE: SENT_BY_REQUESTED,
    M.EXECUTION_REPORT: SENT_BY_REQUESTED,
    M.REFUSAL_NOTICE: SENT_BY_REQUESTED,
    M.INFORMATION_REPLY: SENT_BY_REQUESTING,
    M.WITHDRAWAL_NOTICE: SENT_BY_REQUESTING,
}
"""Messages only one side may send. ConsultationProposal/Reply, StatusInquiry/Report and
ClosureNotice may come from either side."""

Row = Transition[MlaState, MlaCase]


def _row(
    source: MlaState,
    trigger: MessageType | MlaEvent,
    target: MlaState | None,
    when: Check | None = None,
    guards: tuple[Check, ...] = (),
) -> Row:
    direction = _DIRECTION.get(trigger) if isinstance(trigger, MessageType) else None
    return Transition(source, trigger, target, when, ((direction,) if direction else ()) + guards)


def _status_loops(state: MlaState, *, delay: bool = True) -> list[Row]:
    rows = [
        _row(state, M.STATUS_INQUIRY, state),
        _row(state, M.STATUS_REPORT, state, REPORTS_NO_CHANGE),
    ]
    return rows + ([_row(state, M.DELAY_NOTICE, state)] if delay else [])


def _assessment(state: MlaState, extra_guards: tuple[Check, ...] = ()) -> list[Row]:
    """The moves out of an assessment (RECEIVED, UNDER_ASSESSMENT, CONSULTATION)."""
    partial = (MEASURES_OF_REQUEST, PARTIAL_LEAVES_MEASURES)
    return [
        _row(state, M.DECISION_NOTICE, S.ACCEPTED, None, (DECISION_CONSISTENT, *extra_guards)),
        _row(state, M.REFUSAL_NOTICE, S.REFUSED, REFUSAL_TOTAL),
        _row(state, M.REFUSAL_NOTICE, state, REFUSAL_PARTIAL, partial),
        _row(state, M.WITHDRAWAL_NOTICE, S.WITHDRAWN),
        *_status_loops(state),
    ]


def _execution_reports(state: MlaState, *, not_executable: bool = True) -> list[Row]:
    rows = [
        _row(
            state, M.EXECUTION_REPORT, S.EXECUTED, OUTCOME_EXECUTED, (MEASURES_ACCEPTED, ALL_DONE)
        ),
        _row(
            state, M.EXECUTION_REPORT, S.PARTIALLY_EXECUTED, OUTCOME_PARTIAL, (MEASURES_ACCEPTED,)
        ),
    ]
    if not_executable:
        rows.append(
            _row(
                state,
                M.EXECUTION_REPORT,
                S.NOT_EXECUTABLE,
                OUTCOME_NOT_EXECUTABLE,
                (MEASURES_ACCEPTED,),
            )
        )
    return rows


def _consultation_loops(state: MlaState) -> list[Row]:
    """After the decision the states may still consult (on a postponement, UNTOC 18(26), or on
    extraordinary costs, 18(28)) without leaving the execution phase."""
    return [
        _row(state, M.CONSULTATION_PROPOSAL, state),
        _row(state, M.CONSULTATION_REPLY, state, None, (ANSWERS_OPEN_PROPOSAL,)),
    ]


def _closure(state: MlaState) -> Row:
    return _row(state, M.CLOSURE_NOTICE, S.CLOSED, CLOSURE_MATCHES)


TRANSITIONS: Final[tuple[Row, ...]] = (
    _row(S.DRAFT, M.EVIDENCE_REQUEST, S.TRANSMITTED),
    _row(S.DRAFT, MlaEvent.DRAFT_DISCARDED, S.CANCELLED),
    _row(S.TRANSMITTED, M.ACKNOWLEDGEMENT, S.RECEIVED),
    _row(S.TRANSMITTED, M.STATUS_INQUIRY, S.TRANSMITTED),
    _row(S.TRANSMITTED, M.WITHDRAWAL_NOTICE, S.WITHDRAWN),
    _row(S.RECEIVED, MlaEvent.ASSESSMENT_STARTED, S.UNDER_ASSESSMENT),
    _row(S.RECEIVED, M.STATUS_REPORT, S.UNDER_ASSESSMENT, REPORTS_UNDER_ASSESSMENT),
    _row(S.RECEIVED, M.ACKNOWLEDGEMENT, S.RECEIVED),
    _row(S.RECEIVED, M.INFORMATION_REQUEST, S.INFO_REQUESTED),
    _row(S.RECEIVED, M.CONSULTATION_PROPOSAL, S.CONSULTATION),
    *_assessment(S.RECEIVED),
    _row(S.UNDER_ASSESSMENT, M.ACKNOWLEDGEMENT, S.UNDER_ASSESSMENT),
    _row(S.UNDER_ASSESSMENT, M.INFORMATION_REQUEST, S.INFO_REQUESTED),
    _row(S.UNDER_ASSESSMENT, M.CONSULTATION_PROPOSAL, S.CONSULTATION),
    *_assessment(S.UNDER_ASSESSMENT),
    _row(
        S.INFO_REQUESTED, M.INFORMATION_REPLY, S.UNDER_ASSESSMENT, None, (EVERY_QUESTION_ANSWERED,)
    ),
    _row(S.INFO_REQUESTED, M.INFORMATION_REQUEST, S.INFO_REQUESTED),
    _row(S.INFO_REQUESTED, M.WITHDRAWAL_NOTICE, S.WITHDRAWN),
    _row(S.INFO_REQUESTED, MlaEvent.LAPSE_DECLARED, S.LAPSED, None, (REPLY_DEADLINE_PASSED,)),
    _row(
        S.INFO_REQUESTED,
        M.CLOSURE_NOTICE,
        S.CLOSED,
        CLOSURE_LAPSED,
        (SENT_BY_REQUESTED, REPLY_DEADLINE_PASSED),
    ),
    *_status_loops(S.INFO_REQUESTED, delay=False),
    _row(S.CONSULTATION, M.CONSULTATION_REPLY, S.CONSULTATION, None, (ANSWERS_OPEN_PROPOSAL,)),
    _row(S.CONSULTATION, M.CONSULTATION_PROPOSAL, S.CONSULTATION),
    *_assessment(S.CONSULTATION, (CONDITIONS_AGREED,)),
    _row(S.ACCEPTED, MlaEvent.EXECUTION_STARTED, S.IN_EXECUTION),
    _row(S.ACCEPTED, M.STATUS_REPORT, S.IN_EXECUTION, REPORTS_IN_EXECUTION),
    _row(S.ACCEPTED, M.INFORMATION_REQUEST, S.INFO_REQUESTED_EXEC),
    _row(S.ACCEPTED, M.POSTPONEMENT_NOTICE, S.POSTPONED, None, (MEASURES_OF_REQUEST,)),
    *_execution_reports(S.ACCEPTED),
    _row(S.ACCEPTED, M.WITHDRAWAL_NOTICE, S.WITHDRAWN),
    *_consultation_loops(S.ACCEPTED),
    *_status_loops(S.ACCEPTED),
    _row(S.IN_EXECUTION, M.INFORMATION_REQUEST, S.INFO_REQUESTED_EXEC),
    _row(S.IN_EXECUTION, M.POSTPONEMENT_NOTICE, S.POSTPONED, None, (MEASURES_OF_REQUEST,)),
    *_execution_reports(S.IN_EXECUTION),
    _row(S.IN_EXECUTION, M.WITHDRAWAL_NOTICE, S.WITHDRAWN),
    *_consultation_loops(S.IN_EXECUTION),
    *_status_loops(S.IN_EXECUTION),
    _row(
        S.INFO_REQUESTED_EXEC,
        M.INFORMATION_REPLY,
        S.IN_EXECUTION,
        None,
        (EVERY_QUESTION_ANSWERED,),
    ),
    _row(S.INFO_REQUESTED_EXEC, M.INFORMATION_REQUEST, S.INFO_REQUESTED_EXEC),
    _row(S.INFO_REQUESTED_EXEC, M.WITHDRAWAL_NOTICE, S.WITHDRAWN),
    *_status_loops(S.INFO_REQUESTED_EXEC, delay=False),
    _row(S.POSTPONED, MlaEvent.EXECUTION_RESUMED, S.IN_EXECUTION),
    _row(S.POSTPONED, M.STATUS_REPORT, S.IN_EXECUTION, REPORTS_IN_EXECUTION),
    _row(S.POSTPONED, M.POSTPONEMENT_NOTICE, S.POSTPONED, None, (MEASURES_OF_REQUEST,)),
    *_execution_reports(S.POSTPONED),
    _row(S.POSTPONED, M.REFUSAL_NOTICE, S.REFUSED, REFUSAL_TOTAL),
    _row(S.POSTPONED, M.WITHDRAWAL_NOTICE, S.WITHDRAWN),
    *_consultation_loops(S.POSTPONED),
    *_status_loops(S.POSTPONED),
    _row(S.PARTIALLY_EXECUTED, MlaEvent.EXECUTION_RESUMED, S.IN_EXECUTION),
    _row(S.PARTIALLY_EXECUTED, M.STATUS_REPORT, S.IN_EXECUTION, REPORTS_IN_EXECUTION),
    *_execution_reports(S.PARTIALLY_EXECUTED, not_executable=False),
    _closure(S.PARTIALLY_EXECUTED),
    *_status_loops(S.PARTIALLY_EXECUTED),
    _closure(S.EXECUTED),
    _closure(S.NOT_EXECUTABLE),
    _closure(S.REFUSED),
    _closure(S.WITHDRAWN),
    _closure(S.LAPSED),
)

DESCRIPTIONS: Final[dict[MlaState, str]] = {
    S.DRAFT: "The requesting authority is drafting the request; nothing has been sent.",
    S.TRANSMITTED: "The request has been sent; its receipt is not yet acknowledged.",
    S.RECEIVED: "The requested state acknowledged receipt. Its local start of the assessment "
    "is invisible to the requesting side, so every message of an assessment is also accepted "
    "here, and a StatusReport naming UNDER_ASSESSMENT moves this side forward.",
    S.UNDER_ASSESSMENT: "The requested state is assessing the request (decision clock running).",
    S.INFO_REQUESTED: "The requested state asked for more information; with clock_paused the "
    "decision clock is stopped until the reply. Lapses if no reply comes by the date given.",
    S.CONSULTATION: "The states consult on conditions before a refusal or postponement "
    "(UNTOC 18(26)); accepted conditions bind.",
    S.ACCEPTED: "The requested state decided to execute (in whole, with conditions or in "
    "part). Its local start of execution is invisible to the requesting side, so execution "
    "messages are also accepted here, and a StatusReport naming IN_EXECUTION moves this side "
    "forward.",
    S.IN_EXECUTION: "The executing authority is carrying out the accepted measures.",
    S.INFO_REQUESTED_EXEC: "During execution the requested state asked for more information "
    "(with clock_paused the execution clock is stopped).",
    S.POSTPONED: "Execution is postponed so as not to interfere with a domestic case "
    "(UNTOC 18(25)); the execution clock is stopped. Resumption is a local act, so an "
    "ExecutionReport or a StatusReport naming IN_EXECUTION is also accepted here.",
    S.PARTIALLY_EXECUTED: "Part of the measures were executed and their evidence sent; the "
    "rest may follow (resumption is local, so further reports are also accepted here) or the "
    "case is closed.",
    S.EXECUTED: "Every accepted measure was executed and reported; awaiting closure.",
    S.NOT_EXECUTABLE: "The request could not be executed and was returned with an explanation "
    "(IACMAMC art. 26); awaiting closure.",
    S.REFUSED: "The request was refused with grounds and reasons (UNTOC 18(23)); awaiting closure.",
    S.WITHDRAWN: "The requesting state withdrew the request (UNTOC 18(24)); awaiting closure.",
    S.LAPSED: "The requested side declared the request lapsed for want of the information it "
    "asked for. The requesting side never sees this local act: a ClosureNotice with final "
    "state LAPSED closes its case directly from INFO_REQUESTED.",
    S.CLOSED: "The case is closed; the final state is recorded.",
    S.CANCELLED: "The draft was discarded before it was sent.",
}


LIFECYCLE: Final = Lifecycle[MlaState, MlaEvent, MlaCase](
    family=Family.MLA,
    states=MlaState,
    events=MlaEvent,
    initial=MlaState.DRAFT,
    terminal=frozenset({MlaState.CLOSED, MlaState.CANCELLED}),
    transitions=TRANSITIONS,
    absorb=absorb,
    descriptions=DESCRIPTIONS,
)

__all__ = ["DESCRIPTIONS", "LIFECYCLE", "TRANSITIONS", "MlaCase", "MlaEvent", "new_case"]
