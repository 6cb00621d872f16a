"""The legal and design rules of the witness-protection family, declared once.

Sources are cited as in the domain model (A.5 and B.5). The data-minimisation rules of A.5 are
Puente's normative *proposal*; rule 4 rests on practice recalled from the UNODC manual that the
domain model marks as not verified (✗).
"""

from __future__ import annotations

from typing import Final

from messages.rules import LegalRule
from messages.vocab import MessageType

REQUEST = MessageType.WP_COOPERATION_REQUEST
DECISION = MessageType.WP_COOPERATION_DECISION
ARRANGEMENT = MessageType.WP_ARRANGEMENT_CONCLUDED
STATUS = MessageType.WP_STATUS_UPDATE
TESTIMONY = MessageType.TESTIMONY_ARRANGEMENT_REQUEST
INCIDENT = MessageType.WP_INCIDENT_ALERT
TERMINATION = MessageType.WP_TERMINATION
ALL_TYPES: Final = (REQUEST, DECISION, ARRANGEMENT, STATUS, TESTIMONY, INCIDENT, TERMINATION)

# --- header rules (the header enforces the first two itself; declared here for the catalogue)

CLASSIFICATION_FLOOR = LegalRule(
    "wp.header.classification-floor",
    ALL_TYPES,
    "header.classification",
    "witness-protection messages are at least CONFIDENTIAL",
    "domain model A.1, A.5",
)
NO_FREE_TEXT = LegalRule(
    "wp.no-free-text-outside-sealed",
    ALL_TYPES,
    "header.handling.use_limitation_note",
    "no free text outside sealed sections: the body has only codes, tokens, references, "
    "numbers and dates outside them, and the header carries no use-limitation note and no "
    "attachment titles",
    "domain model A.5 rule 5",
)
WP_UNITS_ONLY = LegalRule(
    "wp.header.wp-units-only",
    ALL_TYPES,
    "header.sender.role",
    "witness-protection messages travel only between the protection units (WP_UNIT) of the "
    "two states; a prosecutor's testimony request goes through the prosecutor's own unit",
    "domain model A.5 rule 2; Salzburg Forum Agreement (national contact points); PACE Doc. 13647",
)
NEED_TO_KNOW = LegalRule(
    "wp.header.need-to-know",
    ALL_TYPES,
    "header.handling.need_to_know_roles",
    "only WP_UNIT may see a witness-protection message at the recipient; a "
    "TestimonyArrangementRequest may also be shown to PROSECUTOR and JUDGE",
    "domain model A.5 rules 2, 3",
)
USE_LIMITATION = LegalRule(
    "wp.header.use-limitation",
    ALL_TYPES,
    "header.handling.use_limitation",
    "witness-protection content is limited to WITNESS_PROTECTION_ONLY and may not be passed on "
    "(no_onward_transmission)",
    "domain model A.1 (IACMAMC art. 25), A.5 rules 2, 6",
)

# --- WPCooperationRequest

RELOCATION_IN_PROGRAMME = LegalRule(
    "wp.request.relocation-in-national-programme",
    (REQUEST,),
    "in_national_programme",
    "relocation (TEMP_RELOCATION, PERMANENT_RELOCATION) is requested only for a person already "
    "placed under the requesting state's national protection programme",
    "Salzburg Forum Agreement; domain model A.5, B.5",
)
SINGLE_PRINCIPAL = LegalRule(
    "wp.request.single-principal",
    (REQUEST,),
    "principal_count",
    "a cooperation request protects exactly one principal (principal_count = 1); relatives are "
    "counted in dependants_count",
    "domain model A.5 (proposal)",
)
DEPENDANTS_COUNT = LegalRule(
    "wp.request.dependants-count",
    (REQUEST,),
    "dependants_count",
    "dependants_count equals the number of dependants identified in the sealed dossier",
    "domain model A.5 (design)",
)
INITIAL_DOSSIER = LegalRule(
    "wp.request.initial-dossier",
    (REQUEST,),
    "dossier",
    "an INITIAL request carries the sealed dossier (the written request with the person's "
    "identity and the threat)",
    "Salzburg Forum Agreement (cooperation upon written request); domain model A.5",
)
SUPPLEMENT_ITEMS = LegalRule(
    "wp.request.supplement-items",
    (REQUEST,),
    "supplied_information",
    "a SUPPLEMENT lists the information items it supplies (at least one); an INITIAL request "
    "lists none",
    "domain model A.5 lifecycle (NEEDS_INFO ↔ ASSESSING)",
)
TEMPORARY_DURATION = LegalRule(
    "wp.request.temporary-duration",
    (REQUEST,),
    "duration_requested_months",
    "a TEMP_RELOCATION states the requested duration",
    "domain model A.5 (duration_requested)",
)

# --- WPCooperationDecision

DECISION_CONDITIONS = LegalRule(
    "wp.decision.conditions",
    (DECISION,),
    "conditions",
    "ACCEPTED_WITH_CONDITIONS lists at least one condition; other decisions list none",
    "domain model A.5",
)
DECISION_MEASURES = LegalRule(
    "wp.decision.accepted-measures",
    (DECISION,),
    "accepted_measures",
    "an acceptance lists the measures accepted (at least one); other decisions list none",
    "domain model A.5 (design)",
)
DECISION_DECLINE_REASONS = LegalRule(
    "wp.decision.decline-reasons",
    (DECISION,),
    "decline_reasons",
    "DECLINED gives at least one reason code; other decisions give none",
    "domain model A.5 (design)",
)
DECISION_INFORMATION = LegalRule(
    "wp.decision.information-needed",
    (DECISION,),
    "information_needed",
    "NEEDS_INFO lists at least one information item; other decisions list none",
    "domain model A.5 lifecycle (NEEDS_INFO ↔ ASSESSING)",
)
DECISION_ARRANGEMENT_REF = LegalRule(
    "wp.decision.arrangement-ref",
    (DECISION,),
    "arrangement_ref",
    "only an acceptance names the arrangement (MoU) reference",
    "domain model A.5",
)

# --- WPArrangementConcluded

ARRANGEMENT_DATES = LegalRule(
    "wp.arrangement.dates",
    (ARRANGEMENT,),
    "end_date",
    "the planned end of the arrangement is after its start",
    "domain model A.5 (design; rule 8 computes retention from the arrangement's end)",
)

# --- WPStatusUpdate

STATUS_NEXT_REVIEW = LegalRule(
    "wp.status.next-review",
    (STATUS,),
    "next_review_at",
    "ACTIVE and UNDER_REVIEW name the date of the next review; RELOCATION_IN_PROGRESS and "
    "SUSPENDED may omit it",
    "domain model A.5 (WPStatusUpdate next_review_at)",
)
STATUS_SUSPENSION_REASON = LegalRule(
    "wp.status.suspension-reason",
    (STATUS,),
    "suspension_reason",
    "SUSPENDED gives the reason code; other statuses give none",
    "domain model A.5 (design)",
)

# --- TestimonyArrangementRequest

TESTIMONY_WINDOW = LegalRule(
    "wp.testimony.hearing-window",
    (TESTIMONY,),
    "hearing_window.latest",
    "the hearing window ends after it starts and spans at most 90 days",
    "domain model A.5 (hearing_window; design)",
)
TESTIMONY_AUTHORITY = LegalRule(
    "wp.testimony.requesting-authority",
    (TESTIMONY,),
    "requested_by_role",
    "a testimony arrangement is requested for a PROSECUTOR or a JUDGE, through the requesting "
    "state's own protection unit",
    "domain model A.5 (PROSECUTOR via own WP_UNIT), rule 3",
)

# --- WPIncidentAlert

INCIDENT_IMMEDIATE = LegalRule(
    "wp.incident.immediate",
    (INCIDENT,),
    "header.urgency.level",
    "an incident alert always travels with IMMEDIATE urgency",
    "domain model A.5",
)
INCIDENT_TIME = LegalRule(
    "wp.incident.occurred-before-sent",
    (INCIDENT,),
    "occurred_at",
    "the incident occurred no later than the alert was sent",
    "domain model A.5 (design)",
)
HOST_SENDS_NOTHING_SEALED = LegalRule(
    "wp.return.host-sends-nothing-sealed",
    (INCIDENT,),
    "detail",
    "the host unit never returns a sealed section to the requesting state: the new identity "
    "and the relocation location stay with the host; only the requesting side may attach a "
    "sealed incident detail",
    "domain model A.5 rule 4 (✗ to confirm against the UNODC manual), rule 2",
)

# --- WPTermination

TERMINATION_CLOSURE_FIELDS = LegalRule(
    "wp.termination.closure-fields",
    (TERMINATION,),
    "dossier_disposition",
    "a CLOSURE_CONFIRMATION states what was done with the dossier and lists no "
    "post-termination measures; a NOTICE does the opposite",
    "domain model A.5 rule 8 (retention and deletion)",
)
TERMINATION_WITHDRAWAL = LegalRule(
    "wp.termination.withdrawal-by-requesting",
    (TERMINATION,),
    "reason",
    "only the requesting side notifies the withdrawal of a request (REQUEST_WITHDRAWN); the "
    "host declines instead",
    "domain model A.5 (design)",
)

# --- every type

UNIQUE_CODES = LegalRule(
    "wp.lists.unique",
    ALL_TYPES,
    "(lists of codes)",
    "a code appears at most once in a list",
    "design",
)

LEGAL_RULES: Final[tuple[LegalRule, ...]] = (
    CLASSIFICATION_FLOOR,
    NO_FREE_TEXT,
    WP_UNITS_ONLY,
    NEED_TO_KNOW,
    USE_LIMITATION,
    RELOCATION_IN_PROGRAMME,
    SINGLE_PRINCIPAL,
    DEPENDANTS_COUNT,
    INITIAL_DOSSIER,
    SUPPLEMENT_ITEMS,
    TEMPORARY_DURATION,
    DECISION_CONDITIONS,
    DECISION_MEASURES,
    DECISION_DECLINE_REASONS,
    DECISION_INFORMATION,
    DECISION_ARRANGEMENT_REF,
    ARRANGEMENT_DATES,
    STATUS_NEXT_REVIEW,
    STATUS_SUSPENSION_REASON,
    TESTIMONY_WINDOW,
    TESTIMONY_AUTHORITY,
    INCIDENT_IMMEDIATE,
    INCIDENT_TIME,
    HOST_SENDS_NOTHING_SEALED,
    TERMINATION_CLOSURE_FIELDS,
    TERMINATION_WITHDRAWAL,
    UNIQUE_CODES,
)
