"""Business lifecycles as data, and the one function that applies a message to a case.

Each family declares a :class:`Lifecycle`: its states, its local events (acts at one node that
send no message, such as starting an assessment), its transitions, and the rules attached to
them. A :class:`Transition` says: in state ``source``, the trigger (a message type or a local
event) moves the case to ``target``, provided that its ``when`` condition selects this row and
every guard holds. :func:`apply` is the only way a case changes state; it raises
:class:`~messages.errors.IllegalTransition` or :class:`~messages.errors.GuardFailed` with a
message that names the state, the trigger and the failed rule.

Both nodes of a case apply the same table: the sender when it sends a message, the recipient
when it accepts one. Where one side enters a state by a local event that the other cannot see,
the table also lets the following message arrive from the earlier state, so both sides converge.

The engine knows nothing about a family; families supply a case type (a frozen dataclass with
``state`` and ``previous_state``) and an ``absorb`` function that records the facts the guards
need (consent recorded, last risk assessment, ...).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from messages.document import Document
from messages.errors import GuardFailed, IllegalTransition
from messages.vocab import Family, MessageType

S = TypeVar("S", bound=StrEnum)
E = TypeVar("E", bound=StrEnum)
S_co = TypeVar("S_co", bound=StrEnum, covariant=True)


class CaseLike(Protocol[S_co]):
    """What the engine needs of a family's case record."""

    @property
    def state(self) -> S_co: ...

    @property
    def previous_state(self) -> S_co | None: ...


C = TypeVar("C", bound=CaseLike[Any])

Trigger = Document[Any] | StrEnum
"""A received or sent message document, or a local event of the family."""


@dataclass(frozen=True)
class Rule(Generic[C]):
    """A named condition on a case and its trigger, with the source that motivates it."""

    name: str
    description: str
    source: str
    check: Callable[[C, Document[Any] | None, datetime], bool] = field(repr=False, compare=False)


@dataclass(frozen=True)
class Transition(Generic[S, C]):
    """One row of a lifecycle table."""

    source: S
    trigger: MessageType | StrEnum
    target: S | None
    """The next state; None means the state before the current one (resuming from a hold)."""
    when: Rule[C] | None = None
    """Selects this row among rows with the same source and trigger (by message content)."""
    guards: tuple[Rule[C], ...] = ()
    """Conditions that must hold, or the transition is refused with :class:`GuardFailed`."""


@dataclass(frozen=True)
class Lifecycle(Generic[S, E, C]):
    """A family's business lifecycle."""

    family: Family
    states: type[S]
    events: type[E]
    initial: S
    terminal: frozenset[S]
    transitions: tuple[Transition[S, C], ...]
    absorb: Callable[[C, Trigger, datetime], C] = field(repr=False)
    """Returns the case with the facts of the trigger recorded (state excluded)."""
    descriptions: dict[S, str] = field(default_factory=dict)

    def rows_from(self, state: S) -> list[Transition[S, C]]:
        """Every transition that leaves ``state``."""
        return [row for row in self.transitions if row.source == state]

    def triggers_from(self, state: S) -> list[MessageType | StrEnum]:
        """The triggers allowed in ``state``, in table order, without repetition."""
        seen: dict[MessageType | StrEnum, None] = {}
        for row in self.rows_from(state):
            seen.setdefault(row.trigger, None)
        return list(seen)

    def rules(self) -> list[Rule[C]]:
        """Every condition and guard of the table, once each."""
        found: dict[str, Rule[C]] = {}
        for row in self.transitions:
            for rule in ([row.when] if row.when else []) + list(row.guards):
                found.setdefault(rule.name, rule)
        return list(found.values())


def trigger_of(trigger: Trigger) -> MessageType | StrEnum:
    """The table key of a trigger: the message type of a document, or the event itself."""
    return trigger.header.message_type if isinstance(trigger, Document) else trigger


def _names(items: Iterable[object]) -> str:
    return ", ".join(str(item) for item in items) or "nothing"


def apply(lifecycle: Lifecycle[S, E, C], case: C, trigger: Trigger, *, now: datetime) -> C:
    """Apply a message or local event to ``case`` and return the new case.

    Raises:
        IllegalTransition: no row of the table allows the trigger in the case's state, or no
            row's condition matches the message's content.
        GuardFailed: the row exists but a guard does not hold; ``guards`` names them.
    """
    key = trigger_of(trigger)
    document = trigger if isinstance(trigger, Document) else None
    if isinstance(trigger, Document) and trigger.header.family is not lifecycle.family:
        raise IllegalTransition(
            f"a {trigger.header.family} message cannot move a {lifecycle.family} case"
        )
    state = case.state
    if state in lifecycle.terminal:
        raise IllegalTransition(
            f"{lifecycle.family} case is {state}, a terminal state: {key} is not allowed"
        )
    rows = [row for row in lifecycle.rows_from(state) if row.trigger == key]
    if not rows:
        raise IllegalTransition(
            f"{lifecycle.family} case in state {state}: {key} is not allowed "
            f"(allowed: {_names(lifecycle.triggers_from(state))})"
        )
    selected = [row for row in rows if row.when is None or row.when.check(case, document, now)]
    if not selected:
        conditions = _names(row.when.name for row in rows if row.when)
        raise IllegalTransition(
            f"{lifecycle.family} case in state {state}: this {key} matches none of the "
            f"conditions under which it is allowed ({conditions})"
        )
    row = selected[0]
    failed = [guard for guard in row.guards if not guard.check(case, document, now)]
    if failed:
        reasons = "; ".join(f"{guard.name}: {guard.description}" for guard in failed)
        raise GuardFailed(
            f"{lifecycle.family} case in state {state}: {key} refused: {reasons}",
            guards=[guard.name for guard in failed],
        )
    target = row.target if row.target is not None else case.previous_state
    if target is None:
        raise IllegalTransition(
            f"{lifecycle.family} case in state {state}: {key} returns to the previous state, "
            "but none is recorded"
        )
    updated = lifecycle.absorb(case, trigger, now)
    if target == state:
        return dataclasses.replace(updated, state=state)  # type: ignore[type-var]
    return dataclasses.replace(updated, state=target, previous_state=state)  # type: ignore[type-var]
