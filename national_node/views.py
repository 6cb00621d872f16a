"""What a user sees of cases: need-to-know filtering, sealed sections opened only for their
audience (each opening recorded), and each message's transport state with its receipt.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from crypto.at_rest import UnreadableBlob
from gateway.store import InboxEnvelope, OutboxMessage
from messages.errors import FieldProblem
from messages.registry import FAMILY_SPECS
from messages.vocab import AuthorityRole, Family
from national_node.auth import Principal
from national_node.cases import CaseContext, draft_of, load_facts
from national_node.roles import Permission
from national_node.sealing import EncryptedSection, reveal
from national_node.store import Case, CaseEntry, SealedSection
from national_node.workflows.mla import ServiceLevels, service_levels


def may_see(principal: Principal, case: Case) -> bool:
    """Need-to-know within a family the principal may read at all."""
    family = Family(case.family)
    if family is Family.MLA:
        return principal.may(Permission.MLA_READ_ALL) or (
            principal.may(Permission.MLA_READ_OWN) and case.authority_id == principal.authority_id
        )
    if family is Family.REPATRIATION:
        return principal.may(Permission.REPATRIATION_READ)
    if family is Family.WITNESS_PROTECTION:
        return principal.may(Permission.WP_READ)
    return principal.may(Permission.STATS_READ)


class TransportView(BaseModel):
    state: str
    """queued, published, delivered, rejected, expired (sent); accepted or rejected (received)."""
    envelope_sha256: str
    attempts: int | None = None
    receipt_reason: str | None = None
    receipt_log_index: int | None = None
    settled_at: int | None = None


class EntryView(BaseModel):
    id: int
    at: int
    direction: str
    trigger: str
    message_id: str | None
    state_after: str
    refused: str | None = None
    transport: TransportView | None = None
    document: dict[str, Any] | None = None
    """The message as this user may see it: sealed sections outside their role's audience stay
    as ``{"x-puente-sealed": {"audience": [...]}}``."""


class CaseSummary(BaseModel):
    id: str
    family: str
    case_ref: str
    conversation_id: str
    state: str
    authority_id: str
    counterpart_state: str
    counterpart_authority: str
    created_at: int
    updated_at: int
    due_at: int | None
    overdue: bool
    draft_type: str | None


class CaseDetail(CaseSummary):
    next_triggers: list[str]
    """Messages and local events the lifecycle allows from the current state."""
    entries: list[EntryView]
    service_levels: ServiceLevels | None = None
    """An MLA case's timers: acknowledgement, decision and execution due, paused clocks,
    what is overdue and what answers it."""


class DraftView(BaseModel):
    draft: dict[str, Any] | None
    problems: list[dict[str, str]]


def summary(case: Case, now: int) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        family=case.family,
        case_ref=case.case_ref,
        conversation_id=case.conversation_id,
        state=case.state,
        authority_id=case.authority_id,
        counterpart_state=case.counterpart_state,
        counterpart_authority=case.counterpart_authority,
        created_at=case.created_at,
        updated_at=case.updated_at,
        due_at=case.due_at,
        overdue=case.due_at is not None and case.due_at < now,
        draft_type=case.draft_type,
    )


async def transport_states(
    session: AsyncSession, entries: list[CaseEntry]
) -> dict[str, TransportView]:
    """Each entry's transport state, by envelope hash (two queries for the whole case)."""
    sent = [e.envelope_sha256 for e in entries if e.direction == "sent" and e.envelope_sha256]
    received = [
        e.envelope_sha256 for e in entries if e.direction == "received" and e.envelope_sha256
    ]
    views: dict[str, TransportView] = {}
    if sent:
        rows = await session.exec(
            select(OutboxMessage).where(col(OutboxMessage.envelope_sha256).in_(sent))
        )
        for row in rows.all():
            views[row.envelope_sha256] = TransportView(
                state=str(row.state),
                envelope_sha256=row.envelope_sha256,
                attempts=row.attempts,
                receipt_reason=row.receipt_reason,
                receipt_log_index=row.receipt_log_index,
                settled_at=row.settled_at,
            )
    if received:
        inbox = await session.exec(
            select(InboxEnvelope).where(col(InboxEnvelope.envelope_sha256).in_(received))
        )
        for item in inbox.all():
            views[item.envelope_sha256] = TransportView(
                state="accepted" if item.accepted else "rejected",
                envelope_sha256=item.envelope_sha256,
                receipt_log_index=item.log_index,
                settled_at=item.received_at,
            )
    return views


async def detail(
    session: AsyncSession,
    ctx: CaseContext,
    case: Case,
    principal: Principal,
    now: int,
    *,
    content: bool = True,
) -> CaseDetail:
    """The case as ``principal`` may see it; every sealed section opened is recorded.

    With ``content`` False (auditors), messages are listed without their documents.
    """
    entries = list(
        (
            await session.exec(
                select(CaseEntry).where(CaseEntry.case_id == case.id).order_by(col(CaseEntry.id))
            )
        ).all()
    )
    sections: dict[int, list[EncryptedSection]] = {}
    if content and entries:
        rows = await session.exec(
            select(SealedSection).where(col(SealedSection.entry_id).in_([e.id for e in entries]))
        )
        for row in rows.all():
            sections.setdefault(row.entry_id, []).append(
                EncryptedSection(
                    row.path,
                    frozenset(AuthorityRole(r) for r in row.audience.split()),
                    row.blob or b"",
                )
            )
    transports = await transport_states(session, entries)
    try:
        key = ctx.key_of(case) if content else None
    except UnreadableBlob:
        key = None  # crypto-shredded: metadata only
    views = []
    for entry in entries:
        document = None
        if content and entry.document is not None and entry.id is not None:
            document, opened = reveal(
                entry.document,
                sections.get(entry.id, []),
                case_id=case.id,
                role=principal.authority_role,
                key=key,
            )
            for path in opened:
                session.add(principal.opened(case.id, path, now, entry.id))
        assert entry.id is not None  # noqa: S101 - a stored row
        views.append(
            EntryView(
                id=entry.id,
                at=entry.at,
                direction=entry.direction,
                trigger=entry.trigger,
                message_id=entry.message_id,
                state_after=entry.state_after,
                refused=entry.refused,
                transport=transports.get(entry.envelope_sha256 or ""),
                document=document,
            )
        )
    lifecycle = FAMILY_SPECS[Family(case.family)].lifecycle
    state = lifecycle.states(case.state)
    return CaseDetail(
        **summary(case, now).model_dump(),
        next_triggers=[str(t) for t in lifecycle.triggers_from(state)],
        entries=views,
        service_levels=mla_service_levels(ctx, case),
    )


def mla_service_levels(ctx: CaseContext, case: Case) -> ServiceLevels | None:
    """An MLA case's timers now (None for other families, or a crypto-shredded case)."""
    if case.family != Family.MLA:
        return None
    try:
        facts = load_facts(ctx, case)
    except UnreadableBlob:
        return None
    return service_levels(facts, ctx.state, ctx.clock(), ctx.policy)


def draft_view(
    ctx: CaseContext,
    case: Case,
    principal: Principal,
    now: int,
    problems: list[FieldProblem],
    session: AsyncSession,
) -> DraftView:
    """The case's draft, decrypted for its writer (recorded as an access)."""
    draft = draft_of(ctx, case)
    if draft is not None:
        session.add(principal.opened(case.id, "draft", now))
    return DraftView(
        draft=json.loads(draft.model_dump_json(exclude_none=True)) if draft else None,
        problems=[{"path": p.path, "message": p.message} for p in problems],
    )
