"""The witness-protection family: coordination between the protection units of two states
(domain model A.5, B.5). See :mod:`messages.witness_protection.models` for the
data-minimisation rules that shape every body."""

from messages.witness_protection.examples import example_conversations, examples
from messages.witness_protection.lifecycle import (
    LIFECYCLE,
    WPCase,
    WPEvent,
    WPState,
    new_case,
)
from messages.witness_protection.models import (
    BODIES,
    TestimonyArrangementRequest,
    WPArrangementConcluded,
    WPCooperationDecision,
    WPCooperationRequest,
    WPIncidentAlert,
    WPStatusUpdate,
    WPTermination,
)
from messages.witness_protection.rules import LEGAL_RULES

__all__ = [
    "BODIES",
    "LEGAL_RULES",
    "LIFECYCLE",
    "TestimonyArrangementRequest",
    "WPArrangementConcluded",
    "WPCase",
    "WPCooperationDecision",
    "WPCooperationRequest",
    "WPEvent",
    "WPIncidentAlert",
    "WPState",
    "WPStatusUpdate",
    "WPTermination",
    "example_conversations",
    "examples",
    "new_case",
]
