"""FastAPI dependencies: the node, a database session, the authenticated principal, and the
permission a route needs.

- No valid bearer token: 401 (``WWW-Authenticate: Bearer``).
- A valid token without the permission: 403.
Both bodies are the same fixed text whatever the resource: nothing of it is revealed.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel.ext.asyncio.session import AsyncSession

from national_node.auth import Principal, authenticate
from national_node.node import Node
from national_node.roles import Permission

_bearer = HTTPBearer(
    auto_error=False,
    description="A token from POST /auth/login, or an API token from POST /tokens",
)

UNAUTHENTICATED = HTTPException(
    status.HTTP_401_UNAUTHORIZED, "not authenticated", headers={"WWW-Authenticate": "Bearer"}
)
FORBIDDEN = HTTPException(status.HTTP_403_FORBIDDEN, "forbidden")


def get_node(request: Request) -> Node:
    node: Node = request.app.state.node
    return node


NodeDep = Annotated[Node, Depends(get_node)]


async def get_session(node: NodeDep) -> AsyncIterator[AsyncSession]:
    async with node.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def current_principal(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise UNAUTHENTICATED
    principal = await authenticate(session, credentials.credentials, int(time.time()))
    if principal is None:
        raise UNAUTHENTICATED
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require(*permissions: Permission) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the principal, if it holds any one of ``permissions`` (else 403)."""

    async def check(principal: PrincipalDep) -> Principal:
        if not any(principal.may(p) for p in permissions):
            raise FORBIDDEN
        return principal

    check.__name__ = "require_" + "_or_".join(p.name.lower() for p in permissions)
    return check
