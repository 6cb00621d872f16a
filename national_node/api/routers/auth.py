"""Logging in with a password, and who am I."""

from __future__ import annotations

import time

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field
from sqlmodel import select

from national_node.api.deps import NodeDep, PrincipalDep, SessionDep
from national_node.api.params import PRINTABLE
from national_node.auth import check_password, new_token
from national_node.roles import ROLE_PERMISSIONS, Role
from national_node.store import ApiToken, NodeEvent, User

router = APIRouter(prefix="/auth", tags=["auth"])


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=64, pattern=PRINTABLE)
    password: str = Field(min_length=1, max_length=256)


class IssuedToken(BaseModel):
    token: str
    """Shown once; only its hash is kept."""
    expires_at: int
    scopes: list[str]


class Me(BaseModel):
    username: str
    role: str
    authority_id: str
    scopes: list[str]


@router.post("/login", response_model=IssuedToken, summary="Exchange a password for a token")
async def login(body: Login, session: SessionDep, node: NodeDep) -> IssuedToken:
    user = (await session.exec(select(User).where(User.username == body.username))).first()
    now = int(time.time())
    if not check_password(user, body.password) or user is None or user.id is None:
        session.add(NodeEvent(at=now, kind="login-failed", detail=body.username[:64]))
        await session.commit()
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong username or password")
    token, digest = new_token()
    scopes = sorted(str(p) for p in ROLE_PERMISSIONS[Role(user.role)])
    expires = now + node.session_lifetime
    session.add(
        ApiToken(
            user_id=user.id,
            name="login",
            token_sha256=digest,
            scopes=" ".join(scopes),
            created_at=now,
            expires_at=expires,
        )
    )
    await session.commit()
    return IssuedToken(token=token, expires_at=expires, scopes=scopes)


@router.get("/me", response_model=Me, summary="The authenticated user")
async def me(principal: PrincipalDep) -> Me:
    return Me(
        username=principal.username,
        role=str(principal.role),
        authority_id=principal.authority_id,
        scopes=sorted(str(s) for s in principal.scopes),
    )
