"""What mutual legal assistance adds to its family's case routes (``/mla/cases``): the evidence
request's checklist, the overdue timers with what answers each, and status inquiries.

Permissions are the family's: reading MLA cases to see the template and the overdue list (each
case subject to need-to-know), writing them to check a draft or send an inquiry.
"""

# No "from __future__ import annotations": FastAPI reads the dependency aliases at definition.

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, or_, select

from messages.mla.lifecycle import LIFECYCLE
from messages.mla.vocab import InquiryReason, MlaState
from messages.types import Sentence
from messages.vocab import Family, MessageType
from national_node.api.deps import NodeDep, SessionDep, require
from national_node.api.errors import RESPONDS_404, RESPONDS_409
from national_node.api.params import CaseId
from national_node.api.routers.cases import NOT_FOUND, send_and_show
from national_node.auth import Principal
from national_node.cases import (
    CaseNotFound,
    MessageDraft,
    completeness,
    draft_of,
    get_case,
)
from national_node.roles import FAMILY_READ, FAMILY_WRITE
from national_node.store import Case
from national_node.views import (
    CaseDetail,
    CaseSummary,
    may_see,
    mla_service_levels,
    summary,
)
from national_node.workflows.mla import (
    ItemCheck,
    ItemView,
    Side,
    TimerStatus,
    checklist,
    inquiry_reason,
    template,
)

router = APIRouter(prefix="/mla", tags=["mla"])

Reader = Annotated[Principal, Depends(require(*FAMILY_READ[Family.MLA]))]
Writer = Annotated[Principal, Depends(require(FAMILY_WRITE[Family.MLA]))]

PAUSED_STATES = (MlaState.INFO_REQUESTED, MlaState.INFO_REQUESTED_EXEC, MlaState.POSTPONED)
"""While a clock is paused a case's stored due date is None, yet a timer may already have
lapsed before the pause: such cases are checked too."""


class OverdueCase(BaseModel):
    case: CaseSummary
    side: Side | None
    overdue: list[TimerStatus]
    """Each lapsed timer, with the message that answers it at this node (remedy, advice)."""


class StatusInquiryDraft(BaseModel):
    """A status inquiry (UNTOC art. 18(24)): the node writes the message."""

    model_config = ConfigDict(extra="forbid")

    reason: InquiryReason | None = Field(
        default=None,
        description="Default: NO_ACKNOWLEDGEMENT when the acknowledgement is overdue, "
        "DEADLINE_PASSED when another timer is, else ROUTINE",
    )
    note: Sentence | None = Field(default=None, description="Required when the reason is OTHER")


async def _visible(
    session: SessionDep, case_id: str, principal: Principal, *, for_update: bool = False
) -> Case:
    try:
        case = await get_case(session, case_id, for_update=for_update)
    except CaseNotFound:
        raise NOT_FOUND from None
    if case.family != Family.MLA or not may_see(principal, case):
        raise NOT_FOUND
    return case


@router.get(
    "/checklist",
    response_model=list[ItemView],
    summary="What an evidence request must contain, item by item",
)
async def request_template(principal: Reader) -> list[ItemView]:
    return template()


@router.get(
    "/cases/{case_id}/draft/checklist",
    response_model=list[ItemCheck],
    responses=RESPONDS_404 | RESPONDS_409,
    summary="The draft evidence request against the checklist: each item complete or what "
    "is missing",
)
async def draft_checklist(
    case_id: CaseId, session: SessionDep, node: NodeDep, principal: Writer
) -> list[ItemCheck]:
    case = await _visible(session, case_id, principal)
    draft = draft_of(node.cases, case)
    if draft is None or draft.message_type != MessageType.EVIDENCE_REQUEST:
        raise HTTPException(status.HTTP_409_CONFLICT, "this case has no draft evidence request")
    problems = await completeness(session, node.cases, case, draft, principal)
    await session.commit()
    return checklist(problems)


@router.get(
    "/overdue",
    response_model=list[OverdueCase],
    summary="Cases with a lapsed timer, and the message that answers each",
)
async def overdue_cases(session: SessionDep, node: NodeDep, principal: Reader) -> list[OverdueCase]:
    now = node.cases.clock()
    query = select(Case).where(
        Case.family == Family.MLA,
        or_(col(Case.due_at) < int(now.timestamp()), col(Case.state).in_(PAUSED_STATES)),
    )
    found = []
    for case in (await session.exec(query)).all():
        if not may_see(principal, case):
            continue
        levels = mla_service_levels(node.cases, case)
        lapsed = [timer for timer in levels.timers if timer.overdue] if levels else []
        if levels is not None and lapsed:
            found.append(
                OverdueCase(
                    case=summary(case, int(now.timestamp())), side=levels.side, overdue=lapsed
                )
            )
    return sorted(found, key=lambda item: min(_due(timer) for timer in item.overdue))


def _due(timer: TimerStatus) -> datetime:
    assert timer.due_at is not None  # noqa: S101 - an overdue timer has a due date
    return timer.due_at


@router.post(
    "/cases/{case_id}/status-inquiry",
    response_model=CaseDetail,
    responses=RESPONDS_404 | RESPONDS_409,
    summary="Ask the other state for the status of the request (a StatusInquiry)",
)
async def status_inquiry(
    case_id: CaseId,
    session: SessionDep,
    node: NodeDep,
    principal: Writer,
    inquiry: StatusInquiryDraft,
) -> CaseDetail:
    case = await _visible(session, case_id, principal, for_update=True)
    if MessageType.STATUS_INQUIRY not in LIFECYCLE.triggers_from(MlaState(case.state)):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            {"message": f"no status inquiry in a case that is {case.state}", "guards": []},
        )
    levels = mla_service_levels(node.cases, case)
    reason = inquiry.reason or (inquiry_reason(levels) if levels else InquiryReason.ROUTINE)
    body: dict[str, str] = {"reason": str(reason)}
    if inquiry.note is not None:
        body["note"] = inquiry.note
    draft = MessageDraft(message_type=MessageType.STATUS_INQUIRY, body=body)
    return await send_and_show(session, node, case, draft, principal)
