"""The common header of every message document (domain model A.1).

Nothing in the header is personal data: the case is named by an opaque reference, people by
tokens inside the body, and identities only inside sealed sections.
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from pydantic import Field, model_validator

from messages.base import WireModel
from messages.types import (
    ByteSize,
    CalendarDate,
    CaseRef,
    Identifier,
    LanguageTag,
    MediaType,
    SemVer,
    Sentence,
    Sha256Hex,
    StateCode,
    UtcDateTime,
)
from messages.vocab import (
    FAMILY_OF,
    AuthorityRole,
    Classification,
    Family,
    LegalBasis,
    MessageType,
    UrgencyLevel,
    UrgencyReason,
    UseLimitation,
)

SCHEMA_VERSION: Final = "1.0.0"
"""The version of this schema. Minor versions only add optional fields (docs/messages.md)."""

SUPPORTED_MAJOR: Final = 1

MAX_ATTACHMENTS: Final = 64
MAX_LEGAL_BASES: Final = 8


class NodeAuthority(WireModel):
    """An authority at a national node: who sends or receives a message."""

    state: StateCode
    authority_id: Identifier
    """The authority's identifier in its state's node (e.g. 'AR-MPF-PROCUNAR')."""
    role: AuthorityRole


class LegalBasisRef(WireModel):
    """One instrument the message relies on."""

    basis: LegalBasis
    treaty_id: Identifier | None = None
    """Required for a BILATERAL basis: the treaty's identifier in the federation directory."""

    @model_validator(mode="after")
    def _treaty_named(self) -> LegalBasisRef:
        if self.basis is LegalBasis.BILATERAL and self.treaty_id is None:
            raise ValueError("treaty_id is required when the basis is BILATERAL")
        if self.basis is not LegalBasis.BILATERAL and self.treaty_id is not None:
            raise ValueError("treaty_id is only used with a BILATERAL basis")
        return self


class Handling(WireModel):
    """Handling conditions that bind the recipient (IACMAMC art. 25: use limitation)."""

    use_limitation: UseLimitation
    use_limitation_note: Sentence | None = None
    """The purpose in words, where the enumeration is not enough. Forbidden in
    witness-protection messages (no free text outside sealed sections)."""
    no_onward_transmission: bool
    """The recipient may not pass the content to a third state or body without consent."""
    need_to_know_roles: list[AuthorityRole] = Field(min_length=1, max_length=8)
    """The roles at the recipient that may see the message's content."""
    retention_until: CalendarDate
    """The date after which the recipient deletes or crypto-shreds the personal data."""


class Urgency(WireModel):
    """How fast an answer is needed, and why (EIO Annex A section B; UNTOC 18(24))."""

    level: UrgencyLevel
    reasons: list[UrgencyReason] = Field(default_factory=list, max_length=7)
    respond_by: CalendarDate | None = None

    @model_validator(mode="after")
    def _reasons_for_urgency(self) -> Urgency:
        if self.level is not UrgencyLevel.NORMAL and not self.reasons:
            raise ValueError(f"reasons: at least one reason is required when level is {self.level}")
        return self


class AttachmentRef(WireModel):
    """A file that travels beside the message, named by its digest."""

    sha256: Sha256Hex
    media_type: MediaType
    size_bytes: ByteSize
    title: Sentence | None = None
    """A short title. Forbidden in witness-protection messages."""
    encrypted_for: list[Identifier] = Field(default_factory=list, max_length=16)
    """Authority ids the attachment is encrypted to, if not to the whole recipient node."""


class Header(WireModel):
    """The common header of every message document."""

    message_id: UUID
    """Unique id of this message; the idempotency key."""
    family: Family
    message_type: MessageType
    schema_version: SemVer
    conversation_id: UUID
    """One thread per request or case: every message of a case carries the same id."""
    in_reply_to: UUID | None = None
    """The message_id this message answers."""
    case_ref: CaseRef
    sent_at: UtcDateTime
    sender: NodeAuthority
    recipient: NodeAuthority
    legal_basis: list[LegalBasisRef] = Field(default_factory=list, max_length=MAX_LEGAL_BASES)
    """Required (at least one) for mla and witness_protection messages."""
    classification: Classification
    handling: Handling
    language: LanguageTag
    urgency: Urgency | None = None
    attachments: list[AttachmentRef] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)

    @property
    def bases(self) -> frozenset[LegalBasis]:
        """The legal bases named in the header."""
        return frozenset(ref.basis for ref in self.legal_basis)

    @model_validator(mode="after")
    def _consistent(self) -> Header:
        problems: list[str] = []
        if FAMILY_OF[self.message_type] is not self.family:
            problems.append(
                f"family: a {self.message_type} belongs to the "
                f"{FAMILY_OF[self.message_type]} family, not {self.family}"
            )
        if int(self.schema_version.split(".")[0]) != SUPPORTED_MAJOR:
            problems.append(
                f"schema_version: major version {self.schema_version.split('.')[0]} is not "
                f"supported (this implementation speaks {SUPPORTED_MAJOR}.x)"
            )
        if self.sender.state == self.recipient.state:
            problems.append("recipient.state: a message goes to another state than the sender's")
        if self.in_reply_to is not None and self.in_reply_to == self.message_id:
            problems.append("in_reply_to: a message cannot answer itself")
        if self.family in (Family.MLA, Family.WITNESS_PROTECTION) and not self.legal_basis:
            problems.append(f"legal_basis: at least one legal basis is required for {self.family}")
        bases = [ref.basis for ref in self.legal_basis]
        if len(set(self.legal_basis)) != len(self.legal_basis) or (
            len(set(bases)) != len(bases) and LegalBasis.BILATERAL not in bases
        ):
            problems.append("legal_basis: a legal basis is listed twice")
        if (
            self.urgency
            and self.urgency.respond_by
            and self.urgency.respond_by < self.sent_at.date()
        ):
            problems.append("urgency.respond_by: the date is before the message was sent")
        if self.handling.retention_until < self.sent_at.date():
            problems.append("handling.retention_until: the date is before the message was sent")
        if self.family is Family.WITNESS_PROTECTION:
            problems.extend(self._witness_protection_rules())
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _witness_protection_rules(self) -> list[str]:
        # Domain model A.5: a floor of CONFIDENTIAL, and no free text outside sealed sections.
        problems = []
        if self.classification.rank < Classification.CONFIDENTIAL.rank:
            problems.append(
                "classification: witness-protection messages are at least CONFIDENTIAL "
                "(domain model A.1, A.5)"
            )
        if self.handling.use_limitation_note is not None:
            problems.append(
                "handling.use_limitation_note: no free text outside sealed sections in "
                "witness-protection messages (domain model A.5 rule 5)"
            )
        for index, attachment in enumerate(self.attachments):
            if attachment.title is not None:
                problems.append(
                    f"attachments[{index}].title: no free text outside sealed sections in "
                    "witness-protection messages (domain model A.5 rule 5)"
                )
        return problems
