"""The node's and the gateway's tables (one database, one history).

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gateway_inbox",
        sa.Column("envelope_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("iss", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("jti", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("message_type", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("receipt_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("log_index", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("envelope_sha256"),
    )
    op.create_index(op.f("ix_gateway_inbox_iss"), "gateway_inbox", ["iss"])
    op.create_index(op.f("ix_gateway_inbox_message_id"), "gateway_inbox", ["message_id"])

    op.create_table(
        "gateway_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("envelope_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("peer", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_gateway_log_envelope_sha256"), "gateway_log", ["envelope_sha256"])

    op.create_table(
        "gateway_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("destination", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("envelope_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("jti", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("is_receipt", sa.Boolean(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "QUEUED",
                "PUBLISHED",
                "DELIVERED",
                "REJECTED",
                "EXPIRED",
                "SENT",
                name="transportstate",
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.BigInteger(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("published_at", sa.BigInteger(), nullable=True),
        sa.Column("settled_at", sa.BigInteger(), nullable=True),
        sa.Column("receipt_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("receipt_log_index", sa.BigInteger(), nullable=True),
        sa.Column("receipt_envelope", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("envelope_sha256"),
    )
    op.create_index(op.f("ix_gateway_outbox_destination"), "gateway_outbox", ["destination"])
    op.create_index(op.f("ix_gateway_outbox_message_id"), "gateway_outbox", ["message_id"])
    op.create_index(
        op.f("ix_gateway_outbox_next_attempt_at"), "gateway_outbox", ["next_attempt_at"]
    )
    op.create_index(op.f("ix_gateway_outbox_state"), "gateway_outbox", ["state"])

    op.create_table(
        "gateway_replay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iss", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("jti", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("keep_until", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("iss", "jti"),
    )
    op.create_index(op.f("ix_gateway_replay_keep_until"), "gateway_replay", ["keep_until"])

    op.create_table(
        "node_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_node_event_kind"), "node_event", ["kind"])

    op.create_table(
        "node_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("authority_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "node_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("case_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["node_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_node_access_case_id"), "node_access", ["case_id"])
    op.create_index(op.f("ix_node_access_user_id"), "node_access", ["user_id"])

    op.create_table(
        "node_api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("token_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("scopes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("revoked_at", sa.BigInteger(), nullable=True),
        sa.Column("last_used_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["node_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_sha256"),
    )
    op.create_index(op.f("ix_node_api_token_user_id"), "node_api_token", ["user_id"])

    op.create_table(
        "node_case",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("family", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("case_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("conversation_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("authority_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("counterpart_state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("counterpart_authority", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("counterpart_role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("due_at", sa.BigInteger(), nullable=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("facts", sa.LargeBinary(), nullable=True),
        sa.Column("draft", sa.LargeBinary(), nullable=True),
        sa.Column("draft_type", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("retention_until", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["opened_by"],
            ["node_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id"),
    )
    op.create_index(op.f("ix_node_case_authority_id"), "node_case", ["authority_id"])
    op.create_index(op.f("ix_node_case_case_ref"), "node_case", ["case_ref"])
    op.create_index(op.f("ix_node_case_counterpart_state"), "node_case", ["counterpart_state"])
    op.create_index(op.f("ix_node_case_due_at"), "node_case", ["due_at"])
    op.create_index(op.f("ix_node_case_family"), "node_case", ["family"])
    op.create_index(op.f("ix_node_case_state"), "node_case", ["state"])

    op.create_table(
        "node_case_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("trigger", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("state_after", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=True),
        sa.Column("envelope_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("refused", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["node_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["node_case.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_node_case_entry_case_id"), "node_case_entry", ["case_id"])
    op.create_index(
        op.f("ix_node_case_entry_envelope_sha256"), "node_case_entry", ["envelope_sha256"]
    )
    op.create_index(op.f("ix_node_case_entry_message_id"), "node_case_entry", ["message_id"])

    op.create_table(
        "node_sealed_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("audience", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["node_case_entry.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id", "path"),
    )
    op.create_index(op.f("ix_node_sealed_section_entry_id"), "node_sealed_section", ["entry_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_node_sealed_section_entry_id"), table_name="node_sealed_section")
    op.drop_table("node_sealed_section")
    op.drop_index(op.f("ix_node_case_entry_message_id"), table_name="node_case_entry")
    op.drop_index(op.f("ix_node_case_entry_envelope_sha256"), table_name="node_case_entry")
    op.drop_index(op.f("ix_node_case_entry_case_id"), table_name="node_case_entry")
    op.drop_table("node_case_entry")
    op.drop_index(op.f("ix_node_case_state"), table_name="node_case")
    op.drop_index(op.f("ix_node_case_family"), table_name="node_case")
    op.drop_index(op.f("ix_node_case_due_at"), table_name="node_case")
    op.drop_index(op.f("ix_node_case_counterpart_state"), table_name="node_case")
    op.drop_index(op.f("ix_node_case_case_ref"), table_name="node_case")
    op.drop_index(op.f("ix_node_case_authority_id"), table_name="node_case")
    op.drop_table("node_case")
    op.drop_index(op.f("ix_node_api_token_user_id"), table_name="node_api_token")
    op.drop_table("node_api_token")
    op.drop_index(op.f("ix_node_access_user_id"), table_name="node_access")
    op.drop_index(op.f("ix_node_access_case_id"), table_name="node_access")
    op.drop_table("node_access")
    op.drop_table("node_user")
    op.drop_index(op.f("ix_node_event_kind"), table_name="node_event")
    op.drop_table("node_event")
    op.drop_index(op.f("ix_gateway_replay_keep_until"), table_name="gateway_replay")
    op.drop_table("gateway_replay")
    op.drop_index(op.f("ix_gateway_outbox_state"), table_name="gateway_outbox")
    op.drop_index(op.f("ix_gateway_outbox_next_attempt_at"), table_name="gateway_outbox")
    op.drop_index(op.f("ix_gateway_outbox_message_id"), table_name="gateway_outbox")
    op.drop_index(op.f("ix_gateway_outbox_destination"), table_name="gateway_outbox")
    op.drop_table("gateway_outbox")
    op.drop_index(op.f("ix_gateway_log_envelope_sha256"), table_name="gateway_log")
    op.drop_table("gateway_log")
    op.drop_index(op.f("ix_gateway_inbox_message_id"), table_name="gateway_inbox")
    op.drop_index(op.f("ix_gateway_inbox_iss"), table_name="gateway_inbox")
    op.drop_table("gateway_inbox")
    # PostgreSQL keeps the enum type of gateway_outbox.state after the table is dropped.
    sa.Enum(name="transportstate").drop(op.get_bind(), checkfirst=True)
