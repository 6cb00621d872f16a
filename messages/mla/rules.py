"""The legal and design rules of the mla family, declared once.

Each validator raises ``RULE.violation(...)``, or :func:`at` when the error must name a concrete
element of a list (``measures[2].relevance_justification``). Sources are cited as in the domain
model; "Design" marks a rule Puente adds for consistency or safety, not a legal requirement.
"""

from __future__ import annotations

import dataclasses
from typing import Final

from messages.rules import LegalRule
from messages.vocab import FAMILY_OF, Family
from messages.vocab import MessageType as T


def at(rule: LegalRule, path: str, detail: str | None = None) -> ValueError:
    """The rule's violation, naming ``path`` (a concrete element) instead of the generic field."""
    return dataclasses.replace(rule, field=path).violation(detail)


_ALL: Final = tuple(t for t in T if FAMILY_OF[t] is Family.MLA)

# --- every mla message --------------------------------------------------------------------

AUTHORITY_ROLES = LegalRule(
    "mla.header.authority-roles",
    _ALL,
    "header.sender.role",
    "MLA messages pass between central authorities, prosecutors and judges; the sender and "
    "the recipient each have one of these roles",
    "IACMAMC art. 3; UNTOC art. 18(13); domain model A.2 (Authority.kind)",
)
CLASSIFICATION_FLOOR = LegalRule(
    "mla.header.classification-floor",
    _ALL,
    "header.classification",
    "an MLA message concerns criminal proceedings and is never PUBLIC",
    "Design; UNTOC art. 18(20) (confidentiality of requests, unverified)",
)

# --- EvidenceRequest ----------------------------------------------------------------------

FACTS_SUMMARY = LegalRule(
    "mla.request.facts-summary",
    (T.EVIDENCE_REQUEST,),
    "facts_summary",
    "a summary of the relevant facts is required unless every measure is SERVICE_OF_DOCUMENTS",
    "UNTOC art. 18(15)(c); IACMAMC art. 26(a)",
)
CONDUCTING_AUTHORITY = LegalRule(
    "mla.request.conducting-authority",
    (T.EVIDENCE_REQUEST,),
    "conducting_authority",
    "when the requesting authority does not conduct the proceeding, the authority that does is "
    "named with its functions; when it does, no other conducting authority is named",
    "UNTOC art. 18(15)(b)",
)
MEASURE_IDS_UNIQUE = LegalRule(
    "mla.request.measure-ids-unique",
    (T.EVIDENCE_REQUEST,),
    "measures[].measure_id",
    "each measure has its own measure_id: every answer refers to measures by id",
    "Design (domain model A.3, MeasureResult.measure_id)",
)
SUBJECTS = LegalRule(
    "mla.request.subjects",
    (T.EVIDENCE_REQUEST,),
    "persons_concerned[].subject_token",
    "each person concerned has a subject token of its own, and every token a measure names is "
    "one of the persons concerned",
    "Design (domain model A.0 decision 3: pseudonymous subject tokens)",
)
PERSON_IDENTITY_KIND = LegalRule(
    "mla.person.identity-kind",
    (T.EVIDENCE_REQUEST,),
    "persons_concerned[]",
    "a natural person's identity is given in natural_person, a legal person's in legal_person",
    "Design (EIO Annex A section E: natural and legal persons)",
)
RELEVANCE_INTRUSIVE = LegalRule(
    "mla.measure.relevance-intrusive",
    (T.EVIDENCE_REQUEST,),
    "measures[].relevance_justification",
    "a real-time, covert or interception measure states why the information is relevant",
    "EIO arts. 28(3), 30(4)",
)
RELEVANCE_COERCIVE = LegalRule(
    "mla.measure.relevance-coercive",
    (T.EVIDENCE_REQUEST,),
    "measures[].relevance_justification",
    "a search and seizure or a freezing or confiscation states why it is relevant: the "
    "requested state needs it to obtain its own court order",
    "Design (domain model A.2 leaves measures other than real-time, covert and interception open)",
)
INTERCEPTION_DETAILS = LegalRule(
    "mla.measure.interception",
    (T.EVIDENCE_REQUEST,),
    "measures[].interception",
    "an interception names the subject, the desired duration and the technical data of one of "
    "the measure's targets; no other measure carries interception details",
    "EIO art. 30(3)",
)
HEARING_DETAILS = LegalRule(
    "mla.measure.hearing",
    (T.EVIDENCE_REQUEST,),
    "measures[].hearing",
    "a hearing says who is heard, in what capacity and how (by video for a videoconference, by "
    "phone for a telephone hearing); no other measure carries hearing details",
    "UNTOC art. 18(15)(d), 18(18); EIO Annex A section H2; domain model A.2",
)
TRANSFER_DETAILS = LegalRule(
    "mla.measure.transfer-in-custody",
    (T.EVIDENCE_REQUEST,),
    "measures[].transfer_in_custody",
    "a temporary transfer of a person in custody names the person and the direction; no other "
    "measure carries transfer details",
    "EIO arts. 22-23; domain model A.2",
)
TARGETS = LegalRule(
    "mla.measure.targets",
    (T.EVIDENCE_REQUEST,),
    "measures[].targets[]",
    "a PERSON target names a person concerned by subject token; any other target carries its "
    "identifier in the sealed section; target refs are unique within the request",
    "Design (domain model A.2 TargetRef; EIO Annex A section E)",
)
TIME_WINDOW = LegalRule(
    "mla.measure.time-window",
    (T.EVIDENCE_REQUEST,),
    "measures[].time_window",
    "a time window ends on or after the day it starts",
    "Design",
)
EXPLOITATION_FORMS = LegalRule(
    "mla.offence.exploitation-forms",
    (T.EVIDENCE_REQUEST,),
    "offences[].exploitation_forms",
    "a trafficking offence names at least one purpose of exploitation, none twice",
    "TIP Protocol art. 3(a)",
)
CONFIDENTIALITY_REASON = LegalRule(
    "mla.request.confidentiality-reason",
    (T.EVIDENCE_REQUEST,),
    "confidentiality.reason",
    "a request to keep the request confidential or not to notify the person concerned gives "
    "its reason",
    "UNTOC art. 18(20) (unverified); domain model A.2",
)
CONFIDENTIAL_MARKING = LegalRule(
    "mla.request.confidential-marking",
    (T.EVIDENCE_REQUEST,),
    "header.classification",
    "a request whose fact and substance must be kept confidential is marked at least CONFIDENTIAL",
    "Design; UNTOC art. 18(20) (unverified)",
)
DEADLINE_REASONS = LegalRule(
    "mla.request.deadline-reasons",
    (T.EVIDENCE_REQUEST,),
    "deadline_reasons",
    "a deadline asked for in header.urgency.respond_by is justified",
    "UNTOC art. 18(24) (deadlines for which reasons are given); EIO art. 12(2)",
)
SIGNED_BEFORE_SENDING = LegalRule(
    "mla.request.signed-before-sending",
    (T.EVIDENCE_REQUEST,),
    "signatory.signed_at",
    "the request is signed before it is sent",
    "Design",
)
ASSURANCE_TEXT = LegalRule(
    "mla.request.assurance-text",
    (T.EVIDENCE_REQUEST,),
    "assurances[].text",
    "an assurance of kind OTHER says what is assured",
    "Design (domain model A.2)",
)
COSTS_NOTE = LegalRule(
    "mla.request.costs-note",
    (T.EVIDENCE_REQUEST,),
    "costs_note.note",
    "when extraordinary costs are expected, the note says which",
    "UNTOC art. 18(28) (unverified)",
)

# --- answers ------------------------------------------------------------------------------

RECEIVED_AT = LegalRule(
    "mla.ack.received-at",
    (T.ACKNOWLEDGEMENT,),
    "received_at",
    "the request was received before the acknowledgement is sent",
    "Design",
)
INFO_ITEM_IDS = LegalRule(
    "mla.info.item-ids-unique",
    (T.INFORMATION_REQUEST,),
    "items[].item_id",
    "each question has its own item_id: the reply answers by id",
    "Design",
)
INFO_RESPOND_BY = LegalRule(
    "mla.info.respond-by",
    (T.INFORMATION_REQUEST,),
    "respond_by",
    "the date for the reply is not before the request for information is sent",
    "Design",
)
REPLY_ANSWERS = LegalRule(
    "mla.reply.answers",
    (T.INFORMATION_REPLY,),
    "answers[]",
    "each answer gives a text or an attachment, and answers each question once",
    "Design",
)
REPLY_ATTACHMENTS = LegalRule(
    "mla.reply.attachments",
    (T.INFORMATION_REPLY,),
    "answers[].attachment_sha256",
    "an answer's attachment is one of the message's attachments",
    "Design (domain model A.1 attachments)",
)
DECISION_CONDITIONS = LegalRule(
    "mla.decision.conditions",
    (T.DECISION_NOTICE,),
    "conditions",
    "ACCEPTED_WITH_CONDITIONS lists the conditions; an unconditional ACCEPTED lists none",
    "UNTOC art. 18(26); IACMAMC art. 25",
)
DECISION_MEASURES = LegalRule(
    "mla.decision.measures",
    (T.DECISION_NOTICE,),
    "measure_ids",
    "PARTIALLY_ACCEPTED names the measures accepted; any other decision accepts every measure "
    "and names none",
    "Design (domain model A.3)",
)
EXPECTED_COMPLETION = LegalRule(
    "mla.decision.expected-completion",
    (T.DECISION_NOTICE,),
    "expected_completion",
    "the expected completion date is not before the decision is sent",
    "Design",
)
CONDITION_IDS = LegalRule(
    "mla.conditions.ids-unique",
    (T.DECISION_NOTICE, T.CONSULTATION_PROPOSAL, T.EXECUTION_REPORT),
    "conditions[].condition_id",
    "each condition has its own condition_id: a reply or decision refers to conditions by id",
    "Design",
)
MEASURE_REFS_UNIQUE = LegalRule(
    "mla.measure-refs.unique",
    (T.DECISION_NOTICE, T.POSTPONEMENT_NOTICE, T.REFUSAL_NOTICE),
    "measure_ids",
    "a measure is named once",
    "Design",
)
OTHER_NOTE = LegalRule(
    "mla.reason.other-note",
    (T.DELAY_NOTICE, T.POSTPONEMENT_NOTICE, T.STATUS_INQUIRY, T.WITHDRAWAL_NOTICE),
    "note",
    "a reason OTHER is explained in the note",
    "Design (domain model A.3)",
)
DELAY_NEW_DATE = LegalRule(
    "mla.delay.new-date",
    (T.DELAY_NOTICE,),
    "new_estimated_date",
    "the new estimated date is not before the delay notice is sent",
    "EIO art. 12(5)-(6) (reasons and estimated time)",
)
POSTPONEMENT_UNTIL = LegalRule(
    "mla.postponement.until",
    (T.POSTPONEMENT_NOTICE,),
    "until",
    "a postponement lasts until a date after it is notified",
    "UNTOC art. 18(25); design",
)
POSTPONEMENT_CONSULTATION = LegalRule(
    "mla.postponement.consultation",
    (T.POSTPONEMENT_NOTICE,),
    "consultation_held",
    "under UNTOC art. 18 the requested state consults the requesting state before postponing",
    "UNTOC art. 18(26)",
)
CONSULTATION_RESPOND_BY = LegalRule(
    "mla.consultation.respond-by",
    (T.CONSULTATION_PROPOSAL,),
    "respond_by",
    "the date for the reply is not before the proposal is sent",
    "Design",
)
CONSULTATION_REPLY_TO = LegalRule(
    "mla.consultation.reply-to",
    (T.CONSULTATION_REPLY,),
    "header.in_reply_to",
    "a consultation reply answers a proposal: header.in_reply_to names it",
    "Design (UNTOC art. 18(26))",
)
CONSULTATION_DECLINED_REASONS = LegalRule(
    "mla.consultation.declined-reasons",
    (T.CONSULTATION_REPLY,),
    "reasons",
    "a declined proposal is answered with reasons",
    "Design (UNTOC art. 18(26): consultation)",
)
REPORTABLE_STATE = LegalRule(
    "mla.status.reportable-state",
    (T.STATUS_REPORT,),
    "reported_state",
    "a status report names a state of a request in progress; outcomes have their own messages",
    "Design (domain model A.7)",
)
STATUS_ETA = LegalRule(
    "mla.status.eta",
    (T.STATUS_REPORT,),
    "next_step_eta",
    "the expected date of the next step is not before the report is sent",
    "Design",
)
REFUSAL_GROUNDS = LegalRule(
    "mla.refusal.grounds",
    (T.REFUSAL_NOTICE,),
    "grounds",
    "a refusal names at least one ground, none twice",
    "UNTOC art. 18(23); IACMAMC art. 26",
)
REFUSAL_REASONS = LegalRule(
    "mla.refusal.reasons",
    (T.REFUSAL_NOTICE,),
    "reasons_text",
    "reasons shall be given for any refusal: reasons_text is not blank",
    "UNTOC art. 18(23); IACMAMC art. 26",
)
REFUSAL_OTHER_GROUND = LegalRule(
    "mla.refusal.other-ground",
    (T.REFUSAL_NOTICE,),
    "other_ground_text",
    "the ground OTHER is explained in other_ground_text, which is given only with it",
    "Domain model A.3 (RefusalGround OTHER: free text required)",
)
REFUSAL_UNTOC_GROUNDS = LegalRule(
    "mla.refusal.untoc-grounds",
    (T.REFUSAL_NOTICE,),
    "grounds",
    "BANK_SECRECY and FISCAL_MATTER_ONLY are not grounds for refusal when assistance is sought "
    "under UNTOC art. 18",
    "UNTOC art. 18(8), 18(22)",
)
REFUSAL_POSTPONE_INSTEAD = LegalRule(
    "mla.refusal.postpone-instead",
    (T.REFUSAL_NOTICE,),
    "grounds",
    "under UNTOC art. 18, interference with a domestic case is a ground to postpone, not to "
    "refuse: it cannot be the only ground",
    "UNTOC art. 18(25)",
)
REFUSAL_CONSULTATION = LegalRule(
    "mla.refusal.consultation",
    (T.REFUSAL_NOTICE,),
    "consultation_held",
    "under UNTOC art. 18 the requested state consults the requesting state before refusing on "
    "a ground of art. 18(21)",
    "UNTOC art. 18(26)",
)
REFUSAL_PARTIAL = LegalRule(
    "mla.refusal.partial",
    (T.REFUSAL_NOTICE,),
    "measure_ids",
    "a partial refusal names the measures refused; a refusal of the whole request names none",
    "Design (domain model A.3 RefusalNotice.partial)",
)
OUTCOME = LegalRule(
    "mla.execution.outcome",
    (T.EXECUTION_REPORT,),
    "outcome",
    "EXECUTED: every result COMPLETED or SUBSTITUTED; PARTIALLY_EXECUTED: at least one result "
    "produced something; NOT_EXECUTABLE: no measure was performed",
    "IACMAMC art. 26; domain model A.3",
)
NOT_EXECUTABLE_EXPLANATION = LegalRule(
    "mla.execution.explanation",
    (T.EXECUTION_REPORT,),
    "explanation",
    "a request that cannot be executed is returned with an explanation",
    "IACMAMC art. 26",
)
RESULT_IDS = LegalRule(
    "mla.result.measure-ids-unique",
    (T.EXECUTION_REPORT,),
    "results[].measure_id",
    "a report gives one result per measure",
    "Design",
)
SUBSTITUTION = LegalRule(
    "mla.result.substitution",
    (T.EXECUTION_REPORT,),
    "results[].substituted_by",
    "substituted_by names the measure used instead when, and only when, the status is SUBSTITUTED",
    "EIO art. 10; domain model A.3",
)
RESULT_REASON = LegalRule(
    "mla.result.reason",
    (T.EXECUTION_REPORT,),
    "results[].reason",
    "a measure not fully carried out as requested (PARTIAL, NOT_PERFORMED, SUBSTITUTED) says why",
    "IACMAMC art. 26 (return with explanation); design",
)
RESULT_PERFORMANCE = LegalRule(
    "mla.result.performance",
    (T.EXECUTION_REPORT,),
    "results[].executed_at",
    "a performed measure says when it was carried out, not after the report is sent; a measure "
    "NOT_PERFORMED has no execution time and no evidence",
    "Design",
)
EVIDENCE_IDS = LegalRule(
    "mla.evidence.item-ids-unique",
    (T.EXECUTION_REPORT,),
    "results[].evidence_items[].item_id",
    "each evidence item has its own item_id within the report",
    "Design",
)
EVIDENCE_DIGEST = LegalRule(
    "mla.evidence.digest",
    (T.EXECUTION_REPORT,),
    "results[].evidence_items[].sha256",
    "an item other than a physical object is named by its SHA-256; a physical object is never "
    "ATTACHED",
    "Design (domain model A.1 attachments, A.3 EvidenceItem)",
)
EVIDENCE_ATTACHED = LegalRule(
    "mla.evidence.attached",
    (T.EXECUTION_REPORT,),
    "results[].evidence_items[].sha256",
    "an ATTACHED item's digest is one of the message's attachments",
    "Design (domain model A.1 attachments: for evidence, add chain of custody)",
)
CUSTODY_CHAIN = LegalRule(
    "mla.evidence.custody-chain",
    (T.EXECUTION_REPORT,),
    "results[].evidence_items[].custody_chain",
    "the chain of custody is unbroken: each holder's custody ends when the next one's begins, "
    "and only the last holder's custody may be open",
    "Design (domain model A.3 EvidenceItem.custody_chain)",
)
ORIGINALS = LegalRule(
    "mla.execution.originals",
    (T.EXECUTION_REPORT,),
    "return_originals_by",
    "a date to return originals is given when, and only when, originals are to be returned",
    "Design (IACMAMC art. 25; domain model A.3)",
)
COSTS = LegalRule(
    "mla.execution.costs",
    (T.EXECUTION_REPORT,),
    "costs_incurred",
    "an amount of costs is not negative and is given with its currency",
    "Design (UNTOC art. 18(28), unverified)",
)
CLOSED_AT = LegalRule(
    "mla.closure.closed-at",
    (T.CLOSURE_NOTICE,),
    "closed_at",
    "a case is closed before the closure notice is sent",
    "Design",
)

LEGAL_RULES: Final[tuple[LegalRule, ...]] = (
    AUTHORITY_ROLES,
    CLASSIFICATION_FLOOR,
    FACTS_SUMMARY,
    CONDUCTING_AUTHORITY,
    MEASURE_IDS_UNIQUE,
    SUBJECTS,
    PERSON_IDENTITY_KIND,
    RELEVANCE_INTRUSIVE,
    RELEVANCE_COERCIVE,
    INTERCEPTION_DETAILS,
    HEARING_DETAILS,
    TRANSFER_DETAILS,
    TARGETS,
    TIME_WINDOW,
    EXPLOITATION_FORMS,
    CONFIDENTIALITY_REASON,
    CONFIDENTIAL_MARKING,
    DEADLINE_REASONS,
    SIGNED_BEFORE_SENDING,
    ASSURANCE_TEXT,
    COSTS_NOTE,
    RECEIVED_AT,
    INFO_ITEM_IDS,
    INFO_RESPOND_BY,
    REPLY_ANSWERS,
    REPLY_ATTACHMENTS,
    DECISION_CONDITIONS,
    DECISION_MEASURES,
    EXPECTED_COMPLETION,
    CONDITION_IDS,
    MEASURE_REFS_UNIQUE,
    OTHER_NOTE,
    DELAY_NEW_DATE,
    POSTPONEMENT_UNTIL,
    POSTPONEMENT_CONSULTATION,
    CONSULTATION_RESPOND_BY,
    CONSULTATION_REPLY_TO,
    CONSULTATION_DECLINED_REASONS,
    REPORTABLE_STATE,
    STATUS_ETA,
    REFUSAL_GROUNDS,
    REFUSAL_REASONS,
    REFUSAL_OTHER_GROUND,
    REFUSAL_UNTOC_GROUNDS,
    REFUSAL_POSTPONE_INSTEAD,
    REFUSAL_CONSULTATION,
    REFUSAL_PARTIAL,
    OUTCOME,
    NOT_EXECUTABLE_EXPLANATION,
    RESULT_IDS,
    SUBSTITUTION,
    RESULT_REASON,
    RESULT_PERFORMANCE,
    EVIDENCE_IDS,
    EVIDENCE_DIGEST,
    EVIDENCE_ATTACHED,
    CUSTODY_CHAIN,
    ORIGINALS,
    COSTS,
    CLOSED_AT,
)
