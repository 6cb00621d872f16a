"""Service levels of an evidence request: the acknowledgement, decision and execution timers.

Timers are configurable service levels, not law (domain model A.0 decision 5, A.7). Under UNTOC
art. 18 and the Inter-American Convention the rule is to act "as soon as possible", taking
account of the deadline the requesting state suggests and justifies (UNTOC 18(24)); only the
EU's EIO sets fixed limits (7 days to acknowledge, 30 (+30) days to decide, 90 days to execute),
and those bind only inside the EU. Puente's defaults follow that: a 7-day acknowledgement as
good practice, no decision or execution limit of its own, and the requester's deadline honoured.
A node may override the level per legal basis, or per bilateral treaty.

A missed timer never changes a case's state (domain model A.7): :func:`overdue` tells which
timers have passed and which message answers the lapse (a DelayNotice from the requested side,
a StatusInquiry from the requesting side).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from messages.header import LegalBasisRef
from messages.mla.case import MlaCase
from messages.mla.vocab import MlaState
from messages.vocab import LegalBasis, MessageType


@dataclass(frozen=True)
class ServiceLevel:
    """The timers of one legal basis. ``None`` means no fixed limit ("as soon as possible")."""

    ack_due: timedelta | None
    """From transmission to acknowledgement."""
    decision_due: timedelta | None
    """From receipt to decision, not counting time the clock is paused for information."""
    decision_extension: timedelta | None
    """Added to decision_due when the requested side announced a delay of its decision before
    the limit (EIO art. 12(5))."""
    execution_due: timedelta | None
    """From the decision to execution, not counting information pauses and postponement."""
    requested_deadline_applies: bool
    """Whether the requesting state's justified deadline (its respond_by) is honoured."""


GOOD_PRACTICE: Final = ServiceLevel(
    ack_due=timedelta(days=7),
    decision_due=None,
    decision_extension=None,
    execution_due=None,
    requested_deadline_applies=True,
)
"""UNTOC art. 18 / IACMAMC: acknowledge within 7 days (good practice, after EIO art. 16(1)),
decide and execute as soon as possible, honouring the requester's justified deadline (UNTOC
18(24))."""

EIO_LIKE: Final = ServiceLevel(
    ack_due=timedelta(days=7),
    decision_due=timedelta(days=30),
    decision_extension=timedelta(days=30),
    execution_due=timedelta(days=90),
    requested_deadline_applies=True,
)
"""The EIO's limits (arts. 12(3)-(6), 16(1)), for a treaty or a node that adopts them."""

MLA_BASES: Final = frozenset(
    {
        LegalBasis.UNTOC_ART18,
        LegalBasis.IACMAMC_1992,
        LegalBasis.IACMAMC_OPT_PROTOCOL_1993,
        LegalBasis.BILATERAL,
        LegalBasis.RECIPROCITY,
        LegalBasis.DOMESTIC_LAW,
    }
)
"""The legal bases on which an evidence request can rest; others named in a header (e.g. TIP
Protocol art. 8) do not govern MLA timers."""

DEFAULT_SERVICE_LEVELS: Final[Mapping[LegalBasis, ServiceLevel]] = MappingProxyType(
    {basis: GOOD_PRACTICE for basis in sorted(MLA_BASES)}
)
"""Default per legal basis (domain model A.7): the same good practice for every MLA basis.
A bilateral treaty or domestic law with its own limits is configured as an override."""


def _shortest(values: Iterable[timedelta | None]) -> timedelta | None:
    defined = [value for value in values if value is not None]
    return min(defined) if defined else None


@dataclass(frozen=True)
class ServiceLevelPolicy:
    """A node's service levels: the defaults, overridden per legal basis or per treaty."""

    overrides: Mapping[LegalBasis, ServiceLevel] = field(default_factory=dict)
    treaty_overrides: Mapping[str, ServiceLevel] = field(default_factory=dict)
    """Per bilateral treaty, by its treaty_id; takes precedence over a BILATERAL override."""

    def level_for(self, ref: LegalBasisRef) -> ServiceLevel | None:
        """The level of one basis, or None if the basis does not govern MLA timers."""
        if ref.treaty_id is not None and ref.treaty_id in self.treaty_overrides:
            return self.treaty_overrides[ref.treaty_id]
        if ref.basis in self.overrides:
            return self.overrides[ref.basis]
        return DEFAULT_SERVICE_LEVELS.get(ref.basis)

    def applicable(self, bases: Iterable[LegalBasisRef]) -> ServiceLevel:
        """The level for a request resting on several bases: the most demanding.

        Each timer is the shortest limit any basis sets (a basis without a limit sets none),
        and the requester's deadline applies if any basis honours it: a state that cooperates
        under several instruments keeps the strictest of its commitments. With no MLA basis,
        the good-practice level applies.
        """
        levels = [level for ref in bases if (level := self.level_for(ref)) is not None]
        if not levels:
            return GOOD_PRACTICE
        return ServiceLevel(
            ack_due=_shortest(level.ack_due for level in levels),
            decision_due=_shortest(level.decision_due for level in levels),
            decision_extension=_shortest(level.decision_extension for level in levels),
            execution_due=_shortest(level.execution_due for level in levels),
            requested_deadline_applies=any(level.requested_deadline_applies for level in levels),
        )


DEFAULT_POLICY: Final = ServiceLevelPolicy()


class Timer(StrEnum):
    ACKNOWLEDGEMENT = "ACKNOWLEDGEMENT"
    DECISION = "DECISION"
    EXECUTION = "EXECUTION"


REMEDY: Final[Mapping[Timer, MessageType]] = MappingProxyType(
    {
        Timer.ACKNOWLEDGEMENT: MessageType.STATUS_INQUIRY,
        Timer.DECISION: MessageType.DELAY_NOTICE,
        Timer.EXECUTION: MessageType.DELAY_NOTICE,
    }
)
"""The message that answers a missed timer (domain model A.7): the requesting side inquires
about a missing acknowledgement; the requested side announces a delay of its decision or
execution (and the requesting side may send a StatusInquiry)."""


@dataclass(frozen=True)
class DueDates:
    """When each timer of a case falls due; None when no limit applies (or not yet)."""

    ack_due: datetime | None
    decision_due: datetime | None
    execution_due: datetime | None
    decision_clock_paused: bool
    """The decision clock is stopped (information requested with clock_paused)."""
    execution_clock_paused: bool


@dataclass(frozen=True)
class OverdueTimer:
    timer: Timer
    due_at: datetime
    remedy: MessageType


def _end_of_day(day: date) -> datetime:
    """The end of a calendar day in UTC: a deadline date is met by anything sent on that day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def due_dates(
    case: MlaCase, policy: ServiceLevelPolicy = DEFAULT_POLICY, *, now: datetime | None = None
) -> DueDates:
    """The due dates of a case.

    - acknowledgement: from transmission;
    - decision: from receipt (the first Acknowledgement's received_at), plus the time the clock
      was paused for information, plus the extension when a decision delay was announced before
      the limit;
    - execution: the earlier of the requester's deadline (end of its respond_by day, UTC) when
      it applies, and the decision plus the execution limit and the time execution was paused.

    While a clock is paused its due date moves: with ``now`` the open pause counts up to
    ``now``; without it, the paused timer's due date is None.
    """
    level = policy.applicable(case.legal_basis)
    paused_phase = _paused_phase(case)
    open_pause = (
        now - case.clock_paused_since
        if now is not None and case.clock_paused_since is not None
        else None
    )
    ack = (
        case.transmitted_at + level.ack_due
        if case.transmitted_at is not None and level.ack_due is not None
        else None
    )
    decision: datetime | None = None
    if case.received_at is not None and level.decision_due is not None:
        limit = case.received_at + level.decision_due + case.decision_paused
        notified = case.decision_delay_notified_at
        if level.decision_extension is not None and notified is not None and notified <= limit:
            limit += level.decision_extension
        if paused_phase is not Timer.DECISION:
            decision = limit
        elif open_pause is not None:
            decision = limit + open_pause
    candidates: list[datetime] = []
    if level.requested_deadline_applies and case.respond_by is not None:
        candidates.append(_end_of_day(case.respond_by))
    if case.accepted_at is not None and level.execution_due is not None:
        limit = case.accepted_at + level.execution_due + case.execution_paused
        if paused_phase is Timer.EXECUTION:
            if open_pause is not None:
                candidates.append(limit + open_pause)
        else:
            candidates.append(limit)
    return DueDates(
        ack_due=ack,
        decision_due=decision,
        execution_due=min(candidates) if candidates else None,
        decision_clock_paused=paused_phase is Timer.DECISION,
        execution_clock_paused=paused_phase is Timer.EXECUTION,
    )


def _paused_phase(case: MlaCase) -> Timer | None:
    if case.clock_paused_since is None:
        return None
    return Timer.DECISION if case.state is MlaState.INFO_REQUESTED else Timer.EXECUTION


AWAITING_DECISION: Final = frozenset(
    {MlaState.RECEIVED, MlaState.UNDER_ASSESSMENT, MlaState.INFO_REQUESTED, MlaState.CONSULTATION}
)
AWAITING_EXECUTION: Final = AWAITING_DECISION | {
    MlaState.TRANSMITTED,
    MlaState.ACCEPTED,
    MlaState.IN_EXECUTION,
    MlaState.INFO_REQUESTED_EXEC,
    MlaState.POSTPONED,
    MlaState.PARTIALLY_EXECUTED,
}


def overdue(
    case: MlaCase, now: datetime, policy: ServiceLevelPolicy = DEFAULT_POLICY
) -> tuple[OverdueTimer, ...]:
    """The timers of ``case`` that have passed at ``now`` while their step is still awaited.

    Nothing here changes the case: a node answers with the remedy message (domain model A.7).
    """
    due = due_dates(case, policy, now=now)
    found: list[OverdueTimer] = []
    checks = (
        (Timer.ACKNOWLEDGEMENT, due.ack_due, case.state is MlaState.TRANSMITTED),
        (Timer.DECISION, due.decision_due, case.state in AWAITING_DECISION),
        (Timer.EXECUTION, due.execution_due, case.state in AWAITING_EXECUTION),
    )
    for timer, due_at, awaited in checks:
        if awaited and due_at is not None and now > due_at:
            found.append(OverdueTimer(timer, due_at, REMEDY[timer]))
    return tuple(found)


def next_due(case: MlaCase, policy: ServiceLevelPolicy = DEFAULT_POLICY) -> datetime | None:
    """The earliest due date among the timers whose step is still awaited (None when nothing is
    awaited or its clock is paused): what a node lists and sorts open cases by."""
    due = due_dates(case, policy)
    awaited = (
        (due.ack_due, case.state is MlaState.TRANSMITTED),
        (due.decision_due, case.state in AWAITING_DECISION),
        (due.execution_due, case.state in AWAITING_EXECUTION),
    )
    dates = [due_at for due_at, waiting in awaited if waiting and due_at is not None]
    return min(dates) if dates else None
