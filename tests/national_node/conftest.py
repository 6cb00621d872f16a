"""A federation of national nodes under test (AR, BR, PY), on SQLite or PostgreSQL, with a user
of every role in every state and an HTTP client per node."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest
import pytest_asyncio
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gateway.store import make_engine
from national_node import auth
from national_node.api.app import create_app
from national_node.federation import LocalFederation, local_federation
from national_node.roles import Role
from national_node.users import add_user

STATES = ("AR", "BR", "PY")
PASSWORD = "correct horse battery staple"

# Every test adds a user of every role in every state: argon2id at a low cost keeps the suite
# fast (the node's own parameters stay argon2-cffi's defaults, RFC 9106's low-memory option).
auth._hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def authority_of(state: str, role: Role) -> str:
    return f"{state}-{role.name.replace('_', '-')}"


@dataclass
class NodesUnderTest:
    """The federation, a client per state, and a way to act as a role there."""

    federation: LocalFederation
    clients: dict[str, httpx.AsyncClient]
    _tokens: dict[tuple[str, Role], str] = field(default_factory=dict)

    async def headers(self, state: str, role: Role) -> dict[str, str]:
        """Authorization headers of ``state``'s user of ``role`` (logged in once)."""
        if (state, role) not in self._tokens:
            response = await self.clients[state].post(
                "/auth/login", json={"username": role.value, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            self._tokens[(state, role)] = response.json()["token"]
        return {"Authorization": f"Bearer {self._tokens[(state, role)]}"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def _engines(
    kind: str, stack: AsyncExitStack, tmp_path: Path, postgres_url: str
) -> dict[str, AsyncEngine]:
    engines: dict[str, AsyncEngine] = {}
    for state in STATES:
        if kind == "sqlite":
            engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / state}.db")
        else:
            schema = f"node_{state.lower()}_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(postgres_url, autocommit=True) as connection:
                connection.execute(f'CREATE SCHEMA "{schema}"')

            def drop(schema: str = schema) -> None:
                with psycopg.connect(postgres_url, autocommit=True) as connection:
                    connection.execute(f'DROP SCHEMA "{schema}" CASCADE')

            # In a thread: a gateway task still inside a transaction on this schema (a delivery
            # arriving as the test ends) must be able to finish, or DROP waits for it forever.
            stack.push_async_callback(asyncio.to_thread, drop)
            engine = create_async_engine(
                postgres_url.replace("postgresql://", "postgresql+psycopg://", 1),
                connect_args={"options": f"-csearch_path={schema}"},
            )
        engines[state] = engine
    return engines


@pytest_asyncio.fixture
async def nodes(
    database_kind: str, tmp_path: Path, postgres_url: str
) -> AsyncIterator[NodesUnderTest]:
    """AR, BR and PY on the in-process transport, gateways running."""
    async with AsyncExitStack() as stack:
        engines = await _engines(database_kind, stack, tmp_path, postgres_url)
        federation = await local_federation(engines)
        stack.push_async_callback(federation.close)
        made = await with_users(stack, federation, tuple(Role))
        await federation.start()
        yield made


async def with_users(
    stack: AsyncExitStack, federation: LocalFederation, roles: tuple[Role, ...]
) -> NodesUnderTest:
    """A user of each of ``roles`` at every node (named after the role, password PASSWORD),
    and an API client per node, closed with ``stack``."""
    clients = {}
    for state, node in federation.nodes.items():
        async with node.session() as session:
            for role in roles:
                await add_user(
                    session,
                    username=role.value,
                    password=PASSWORD,
                    role=role,
                    authority_id=authority_of(state, role),
                    actor_id=None,
                )
            await session.commit()
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(node, run_gateway=False)),
            base_url=f"http://{state.lower()}.node.test",
        )
        stack.push_async_callback(client.aclose)
        clients[state] = client
    return NodesUnderTest(federation, clients)
