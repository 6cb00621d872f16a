"""Service levels of the mla family: defaults per legal basis, overrides, the most demanding
level for several bases, due dates with paused clocks, and overdue timers that change nothing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from messages import mla
from messages.header import LegalBasisRef
from messages.lifecycle import apply
from messages.mla.case import MlaCase
from messages.mla.lifecycle import LIFECYCLE
from messages.mla.service_levels import (
    DEFAULT_POLICY,
    DEFAULT_SERVICE_LEVELS,
    EIO_LIKE,
    GOOD_PRACTICE,
    MLA_BASES,
    ServiceLevel,
    ServiceLevelPolicy,
    Timer,
    due_dates,
    overdue,
)
from messages.mla.vocab import MlaState
from messages.samples import sample_date, sample_time
from messages.vocab import LegalBasis, MessageType

CONVERSATIONS = mla.example_conversations()
AR_PY, PE_CO = 0, 1
UNTOC = LegalBasisRef(basis=LegalBasis.UNTOC_ART18)
IACMAMC = LegalBasisRef(basis=LegalBasis.IACMAMC_1992)
TREATY = LegalBasisRef(basis=LegalBasis.BILATERAL, treaty_id="AR-PY-MLA-1995")
OTHER_TREATY = LegalBasisRef(basis=LegalBasis.BILATERAL, treaty_id="AR-PY-MLA-2011")
EIO_POLICY = ServiceLevelPolicy(
    overrides={LegalBasis.UNTOC_ART18: EIO_LIKE, LegalBasis.IACMAMC_1992: EIO_LIKE}
)


def replay(conversation: int, upto: int) -> MlaCase:
    case = mla.new_case()
    for document in CONVERSATIONS[conversation][:upto]:
        case = apply(LIFECYCLE, case, document, now=document.header.sent_at)
    return case


def end_of(day: int) -> datetime:
    return datetime.combine(sample_date(day) + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


# --- levels -------------------------------------------------------------------------------


@pytest.mark.parametrize("basis", sorted(MLA_BASES))
def test_every_mla_basis_defaults_to_good_practice(basis: LegalBasis) -> None:
    level = DEFAULT_SERVICE_LEVELS[basis]
    assert level == GOOD_PRACTICE
    assert level.ack_due == timedelta(days=7)
    assert level.decision_due is None  # "as soon as possible" (UNTOC 18(24))
    assert level.execution_due is None
    assert level.requested_deadline_applies


def test_bases_that_do_not_govern_mla_fall_back_to_good_practice() -> None:
    assert DEFAULT_POLICY.applicable([]) == GOOD_PRACTICE
    assert DEFAULT_POLICY.level_for(LegalBasisRef(basis=LegalBasis.TIP_PROTOCOL_ART8)) is None
    assert DEFAULT_POLICY.applicable([LegalBasisRef(basis=LegalBasis.VCCR_ART36)]) == GOOD_PRACTICE


def test_the_most_demanding_level_applies_to_several_bases() -> None:
    quick_ack = dataclasses.replace(GOOD_PRACTICE, ack_due=timedelta(days=3))
    lenient = ServiceLevel(
        ack_due=timedelta(days=10),
        decision_due=timedelta(days=60),
        decision_extension=None,
        execution_due=None,
        requested_deadline_applies=False,
    )
    policy = ServiceLevelPolicy(
        overrides={LegalBasis.UNTOC_ART18: quick_ack, LegalBasis.BILATERAL: lenient}
    )
    level = policy.applicable([UNTOC, TREATY])
    assert level.ack_due == timedelta(days=3)
    assert level.decision_due == timedelta(days=60)
    assert level.execution_due is None
    assert level.requested_deadline_applies
    assert not policy.applicable([TREATY]).requested_deadline_applies
    combined = ServiceLevelPolicy(overrides={LegalBasis.BILATERAL: EIO_LIKE}).applicable(
        [UNTOC, TREATY]
    )
    assert combined == EIO_LIKE


def test_a_treaty_override_comes_before_the_bilateral_override() -> None:
    strict = dataclasses.replace(EIO_LIKE, decision_due=timedelta(days=15))
    policy = ServiceLevelPolicy(
        overrides={LegalBasis.BILATERAL: EIO_LIKE},
        treaty_overrides={"AR-PY-MLA-1995": strict},
    )
    assert policy.level_for(TREATY) == strict
    assert policy.level_for(OTHER_TREATY) == EIO_LIKE
    assert policy.level_for(UNTOC) == GOOD_PRACTICE


# --- due dates ----------------------------------------------------------------------------


def test_default_due_dates_follow_the_requesters_deadline() -> None:
    due = due_dates(replay(AR_PY, 12))
    assert due.ack_due == sample_time(7)
    assert due.decision_due is None
    assert due.execution_due == end_of(118)  # the header's respond_by, met until midnight UTC


def test_without_a_requested_deadline_there_is_no_execution_due_date_by_default() -> None:
    due = due_dates(replay(PE_CO, 10))
    assert due.ack_due == sample_time(7)
    assert due.execution_due is None


def test_eio_like_due_dates_count_from_receipt_and_decision_without_the_paused_time() -> None:
    case = replay(AR_PY, 12)
    due = due_dates(case, EIO_POLICY)
    # received two hours after sending; information requested on day 9, answered on day 13
    assert due.decision_due == sample_time(0, hours=2) + timedelta(days=30 + 4)
    # accepted on day 20: 90 days later is day 110, before the requester's deadline (day 118)
    assert due.execution_due == sample_time(110)
    later = dataclasses.replace(case, respond_by=sample_date(200))
    assert due_dates(later, EIO_POLICY).execution_due == sample_time(110)
    sooner = dataclasses.replace(case, respond_by=sample_date(50))
    assert due_dates(sooner, EIO_POLICY).execution_due == end_of(50)


def test_a_decision_delay_announced_in_time_extends_the_decision_limit() -> None:
    case = replay(AR_PY, 2)
    base = sample_time(0, hours=2) + timedelta(days=30)
    in_time = dataclasses.replace(case, decision_delay_notified_at=sample_time(25))
    assert due_dates(in_time, EIO_POLICY).decision_due == base + timedelta(days=30)
    too_late = dataclasses.replace(case, decision_delay_notified_at=sample_time(40))
    assert due_dates(too_late, EIO_POLICY).decision_due == base
    assert due_dates(in_time).decision_due is None  # no limit, nothing to extend


def test_while_information_is_awaited_the_decision_clock_is_stopped() -> None:
    case = replay(AR_PY, 3)
    assert case.state is MlaState.INFO_REQUESTED
    assert case.clock_paused_since == sample_time(9)
    unknown = due_dates(case, EIO_POLICY)
    assert unknown.decision_clock_paused
    assert unknown.decision_due is None
    moving = due_dates(case, EIO_POLICY, now=sample_time(11))
    assert moving.decision_due == sample_time(0, hours=2) + timedelta(days=32)


def test_information_asked_without_pausing_lets_the_clock_run() -> None:
    request = CONVERSATIONS[AR_PY][2]
    running = request.model_copy(
        update={"body": request.body.model_copy(update={"clock_paused": False})}
    )
    case = apply(LIFECYCLE, replay(AR_PY, 2), running, now=running.header.sent_at)
    assert case.clock_paused_since is None
    assert due_dates(case, EIO_POLICY).decision_due == sample_time(0, hours=2) + timedelta(days=30)


def test_a_postponement_stops_the_execution_clock() -> None:
    case = replay(PE_CO, 7)
    assert case.state is MlaState.POSTPONED
    assert due_dates(case, EIO_POLICY).execution_due is None
    assert due_dates(case, EIO_POLICY).execution_clock_paused
    moving = due_dates(case, EIO_POLICY, now=sample_time(40))
    assert moving.execution_due == sample_time(20 + 90 + 15)
    resumed = due_dates(replay(PE_CO, 8), EIO_POLICY)
    assert resumed.execution_due == sample_time(20 + 90 + 45)


# --- overdue timers -----------------------------------------------------------------------


def test_a_missing_acknowledgement_is_overdue_after_seven_days() -> None:
    case = replay(AR_PY, 1)
    assert overdue(case, sample_time(6)) == ()
    (late,) = overdue(case, sample_time(8))
    assert late.timer is Timer.ACKNOWLEDGEMENT
    assert late.due_at == sample_time(7)
    assert late.remedy is MessageType.STATUS_INQUIRY
    assert overdue(replay(AR_PY, 2), sample_time(8)) == ()


def test_a_late_decision_is_overdue_unless_its_clock_is_stopped() -> None:
    (late,) = overdue(replay(AR_PY, 2), sample_time(35), EIO_POLICY)
    assert late.timer is Timer.DECISION
    assert late.remedy is MessageType.DELAY_NOTICE
    assert overdue(replay(AR_PY, 3), sample_time(35), EIO_POLICY) == ()
    assert overdue(replay(AR_PY, 2), sample_time(35)) == ()  # no decision limit by default


def test_the_requesters_deadline_makes_execution_overdue() -> None:
    case = replay(AR_PY, 10)
    assert case.state is MlaState.IN_EXECUTION
    assert overdue(case, sample_time(118)) == ()
    (late,) = overdue(case, sample_time(120))
    assert late.timer is Timer.EXECUTION
    assert late.due_at == end_of(118)
    assert late.remedy is MessageType.DELAY_NOTICE


@pytest.mark.parametrize("upto", [11, 12])
def test_nothing_is_overdue_once_the_request_is_executed_or_closed(upto: int) -> None:
    assert overdue(replay(AR_PY, upto), sample_time(400), EIO_POLICY) == ()


def test_a_missed_timer_never_changes_the_state() -> None:
    case = replay(AR_PY, 1)
    assert overdue(case, sample_time(30))
    assert replay(AR_PY, 1) == case  # overdue() is a pure reading of the case
    assert not [e for e in LIFECYCLE.events if "DUE" in e or "TIMER" in e or "OVERDUE" in e]
    inquiry = CONVERSATIONS[AR_PY][5]
    after = apply(LIFECYCLE, case, inquiry, now=sample_time(30))
    assert after.state is MlaState.TRANSMITTED
