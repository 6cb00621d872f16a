"""The statistics release lifecycle: every row, every guard (budget ledger included), every
refused move; the publishing and the receiving node's views of a release."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from messages import statistics as stats
from messages.document import Document, document_class
from messages.errors import GuardFailed, IllegalTransition
from messages.lifecycle import Transition, apply
from messages.samples import sample_time
from messages.statistics.lifecycle import ReleaseCase, ReleaseEvent, ReleaseState
from messages.statistics.models import AggregateRelease
from messages.statistics.vocab import ChangeReason, TableId

S = ReleaseState
E = ReleaseEvent
LIFECYCLE = stats.LIFECYCLE
(ROUTES, REVISION), (VICTIMS, RETRACTION), (ASSISTANCE,) = stats.example_conversations()
DOCUMENT = document_class(AggregateRelease)


def edited(document: Document[Any], **ledger: object) -> Document[Any]:
    raw = json.loads(document.to_json())
    raw["body"]["budget_ledger"].update(ledger)
    return DOCUMENT.model_validate_json(json.dumps(raw))


def received(*documents: Document[Any]) -> ReleaseCase:
    """The receiving node's case after the given releases."""
    case = stats.new_case()
    for document in documents:
        case = apply(LIFECYCLE, case, document, now=document.header.sent_at)
    return case


PUBLISHED_ROUTES = received(ROUTES)
PUBLISHED_VICTIMS = received(VICTIMS)


def at(state: ReleaseState, case: ReleaseCase | None = None) -> ReleaseCase:
    return dataclasses.replace(case or stats.new_case(), state=state)


def scenario(row: Transition[ReleaseState, ReleaseCase]) -> tuple[ReleaseCase, Any, datetime]:
    if isinstance(row.trigger, ReleaseEvent):
        return at(row.source), row.trigger, sample_time(0)
    if row.source is S.PUBLISHED_TO_REGION:
        assert row.when is not None
        if row.when.name == "release-revises":
            return PUBLISHED_ROUTES, REVISION, REVISION.header.sent_at
        return PUBLISHED_VICTIMS, RETRACTION, RETRACTION.header.sent_at
    holder = "PY" if row.source is S.APPROVED else None  # the publisher's own, approved release
    return at(row.source, stats.new_case(holder=holder)), ROUTES, ROUTES.header.sent_at


def row_id(row: Transition[ReleaseState, ReleaseCase]) -> str:
    when = f"[{row.when.name}]" if row.when else ""
    return f"{row.source}-{row.trigger}{when}->{row.target}"


@pytest.mark.parametrize("row", LIFECYCLE.transitions, ids=row_id)
def test_every_row_moves_the_case(row: Transition[ReleaseState, ReleaseCase]) -> None:
    case, trigger, now = scenario(row)
    assert case.state is row.source
    moved = apply(LIFECYCLE, case, trigger, now=now)
    assert moved.state is row.target
    assert moved.previous_state is row.source


GUARD_FAILURES: dict[str, tuple[ReleaseCase, Document[Any]]] = {
    # The publisher (holder PY) cannot send its own release before approval.
    "own-release-approved": (stats.new_case(holder="PY"), ROUTES),
    # 0.9 already spent + 0.25 for this release > cap 1.
    "budget-within-cap": (stats.new_case(), edited(ROUTES, period_epsilon_spent="0.9")),
    "supersedes-this-release": (
        dataclasses.replace(PUBLISHED_ROUTES, release_id="PY-INE-TIP-2024-ROD-1"),
        REVISION,
    ),
    "same-table-and-period": (
        dataclasses.replace(PUBLISHED_ROUTES, table_id=TableId.ROUTE_TRANSIT),
        REVISION,
    ),
    # The revision's ledger forgets the 0.25 the superseded release spent (0.25 + 0.25 > 0.4).
    "ledger-counts-superseded-release": (
        PUBLISHED_ROUTES,
        edited(REVISION, period_epsilon_spent="0.4"),
    ),
}


def test_every_guard_has_a_failing_case() -> None:
    assert set(GUARD_FAILURES) == {g.name for row in LIFECYCLE.transitions for g in row.guards}


@pytest.mark.parametrize("name", sorted(GUARD_FAILURES))
def test_a_failing_guard_refuses_the_move_and_is_named(name: str) -> None:
    case, document = GUARD_FAILURES[name]
    with pytest.raises(GuardFailed) as caught:
        apply(LIFECYCLE, case, document, now=document.header.sent_at)
    assert caught.value.guards == (name,)


def test_the_publisher_checks_approves_then_publishes() -> None:
    case = stats.new_case(holder="PY")
    for event in (E.PRIVACY_CHECK_PASSED, E.STATS_OFFICE_APPROVED):
        case = apply(LIFECYCLE, case, event, now=sample_time(29))
    case = apply(LIFECYCLE, case, ROUTES, now=ROUTES.header.sent_at)
    assert case.state is S.PUBLISHED_TO_REGION
    # Skipping the approval is refused, from the draft and from the checked state alike.
    checked = apply(
        LIFECYCLE, stats.new_case(holder="PY"), E.PRIVACY_CHECK_PASSED, now=sample_time(29)
    )
    with pytest.raises(GuardFailed):
        apply(LIFECYCLE, checked, ROUTES, now=ROUTES.header.sent_at)


def test_a_receiving_node_records_publication_then_revision() -> None:
    receiver = stats.new_case(holder="AR")
    receiver = apply(LIFECYCLE, receiver, ROUTES, now=ROUTES.header.sent_at)
    assert receiver.state is S.PUBLISHED_TO_REGION
    assert receiver.release_id == "PY-INE-TIP-2025-ROD-1"
    assert receiver.epsilon == Decimal("0.25")
    revised = apply(LIFECYCLE, receiver, REVISION, now=REVISION.header.sent_at)
    assert revised.state is S.REVISED
    assert revised.superseded_by == "PY-INE-TIP-2025-ROD-2"
    assert revised.change_reason is ChangeReason.LATE_DATA
    assert revised.release_id == "PY-INE-TIP-2025-ROD-1"
    # The superseding release is also a release of its own, with its own case.
    own = apply(LIFECYCLE, stats.new_case(), REVISION, now=REVISION.header.sent_at)
    assert (own.state, own.release_id) == (S.PUBLISHED_TO_REGION, "PY-INE-TIP-2025-ROD-2")


def test_a_revision_charged_to_another_budget_year_need_not_count_the_old_epsilon() -> None:
    later = edited(REVISION, budget_year=2027, period_epsilon_spent="0")
    assert apply(LIFECYCLE, PUBLISHED_ROUTES, later, now=later.header.sent_at).state is S.REVISED


def test_a_retraction_is_recorded_on_the_retracted_release() -> None:
    retracted = apply(LIFECYCLE, PUBLISHED_VICTIMS, RETRACTION, now=RETRACTION.header.sent_at)
    assert retracted.state is S.RETRACTED
    assert retracted.change_reason is ChangeReason.PRIVACY_RISK


@pytest.mark.parametrize(
    ("case", "document"),
    [
        (stats.new_case(), RETRACTION),  # nothing to retract here
        (PUBLISHED_ROUTES, ASSISTANCE),  # an initial release does not supersede
        (at(S.PRIVACY_CHECKED), RETRACTION),
    ],
    ids=["retraction-in-draft", "initial-in-published", "retraction-in-checked"],
)
def test_a_release_matching_no_condition_is_refused(
    case: ReleaseCase, document: Document[Any]
) -> None:
    with pytest.raises(IllegalTransition) as caught:
        apply(LIFECYCLE, case, document, now=document.header.sent_at)
    assert not isinstance(caught.value, GuardFailed)


@pytest.mark.parametrize("state", sorted(LIFECYCLE.terminal))
def test_terminal_states_accept_nothing(state: ReleaseState) -> None:
    assert LIFECYCLE.rows_from(state) == []
    for trigger in [ROUTES, REVISION, RETRACTION, *ReleaseEvent]:
        now = trigger.header.sent_at if isinstance(trigger, Document) else sample_time(0)
        with pytest.raises(IllegalTransition):
            apply(LIFECYCLE, at(state), trigger, now=now)


@pytest.mark.parametrize(
    ("state", "event"),
    [(s, e) for s in ReleaseState for e in ReleaseEvent if e not in LIFECYCLE.triggers_from(s)],
)
def test_a_local_event_without_a_row_is_refused(state: ReleaseState, event: ReleaseEvent) -> None:
    with pytest.raises(IllegalTransition):
        apply(LIFECYCLE, at(state), event, now=sample_time(0))


def test_every_example_conversation_applies() -> None:
    finals = [received(*conversation).state for conversation in stats.example_conversations()]
    assert finals == [S.REVISED, S.RETRACTED, S.PUBLISHED_TO_REGION]


def test_every_state_is_described() -> None:
    assert set(LIFECYCLE.descriptions) == set(ReleaseState)
