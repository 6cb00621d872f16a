"""Properties every lifecycle table must have, checked the same way for every family.

Each family's own test module exercises every row of its table with a matching message and
every guard; this module checks the tables' shape and that every move absent from a table is
refused.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from typing import Any

import pytest

from messages.errors import IllegalTransition
from messages.lifecycle import Lifecycle, apply
from messages.registry import FAMILY_SPECS, LIFECYCLES, all_examples
from messages.vocab import FAMILY_OF, Family, MessageType

FAMILIES = list(LIFECYCLES)


def reachable(lifecycle: Lifecycle[Any, Any, Any]) -> set[Any]:
    seen = {lifecycle.initial}
    queue = deque([lifecycle.initial])
    while queue:
        state = queue.popleft()
        for row in lifecycle.rows_from(state):
            targets = [row.target] if row.target is not None else list(seen)
            for target in targets:
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
    return seen


@pytest.mark.parametrize("family", FAMILIES)
def test_every_state_is_reachable_and_every_non_terminal_state_has_a_way_out(
    family: Family,
) -> None:
    lifecycle = LIFECYCLES[family]
    assert reachable(lifecycle) == set(lifecycle.states)
    for state in lifecycle.states:
        rows = lifecycle.rows_from(state)
        if state in lifecycle.terminal:
            assert rows == [], f"terminal {state} has transitions"
        else:
            assert rows, f"{state} is a dead end"
        assert state in lifecycle.descriptions, f"{state} is not described"


@pytest.mark.parametrize("family", FAMILIES)
def test_triggers_are_the_familys_messages_or_its_local_events(family: Family) -> None:
    lifecycle = LIFECYCLES[family]
    for row in lifecycle.transitions:
        if isinstance(row.trigger, MessageType):
            assert FAMILY_OF[row.trigger] is family
        else:
            assert isinstance(row.trigger, lifecycle.events)


@pytest.mark.parametrize("family", FAMILIES)
def test_rule_names_are_unique(family: Family) -> None:
    lifecycle = LIFECYCLES[family]
    names = [rule.name for rule in lifecycle.rules()]
    by_name: dict[str, Any] = {}
    for row in lifecycle.transitions:
        for rule in ([row.when] if row.when else []) + list(row.guards):
            assert by_name.setdefault(rule.name, rule) is rule, f"two rules named {rule.name}"
    assert len(names) == len(set(names))


def moves_without_a_row(family: Family) -> list[tuple[Any, MessageType]]:
    lifecycle = LIFECYCLES[family]
    types = [t for t in MessageType if FAMILY_OF[t] is family]
    return [
        (state, message_type)
        for state in lifecycle.states
        for message_type in types
        if message_type not in lifecycle.triggers_from(state)
    ]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_move_absent_from_the_table_is_refused(family: Family) -> None:
    lifecycle = LIFECYCLES[family]
    spec = FAMILY_SPECS[family]
    examples = {d.header.message_type: d for d in all_examples() if d.header.family is family}
    refused = 0
    for state, message_type in moves_without_a_row(family):
        case = dataclasses.replace(spec.new_case(), state=state)
        with pytest.raises(IllegalTransition):
            apply(
                lifecycle, case, examples[message_type], now=examples[message_type].header.sent_at
            )
        refused += 1
    assert refused > 0


@pytest.mark.parametrize("family", FAMILIES)
def test_every_local_event_absent_from_a_state_is_refused(family: Family) -> None:
    lifecycle = LIFECYCLES[family]
    spec = FAMILY_SPECS[family]
    some_time = all_examples()[0].header.sent_at
    for state in lifecycle.states:
        for event in lifecycle.events:
            if event in lifecycle.triggers_from(state):
                continue
            case = dataclasses.replace(spec.new_case(), state=state)
            with pytest.raises(IllegalTransition):
                apply(lifecycle, case, event, now=some_time)


@pytest.mark.parametrize("family", FAMILIES)
def test_a_message_of_another_family_never_moves_a_case(family: Family) -> None:
    lifecycle = LIFECYCLES[family]
    stranger = next(d for d in all_examples() if d.header.family is not family)
    with pytest.raises(IllegalTransition):
        apply(lifecycle, FAMILY_SPECS[family].new_case(), stranger, now=stranger.header.sent_at)


@pytest.mark.parametrize("family", FAMILIES)
def test_the_example_conversations_walk_the_lifecycle(family: Family) -> None:
    lifecycle = LIFECYCLES[family]
    spec = FAMILY_SPECS[family]
    visited = set()
    for conversation in spec.example_conversations():
        case = spec.new_case()
        for document in conversation:
            case = apply(lifecycle, case, document, now=document.header.sent_at)
            visited.add(case.state)
    # The examples tell realistic stories, including at least one that reaches an end.
    assert visited & lifecycle.terminal
