"""The statistics family: privacy-protected aggregates a national node publishes to the region
(domain model A.6, A.7, B.6). No personal data and no sealed section."""

from messages.statistics.examples import example_conversations, examples
from messages.statistics.lifecycle import (
    LIFECYCLE,
    ReleaseCase,
    ReleaseEvent,
    ReleaseState,
    new_case,
)
from messages.statistics.models import BODIES, AggregateRelease
from messages.statistics.rules import LEGAL_RULES

__all__ = [
    "BODIES",
    "LEGAL_RULES",
    "LIFECYCLE",
    "AggregateRelease",
    "ReleaseCase",
    "ReleaseEvent",
    "ReleaseState",
    "example_conversations",
    "examples",
    "new_case",
]
