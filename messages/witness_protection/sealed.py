"""Sealed sections of the witness-protection family: readable by the protection units only.

Everything that identifies or locates a protected person (true identity, new identity,
addresses, relocation constraints, dependants, the threat narrative, the conditions the person
accepted) lives here and nowhere else (domain model A.5 rule 2). Central authorities,
prosecutors and consular roles are not in the audience and cannot decrypt it.

Every model nested in a dossier is itself a sealed model with the same audience, so that no
part of an identity can be reused outside a sealed section by mistake.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from messages.sealed import Sealed
from messages.types import CalendarDate, Label, LanguageTag, Narrative, Paragraph, StateCode
from messages.vocab import AuthorityRole
from messages.witness_protection.vocab import (
    DependantRelationship,
    IdentityDocumentKind,
    WPSex,
)

MAX_DEPENDANTS = 20


class WPSealed(Sealed):
    """Base of the family's sealed sections: the audience is the protection units only."""

    AUDIENCE: ClassVar = frozenset({AuthorityRole.WP_UNIT})


class IdentityDocument(WPSealed):
    """An identity or travel document of a protected person."""

    kind: IdentityDocumentKind
    number: Label
    """The document number as printed."""
    issuing_state: StateCode
    expires_on: CalendarDate | None = None


class PersonIdentity(WPSealed):
    """An identity of a protected person or a dependant."""

    family_names: Label
    given_names: Label
    date_of_birth: CalendarDate
    place_of_birth: Label | None = None
    """Locality and country of birth as written in the civil register."""
    sex: WPSex
    nationalities: list[StateCode] = Field(min_length=1, max_length=4)
    documents: list[IdentityDocument] = Field(default_factory=list, max_length=8)


class PostalAddress(WPSealed):
    """A postal address (current residence of the person in the requesting state)."""

    lines: list[Label] = Field(min_length=1, max_length=4)
    """Street, number, apartment: one line each."""
    locality: Label
    region: Label | None = None
    postal_code: Label | None = None
    state: StateCode


class Dependant(WPSealed):
    """A relative protected with the principal."""

    identity: PersonIdentity
    relationship: DependantRelationship


class WPDossier(WPSealed):
    """The sealed dossier of a cooperation request: who the person is and why they are at risk.

    It travels only from the requesting unit to the host unit (in a WPCooperationRequest); no
    message type from the host back to the requesting state has a place for it (rule 4).
    """

    true_identity: PersonIdentity
    """The principal's civil identity."""
    programme_identity: PersonIdentity | None = None
    """The protective identity the requesting state's programme gave the person, if any. The
    host state's new identity, if it gives one, is never sent back (A.5 rule 4)."""
    current_address: PostalAddress | None = None
    """Where the person lives now, in the requesting state or in safe housing."""
    dependants: list[Dependant] = Field(default_factory=list, max_length=MAX_DEPENDANTS)
    relocation_constraints: Paragraph | None = None
    """The requesting unit's constraints on where the person may be relocated (areas to
    avoid, communities where the traffickers are known, preferred regions)."""
    threat_narrative: Narrative
    """The facts of the threat: who threatens the person, how, and since when."""
    protection_conditions: Paragraph | None = None
    """The conditions the person accepted in the requesting state's programme (obligations,
    contact restrictions)."""
    medical_needs: Paragraph | None = None
    languages: list[LanguageTag] = Field(default_factory=list, max_length=8)
    """Languages the person speaks, for the host's caseworkers and interpreters."""


class IncidentDetail(WPSealed):
    """What the requesting unit knows about an incident (new threat intelligence, a leak).

    Only the requesting side attaches one (A.5 rule 4: the host returns nothing sealed).
    """

    narrative: Narrative
    suspected_source: Paragraph | None = None
    """Who is believed to be behind the threat or the leak."""
