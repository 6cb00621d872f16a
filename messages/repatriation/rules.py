"""The legal and design rules the repatriation models enforce, declared once.

Sources follow the domain model's verification marks: ✗ marks a source the domain model could
not verify (B.8); such a rule rests on the design (domain model A.4) until it is checked.
"""

from __future__ import annotations

from typing import Final

from messages.rules import LegalRule
from messages.vocab import MessageType

VIN = MessageType.VICTIM_IDENTIFIED_NOTICE
CN = MessageType.CONSULAR_NOTIFICATION
NVR = MessageType.NATIONALITY_VERIFICATION_REQUEST
NVRES = MessageType.NATIONALITY_VERIFICATION_RESULT
TDR = MessageType.TRAVEL_DOCUMENT_REQUEST
TDI = MessageType.TRAVEL_DOCUMENT_ISSUED
SRA = MessageType.SAFETY_RISK_ASSESSMENT
RP = MessageType.RETURN_PLAN
RS = MessageType.RETURN_SCHEDULED
AC = MessageType.ARRIVAL_CONFIRMED
RFU = MessageType.REINTEGRATION_FOLLOW_UP
HN = MessageType.HOLD_NOTICE
CANCEL = MessageType.CANCELLATION_NOTICE
CC = MessageType.CASE_CLOSURE

_WITH_CONSENT: Final = (VIN, NVR, TDR, TDI, RFU)

# --- consent -------------------------------------------------------------------------------

CONSENT_COHERENT: Final = LegalRule(
    rule_id="repat.consent.coherent",
    message_types=_WITH_CONSENT,
    field="consent",
    text="a consent that is given names its purposes, each once, and who gave it; a consent "
    "that is not given names neither and cannot be withdrawn",
    source="Domain model A.4 (Consent); IOM AVRR Framework, voluntariness as an informed decision",
)
CONSENT_WITHDRAWAL_ORDER: Final = LegalRule(
    rule_id="repat.consent.withdrawal-after-recording",
    message_types=_WITH_CONSENT,
    field="consent.withdrawn_at",
    text="consent is withdrawn after it was recorded",
    source="Domain model A.4 (Consent)",
)
CONSENT_BEFORE_SENDING: Final = LegalRule(
    rule_id="repat.consent.recorded-before-sending",
    message_types=_WITH_CONSENT,
    field="consent.recorded_at",
    text="consent is recorded, and withdrawn, before the message that reports it is sent",
    source="Domain model A.4 (Consent)",
)
IDENTITY_REQUIRES_CONSENT: Final = LegalRule(
    rule_id="repat.consent.required-for-identity",
    message_types=(VIN, NVR, TDR, TDI),
    field="consent",
    text="a message that carries identity data (the victim's identity, the guardian's identity, "
    "a travel document number or the victim's own words) carries the person's consent, given "
    "and not withdrawn; only the VCCR art. 36 ConsularNotification is exempt",
    source="Domain model A.4 ('send only with informed consent'); TIP Protocol art. 6(1) "
    "privacy of victims (✗ unverified); IOM AVRR Framework, informed decision",
)
CONSENT_SCOPE: Final = LegalRule(
    rule_id="repat.consent.scope-covers-purpose",
    message_types=_WITH_CONSENT,
    field="consent.scope",
    text="the consent's scope covers the purpose the data is sent for: CONSULAR_ASSISTANCE for "
    "an identity in a notice, NATIONALITY_VERIFICATION for a verification request, "
    "TRAVEL_DOCUMENTS for travel documents, REINTEGRATION_FOLLOW_UP for follow-up reports",
    source="Domain model A.4 (Consent.scope); purpose limitation as in IACMAMC art. 25 "
    "(domain model A.1)",
)
FOLLOW_UP_OPT_IN: Final = LegalRule(
    rule_id="repat.reintegration.opt-in",
    message_types=(RFU,),
    field="consent",
    text="reintegration follow-up is reported to the destination state only with the "
    "returnee's consent, given and not withdrawn (opt-in)",
    source="Domain model A.4 (ReintegrationFollowUp: origin → destination, opt-in)",
)

# --- children ------------------------------------------------------------------------------

CHILD_GUARDIAN: Final = LegalRule(
    rule_id="repat.child.guardian",
    message_types=(VIN,),
    field="guardian",
    text="the case of a child (age group CHILD, or an unaccompanied child) names the child's "
    "guardian (guardian.guardian_ref)",
    source="TIP Protocol art. 8 (with art. 6(4), special needs of children, ✗ unverified); "
    "VCCR art. 37(b) notice of guardianship (✗ unverified); domain model A.4 guard",
)
CHILD_CONSENT: Final = LegalRule(
    rule_id="repat.child.guardian-consent",
    message_types=(VIN,),
    field="consent.given_by",
    text="a child's consent is given by the guardian, or by the child together with the guardian",
    source="Domain model A.4 (child guard, Consent); design rule",
)
UNACCOMPANIED_NOT_ADULT: Final = LegalRule(
    rule_id="repat.child.unaccompanied-not-adult",
    message_types=(VIN,),
    field="unaccompanied_child",
    text="an unaccompanied child cannot have the age group ADULT",
    source="Domain model A.4 (age_group, unaccompanied_child)",
)

# --- identification ------------------------------------------------------------------------

NOTICE_STATE: Final = LegalRule(
    rule_id="repat.notice.state-of-return",
    message_types=(VIN,),
    field="presumed_nationality",
    text="the notice goes to the state of presumed nationality or permanent residence: "
    "header.recipient.state is presumed_nationality or presumed_residence_state",
    source="TIP Protocol art. 8(1), 8(3)",
)
IDENTIFIED_BEFORE_SENDING: Final = LegalRule(
    rule_id="repat.notice.identified-before-sending",
    message_types=(VIN,),
    field="identified_at",
    text="the person was identified before the notice is sent",
    source="Domain model A.4 (identified_at)",
)
REFLECTION_PERIOD: Final = LegalRule(
    rule_id="repat.notice.reflection-period",
    message_types=(VIN,),
    field="reflection_period.ends_on",
    text="the reflection period ends on or after it starts, and starts no earlier than the day "
    "the person was identified",
    source="Domain model A.4 (reflection_period_until)",
)
COPIES_ATTACHED: Final = LegalRule(
    rule_id="repat.identity.copies-attached",
    message_types=(VIN, NVR, TDR),
    field="victim.documents.copy_sha256",
    text="every document copy (and the photograph, victim.photograph_sha256) the identity "
    "refers to travels with the message as an attachment (header.attachments, by SHA-256)",
    source="Domain model A.1 (attachments), A.4 (NationalityVerificationRequest: document copies)",
)

# --- consular notification -----------------------------------------------------------------

CONSULAR_OPPOSITION: Final = LegalRule(
    rule_id="repat.consular.opposition",
    message_types=(CN,),
    field="person_opposes_consular_action",
    text="no consular notification is sent for a national who expressly opposes consular action",
    source="VCCR art. 36(1)(c)",
)
CONSULAR_ON_REQUEST: Final = LegalRule(
    rule_id="repat.consular.on-request",
    message_types=(CN,),
    field="person_requested_notification",
    text="the consular post is notified at the person's request; without a request, only a "
    "bilateral treaty of mandatory notification (a BILATERAL legal basis) allows it",
    source="VCCR art. 36(1)(b)",
)
CONSULAR_BASIS: Final = LegalRule(
    rule_id="repat.consular.vccr-basis",
    message_types=(CN,),
    field="header.legal_basis",
    text="a consular notification names VCCR_ART36 among its legal bases",
    source="VCCR art. 36; domain model A.1",
)
CONSULAR_DETENTION: Final = LegalRule(
    rule_id="repat.consular.detention-details",
    message_types=(CN,),
    field="detained_at",
    text="detained_at and place_kind are given exactly when the person is detained, and the "
    "detention began before the notification is sent",
    source="VCCR art. 36(1)(b)",
)

# --- verification and travel documents -----------------------------------------------------

VERIFICATION_MISSING: Final = LegalRule(
    rule_id="repat.verification.missing-information",
    message_types=(NVRES,),
    field="missing_information",
    text="an INSUFFICIENT_DATA result says what is missing; other results list nothing missing",
    source="TIP Protocol art. 8(3) (verification 'without undue or unreasonable delay')",
)
TRAVEL_DOCUMENT_VALIDITY: Final = LegalRule(
    rule_id="repat.travel-document.validity",
    message_types=(TDI,),
    field="valid_until",
    text="the travel document is valid until after the day it was issued, was issued no later "
    "than the notice, and is still valid on the day the notice is sent",
    source="TIP Protocol art. 8(4)",
)

# --- safety and return ---------------------------------------------------------------------

RISK_FACTORS: Final = LegalRule(
    rule_id="repat.risk.factors-named",
    message_types=(SRA,),
    field="risk_factors",
    text="a risk level above LOW names at least one risk factor",
    source="TIP Protocol art. 8(2); IOM Reintegration Handbook §2.2.2 (risk assessment)",
)
RISK_MITIGATION: Final = LegalRule(
    rule_id="repat.risk.mitigation-for-high",
    message_types=(SRA,),
    field="mitigations",
    text="a HIGH risk names the mitigations that make a return acceptable",
    source="TIP Protocol art. 8(2) ('due regard for the safety of that person'); IOM AVRR "
    "safety principle",
)
RISK_ASSESSED_BEFORE_SENDING: Final = LegalRule(
    rule_id="repat.risk.assessed-before-sending",
    message_types=(SRA,),
    field="assessed_at",
    text="the assessment was made before it is sent",
    source="Domain model A.4 (guard: an assessment less than N days old)",
)
TRANSIT_STATES: Final = LegalRule(
    rule_id="repat.travel.transit-states",
    message_types=(RP, RS),
    field="travel.transit_states",
    text="transit states are listed once each and are neither the sender's nor the "
    "recipient's state",
    source="Domain model A.4 (transit_states)",
)
PLAN_WINDOW: Final = LegalRule(
    rule_id="repat.plan.travel-window",
    message_types=(RP,),
    field="latest_travel_date",
    text="the travel window ends on or after it starts, and starts no earlier than the day the "
    "plan is sent",
    source="Domain model A.4; IOM AVRR travel stage",
)
SCHEDULE_DATES: Final = LegalRule(
    rule_id="repat.schedule.dates",
    message_types=(RS,),
    field="expected_arrival_date",
    text="the arrival is expected on or after the travel date, and the travel date is not "
    "before the day the return is scheduled",
    source="Domain model A.4; IOM AVRR travel stage",
)
ARRIVAL_TIMELINE: Final = LegalRule(
    rule_id="repat.arrival.after-departure",
    message_types=(AC,),
    field="arrived_at",
    text="the person arrived after departing, and before the arrival is confirmed",
    source="Domain model A.4; IOM AVRR post-arrival stage",
)
RSS_NEEDS_CONTACT: Final = LegalRule(
    rule_id="repat.reintegration.rss-needs-contact",
    message_types=(RFU,),
    field="rss",
    text="Reintegration Sustainability Survey scores are reported only for a visit at which "
    "the returnee was reached (contact_status IN_CONTACT)",
    source="IOM Reintegration Handbook §2.2.5 (Reintegration Sustainability Survey)",
)
HOLD_UNTIL: Final = LegalRule(
    rule_id="repat.hold.until-ahead",
    message_types=(HN,),
    field="until",
    text="a hold's expected end is not before the day the notice is sent",
    source="Domain model A.4 (HoldNotice.until)",
)
CANCELLATION_WITHDRAWAL: Final = LegalRule(
    rule_id="repat.cancellation.withdrawal-date",
    message_types=(CANCEL,),
    field="consent_withdrawn_at",
    text="a cancellation for CONSENT_WITHDRAWN says when consent was withdrawn (before the "
    "notice is sent); a cancellation for any other reason does not",
    source="Domain model A.4 (CancellationNotice); IOM AVRR Framework, voluntariness",
)
CLOSURE_ACHIEVED: Final = LegalRule(
    rule_id="repat.closure.reintegration-achieved",
    message_types=(CC,),
    field="final_recovery_stage",
    text="a case closed with REINTEGRATION_ACHIEVED reached the recovery stage "
    "SUSTAINABLE_REINTEGRATION",
    source="Domain model A.4 (RecoveryStage tied to IOM's definition of sustainable "
    "reintegration); IOM Reintegration Handbook",
)

LEGAL_RULES: Final[tuple[LegalRule, ...]] = (
    CONSENT_COHERENT,
    CONSENT_WITHDRAWAL_ORDER,
    CONSENT_BEFORE_SENDING,
    IDENTITY_REQUIRES_CONSENT,
    CONSENT_SCOPE,
    FOLLOW_UP_OPT_IN,
    CHILD_GUARDIAN,
    CHILD_CONSENT,
    UNACCOMPANIED_NOT_ADULT,
    NOTICE_STATE,
    IDENTIFIED_BEFORE_SENDING,
    REFLECTION_PERIOD,
    COPIES_ATTACHED,
    CONSULAR_OPPOSITION,
    CONSULAR_ON_REQUEST,
    CONSULAR_BASIS,
    CONSULAR_DETENTION,
    VERIFICATION_MISSING,
    TRAVEL_DOCUMENT_VALIDITY,
    RISK_FACTORS,
    RISK_MITIGATION,
    RISK_ASSESSED_BEFORE_SENDING,
    TRANSIT_STATES,
    PLAN_WINDOW,
    SCHEDULE_DATES,
    ARRIVAL_TIMELINE,
    RSS_NEEDS_CONTACT,
    HOLD_UNTIL,
    CANCELLATION_WITHDRAWAL,
    CLOSURE_ACHIEVED,
)
"""Every rule of the family, in the order docs/messages.md lists them."""
