"""Witness-protection routes beyond the family's case routes (``/witness-protection/cases``,
made by national_node.api.routers.cases): the node's sealed mapping of protected persons to
the token each counterpart knows them by (domain model A.5 rule 1).

Only the protection unit sees the mapping (the family's read permission); each link shown is
recorded in the access log. A case gets its token when its first message is sent, or earlier
when it is linked to a person here: link a new case to the person of an earlier one
(``same_person_as``), and the node gives it that person's token for the same counterpart, or a
new token for a new counterpart.
"""

# No "from __future__ import annotations": FastAPI reads the dependency aliases at definition.

import time
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from messages.vocab import Family
from national_node.api.deps import NodeDep, SessionDep, require
from national_node.api.errors import RESPONDS_404, RESPONDS_409
from national_node.api.params import UUID_PATTERN, CaseId
from national_node.api.routers.cases import NOT_FOUND, problem_response
from national_node.auth import Principal
from national_node.cases import CaseNotFound, DraftInvalid, TransitionRefused, get_case
from national_node.roles import Permission
from national_node.store import Case
from national_node.workflows.witness_protection import TokenLink, link_person, person_links

router = APIRouter(prefix="/witness-protection/cases", tags=["witness-protection"])
Reader = Annotated[Principal, Depends(require(Permission.WP_READ))]
Writer = Annotated[Principal, Depends(require(Permission.WP_WRITE))]


class LinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    same_person_as: str | None = Field(
        default=None,
        pattern=UUID_PATTERN,
        description="Another case of the same protected person; absent: a new person",
    )


class TokenLinkView(BaseModel):
    case_id: str
    case_ref: str
    counterpart_state: str
    wp_token: str
    """The token this counterpart knows the person by."""
    linked: bool
    """The case is linked to the person here (False: a received case's own token only)."""


class ProtectedPersonView(BaseModel):
    person: str | None
    """This node's handle of the person (never sent); None if the case is linked to none."""
    links: list[TokenLinkView]


def _view(person: str | None, links: list[TokenLink]) -> ProtectedPersonView:
    return ProtectedPersonView(
        person=person,
        links=[
            TokenLinkView(
                case_id=link.case_id,
                case_ref=link.case_ref,
                counterpart_state=link.counterpart_state,
                wp_token=link.wp_token,
                linked=link.entry_id is not None,
            )
            for link in links
        ],
    )


async def _wp_case(session: SessionDep, case_id: str, *, for_update: bool = False) -> Case:
    try:
        case = await get_case(session, case_id, for_update=for_update)
    except CaseNotFound:
        raise NOT_FOUND from None
    if case.family != str(Family.WITNESS_PROTECTION):
        raise NOT_FOUND
    return case


@router.get(
    "/{case_id}/protected-person",
    response_model=ProtectedPersonView,
    responses=RESPONDS_404,
    summary="The protected person of a case and the token each counterpart knows them by",
)
async def read_person(
    case_id: CaseId, session: SessionDep, node: NodeDep, principal: Reader
) -> ProtectedPersonView:
    case = await _wp_case(session, case_id)
    person, links = await person_links(session, node.cases, case, principal, int(time.time()))
    await session.commit()  # the access records
    return _view(person, links)


@router.post(
    "/{case_id}/protected-person",
    response_model=ProtectedPersonView,
    responses=RESPONDS_404 | RESPONDS_409,
    summary="Link a case to a protected person (and so give it its token)",
    description="With `same_person_as`, the case concerns the person of that other case: it "
    "gets the person's token for its counterpart if the person already has one there, else a "
    "new one. Without it, the case gets a new person (idempotent). 409 if the case is linked "
    "to another person already, or the other case has no token yet.",
)
async def link(
    case_id: CaseId,
    request: LinkRequest,
    session: SessionDep,
    node: NodeDep,
    principal: Writer,
) -> ProtectedPersonView:
    case = await _wp_case(session, case_id, for_update=True)
    other = None
    if request.same_person_as is not None:
        other = await _wp_case(session, request.same_person_as)
    try:
        await link_person(session, node.cases, case, principal, same_person_as=other)
    except (DraftInvalid, TransitionRefused) as error:
        raise problem_response(error) from None
    person, links = await person_links(session, node.cases, case, principal, int(time.time()))
    await session.commit()
    return _view(person, links)
