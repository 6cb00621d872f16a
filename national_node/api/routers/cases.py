"""Cases of one family: drafts and their completeness check, sending, local events, the
timeline with each message's transport state and receipt, and overdue cases.

Routes are made per family (``/mla/cases``, ``/repatriation/cases``,
``/witness-protection/cases``, ``/statistics/cases``). The family's read permission is needed to
list and see cases, its write permission to change them; within that, a case the user may not
see (a prosecutor and another authority's MLA case) is answered 404, as if it did not exist.
"""

# No "from __future__ import annotations": FastAPI reads the per-family aliases at definition.

from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, status
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from messages.vocab import Family
from national_node.api.deps import NodeDep, SessionDep, require
from national_node.api.errors import RESPONDS_404, RESPONDS_409
from national_node.api.examples import draft_examples
from national_node.api.params import PRINTABLE, CaseId
from national_node.auth import Principal
from national_node.cases import (
    CaseNotFound,
    DraftInvalid,
    MessageDraft,
    TransitionRefused,
    completeness,
    draft_of,
    get_case,
    local_event,
    open_case,
    save_draft,
    send,
)
from national_node.node import Node
from national_node.roles import FAMILY_READ, FAMILY_WRITE
from national_node.store import Case
from national_node.views import (
    CaseDetail,
    CaseSummary,
    DraftView,
    detail,
    draft_view,
    may_see,
    summary,
)

PATHS = {
    Family.MLA: "mla",
    Family.REPATRIATION: "repatriation",
    Family.WITNESS_PROTECTION: "witness-protection",
    Family.STATISTICS: "statistics",
}

NOT_FOUND = HTTPException(status.HTTP_404_NOT_FOUND, "no such case")


def problem_response(error: Exception) -> HTTPException:
    """422 with every problem of a draft, or 409 when the lifecycle refuses."""
    if isinstance(error, DraftInvalid):
        return HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            {
                "message": "the message is incomplete or invalid",
                "problems": [{"path": p.path, "message": p.message} for p in error.problems],
            },
        )
    if isinstance(error, TransitionRefused):
        return HTTPException(
            status.HTTP_409_CONFLICT, {"message": str(error), "guards": error.guards}
        )
    raise error


def family_router(family: Family) -> APIRouter:
    prefix = f"/{PATHS[family]}/cases"
    router = APIRouter(prefix=prefix, tags=[PATHS[family]])
    # Type aliases for this family's dependencies (named as types).
    Reader = Annotated[Principal, Depends(require(*FAMILY_READ[family]))]  # noqa: N806
    Writer = Annotated[Principal, Depends(require(FAMILY_WRITE[family]))]  # noqa: N806
    DraftBody = Annotated[MessageDraft, Body(openapi_examples=draft_examples(family))]  # noqa: N806

    async def visible(
        session: SessionDep, case_id: str, principal: Principal, *, for_update: bool = False
    ) -> Case:
        try:
            case = await get_case(session, case_id, for_update=for_update)
        except CaseNotFound:
            raise NOT_FOUND from None
        if case.family != str(family) or not may_see(principal, case):
            raise NOT_FOUND
        return case

    @router.get("", response_model=list[CaseSummary], summary=f"List {family} cases")
    async def list_cases(
        session: SessionDep,
        node: NodeDep,
        principal: Reader,
        state: Annotated[str | None, Query(max_length=64, pattern=PRINTABLE)] = None,
        overdue: Annotated[bool, Query(description="Only cases past a due date")] = False,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[CaseSummary]:
        now = node.cases.now()
        query = select(Case).where(Case.family == str(family))
        if state:
            query = query.where(Case.state == state)
        if overdue:
            query = query.where(col(Case.due_at).is_not(None), col(Case.due_at) < now)
        rows = (await session.exec(query.order_by(col(Case.updated_at).desc()))).all()
        return [summary(c, now) for c in rows if may_see(principal, c)][:limit]

    @router.post(
        "",
        status_code=status.HTTP_201_CREATED,
        response_model=CaseDetail,
        summary=f"Open a {family} case with its first message as a draft",
    )
    async def create(
        session: SessionDep, node: NodeDep, principal: Writer, draft: DraftBody
    ) -> CaseDetail:
        try:
            case = await open_case(session, node.cases, principal, family, draft)
        except DraftInvalid as error:
            raise problem_response(error) from None
        await session.commit()
        return await detail(session, node.cases, case, principal, node.cases.now())

    @router.get(
        "/{case_id}",
        response_model=CaseDetail,
        responses=RESPONDS_404,
        summary="A case and its timeline",
    )
    async def read(
        case_id: CaseId, session: SessionDep, node: NodeDep, principal: Reader
    ) -> CaseDetail:
        case = await visible(session, case_id, principal)
        view = await detail(session, node.cases, case, principal, node.cases.now())
        await session.commit()  # the access records
        return view

    @router.get(
        "/{case_id}/draft",
        response_model=DraftView,
        responses=RESPONDS_404,
        summary="The draft and its check",
    )
    async def read_draft(
        case_id: CaseId, session: SessionDep, node: NodeDep, principal: Writer
    ) -> DraftView:
        case = await visible(session, case_id, principal)
        draft = draft_of(node.cases, case)
        problems = await completeness(session, node.cases, case, draft, principal) if draft else []
        view = draft_view(node.cases, case, principal, node.cases.now(), problems, session)
        await session.commit()
        return view

    @router.put(
        "/{case_id}/draft",
        response_model=DraftView,
        responses=RESPONDS_404,
        summary="Save a draft, check it",
    )
    async def write_draft(
        case_id: CaseId, session: SessionDep, node: NodeDep, principal: Writer, draft: DraftBody
    ) -> DraftView:
        case = await visible(session, case_id, principal, for_update=True)
        await save_draft(session, node.cases, case, draft)
        problems = await completeness(session, node.cases, case, draft, principal)
        view = draft_view(node.cases, case, principal, node.cases.now(), problems, session)
        await session.commit()
        return view

    @router.post(
        "/{case_id}/draft/send",
        response_model=CaseDetail,
        responses=RESPONDS_404 | RESPONDS_409,
        summary="Send the saved draft",
    )
    async def send_draft(
        case_id: CaseId, session: SessionDep, node: NodeDep, principal: Writer
    ) -> CaseDetail:
        case = await visible(session, case_id, principal, for_update=True)
        draft = draft_of(node.cases, case)
        if draft is None:
            raise HTTPException(status.HTTP_409_CONFLICT, "this case has no draft")
        return await send_and_show(session, node, case, draft, principal)

    @router.post(
        "/{case_id}/messages",
        response_model=CaseDetail,
        responses=RESPONDS_404 | RESPONDS_409,
        summary="Send a message in a case (an answer, a notice, ...)",
    )
    async def send_message(
        case_id: CaseId, session: SessionDep, node: NodeDep, principal: Writer, draft: DraftBody
    ) -> CaseDetail:
        case = await visible(session, case_id, principal, for_update=True)
        return await send_and_show(session, node, case, draft, principal)

    @router.post(
        "/{case_id}/events/{event}",
        response_model=CaseDetail,
        responses=RESPONDS_404 | RESPONDS_409,
        summary="Record a local event of the lifecycle (no message is sent)",
    )
    async def record_event(
        case_id: CaseId,
        event: Annotated[str, Path(max_length=64)],
        session: SessionDep,
        node: NodeDep,
        principal: Writer,
    ) -> CaseDetail:
        case = await visible(session, case_id, principal, for_update=True)
        try:
            await local_event(session, node.cases, case, event, principal)
        except TransitionRefused as error:
            raise problem_response(error) from None
        await session.commit()
        return await detail(session, node.cases, case, principal, node.cases.now())

    return router


async def send_and_show(
    session: AsyncSession, node: Node, case: Case, draft: MessageDraft, principal: Principal
) -> CaseDetail:
    """Send a message of ``case`` and answer with the case as the sender now sees it."""
    try:
        await send(session, node.cases, case, draft, principal)
    except (DraftInvalid, TransitionRefused) as error:
        raise problem_response(error) from None
    await session.commit()
    node.gateway.wake()  # publish now, not at the relay's next idle tick
    view = await detail(session, node.cases, case, principal, node.cases.now())
    await session.commit()  # the access records of the view
    return view
