"""Parts shared by several repatriation bodies: consent, the guardian, travel arrangements, and
the sealed sections that hold personal data.

Who may read each sealed section (``AUDIENCE``), and why:

* ``VictimIdentity`` — CONSULAR_POST, MFA, VICTIM_SERVICES, CENTRAL_AUTHORITY. The consular post
  verifies nationality and issues documents, the MFA coordinates and issues passports, victim
  services receive the person, and in several OAS states the central (anti-trafficking)
  authority holds the case. Prosecutors and witness-protection units are not in the audience:
  data given for return is not evidence (purpose limitation).
* ``GuardianIdentity`` — CONSULAR_POST, VICTIM_SERVICES, CENTRAL_AUTHORITY: those who obtain
  the guardian's authorisation for documents and travel and hand the child over. The MFA's
  headquarters does not deal with the guardian directly.
* ``TravelDocumentDetails`` — CONSULAR_POST, MFA, VICTIM_SERVICES: the issuer, the passport
  authority, and victim services who book the journey with the carrier.
* ``VictimStatement`` (the person's wishes in their own words) — VICTIM_SERVICES and
  CONSULAR_POST: those who counsel the person on a voluntary, informed return.
* ``RiskNarrative`` and ``FollowUpNotes`` — VICTIM_SERVICES only: they describe traffickers,
  family complicity, health and recovery; the decision-makers see the coded level, factors,
  mitigations and stage outside the seal, which is all they need.
* ``DetentionDetails`` — CONSULAR_POST and MFA: where a detained national can be visited
  (VCCR art. 36(1)(c)).
* ``Itinerary`` — VICTIM_SERVICES and CONSULAR_POST: the escort and the reception team; where
  and when a victim can be found is what traffickers want to know.

Sealed sections nested in another sealed section (``IdentityDocument``, ``PostalAddress``) are
encrypted with their parent; their ``AUDIENCE`` is the widest of their parents'.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field, model_validator

from messages.base import WireModel
from messages.header import Header
from messages.repatriation import rules
from messages.repatriation.vocab import (
    ConsentGiver,
    ConsentPurpose,
    EscortKind,
    GuardianKind,
    IdentityDocumentKind,
    InstitutionType,
    ProceedingsStep,
    Sex,
    TravelMode,
)
from messages.sealed import Sealed
from messages.types import (
    CalendarDate,
    Identifier,
    Label,
    LanguageTag,
    Narrative,
    Sentence,
    Sha256Hex,
    StateCode,
    UtcDateTime,
)
from messages.vocab import AuthorityRole

CONSULAR_POST: Final = AuthorityRole.CONSULAR_POST
MFA: Final = AuthorityRole.MFA
VICTIM_SERVICES: Final = AuthorityRole.VICTIM_SERVICES
CENTRAL_AUTHORITY: Final = AuthorityRole.CENTRAL_AUTHORITY

IDENTITY_AUDIENCE: Final = frozenset({CONSULAR_POST, MFA, VICTIM_SERVICES, CENTRAL_AUTHORITY})

MAX_TRANSIT_STATES: Final = 6

RssScore = Annotated[int, Field(ge=0, le=100)]
"""An IOM Reintegration Sustainability Survey score in whole points from 0 to 100: IOM's score
on its 0-to-1 scale times 100, rounded half up. Integers keep the wire free of decimal
precision questions and aggregate exactly in the statistics record."""


# --- consent -------------------------------------------------------------------------------


class Consent(WireModel):
    """The person's informed consent to the use of their data, as recorded by the authority that
    obtained it. A consent that is not given records that it was asked for and refused or not
    yet decided (e.g. during a reflection period)."""

    given: bool
    scope: list[ConsentPurpose] = Field(default_factory=list, max_length=len(ConsentPurpose))
    """The purposes consented to; empty when consent is not given."""
    given_by: ConsentGiver | None = None
    """Who gave the consent; required when it is given."""
    recorded_at: UtcDateTime
    """When the consent (or its refusal) was recorded."""
    withdrawn_at: UtcDateTime | None = None
    """When the person withdrew a consent they had given."""
    informed_in: LanguageTag | None = None
    """The language in which the person was informed before consenting."""

    @property
    def in_force(self) -> bool:
        """Given and not withdrawn."""
        return self.given and self.withdrawn_at is None

    def covers(self, purpose: ConsentPurpose) -> bool:
        """In force and its scope includes ``purpose``."""
        return self.in_force and purpose in self.scope

    @model_validator(mode="after")
    def _coherent(self) -> Consent:
        if self.given and (not self.scope or self.given_by is None):
            raise rules.CONSENT_COHERENT.violation(
                "a given consent names its purposes (scope) and who gave it (given_by)"
            )
        if not self.given and (self.scope or self.given_by or self.withdrawn_at):
            raise rules.CONSENT_COHERENT.violation(
                "a consent that is not given has no scope, given_by or withdrawn_at"
            )
        if len(set(self.scope)) != len(self.scope):
            raise rules.CONSENT_COHERENT.violation("a purpose is listed twice in the scope")
        if self.withdrawn_at is not None and self.withdrawn_at <= self.recorded_at:
            raise rules.CONSENT_WITHDRAWAL_ORDER.violation()
        return self

    def check_sent_after(self, header: Header) -> None:
        """Raise unless the consent was recorded (and withdrawn) before ``header.sent_at``."""
        latest = self.withdrawn_at or self.recorded_at
        if latest > header.sent_at:
            raise rules.CONSENT_BEFORE_SENDING.violation()


def require_consent(consent: Consent | None, purpose: ConsentPurpose) -> None:
    """Raise unless ``consent`` is in force and covers ``purpose`` (identity data is present)."""
    if consent is None or not consent.in_force:
        raise rules.IDENTITY_REQUIRES_CONSENT.violation()
    if purpose not in consent.scope:
        raise rules.CONSENT_SCOPE.violation(
            f"the consent does not cover {purpose}, the purpose of this message"
        )


# --- sealed sections -----------------------------------------------------------------------


class IdentityDocument(Sealed):
    """A document of the person (nested in a sealed identity; encrypted with it)."""

    AUDIENCE = IDENTITY_AUDIENCE

    kind: IdentityDocumentKind
    number: Label | None = None
    """The number as printed on the document."""
    issuing_state: StateCode | None = None
    copy_sha256: Sha256Hex | None = None
    """SHA-256 of the scanned copy, which travels as an attachment of the same message."""


class PostalAddress(Sealed):
    """A postal address (nested in a sealed section; encrypted with it)."""

    AUDIENCE = IDENTITY_AUDIENCE

    lines: list[Label] = Field(min_length=1, max_length=4)
    locality: Label
    region: Label | None = None
    postal_code: Label | None = None
    country: StateCode


class VictimIdentity(Sealed):
    """Who the person is: what consular posts and registries need to verify nationality and to
    issue a travel document (TIP art. 8(3), 8(4))."""

    AUDIENCE = IDENTITY_AUDIENCE

    given_names: Label
    family_names: Label
    aliases: list[Label] = Field(default_factory=list, max_length=10)
    """Other names the person used or was given, including by the traffickers."""
    sex: Sex
    date_of_birth: CalendarDate | None = None
    place_of_birth: Label | None = None
    """Town and department or province of birth, as the person or a document states it."""
    mother_names: Label | None = None
    father_names: Label | None = None
    documents: list[IdentityDocument] = Field(default_factory=list, max_length=10)
    addresses: list[PostalAddress] = Field(default_factory=list, max_length=5)
    """Last known addresses, in the state of origin first."""
    phone_numbers: list[Label] = Field(default_factory=list, max_length=5)
    email: Label | None = None
    photograph_sha256: Sha256Hex | None = None
    """SHA-256 of a passport-style photograph, which travels as an attachment of the same
    message (needed for a travel document)."""


class GuardianIdentity(Sealed):
    """Who the guardian is and how to reach them."""

    AUDIENCE = frozenset({CONSULAR_POST, VICTIM_SERVICES, CENTRAL_AUTHORITY})

    given_names: Label
    family_names: Label
    institution: Label | None = None
    """The institution the guardian acts for, if an institutional or appointed guardian."""
    phone_numbers: list[Label] = Field(default_factory=list, max_length=5)
    addresses: list[PostalAddress] = Field(default_factory=list, max_length=3)


class TravelDocumentDetails(Sealed):
    """The number of an issued travel document."""

    AUDIENCE = frozenset({CONSULAR_POST, MFA, VICTIM_SERVICES})

    document_number: Label


class VictimStatement(Sealed):
    """The person's wishes about return, in their own words."""

    AUDIENCE = frozenset({VICTIM_SERVICES, CONSULAR_POST})

    statement: Narrative
    language: LanguageTag
    """The language the statement is written in (a translation says so in the text)."""


class RiskNarrative(Sealed):
    """The assessor's account of the risks and of the family and community situation."""

    AUDIENCE = frozenset({VICTIM_SERVICES})

    narrative: Narrative


class DetentionDetails(Sealed):
    """Where a detained national is held and can be visited."""

    AUDIENCE = frozenset({CONSULAR_POST, MFA})

    facility: Label
    locality: Label
    address: PostalAddress | None = None
    visiting_arrangements: Sentence | None = None


class Itinerary(Sealed):
    """The journey in detail: carriers, service numbers, times and the meeting arrangements."""

    AUDIENCE = frozenset({VICTIM_SERVICES, CONSULAR_POST})

    legs: list[Label] = Field(min_length=1, max_length=MAX_TRANSIT_STATES + 1)
    """One line per leg: carrier, service number, departure and arrival times."""
    meeting_arrangements: Sentence | None = None
    """Where and how the escort and the reception team meet the person."""


class FollowUpNotes(Sealed):
    """The case worker's notes of a reintegration visit."""

    AUDIENCE = frozenset({VICTIM_SERVICES})

    notes: Narrative


# --- shared plain parts --------------------------------------------------------------------


class Guardian(WireModel):
    """A child's guardian: the appointment's reference and, sealed, who the guardian is."""

    guardian_ref: Identifier
    """The guardianship's reference (the appointing decision's file number or the child
    protection authority's case id); never a name."""
    kind: GuardianKind
    appointed_by: Identifier | None = None
    """The authority id of the court or child-protection body that appointed the guardian."""
    person: GuardianIdentity | None = None


class ReflectionPeriod(WireModel):
    """The recovery and reflection period granted to the person, during which no decision on
    return is pressed."""

    starts_on: CalendarDate
    ends_on: CalendarDate


class ReceptionOrganisation(WireModel):
    """The organisation that receives the person on arrival."""

    kind: InstitutionType
    organisation_id: Identifier
    """The organisation's identifier in the origin state's node directory."""
    label: Label | None = None
    """A human-readable label of the organisation (an institution, never a person)."""


class TravelArrangements(WireModel):
    """How the person travels and who receives them (IOM AVRR travel stage)."""

    mode: TravelMode
    transit_states: list[StateCode] = Field(default_factory=list, max_length=MAX_TRANSIT_STATES)
    escort: EscortKind
    arrival_point: Label
    """The airport, border post or terminal of arrival (a public place, not an address)."""
    reception: ReceptionOrganisation
    medical_needs: bool
    """The person needs medical attention during travel or on arrival (details are given to
    victim services outside this message)."""

    def check_transit(self, header: Header) -> None:
        """Raise unless the transit states are distinct and neither party's state."""
        states = self.transit_states
        if len(set(states)) != len(states) or {header.sender.state, header.recipient.state} & set(
            states
        ):
            raise rules.TRANSIT_STATES.violation()


class ProsecutorConfirmation(WireModel):
    """The prosecutor's confirmation that a return does not prejudice pending proceedings
    (TIP art. 8(2): 'due regard for ... the status of any legal proceedings')."""

    prosecutor_authority_id: Identifier
    """The confirming prosecutor's office, as known in the destination state's node."""
    decision_ref: Identifier
    """The reference of the prosecutor's written confirmation."""
    confirmed_on: CalendarDate
    step: ProceedingsStep
    """What was secured for the proceedings before the return."""


class RssScores(WireModel):
    """IOM Reintegration Sustainability Survey scores: three dimensions and the composite."""

    economic: RssScore
    social: RssScore
    psychosocial: RssScore
    composite: RssScore


def check_copies_attached(victim: VictimIdentity | None, header: Header) -> None:
    """Raise unless every document copy and photograph named in ``victim`` is attached."""
    if victim is None:
        return
    attached = {attachment.sha256 for attachment in header.attachments}
    named = [document.copy_sha256 for document in victim.documents] + [victim.photograph_sha256]
    missing = [digest for digest in named if digest is not None and digest not in attached]
    if missing:
        raise rules.COPIES_ATTACHED.violation(
            f"{len(missing)} copy or photograph digest(s) are not among header.attachments"
        )
