"""The repatriation family: return of victims of trafficking to their state of nationality or
permanent residence (domain model A.4; TIP Protocol art. 8; VCCR art. 36; IOM AVRR).

Bodies are in :mod:`.models` (before the return) and :mod:`.models_return`; the parts they share
and the sealed sections, with who may read each, in :mod:`.sections`; the rules in :mod:`.rules`;
the lifecycle in :mod:`.lifecycle`; sample cases in :mod:`.examples`.
"""

from __future__ import annotations

from typing import Final

from messages.document import Body
from messages.repatriation.examples import example, example_cases, example_conversations, examples
from messages.repatriation.lifecycle import (
    DEFAULT_RISK_ASSESSMENT_MAX_AGE,
    LIFECYCLE,
    RepatriationCase,
    RepatriationEvent,
    RepatriationState,
    new_case,
)
from messages.repatriation.models import (
    ConsularNotification,
    NationalityVerificationRequest,
    NationalityVerificationResult,
    TravelDocumentIssued,
    TravelDocumentRequest,
    VictimIdentifiedNotice,
)
from messages.repatriation.models_return import (
    ArrivalConfirmed,
    CancellationNotice,
    CaseClosure,
    HoldNotice,
    ReintegrationFollowUp,
    ResumeNotice,
    ReturnPlan,
    ReturnScheduled,
    SafetyRiskAssessment,
)
from messages.repatriation.rules import LEGAL_RULES

BODIES: Final[tuple[type[Body], ...]] = (
    VictimIdentifiedNotice,
    ConsularNotification,
    NationalityVerificationRequest,
    NationalityVerificationResult,
    TravelDocumentRequest,
    TravelDocumentIssued,
    SafetyRiskAssessment,
    ReturnPlan,
    ReturnScheduled,
    ArrivalConfirmed,
    ReintegrationFollowUp,
    HoldNotice,
    ResumeNotice,
    CancellationNotice,
    CaseClosure,
)
"""Every body of the family, in the order of MessageType."""

__all__ = [
    "BODIES",
    "DEFAULT_RISK_ASSESSMENT_MAX_AGE",
    "LEGAL_RULES",
    "LIFECYCLE",
    "ArrivalConfirmed",
    "CancellationNotice",
    "CaseClosure",
    "ConsularNotification",
    "HoldNotice",
    "NationalityVerificationRequest",
    "NationalityVerificationResult",
    "ReintegrationFollowUp",
    "RepatriationCase",
    "RepatriationEvent",
    "RepatriationState",
    "ResumeNotice",
    "ReturnPlan",
    "ReturnScheduled",
    "SafetyRiskAssessment",
    "TravelDocumentIssued",
    "TravelDocumentRequest",
    "VictimIdentifiedNotice",
    "example",
    "example_cases",
    "example_conversations",
    "examples",
    "new_case",
]
