"""What auditors see: case metadata, transport states, the exchange log, decryptions and
administrative events. Never case content."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel
from sqlmodel import col, select

from gateway.store import ExchangeEvent
from national_node.api.deps import NodeDep, SessionDep, require
from national_node.api.errors import RESPONDS_404
from national_node.api.params import PRINTABLE, UNIX_SECONDS_MAX, UUID_PATTERN, CaseId
from national_node.auth import Principal
from national_node.roles import Permission
from national_node.store import AccessRecord, Case, NodeEvent
from national_node.views import CaseDetail, CaseSummary, detail, summary

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]
Limit = Annotated[int, Query(ge=1, le=1000)]
StateFilter = Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")]


class ExchangeEventView(BaseModel):
    id: int
    at: int
    kind: str
    envelope_sha256: str | None
    peer: str | None
    reason: str | None


class AccessView(BaseModel):
    id: int
    at: int
    user_id: int
    role: str
    case_id: str
    entry_id: int | None
    path: str


class NodeEventView(BaseModel):
    id: int
    at: int
    kind: str
    actor_id: int | None
    detail: str


@router.get("/cases", response_model=list[CaseSummary], summary="Every case's metadata")
async def cases(
    session: SessionDep,
    node: NodeDep,
    principal: Auditor,
    family: Annotated[str | None, Query(max_length=32, pattern=PRINTABLE)] = None,
    counterpart: StateFilter = None,
    limit: Limit = 200,
) -> list[CaseSummary]:
    query = select(Case)
    if family:
        query = query.where(Case.family == family)
    if counterpart:
        query = query.where(Case.counterpart_state == counterpart)
    rows = await session.exec(query.order_by(col(Case.updated_at).desc()).limit(limit))
    now = node.cases.now()
    return [summary(c, now) for c in rows.all()]


@router.get(
    "/cases/{case_id}",
    response_model=CaseDetail,
    responses=RESPONDS_404,
    summary="A case's timeline, without content",
)
async def case_timeline(
    case_id: CaseId, session: SessionDep, node: NodeDep, principal: Auditor
) -> CaseDetail:
    case = await session.get(Case, case_id)
    if case is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such case")
    return await detail(session, node.cases, case, principal, node.cases.now(), content=False)


@router.get("/exchange", response_model=list[ExchangeEventView], summary="The exchange log")
async def exchange(
    session: SessionDep,
    principal: Auditor,
    kind: Annotated[str | None, Query(max_length=32, pattern=PRINTABLE)] = None,
    peer: StateFilter = None,
    reason: Annotated[str | None, Query(max_length=64, pattern=PRINTABLE)] = None,
    since: Annotated[int | None, Query(ge=0, le=UNIX_SECONDS_MAX)] = None,
    limit: Limit = 200,
) -> list[ExchangeEventView]:
    query = select(ExchangeEvent)
    if kind:
        query = query.where(ExchangeEvent.kind == kind)
    if peer:
        query = query.where(ExchangeEvent.peer == peer)
    if reason:
        query = query.where(ExchangeEvent.reason == reason)
    if since is not None:
        query = query.where(col(ExchangeEvent.at) >= since)
    rows = await session.exec(query.order_by(col(ExchangeEvent.id).desc()).limit(limit))
    return [ExchangeEventView.model_validate(r, from_attributes=True) for r in rows.all()]


@router.get("/access", response_model=list[AccessView], summary="Decryptions of sealed data")
async def access(
    session: SessionDep,
    principal: Auditor,
    case_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
    limit: Limit = 200,
) -> list[AccessView]:
    query = select(AccessRecord)
    if case_id:
        query = query.where(AccessRecord.case_id == case_id)
    rows = await session.exec(query.order_by(col(AccessRecord.id).desc()).limit(limit))
    return [AccessView.model_validate(r, from_attributes=True) for r in rows.all()]


@router.get("/events", response_model=list[NodeEventView], summary="Administrative events")
async def events(
    session: SessionDep,
    principal: Auditor,
    kind: Annotated[str | None, Query(max_length=32, pattern=PRINTABLE)] = None,
    limit: Limit = 200,
) -> list[NodeEventView]:
    query = select(NodeEvent)
    if kind:
        query = query.where(NodeEvent.kind == kind)
    rows = await session.exec(query.order_by(col(NodeEvent.id).desc()).limit(limit))
    return [NodeEventView.model_validate(r, from_attributes=True) for r in rows.all()]
