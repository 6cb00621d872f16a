"""The transport family: signed delivery receipts.

A receipt is the recipient node's statement about one envelope it received: its SHA-256, the
verdict, and the entry of the node's log that records it. It says nothing about the business
content (e-CODEX keeps the same separation between evidences and business status).
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import model_validator

from messages.document import Body
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
