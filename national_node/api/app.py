"""The node's FastAPI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from national_node.api.errors import COMMON_ERRORS, MAX_REQUEST_BYTES, install_error_handlers
from national_node.api.routers import (
    admin,
    audit,
    auth,
    mla,
    repatriation,
    tokens,
    users,
    witness_protection,
)
from national_node.api.routers.cases import family_router
from national_node.cases import CASE_FAMILIES
from national_node.node import Node

DESCRIPTION = """\
A Puente national node: cases of mutual legal assistance, repatriation, witness protection and
statistics, exchanged with other states' nodes as signed, encrypted messages.

Authenticate with `POST /auth/login` (or an API token from `POST /tokens`) and send
`Authorization: Bearer <token>`. 401: no valid token. 403: your role may not do this. 404: no
such resource among those you may see.
"""


def create_app(node: Node, *, run_gateway: bool = True) -> FastAPI:
    """The API of ``node``; with ``run_gateway`` the node's gateway runs while the app does."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if run_gateway:
            await node.start()
        try:
            yield
        finally:
            if run_gateway:
                await node.stop()

    app = FastAPI(
        title=f"Puente national node ({node.state})",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        responses=COMMON_ERRORS,
        max_body_size=MAX_REQUEST_BYTES,
    )
    install_error_handlers(app)
    app.state.node = node
    app.include_router(auth.router)
    app.include_router(tokens.router)
    app.include_router(users.router)
    for family in CASE_FAMILIES:
        app.include_router(family_router(family))
    app.include_router(mla.router)
    app.include_router(repatriation.router)
    app.include_router(witness_protection.router)
    app.include_router(audit.router)
    app.include_router(admin.router)
    return app
