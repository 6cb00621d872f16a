"""Repatriation bodies before the return: identification, consular notification, nationality
verification and travel documents (domain model A.4; TIP Protocol art. 8(1)-(4); VCCR art. 36).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import ClassVar, Final

from pydantic import Field, model_validator

from messages.document import Body
from messages.header import Header
from messages.repatriation import rules
from messages.repatriation.sections import (
    MAX_TRANSIT_STATES,
    Consent,
    DetentionDetails,
    Guardian,
    GuardianIdentity,
    ReflectionPeriod,
    TravelDocumentDetails,
    VictimIdentity,
    VictimStatement,
    check_copies_attached,
    require_consent,
)
from messages.repatriation.vocab import (
    AgeGroup,
    ConsentGiver,
    ConsentPurpose,
    DetentionPlaceKind,
    DocumentHandover,
    IdentifyingAuthorityKind,
    MissingInformation,
    NationalityIndication,
    NeedFlag,
    TravelDocumentKind,
    VerificationOutcome,
    VerificationScope,
    VerificationSource,
    VictimWishes,
)
from messages.sealed import Sealed, iter_sealed
from messages.types import CalendarDate, LanguageTag, StateCode, UtcDateTime
from messages.vocab import Family, LegalBasis, MessageType

IDENTITY_SECTIONS: Final = (
    VictimIdentity,
    GuardianIdentity,
    TravelDocumentDetails,
    VictimStatement,
)
"""Sealed sections whose presence requires the person's consent (except in a
ConsularNotification): who the person or the guardian is, their travel document, their words."""

_LARGEST_UTC_OFFSET: Final = timedelta(hours=14)


def earliest_local_date(instant: datetime) -> date:
    """The earliest calendar date ``instant`` can be anywhere: dates on the wire are local to a
    state, instants are UTC, and a message sent at 01:00Z is still the previous day in the
    Americas."""
    return (instant - _LARGEST_UTC_OFFSET).date()


def latest_local_date(instant: datetime) -> date:
    """The latest calendar date ``instant`` can be anywhere."""
    return (instant + _LARGEST_UTC_OFFSET).date()


def identity_sections(body: Body) -> list[Sealed]:
    """The consent-bound sealed sections present in ``body``."""
    return [section for _, section in iter_sealed(body) if isinstance(section, IDENTITY_SECTIONS)]


def is_child(age_group: AgeGroup, unaccompanied_child: bool) -> bool:
    """A child's case: the age group is CHILD or the person is an unaccompanied child."""
    return age_group is AgeGroup.CHILD or unaccompanied_child


class VictimIdentifiedNotice(Body):
    """A presumed victim of trafficking who is a presumed national (or permanent resident) of the
    recipient's state has been identified. Sent by the destination state's MFA or victim
    services to the consular post of presumed nationality.

    Identity data and the person's own words are sent only with informed consent covering
    CONSULAR_ASSISTANCE. Without consent (e.g. during a reflection period) the notice carries
    no identity: it tells the consular post that a national needs assistance, and the case
    waits in CONSENT_PENDING. A notice may be sent again to report a change of consent.
    """

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.VICTIM_IDENTIFIED_NOTICE
    CONSENT_PURPOSE: ClassVar = ConsentPurpose.CONSULAR_ASSISTANCE

    identified_at: UtcDateTime
    """When the competent authority identified the person as a presumed victim."""
    identifying_authority_kind: IdentifyingAuthorityKind
    presumed_nationality: StateCode | None = None
    presumed_residence_state: StateCode | None = None
    """The state of presumed permanent residence, when it differs from the nationality."""
    age_group: AgeGroup
    unaccompanied_child: bool
    consent: Consent
    """The person's consent as currently recorded; identity data travels only if it is in
    force and covers CONSULAR_ASSISTANCE."""
    needs: list[NeedFlag] = Field(default_factory=list, max_length=len(NeedFlag))
    interpretation_language: LanguageTag | None = None
    """The language in which the person needs interpretation, if any."""
    legal_proceedings_pending: bool
    """Criminal proceedings in which the person is a victim or witness are pending in the
    sending state; a return then needs the prosecutor's confirmation (TIP art. 8(2))."""
    victim_wishes: VictimWishes
    reflection_period: ReflectionPeriod | None = None
    guardian: Guardian | None = None
    """Required for a child's case."""
    victim: VictimIdentity | None = None
    victim_statement: VictimStatement | None = None

    @property
    def child(self) -> bool:
        return is_child(self.age_group, self.unaccompanied_child)

    @model_validator(mode="after")
    def _rules(self) -> VictimIdentifiedNotice:
        if self.unaccompanied_child and self.age_group is AgeGroup.ADULT:
            raise rules.UNACCOMPANIED_NOT_ADULT.violation()
        if self.child and self.guardian is None:
            raise rules.CHILD_GUARDIAN.violation()
        if self.child and self.consent.given_by is ConsentGiver.VICTIM:
            raise rules.CHILD_CONSENT.violation()
        if identity_sections(self):
            require_consent(self.consent, self.CONSENT_PURPOSE)
        period = self.reflection_period
        if period is not None and (
            period.ends_on < period.starts_on
            or period.starts_on < earliest_local_date(self.identified_at)
        ):
            raise rules.REFLECTION_PERIOD.violation()
        return self

    def check_header(self, header: Header) -> None:
        if header.recipient.state not in (self.presumed_nationality, self.presumed_residence_state):
            raise rules.NOTICE_STATE.violation(
                f"the recipient's state {header.recipient.state} is neither presumed_nationality "
                "nor presumed_residence_state"
            )
        if self.identified_at > header.sent_at:
            raise rules.IDENTIFIED_BEFORE_SENDING.violation()
        self.consent.check_sent_after(header)
        check_copies_attached(self.victim, header)


class ConsularNotification(Body):
    """Notification to the consular post that one of its nationals is detained or otherwise held,
    at the person's request (VCCR art. 36(1)(b)).

    The one message that carries identity data without the trafficking-victim consent: it is the
    detainee's own request. It is never sent if the person expressly opposes consular action
    (VCCR art. 36(1)(c)).
    """

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.CONSULAR_NOTIFICATION

    detained: bool
    detained_at: UtcDateTime | None = None
    """When the detention began; required exactly when the person is detained."""
    place_kind: DetentionPlaceKind | None = None
    """Required exactly when the person is detained."""
    person_requested_notification: bool
    """The person asked that their consular post be notified (VCCR art. 36(1)(b))."""
    person_opposes_consular_action: bool
    """The person expressly opposes consular action; then this message may not be sent."""
    informed_of_rights: bool
    """The person was told of their rights under VCCR art. 36(1)(b)."""
    presumed_trafficking_victim: bool
    """The authorities regard the person as a presumed victim of trafficking. A
    VictimIdentifiedNotice, with consent, carries the rest."""
    national: VictimIdentity
    detention: DetentionDetails | None = None
    """Where the person is held; only when detained."""

    @model_validator(mode="after")
    def _rules(self) -> ConsularNotification:
        if self.person_opposes_consular_action:
            raise rules.CONSULAR_OPPOSITION.violation()
        details = (self.detained_at, self.place_kind)
        if self.detained and None in details:
            raise rules.CONSULAR_DETENTION.violation("a detention names detained_at and place_kind")
        if not self.detained and (details != (None, None) or self.detention is not None):
            raise rules.CONSULAR_DETENTION.violation(
                "detained_at, place_kind and detention are only given for a detained person"
            )
        return self

    def check_header(self, header: Header) -> None:
        if LegalBasis.VCCR_ART36 not in header.bases:
            raise rules.CONSULAR_BASIS.violation()
        if not self.person_requested_notification and LegalBasis.BILATERAL not in header.bases:
            raise rules.CONSULAR_ON_REQUEST.violation()
        if self.detained_at is not None and self.detained_at > header.sent_at:
            raise rules.CONSULAR_DETENTION.violation(
                "the detention began after the notification was sent"
            )


class NationalityVerificationRequest(Body):
    """Request to the state of presumed nationality (its consular post or civil registry) to
    verify, without undue or unreasonable delay, that the person is its national or has the
    right of permanent residence in it (TIP art. 8(3)). The answer is due by
    ``header.urgency.respond_by`` when the sender sets one."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.NATIONALITY_VERIFICATION_REQUEST
    CONSENT_PURPOSE: ClassVar = ConsentPurpose.NATIONALITY_VERIFICATION

    verify: VerificationScope
    indications: list[NationalityIndication] = Field(
        min_length=1, max_length=len(NationalityIndication)
    )
    """Why the sender presumes the nationality or residence."""
    victim: VictimIdentity
    guardian: Guardian | None = None
    consent: Consent
    """Must be in force and cover NATIONALITY_VERIFICATION."""

    @model_validator(mode="after")
    def _rules(self) -> NationalityVerificationRequest:
        require_consent(self.consent, self.CONSENT_PURPOSE)
        return self

    def check_header(self, header: Header) -> None:
        self.consent.check_sent_after(header)
        check_copies_attached(self.victim, header)


class NationalityVerificationResult(Body):
    """The answer of the state of presumed nationality (TIP art. 8(3))."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.NATIONALITY_VERIFICATION_RESULT

    outcome: VerificationOutcome
    verified_at: UtcDateTime
    sources: list[VerificationSource] = Field(min_length=1, max_length=len(VerificationSource))
    """What was checked."""
    missing_information: list[MissingInformation] = Field(
        default_factory=list, max_length=len(MissingInformation)
    )
    """With INSUFFICIENT_DATA: what a new request should add."""

    @model_validator(mode="after")
    def _rules(self) -> NationalityVerificationResult:
        insufficient = self.outcome is VerificationOutcome.INSUFFICIENT_DATA
        if insufficient != bool(self.missing_information):
            raise rules.VERIFICATION_MISSING.violation()
        return self


class TravelDocumentRequest(Body):
    """Request to the state of nationality to issue the travel documents the person needs to
    travel and re-enter its territory (TIP art. 8(4))."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.TRAVEL_DOCUMENT_REQUEST
    CONSENT_PURPOSE: ClassVar = ConsentPurpose.TRAVEL_DOCUMENTS

    document_kind: TravelDocumentKind
    planned_travel_date: CalendarDate | None = None
    transit_states: list[StateCode] = Field(default_factory=list, max_length=MAX_TRANSIT_STATES)
    """States the document must allow the person to cross."""
    victim: VictimIdentity | None = None
    """The identity for the document, if it adds to what the verification request sent (e.g.
    a photograph)."""
    guardian: Guardian | None = None
    consent: Consent
    """Must be in force and cover TRAVEL_DOCUMENTS: a document is issued in the person's name."""

    @model_validator(mode="after")
    def _rules(self) -> TravelDocumentRequest:
        require_consent(self.consent, self.CONSENT_PURPOSE)
        return self

    def check_header(self, header: Header) -> None:
        self.consent.check_sent_after(header)
        check_copies_attached(self.victim, header)


class TravelDocumentIssued(Body):
    """The state of nationality issued the travel document (TIP art. 8(4))."""

    FAMILY: ClassVar = Family.REPATRIATION
    MESSAGE_TYPE: ClassVar = MessageType.TRAVEL_DOCUMENT_ISSUED
    CONSENT_PURPOSE: ClassVar = ConsentPurpose.TRAVEL_DOCUMENTS

    document_kind: TravelDocumentKind
    issued_on: CalendarDate
    valid_until: CalendarDate
    single_journey: bool
    """The document is valid for the return journey only (emergency documents, laissez-passer)."""
    handover: DocumentHandover
    document: TravelDocumentDetails | None = None
    """The document number, when the requesting side needs it to book the journey."""
    consent: Consent | None = None
    """The consent the request carried; required with the document number."""

    @model_validator(mode="after")
    def _rules(self) -> TravelDocumentIssued:
        if self.valid_until <= self.issued_on:
            raise rules.TRAVEL_DOCUMENT_VALIDITY.violation()
        if identity_sections(self):
            require_consent(self.consent, self.CONSENT_PURPOSE)
        return self

    def check_header(self, header: Header) -> None:
        if self.issued_on > latest_local_date(header.sent_at):
            raise rules.TRAVEL_DOCUMENT_VALIDITY.violation(
                "the document is issued after the notice is sent"
            )
        if self.valid_until < earliest_local_date(header.sent_at):
            raise rules.TRAVEL_DOCUMENT_VALIDITY.violation(
                "the document has expired before the notice is sent"
            )
        if self.consent is not None:
            self.consent.check_sent_after(header)
