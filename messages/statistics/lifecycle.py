"""The lifecycle of a statistics release (domain model A.7), as data.

DRAFT → PRIVACY_CHECKED (automatic k, ε-ledger and dimension checks) → APPROVED (national
statistics office) → PUBLISHED_TO_REGION; a published release then becomes REVISED (a new
release supersedes it) or RETRACTED.

A case is one release. At the publishing node the first three steps are local events and the
``AggregateRelease`` message is the publication. A receiving node never sees those steps: its
case starts in the same initial state and simply records PUBLISHED_TO_REGION when the release
arrives (the convergence rule), then REVISED or RETRACTED when a release superseding it
arrives. A superseding release is therefore applied twice at each node: to its own case
(→ PUBLISHED_TO_REGION) and to the case of the release it supersedes (→ REVISED/RETRACTED).

So that the publishing node cannot skip its own checks, it creates its cases with
``new_case(holder=<its state>)``: a release sent by the holder itself is then accepted only
from APPROVED. A case without a holder is a received copy.

Budget-ledger rule (A.7): a release is refused if the ε already spent in its budget period
plus its own ε exceeds the cap, and a revision must account for the ε of the release it
supersedes when both are charged to the same budget period.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from messages.document import Document
from messages.lifecycle import Lifecycle, Rule, Transition, Trigger
from messages.statistics.models import AggregateRelease
from messages.statistics.vocab import ChangeReason, ReleaseKind, TableId
from messages.vocab import Family, MessageType


class ReleaseState(StrEnum):
    DRAFT = "DRAFT"
    DISCARDED = "DISCARDED"
    PRIVACY_CHECKED = "PRIVACY_CHECKED"
    APPROVED = "APPROVED"
    PUBLISHED_TO_REGION = "PUBLISHED_TO_REGION"
    REVISED = "REVISED"
    RETRACTED = "RETRACTED"


class ReleaseEvent(StrEnum):
    """Acts at the publishing node that send no message."""

    PRIVACY_CHECK_PASSED = "PRIVACY_CHECK_PASSED"
    """The automatic k, ε-ledger and dimension checks passed."""
    STATS_OFFICE_APPROVED = "STATS_OFFICE_APPROVED"
    """The national statistics office approved the release."""
    RETURNED_TO_DRAFT = "RETURNED_TO_DRAFT"
    """The draft was sent back for correction after a check or by the approver."""
    DRAFT_DISCARDED = "DRAFT_DISCARDED"


@dataclass(frozen=True)
class ReleaseCase:
    """One release as a node records it."""

    state: ReleaseState
    previous_state: ReleaseState | None = None
    holder: str | None = None
    """The state of the node holding this case; set by the publishing node for its own
    releases. None: a copy received from another state."""
    release_id: str | None = None
    reporting_state: str | None = None
    table_id: TableId | None = None
    period_start: date | None = None
    period_end: date | None = None
    epsilon: Decimal = Decimal(0)
    """The ε the release spent."""
    budget_year: int | None = None
    epsilon_spent_before: Decimal | None = None
    """The ε spent in the budget period before this release, as its ledger states."""
    superseded_by: str | None = None
    change_reason: ChangeReason | None = None


def new_case(holder: str | None = None) -> ReleaseCase:
    """A release case in the initial state; the publishing node passes its own state."""
    return ReleaseCase(state=ReleaseState.DRAFT, holder=holder)


Check = Callable[[ReleaseCase, Document[Any] | None, datetime], bool]


def _release(document: Document[Any] | None) -> AggregateRelease:
    if document is None or not isinstance(document.body, AggregateRelease):
        raise TypeError("this rule applies to an AggregateRelease")
    return document.body


def _kind_in(*kinds: ReleaseKind) -> Check:
    return lambda case, doc, now: _release(doc).release_kind in kinds


def _within_cap(case: ReleaseCase, doc: Document[Any] | None, now: datetime) -> bool:
    release = _release(doc)
    if release.method is None or release.budget_ledger is None:
        return True  # a retraction spends nothing
    ledger = release.budget_ledger
    return ledger.period_epsilon_spent + release.method.release_epsilon <= ledger.period_epsilon_cap


def _own_release_approved(case: ReleaseCase, doc: Document[Any] | None, now: datetime) -> bool:
    return case.holder is None or doc is None or doc.header.sender.state != case.holder


def _same_series(case: ReleaseCase, doc: Document[Any] | None, now: datetime) -> bool:
    release = _release(doc)
    return (
        release.reporting_state,
        release.table_id,
        release.period.start,
        release.period.end,
    ) == (case.reporting_state, case.table_id, case.period_start, case.period_end)


def _ledger_continuity(case: ReleaseCase, doc: Document[Any] | None, now: datetime) -> bool:
    ledger = _release(doc).budget_ledger
    if ledger is None or case.epsilon_spent_before is None:
        return True
    if ledger.budget_year != case.budget_year:
        return True  # charged to another budget period
    return ledger.period_epsilon_spent >= case.epsilon_spent_before + case.epsilon


_A7 = "domain model A.7"

PUBLISHES = Rule[ReleaseCase](
    "release-publishes",
    "the release is an INITIAL release or a REVISION (it has figures)",
    _A7,
    _kind_in(ReleaseKind.INITIAL, ReleaseKind.REVISION),
)
REVISES = Rule[ReleaseCase](
    "release-revises", "the release is a REVISION", _A7, _kind_in(ReleaseKind.REVISION)
)
RETRACTS = Rule[ReleaseCase](
    "release-retracts", "the release is a RETRACTION", _A7, _kind_in(ReleaseKind.RETRACTION)
)
OWN_RELEASE_APPROVED = Rule[ReleaseCase](
    "own-release-approved",
    "a node publishes its own release only once it is privacy-checked and approved by the "
    "national statistics office; only a received copy is recorded from an earlier state",
    f"{_A7} (DRAFT → PRIVACY_CHECKED → APPROVED → PUBLISHED_TO_REGION)",
    _own_release_approved,
)
BUDGET_WITHIN_CAP = Rule[ReleaseCase](
    "budget-within-cap",
    "the ε spent in the budget period plus this release's ε does not exceed the cap",
    f"{_A7} (budget-ledger rule); A.6 policy 3 (proposal)",
    _within_cap,
)
SUPERSEDES_THIS = Rule[ReleaseCase](
    "supersedes-this-release",
    "the revision or retraction names this release in supersedes",
    _A7,
    lambda case, doc, now: _release(doc).supersedes == case.release_id,
)
SAME_SERIES = Rule[ReleaseCase](
    "same-table-and-period",
    "a revision or retraction is of the same reporting state, table and period",
    _A7,
    _same_series,
)
LEDGER_CONTINUITY = Rule[ReleaseCase](
    "ledger-counts-superseded-release",
    "in the same budget period, a revision's ledger counts the ε already spent by the release "
    "it supersedes (ε is not refunded by superseding a release)",
    f"{_A7} (budget-ledger rule); A.6 policy 3 (DP composes across releases)",
    _ledger_continuity,
)

S = ReleaseState
E = ReleaseEvent
RELEASE = MessageType.AGGREGATE_RELEASE

TRANSITIONS: Final[tuple[Transition[ReleaseState, ReleaseCase], ...]] = (
    Transition(S.DRAFT, E.PRIVACY_CHECK_PASSED, S.PRIVACY_CHECKED),
    Transition(S.DRAFT, E.DRAFT_DISCARDED, S.DISCARDED),
    Transition(S.PRIVACY_CHECKED, E.STATS_OFFICE_APPROVED, S.APPROVED),
    Transition(S.PRIVACY_CHECKED, E.RETURNED_TO_DRAFT, S.DRAFT),
    Transition(S.APPROVED, E.RETURNED_TO_DRAFT, S.DRAFT),
    Transition(
        S.DRAFT,
        RELEASE,
        S.PUBLISHED_TO_REGION,
        PUBLISHES,
        (OWN_RELEASE_APPROVED, BUDGET_WITHIN_CAP),
    ),
    Transition(
        S.PRIVACY_CHECKED,
        RELEASE,
        S.PUBLISHED_TO_REGION,
        PUBLISHES,
        (OWN_RELEASE_APPROVED, BUDGET_WITHIN_CAP),
    ),
    Transition(S.APPROVED, RELEASE, S.PUBLISHED_TO_REGION, PUBLISHES, (BUDGET_WITHIN_CAP,)),
    Transition(
        S.PUBLISHED_TO_REGION,
        RELEASE,
        S.REVISED,
        REVISES,
        (SUPERSEDES_THIS, SAME_SERIES, BUDGET_WITHIN_CAP, LEDGER_CONTINUITY),
    ),
    Transition(
        S.PUBLISHED_TO_REGION, RELEASE, S.RETRACTED, RETRACTS, (SUPERSEDES_THIS, SAME_SERIES)
    ),
)

DESCRIPTIONS: Final[dict[ReleaseState, str]] = {
    S.DRAFT: "The publishing node is preparing the release; a receiving node's record of a "
    "release also starts here and moves straight to PUBLISHED_TO_REGION when it arrives.",
    S.DISCARDED: "The draft was abandoned without being published.",
    S.PRIVACY_CHECKED: "The automatic k, ε-ledger and dimension checks passed.",
    S.APPROVED: "The national statistics office approved the release for publication.",
    S.PUBLISHED_TO_REGION: "The release was sent to, or received from, the region.",
    S.REVISED: "A later release superseded this one with new figures.",
    S.RETRACTED: "The release was withdrawn; its figures must no longer be shown.",
}


def absorb(case: ReleaseCase, trigger: Trigger, now: datetime) -> ReleaseCase:
    """Record the release's facts, or the release that supersedes this one."""
    if not isinstance(trigger, Document):
        return case
    release = _release(trigger)
    if case.release_id is not None and release.supersedes == case.release_id:
        return dataclasses.replace(
            case, superseded_by=release.release_id, change_reason=release.change_reason
        )
    ledger = release.budget_ledger
    return dataclasses.replace(
        case,
        release_id=release.release_id,
        reporting_state=release.reporting_state,
        table_id=release.table_id,
        period_start=release.period.start,
        period_end=release.period.end,
        epsilon=release.method.release_epsilon if release.method else Decimal(0),
        budget_year=ledger.budget_year if ledger else None,
        epsilon_spent_before=ledger.period_epsilon_spent if ledger else None,
    )


LIFECYCLE: Final = Lifecycle(
    family=Family.STATISTICS,
    states=ReleaseState,
    events=ReleaseEvent,
    initial=ReleaseState.DRAFT,
    terminal=frozenset({ReleaseState.DISCARDED, ReleaseState.REVISED, ReleaseState.RETRACTED}),
    transitions=TRANSITIONS,
    absorb=absorb,
    descriptions=DESCRIPTIONS,
)
