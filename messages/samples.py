"""Building blocks for realistic sample documents: the examples in ``docs/examples/``, the
demo federation's seed cases and the tests' fixtures all use them.

Samples are deterministic: ids are UUIDv5 of a readable name and times are fixed, so that the
committed examples are reproduced byte for byte. No sample names a real person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from messages.document import Body, Document, document_class
from messages.header import (
    SCHEMA_VERSION,
    AttachmentRef,
    Handling,
    Header,
    LegalBasisRef,
    NodeAuthority,
    Urgency,
)
from messages.vocab import Classification

SAMPLE_NAMESPACE = UUID("5b1f9c2e-7d4a-4e8b-9a61-2f0c3d8e7b15")
SAMPLE_EPOCH = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def sample_uuid(name: str) -> UUID:
    """A stable UUID for a sample object named ``name``."""
    return uuid5(SAMPLE_NAMESPACE, name)


def sample_time(days: float = 0, hours: float = 0) -> datetime:
    """A fixed instant: the samples' epoch plus an offset."""
    return SAMPLE_EPOCH + timedelta(days=days, hours=hours)


def sample_date(days: int = 0) -> date:
    return (SAMPLE_EPOCH + timedelta(days=days)).date()


@dataclass
class Conversation:
    """A case between two authorities; :meth:`message` builds its documents in order.

    ``opener`` is the authority that opened the case (the requesting side); ``counterpart``
    answers. Each message names which side sends it.
    """

    name: str
    case_ref: str
    opener: NodeAuthority
    counterpart: NodeAuthority
    legal_basis: list[LegalBasisRef]
    classification: Classification
    handling: Handling
    language: str = "es"
    documents: list[Document[Any]] = field(default_factory=list)

    @property
    def conversation_id(self) -> UUID:
        return sample_uuid(f"{self.name}/conversation")

    def message(
        self,
        body: Body,
        *,
        at: datetime,
        from_opener: bool = True,
        reply_to: Document[Any] | None = None,
        urgency: Urgency | None = None,
        attachments: list[AttachmentRef] | None = None,
        classification: Classification | None = None,
    ) -> Document[Any]:
        """A document of this conversation, appended to ``documents``."""
        sender, recipient = (
            (self.opener, self.counterpart) if from_opener else (self.counterpart, self.opener)
        )
        index = len(self.documents)
        header = Header(
            message_id=sample_uuid(f"{self.name}/{index}/{body.MESSAGE_TYPE}"),
            family=body.FAMILY,
            message_type=body.MESSAGE_TYPE,
            schema_version=SCHEMA_VERSION,
            conversation_id=self.conversation_id,
            in_reply_to=reply_to.header.message_id if reply_to else None,
            case_ref=self.case_ref,
            sent_at=at,
            sender=sender,
            recipient=recipient,
            legal_basis=self.legal_basis,
            classification=classification or self.classification,
            handling=self.handling,
            language=self.language,
            urgency=urgency,
            attachments=attachments or [],
        )
        document: Document[Any] = document_class(type(body))(header=header, body=body)
        self.documents.append(document)
        return document
