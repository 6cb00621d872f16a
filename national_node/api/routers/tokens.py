"""API tokens for integrations (a national case-management system): scoped to some of the
user's permissions, expiring, revocable. A user manages their own tokens."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlmodel import col, select

from national_node.api.deps import NodeDep, SessionDep, require
from national_node.api.errors import RESPONDS_404
from national_node.api.params import RowId
from national_node.auth import Principal, new_token
from national_node.roles import ROLE_PERMISSIONS, Permission
from national_node.store import ApiToken, NodeEvent

router = APIRouter(prefix="/tokens", tags=["tokens"])
Owner = Annotated[Principal, Depends(require(Permission.TOKENS_OWN))]


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9 ._-]+$")
    scopes: list[Permission] = Field(min_length=1, max_length=len(Permission))
    days: int = Field(default=30, ge=1, le=3650)


class TokenInfo(BaseModel):
    id: int
    name: str
    scopes: list[str]
    created_at: int
    expires_at: int
    revoked_at: int | None
    last_used_at: int | None


class NewToken(TokenInfo):
    token: str
    """Shown once; only its hash is kept."""


def _info(row: ApiToken) -> TokenInfo:
    assert row.id is not None  # noqa: S101 - a stored row
    return TokenInfo(
        id=row.id,
        name=row.name,
        scopes=row.scopes.split(),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


@router.post("", status_code=201, response_model=NewToken, summary="Issue an API token")
async def issue(
    body: TokenRequest, session: SessionDep, node: NodeDep, principal: Owner
) -> NewToken:
    beyond = set(body.scopes) - ROLE_PERMISSIONS[principal.role]
    if beyond:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"scopes beyond your role: {', '.join(sorted(beyond))}",
        )
    now = int(time.time())
    days = min(body.days, node.token_lifetime // 86400)
    token, digest = new_token()
    row = ApiToken(
        user_id=principal.user_id,
        name=body.name,
        token_sha256=digest,
        scopes=" ".join(sorted(str(s) for s in body.scopes)),
        created_at=now,
        expires_at=now + days * 86400,
    )
    session.add(row)
    session.add(
        NodeEvent(at=now, kind="token-issued", actor_id=principal.user_id, detail=body.name)
    )
    await session.commit()
    return NewToken(**_info(row).model_dump(), token=token)


@router.get("", response_model=list[TokenInfo], summary="Your tokens")
async def mine(session: SessionDep, principal: Owner) -> list[TokenInfo]:
    rows = await session.exec(
        select(ApiToken)
        .where(ApiToken.user_id == principal.user_id, ApiToken.name != "login")
        .order_by(col(ApiToken.id))
    )
    return [_info(r) for r in rows.all()]


@router.delete(
    "/{token_id}",
    response_model=TokenInfo,
    responses=RESPONDS_404,
    summary="Revoke one of your tokens",
)
async def revoke(token_id: RowId, session: SessionDep, principal: Owner) -> TokenInfo:
    row = await session.get(ApiToken, token_id)
    if row is None or row.user_id != principal.user_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such token")
    now = int(time.time())
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        session.add(
            NodeEvent(at=now, kind="token-revoked", actor_id=principal.user_id, detail=row.name)
        )
        await session.commit()
    return _info(row)
