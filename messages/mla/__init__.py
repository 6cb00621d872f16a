"""The mutual legal assistance (mla) family: evidence requests and everything that answers
them (domain model A.2, A.3, A.7; UNTOC art. 18; IACMAMC; EIO Directive 2014/41/EU as a model).

Modules: ``vocab`` (controlled vocabularies), ``rules`` (the legal rules, declared once),
``models_common``, ``models_request``, ``models_responses``, ``models_execution`` (the bodies),
``lifecycle`` (states, local events, the table and the case record), ``service_levels``
(configurable timers and due dates), ``examples`` and ``examples_more`` (sample cases).
"""

from __future__ import annotations

from typing import Final

from messages.document import Body
from messages.mla.examples import example_conversations, examples
from messages.mla.lifecycle import LIFECYCLE, MlaCase, MlaEvent, new_case
from messages.mla.models_execution import ExecutionReport
from messages.mla.models_request import EvidenceRequest
from messages.mla.models_responses import (
    Acknowledgement,
    ClosureNotice,
    ConsultationProposal,
    ConsultationReply,
    DecisionNotice,
    DelayNotice,
    InformationReply,
    InformationRequest,
    PostponementNotice,
    RefusalNotice,
    StatusInquiry,
    StatusReport,
    WithdrawalNotice,
)
from messages.mla.rules import LEGAL_RULES
from messages.mla.vocab import MlaState

BODIES: Final[tuple[type[Body], ...]] = (
    EvidenceRequest,
    Acknowledgement,
    InformationRequest,
    InformationReply,
    DecisionNotice,
    DelayNotice,
    PostponementNotice,
    ConsultationProposal,
    ConsultationReply,
    StatusInquiry,
    StatusReport,
    ExecutionReport,
    RefusalNotice,
    WithdrawalNotice,
    ClosureNotice,
)
"""Every body of the family, in the order of MessageType."""

__all__ = [
    "BODIES",
    "LEGAL_RULES",
    "LIFECYCLE",
    "MlaCase",
    "MlaEvent",
    "MlaState",
    "example_conversations",
    "examples",
    "new_case",
]
