"""Building blocks shared by the mla messages: the family's body base, sealed sections for
identities and free text about a case, authorities, persons concerned and conditions.

What is sealed in this family (audience: central authorities, prosecutors and judges):

- the identity of every person concerned (names, aliases, sex, date and place of birth,
  identity documents, addresses, languages); a :class:`PersonRef` outside keeps only the
  subject token, the procedural role, the kind of person, nationalities, the child and
  trafficking-victim flags and, if any, a witness-protection token;
- the facts of the case, the purpose, each measure's description and relevance justification,
  hearing questions, answers to questions and descriptions of evidence: free text that tells
  about persons or facts;
- target identifiers (phone numbers, account numbers, IP addresses, premises, ...);
- the names and direct contacts of officials (the signatory, officials attending, holders in a
  chain of custody, an authority's contact person): an official's name is personal data too.

An institution's designation, its functions and procedural prose (the reasons for a refusal,
a delay or a substitution, the text of a condition, a progress note) stay outside: they are what
routing, auditing and case tracking need. They refer to persons by subject token, never by
name.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date
from typing import ClassVar, Final, TypeVar

from pydantic import Field, model_validator

from messages.base import WireModel
from messages.document import Body
from messages.header import Header
from messages.mla.rules import AUTHORITY_ROLES, CLASSIFICATION_FLOOR, PERSON_IDENTITY_KIND, at
from messages.mla.vocab import (
    AuthorityKind,
    ConditionKind,
    IdDocumentKind,
    PersonKind,
    PersonRole,
    Sex,
)
from messages.sealed import Sealed
from messages.types import (
    CalendarDate,
    Identifier,
    Label,
    LanguageTag,
    Narrative,
    Paragraph,
    Sentence,
    StateCode,
    SubjectToken,
    WpToken,
)
from messages.vocab import AuthorityRole, Classification, Family

MLA_AUDIENCE: Final = frozenset(
    {AuthorityRole.CENTRAL_AUTHORITY, AuthorityRole.PROSECUTOR, AuthorityRole.JUDGE}
)
"""Who may read the sealed sections of an mla message."""

MLA_ROLES: Final = MLA_AUDIENCE
"""The roles that send and receive mla messages."""

H = TypeVar("H", bound=Hashable)


def duplicates(values: Iterable[H]) -> list[H]:
    """The values that occur more than once, in order of their second occurrence."""
    seen: set[H] = set()
    repeated: list[H] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def sent_on(header: Header) -> date:
    """The UTC calendar day on which the message was sent."""
    return header.sent_at.date()


class MlaBody(Body):
    """Base of every mla body: the family and the rules every mla message obeys."""

    FAMILY: ClassVar = Family.MLA

    def check_header(self, header: Header) -> None:
        for side, authority in (("sender", header.sender), ("recipient", header.recipient)):
            if authority.role not in MLA_ROLES:
                raise at(
                    AUTHORITY_ROLES,
                    f"header.{side}.role",
                    f"{authority.role} does not send or receive MLA messages "
                    "(CENTRAL_AUTHORITY, PROSECUTOR or JUDGE)",
                )
        if header.classification is Classification.PUBLIC:
            raise CLASSIFICATION_FLOOR.violation()
        self.check_body_against_header(header)

    def check_body_against_header(self, header: Header) -> None:
        """Rules of one message type that involve the header; the default has none."""


# --- sealed sections ----------------------------------------------------------------------


class SealedText(Sealed):
    """Free text about the case that may name or describe persons (a measure's description, a
    relevance justification, an answer, the description of an item of evidence)."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    text: Paragraph


class SealedNarrative(Sealed):
    """A narrative about the case: the summary of the facts."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    text: Narrative


class OfficialIdentity(Sealed):
    """The name of an official (a signatory, an official attending, a custodian of evidence).
    An official's name is personal data: it is sealed like any other."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    full_name: Label
    staff_number: Label | None = None
    """Badge, registration or staff number, where the official's procedure records one."""


class AuthorityContact(Sealed):
    """The person to contact at an authority and their direct lines."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    officer: Label | None = None
    """The contact official's name and title."""
    phone: Label | None = None
    email: Label | None = None


class IdentityDocument(Sealed):
    """An identity or travel document, or a legal person's registration."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    kind: IdDocumentKind
    number: Label
    issuing_state: StateCode | None = None
    expires_on: CalendarDate | None = None


class PostalAddress(Sealed):
    """An address where a person lives, works or is registered."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    lines: list[Label] = Field(min_length=1, max_length=4)
    """Street, number, floor, unit: as written in the state of the address."""
    locality: Label | None = None
    region: Label | None = None
    postal_code: Label | None = None
    country: StateCode | None = None


class NaturalPersonIdentity(Sealed):
    """Who a natural person is (EIO Annex A section E; UNTOC 18(15)(e))."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    given_names: Label | None = None
    family_names: Label | None = None
    aliases: list[Label] = Field(default_factory=list, max_length=20)
    sex: Sex | None = None
    date_of_birth: CalendarDate | None = None
    place_of_birth: Label | None = None
    id_documents: list[IdentityDocument] = Field(default_factory=list, max_length=10)
    addresses: list[PostalAddress] = Field(default_factory=list, max_length=10)
    languages: list[LanguageTag] = Field(default_factory=list, max_length=10)
    """Languages the person understands (for the hearing and the notification of rights)."""
    description: Paragraph | None = None
    """Where the identity is unknown: what is known (appearance, nicknames used, ...)."""


class LegalPersonIdentity(Sealed):
    """Who a legal person is (EIO Annex A section E): its name, form, seat and representative."""

    AUDIENCE: ClassVar = MLA_AUDIENCE

    legal_name: Label
    legal_form: Label | None = None
    registration: IdentityDocument | None = None
    registered_seat: PostalAddress | None = None
    representative: Label | None = None
    """The legal representative's name and function."""


# --- outside sealed sections --------------------------------------------------------------


class Authority(WireModel):
    """An authority taking part in a request: the requesting, conducting, validating or
    executing authority (domain model A.2 ``Authority``; UNTOC 18(15)(a)-(b))."""

    authority_id: Identifier | None = None
    """The authority's identifier in the federation directory, if it has one."""
    designation: Label
    """The institution's official designation (not a person's name), e.g. 'Procuraduría de
    Trata y Explotación de Personas (PROTEX)'."""
    kind: AuthorityKind
    state: StateCode
    file_ref: Identifier | None = None
    """The authority's own file number for the case."""
    functions: Sentence | None = None
    """The authority's functions in the proceeding (UNTOC 18(15)(b): 'name and functions')."""
    working_languages: list[LanguageTag] = Field(default_factory=list, max_length=8)
    contact: AuthorityContact | None = None


class PersonRef(WireModel):
    """A person concerned by the request (domain model A.2). Outside the sealed sections a
    person is only a subject token with a procedural role; identity is sealed."""

    subject_token: SubjectToken
    """The person's pseudonymous token in this case relationship; measures refer to it."""
    role: PersonRole
    kind: PersonKind
    nationalities: list[StateCode] = Field(default_factory=list, max_length=4)
    """Known nationalities (state of incorporation for a legal person); empty when unknown."""
    is_child: bool
    """Under 18, or presumed so while the age is uncertain."""
    is_tip_victim: bool
    """Identified or presumed victim of trafficking in persons."""
    wp_token: WpToken | None = None
    """Set when the person is protected: the witness-protection token for this counterpart."""
    natural_person: NaturalPersonIdentity | None = None
    """The identity of a natural person (kind NATURAL)."""
    legal_person: LegalPersonIdentity | None = None
    """The identity of a legal person (kind LEGAL)."""

    @model_validator(mode="after")
    def _identity_matches_kind(self) -> PersonRef:
        if self.kind is PersonKind.NATURAL and self.legal_person is not None:
            raise at(PERSON_IDENTITY_KIND, "legal_person", "a natural person has no legal_person")
        if self.kind is PersonKind.LEGAL and self.natural_person is not None:
            raise at(PERSON_IDENTITY_KIND, "natural_person", "a legal person has no natural_person")
        return self


class Condition(WireModel):
    """A condition of assistance or of use (UNTOC 18(26); IACMAMC art. 25). Procedural text:
    persons are named by subject token only."""

    condition_id: Identifier
    kind: ConditionKind
    text: Sentence
