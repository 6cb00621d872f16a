"""Repatriation routes beyond the family's case routes (``/repatriation/cases``, made by
national_node.api.routers.cases): the prosecutor's confirmation that a return does not prejudice
pending proceedings (TIP Protocol art. 8(2)).

A prosecutor cannot read repatriation cases; given a case's id by the officers who hold it, they
record their confirmation here, and the consular officer's ReturnScheduled (or the ResumeNotice
after a hold for proceedings) then carries it: the node adds the confirmation on record to the
message.
"""

# No "from __future__ import annotations": FastAPI reads the dependency aliases at definition.

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from messages.repatriation.sections import ProsecutorConfirmation
from messages.repatriation.vocab import ProceedingsStep
from messages.types import Identifier
from messages.vocab import Family
from national_node.api.deps import NodeDep, SessionDep, require
from national_node.api.errors import RESPONDS_404, RESPONDS_409
from national_node.api.params import CaseId
from national_node.api.routers.cases import NOT_FOUND, problem_response
from national_node.auth import Principal
from national_node.cases import CaseNotFound, DraftInvalid, TransitionRefused, get_case
from national_node.roles import Permission
from national_node.store import Case
from national_node.workflows.repatriation import (
    RecordedConfirmation,
    confirmations,
    record_confirmation,
)

router = APIRouter(prefix="/repatriation/cases", tags=["repatriation"])
Confirmer = Annotated[Principal, Depends(require(Permission.REPATRIATION_CONFIRM_RETURN))]
ConfirmationReader = Annotated[
    Principal,
    Depends(require(Permission.REPATRIATION_READ, Permission.REPATRIATION_CONFIRM_RETURN)),
]


class ConfirmationRequest(BaseModel):
    """A prosecutor's confirmation; their office is the confirming authority."""

    model_config = ConfigDict(extra="forbid")

    decision_ref: Identifier = Field(
        description="The reference of the prosecutor's written confirmation"
    )
    confirmed_on: date = Field(description="The date of the written confirmation")
    step: ProceedingsStep = Field(
        description="What was secured for the proceedings before the return"
    )


class ConfirmationView(BaseModel):
    case_id: str
    case_ref: str
    entry_id: int
    """The confirmation's entry in the case timeline."""
    recorded_at: int
    recorded_by: int | None
    """The user id of the prosecutor who recorded it."""
    current: bool
    """Recorded since proceedings were last reported pending: a return may rely on it."""
    confirmation: ProsecutorConfirmation
    """As the case's ReturnScheduled or ResumeNotice carries it."""


def _view(case: Case, recorded: RecordedConfirmation) -> ConfirmationView:
    return ConfirmationView(
        case_id=case.id,
        case_ref=case.case_ref,
        entry_id=recorded.entry_id,
        recorded_at=recorded.recorded_at,
        recorded_by=recorded.recorded_by,
        current=recorded.current,
        confirmation=recorded.confirmation,
    )


async def _repatriation_case(session: SessionDep, case_id: str, *, for_update: bool) -> Case:
    try:
        case = await get_case(session, case_id, for_update=for_update)
    except CaseNotFound:
        raise NOT_FOUND from None
    if case.family != str(Family.REPATRIATION):
        raise NOT_FOUND
    return case


@router.post(
    "/{case_id}/prosecutor-confirmations",
    status_code=status.HTTP_201_CREATED,
    response_model=ConfirmationView,
    responses=RESPONDS_404 | RESPONDS_409,
    summary="Record a prosecutor's confirmation that the return may proceed",
    description="While legal proceedings are pending, a return is scheduled (or resumed after a "
    "hold for proceedings) only with the prosecutor's confirmation (TIP Protocol art. 8(2)). "
    "409 when the case was opened by another state, no return lies ahead, or no proceedings "
    "are pending.",
)
async def confirm_return(
    case_id: CaseId,
    request: ConfirmationRequest,
    session: SessionDep,
    node: NodeDep,
    principal: Confirmer,
) -> ConfirmationView:
    case = await _repatriation_case(session, case_id, for_update=True)
    try:
        recorded = await record_confirmation(
            session,
            node.cases,
            case,
            principal,
            decision_ref=request.decision_ref,
            confirmed_on=request.confirmed_on,
            step=request.step,
        )
    except (DraftInvalid, TransitionRefused) as error:
        raise problem_response(error) from None
    await session.commit()
    return _view(case, recorded)


@router.get(
    "/{case_id}/prosecutor-confirmations",
    response_model=list[ConfirmationView],
    responses=RESPONDS_404,
    summary="The prosecutors' confirmations recorded for a case",
)
async def list_confirmations(
    case_id: CaseId, session: SessionDep, node: NodeDep, principal: ConfirmationReader
) -> list[ConfirmationView]:
    case = await _repatriation_case(session, case_id, for_update=False)
    found = await confirmations(session, node.cases, case, reader=principal, now=node.cases.now())
    await session.commit()  # the access records
    return [_view(case, recorded) for recorded in found]
