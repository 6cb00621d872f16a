"""The node's tables (beside the gateway's outbox, inbox and replay store, in the same database).

What is stored in clear is metadata: who, when, which case, which message type, which state.
Everything a message says outside its header is kept as a *redacted* document (sealed sections
replaced by a marker) plus one encrypted blob per sealed section, under the case's key
(``crypto.at_rest``). Drafts and the lifecycle's facts are encrypted whole. Destroying a case's
wrapped key (retention) makes all of it unreadable while the metadata and hashes remain.

Times are timezone-aware UTC datetimes stored as Unix seconds (integers), as in the gateway.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import BigInteger, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


class Direction(StrEnum):
    SENT = "sent"
    RECEIVED = "received"
    LOCAL = "local"
    """A local event of the lifecycle (no message)."""


class User(SQLModel, table=True):
    __tablename__ = "node_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    password_hash: str
    """argon2id, PHC string format."""
    role: str
    authority_id: str = Field(max_length=64)
    """The authority the user works for (header ``sender.authority_id`` of what they send)."""
    active: bool = True
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))


class ApiToken(SQLModel, table=True):
    """A bearer token: a password login's session, or a scoped token for an integration."""

    __tablename__ = "node_api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="node_user.id", index=True)
    name: str = Field(max_length=64)
    token_sha256: str = Field(unique=True)
    """Only the hash of the secret is stored."""
    scopes: str
    """Space-separated permissions the token is limited to (within the user's role)."""
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    revoked_at: int | None = Field(default=None, sa_column=Column(BigInteger))
    last_used_at: int | None = Field(default=None, sa_column=Column(BigInteger))


class Case(SQLModel, table=True):
    """A case as this node sees it: one conversation of one family with one counterpart."""

    __tablename__ = "node_case"
    __table_args__ = (UniqueConstraint("conversation_id"),)

    id: str = Field(primary_key=True)
    """A UUID, this node's own name for the case."""
    family: str = Field(index=True)
    case_ref: str = Field(index=True)
    conversation_id: str
    state: str = Field(index=True)
    """The lifecycle state."""
    authority_id: str = Field(index=True)
    """This node's authority in charge (the sender of the first message, or its recipient)."""
    counterpart_state: str = Field(index=True)
    counterpart_authority: str
    counterpart_role: str
    opened_by: int | None = Field(default=None, foreign_key="node_user.id")
    """The user who drafted it; None when the case arrived from another state."""
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    due_at: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    """The next answer due (MLA service levels); None when nothing is awaited."""
    wrapped_key: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    """The case key wrapped by the node's data key; None once crypto-shredded."""
    facts: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    """The lifecycle's case record (JSON), encrypted: system use only, never shown."""
    draft: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    """A message being drafted (JSON, possibly incomplete), encrypted."""
    draft_type: str | None = None
    retention_until: int | None = Field(default=None, sa_column=Column(BigInteger))


class CaseEntry(SQLModel, table=True):
    """One step of a case: a message sent or received, or a local event."""

    __tablename__ = "node_case_entry"

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="node_case.id", index=True)
    at: int = Field(sa_column=Column(BigInteger, nullable=False))
    direction: str
    trigger: str
    """The message type, or the local event."""
    message_id: str | None = Field(default=None, index=True)
    actor_id: int | None = Field(default=None, foreign_key="node_user.id")
    state_after: str
    document: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    """The redacted document (JSON): sealed sections replaced by markers."""
    envelope_sha256: str | None = Field(default=None, index=True)
    """Joins the gateway's outbox (sent) or inbox (received): transport state and receipt."""
    refused: str | None = None
    """Why the lifecycle refused a received message (stored all the same, state unchanged)."""


class SealedSection(SQLModel, table=True):
    """One sealed section of a stored message, encrypted under its case's key."""

    __tablename__ = "node_sealed_section"
    __table_args__ = (UniqueConstraint("entry_id", "path"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="node_case_entry.id", index=True)
    path: str
    audience: str
    """Space-separated authority roles entitled to read it."""
    blob: bytes | None = Field(default=None, sa_column=Column(LargeBinary))


class AccessRecord(SQLModel, table=True):
    """A decryption of a sealed section (or a draft) for a user: who, when, which case."""

    __tablename__ = "node_access"

    id: int | None = Field(default=None, primary_key=True)
    at: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_id: int = Field(foreign_key="node_user.id", index=True)
    role: str
    case_id: str = Field(index=True)
    entry_id: int | None = None
    path: str
    """The sealed section's path, or ``draft``."""


class NodeEvent(SQLModel, table=True):
    """An administrative or security event (user and role changes, tokens, keys, refused
    input): metadata only."""

    __tablename__ = "node_event"

    id: int | None = Field(default=None, primary_key=True)
    at: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(index=True)
    actor_id: int | None = None
    detail: str
