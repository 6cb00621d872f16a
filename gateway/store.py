"""The gateway's tables in the node's database: the transactional outbox, the idempotent inbox,
the replay store and the exchange log.

The outbox row of a message is written in the same transaction as the business change that
caused it (:meth:`gateway.service.Gateway.send` takes the caller's session); a relay publishes
it later. The inbox is keyed by the SHA-256 of the envelope as received, so a redelivery is
recognised before anything else and answered with the receipt already given.

Times are Unix seconds (integers), as in the envelope.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Column, LargeBinary, UniqueConstraint, event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import Field, SQLModel


class TransportState(StrEnum):
    """Where an outgoing message stands (its business state is the case's, elsewhere)."""

    QUEUED = "queued"
    """Committed to the outbox, not yet confirmed by the broker."""
    PUBLISHED = "published"
    """Confirmed by the local broker; waiting for the recipient's receipt (re-published with
    backoff until one arrives or the envelope expires)."""
    DELIVERED = "delivered"
    """The recipient's signed receipt says it accepted the envelope."""
    REJECTED = "rejected"
    """The recipient's signed receipt says it rejected the envelope, with a reason code."""
    EXPIRED = "expired"
    """No receipt before the envelope's exp: reported to the users, never retried."""
    SENT = "sent"
    """A receipt this node issued, confirmed by the broker (receipts get no receipts)."""


FINAL_STATES = frozenset(
    {TransportState.DELIVERED, TransportState.REJECTED, TransportState.EXPIRED, TransportState.SENT}
)


class OutboxMessage(SQLModel, table=True):
    """An envelope this node sends."""

    __tablename__ = "gateway_outbox"

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(index=True)
    """The document's header.message_id."""
    destination: str = Field(index=True)
    envelope: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    envelope_sha256: str = Field(unique=True)
    jti: str
    expires_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    is_receipt: bool = False
    state: TransportState = Field(default=TransportState.QUEUED, index=True)
    attempts: int = 0
    next_attempt_at: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    last_error: str | None = None
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    published_at: int | None = Field(default=None, sa_column=Column(BigInteger))
    settled_at: int | None = Field(default=None, sa_column=Column(BigInteger))
    receipt_reason: str | None = None
    """The reason code of a REJECTED receipt."""
    receipt_log_index: int | None = Field(default=None, sa_column=Column(BigInteger))
    receipt_envelope: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    """The recipient's signed receipt envelope, kept as proof of delivery."""


class InboxEnvelope(SQLModel, table=True):
    """An envelope this node received and judged (after authentication)."""

    __tablename__ = "gateway_inbox"

    envelope_sha256: str = Field(primary_key=True)
    iss: str = Field(index=True)
    jti: str
    received_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    accepted: bool
    reason: str | None = None
    message_id: str | None = Field(default=None, index=True)
    message_type: str | None = None
    envelope: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    """The envelope as received: still encrypted to this node's key. The opened document is
    never kept here in clear (its sealed sections hold personal data): the node files it,
    sealed sections encrypted at rest, through the accept hook."""
    receipt_sha256: str | None = None
    """The receipt this node issued for it (an outbox row), re-sent on redelivery."""
    log_index: int = Field(sa_column=Column(BigInteger, nullable=False))


class ReplayEntry(SQLModel, table=True):
    """An (iss, jti) pair accepted past step 7, kept until exp + skew."""

    __tablename__ = "gateway_replay"
    __table_args__ = (UniqueConstraint("iss", "jti"),)

    id: int | None = Field(default=None, primary_key=True)
    iss: str
    jti: str
    keep_until: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))


class ExchangeEvent(SQLModel, table=True):
    """One exchange event: the node's log until the transparency log (Merkle) replaces it.

    Holds hashes and metadata only, never content. ``id`` is the log index a receipt names.
    """

    __tablename__ = "gateway_log"

    id: int | None = Field(default=None, primary_key=True)
    at: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str
    """sent, received-accepted, received-rejected, dead-lettered, receipt, expired, alert."""
    envelope_sha256: str | None = Field(default=None, index=True)
    peer: str | None = None
    reason: str | None = None


def make_engine(url: str) -> AsyncEngine:
    """An async engine for the node's database: ``sqlite+aiosqlite:///path`` (the embedded
    default) or ``postgresql+psycopg://...``. SQLite runs in WAL mode with a busy timeout, so
    a reader never blocks the writer and a commit survives a process crash."""
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            # Transactions are begun below, not by the driver (it would begin them deferred).
            connection.isolation_level = None
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin_immediate(connection: Any) -> None:
            # A deferred transaction that reads, then writes, fails at once with "database is
            # locked" when another writer came in between (WAL cannot upgrade it); an immediate
            # one takes the write lock first and waits its turn (busy_timeout).
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
