"""The transport family: signed delivery receipts.

A receipt is the recipient node's statement about one envelope it received: its SHA-256, the
verdict, and the entry of the node's log that records it. It says nothing about the business
content (e-CODEX keeps the same separation between evidences and business status).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from pydantic import model_validator

from messages.document import Body, Document
from messages.types import Count, Sha256Hex, UtcDateTime
from messages.vocab import Family, MessageType


class EnvelopeReason(StrEnum):
    """Why a node rejected an envelope: the reason codes of protocol puente/1 (docs/protocol.md).

    The gateway, the audit log and the API use these codes and no others for envelopes.
    """

    TOO_LARGE = "too-large"
    MALFORMED = "malformed"
    UNSUPPORTED = "unsupported"
    WRONG_RECIPIENT = "wrong-recipient"
    UNKNOWN_KEY = "unknown-key"
    BAD_SIGNATURE = "bad-signature"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    REPLAY = "replay"
    DECRYPT_FAILED = "decrypt-failed"
    INNER_MISMATCH = "inner-mismatch"
    SCHEMA_INVALID = "schema-invalid"


class Verdict(StrEnum):
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


class DeliveryReceipt(Body):
    """The recipient's signed statement that it received, and accepted or rejected, an envelope.

    Only an envelope that passed authentication (an outer signature by a known key) is answered
    with a receipt; anything else goes to the dead-letter queue unanswered (no reflection).
    """

    FAMILY: ClassVar = Family.TRANSPORT
    MESSAGE_TYPE: ClassVar = MessageType.DELIVERY_RECEIPT

    envelope_sha256: Sha256Hex
    """SHA-256 of the envelope exactly as received (the ASCII JWS compact serialization)."""
    envelope_jti: UUID
    """The ``jti`` of the received envelope."""
    received_at: UtcDateTime
    verdict: Verdict
    reason: EnvelopeReason | None = None
    """Required when the verdict is REJECTED, absent otherwise."""
    log_index: Count
    """Position of the entry recording this envelope in the recipient's transparency log."""

    @model_validator(mode="after")
    def _reason_with_rejection(self) -> DeliveryReceipt:
        if self.verdict is Verdict.REJECTED and self.reason is None:
            raise ValueError("reason: a rejected envelope's receipt names the reason code")
        if self.verdict is Verdict.ACCEPTED and self.reason is not None:
            raise ValueError("reason: an accepted envelope's receipt has no reason code")
        return self


BODIES = (DeliveryReceipt,)


def examples() -> list[Document[Any]]:
    """A receipt accepting an envelope and one rejecting an envelope that failed the schema."""
    # Imported here: samples is a helper for examples, not part of the wire model.
    from messages.header import Handling, NodeAuthority
    from messages.samples import Conversation, sample_date, sample_time, sample_uuid
    from messages.vocab import AuthorityRole, Classification, UseLimitation

    receipts = Conversation(
        name="transport/receipts-py-ar",
        case_ref="RCPT-PY-AR-2026-0001",
        opener=NodeAuthority(
            state="PY", authority_id="PY-NODE", role=AuthorityRole.CENTRAL_AUTHORITY
        ),
        counterpart=NodeAuthority(
            state="AR", authority_id="AR-NODE", role=AuthorityRole.CENTRAL_AUTHORITY
        ),
        legal_basis=[],
        classification=Classification.RESTRICTED,
        handling=Handling(
            use_limitation=UseLimitation.NO_RESTRICTION,
            no_onward_transmission=False,
            need_to_know_roles=[AuthorityRole.CENTRAL_AUTHORITY],
            retention_until=sample_date(3653),
        ),
        language="en",
    )
    receipts.message(
        DeliveryReceipt(
            envelope_sha256="3f6c1a0e9b8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29181706f5e4d3c2b1a090",
            envelope_jti=sample_uuid("transport/envelope-1"),
            received_at=sample_time(hours=0.01),
            verdict=Verdict.ACCEPTED,
            log_index=1041,
        ),
        at=sample_time(hours=0.02),
    )
    receipts.message(
        DeliveryReceipt(
            envelope_sha256="9a0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeef",
            envelope_jti=sample_uuid("transport/envelope-2"),
            received_at=sample_time(days=1),
            verdict=Verdict.REJECTED,
            reason=EnvelopeReason.SCHEMA_INVALID,
            log_index=1187,
        ),
        at=sample_time(days=1, hours=0.01),
    )
    return receipts.documents
