"""A request's timers as a node shows them: due dates from the legal basis (here a node that
adopts the EIO's limits for UNTOC requests), the decision clock paused while information is
awaited, and for each lapsed timer the message each side answers it with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from messages.lifecycle import apply
from messages.mla.case import MlaCase
from messages.mla.examples import example_conversations
from messages.mla.lifecycle import LIFECYCLE, new_case
from messages.mla.service_levels import EIO_LIKE, ServiceLevelPolicy, Timer
from messages.mla.vocab import InquiryReason
from messages.vocab import LegalBasis, MessageType
from national_node.workflows.mla import ServiceLevels, Side, inquiry_reason, service_levels

SAMPLE = example_conversations()[0]  # AR asks PY; bases UNTOC art. 18 and IACMAMC
EIO_FOR_UNTOC = ServiceLevelPolicy(overrides={LegalBasis.UNTOC_ART18: EIO_LIKE})
RECEIVED_AT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # as PY's Acknowledgement says


def facts_after(count: int) -> MlaCase:
    case = new_case()
    for document in SAMPLE[:count]:
        case = apply(LIFECYCLE, case, document, now=document.header.sent_at)
    return case


def timer(levels: ServiceLevels, which: Timer) -> dict[str, object]:
    return next(t for t in levels.timers if t.timer is which).model_dump()


def test_a_draft_has_no_side_and_nothing_due() -> None:
    levels = service_levels(new_case(), "AR", datetime(2026, 3, 1, tzinfo=UTC))
    assert levels.side is None
    assert all(t.due_at is None and not t.overdue for t in levels.timers)


def test_an_unacknowledged_request_is_overdue_for_both_sides_each_with_its_remedy() -> None:
    transmitted = SAMPLE[0].header.sent_at
    facts = facts_after(1)
    on_time = service_levels(facts, "AR", transmitted + timedelta(days=6))
    assert timer(on_time, Timer.ACKNOWLEDGEMENT)["due_at"] == transmitted + timedelta(days=7)
    assert not timer(on_time, Timer.ACKNOWLEDGEMENT)["overdue"]
    assert inquiry_reason(on_time) is InquiryReason.ROUTINE

    late = transmitted + timedelta(days=8)
    at_ar, at_py = service_levels(facts, "AR", late), service_levels(facts, "PY", late)
    assert (at_ar.side, at_py.side) == (Side.REQUESTING, Side.REQUESTED)
    assert timer(at_ar, Timer.ACKNOWLEDGEMENT)["remedy"] == MessageType.STATUS_INQUIRY
    assert timer(at_py, Timer.ACKNOWLEDGEMENT)["remedy"] == MessageType.ACKNOWLEDGEMENT
    assert inquiry_reason(at_ar) is InquiryReason.NO_ACKNOWLEDGEMENT


def test_the_decision_clock_stops_while_information_is_awaited_and_runs_after() -> None:
    limit = RECEIVED_AT + timedelta(days=30)  # EIO art. 12(3), adopted for UNTOC requests
    acknowledged = service_levels(facts_after(2), "PY", RECEIVED_AT, EIO_FOR_UNTOC)
    assert timer(acknowledged, Timer.DECISION)["due_at"] == limit
    assert timer(acknowledged, Timer.ACKNOWLEDGEMENT)["awaited"] is False

    asked_at = SAMPLE[2].header.sent_at  # information requested, clock paused
    now = asked_at + timedelta(days=9)
    waiting = service_levels(facts_after(3), "PY", now, EIO_FOR_UNTOC)
    decision = timer(waiting, Timer.DECISION)
    assert (decision["paused"], decision["awaited"]) == (True, True)
    assert decision["due_at"] == limit + timedelta(days=9)  # the open pause counts up to now

    answered_at = SAMPLE[3].header.sent_at
    resumed = service_levels(facts_after(4), "PY", answered_at, EIO_FOR_UNTOC)
    decision = timer(resumed, Timer.DECISION)
    assert decision["paused"] is False
    assert decision["due_at"] == limit + (answered_at - asked_at)


def test_a_late_decision_is_answered_by_a_delay_notice_or_asked_about() -> None:
    facts = facts_after(4)
    due = RECEIVED_AT + timedelta(days=30) + (SAMPLE[3].header.sent_at - SAMPLE[2].header.sent_at)
    late = due + timedelta(hours=1)
    at_py = service_levels(facts, "PY", late, EIO_FOR_UNTOC)
    at_ar = service_levels(facts, "AR", late, EIO_FOR_UNTOC)
    assert [t.timer for t in at_py.timers if t.overdue] == [Timer.DECISION]
    assert timer(at_py, Timer.DECISION)["remedy"] == MessageType.DELAY_NOTICE
    assert timer(at_ar, Timer.DECISION)["remedy"] == MessageType.STATUS_INQUIRY
    assert "DelayNotice" in str(timer(at_py, Timer.DECISION)["advice"])
    assert inquiry_reason(at_ar) is InquiryReason.DEADLINE_PASSED
    # Under the default good practice there is no decision limit: nothing is late.
    assert not any(t.overdue for t in service_levels(facts, "PY", late).timers)


def test_once_decided_the_decision_is_no_longer_awaited() -> None:
    decided = facts_after(5)
    levels = service_levels(decided, "AR", SAMPLE[4].header.sent_at, EIO_FOR_UNTOC)
    assert timer(levels, Timer.DECISION)["awaited"] is False
    execution = timer(levels, Timer.EXECUTION)
    assert execution["awaited"] is True
    # The earlier of the requester's deadline and the decision plus 90 days.
    respond_by_end = datetime(2026, 6, 29, tzinfo=UTC)
    assert execution["due_at"] == min(respond_by_end, SAMPLE[4].header.sent_at + timedelta(days=90))
    assert levels.legal_basis == ["UNTOC_ART18", "IACMAMC_1992"]
