"""Helpers of the MLA tests: a clock the tests move, nodes that use it, the schema's sample
conversations replayed through the API at today's dates, and waiting for deliveries."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.transport import Transport
from messages.document import Document
from messages.samples import SAMPLE_EPOCH
from national_node.api.examples import as_draft
from national_node.federation import local_federation
from national_node.roles import Role
from tests.national_node.conftest import NodesUnderTest, with_users

PY_CENTRAL = {"state": "PY", "authority_id": "PY-CENTRAL-AUTHORITY", "role": "CENTRAL_AUTHORITY"}
"""The recipient of AR's requests: PY's central authority (its user's authority id)."""


class Clock:
    """The case operations' time in every node of a test: it moves only when told."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def sample_offset() -> timedelta:
    """Whole days from the samples' epoch to today: a sample's time plus this is today's."""
    return timedelta(days=(datetime.now(UTC).date() - SAMPLE_EPOCH.date()).days)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def moved(value: Any, offset: timedelta) -> Any:
    """``value`` (JSON data) with every date and timestamp moved by ``offset`` (whole days)."""
    if isinstance(value, dict):
        return {key: moved(item, offset) for key, item in value.items()}
    if isinstance(value, list):
        return [moved(item, offset) for item in value]
    if isinstance(value, str) and _DATE.match(value):
        return (date.fromisoformat(value) + offset).isoformat()
    if isinstance(value, str) and _MOMENT.match(value):
        moment = datetime.fromisoformat(value) + offset
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def sample_draft(document: Document[Any], *, first: bool, offset: timedelta) -> dict[str, Any]:
    """A sample message as its sender drafts it through the API, at today's dates."""
    draft = as_draft(document, first=first)
    attachments = json.loads(document.to_json())["header"].get("attachments")
    if attachments:
        draft["attachments"] = attachments
    if first:
        draft["recipient"] = PY_CENTRAL
    return dict(moved(draft, offset))


async def wait_for(predicate: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
    """Poll until ``predicate`` holds (deliveries cross the transport in the background)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "not reached in time"
        await asyncio.sleep(0.05)


MLA_ROLES = (Role.PROSECUTOR, Role.CENTRAL_AUTHORITY, Role.AUDITOR)
"""The users MLA tests act as (fewer users: each password hash takes a while)."""


@asynccontextmanager
async def clocked_nodes(
    engines: dict[str, AsyncEngine],
    clock: Clock,
    transport: Callable[[str], Transport] | None = None,
) -> AsyncIterator[NodesUnderTest]:
    """Nodes on ``engines`` whose case operations read ``clock``, gateways running."""
    async with AsyncExitStack() as stack:
        federation = await local_federation(engines, transport=transport, clock=clock)
        stack.push_async_callback(federation.close)
        made = await with_users(stack, federation, MLA_ROLES)
        await federation.start()
        yield made


class Side:
    """One state's view of a case through its API, as one of its users."""

    def __init__(self, nodes: NodesUnderTest, state: str, role: Role) -> None:
        self.nodes, self.state, self.role = nodes, state, role
        self.case_id: str | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        return self.nodes.clients[self.state]

    async def headers(self) -> dict[str, str]:
        return await self.nodes.headers(self.state, self.role)

    async def call(self, method: str, path: str, **options: Any) -> httpx.Response:
        return await self.client.request(method, path, headers=await self.headers(), **options)

    async def case(self) -> dict[str, Any]:
        assert self.case_id is not None
        response = await self.call("GET", f"/mla/cases/{self.case_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def find(self, case_ref: str) -> bool:
        """Whether the case of ``case_ref`` has arrived here (and remember its id)."""
        listed = (await self.call("GET", "/mla/cases")).json()
        found = [c["id"] for c in listed if c["case_ref"] == case_ref]
        if found:
            self.case_id = found[0]
        return bool(found)

    async def send(self, draft: dict[str, Any]) -> dict[str, Any]:
        """Send a message in the case; the case after it."""
        response = await self.call("POST", f"/mla/cases/{self.case_id}/messages", json=draft)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def open(self, draft: dict[str, Any]) -> dict[str, Any]:
        """Open a case with ``draft`` as its first message, check it and send it."""
        created = await self.call("POST", "/mla/cases", json=draft)
        assert created.status_code == 201, created.text
        self.case_id = created.json()["id"]
        check = (await self.call("GET", f"/mla/cases/{self.case_id}/draft")).json()
        assert check["problems"] == [], check["problems"]
        sent = await self.call("POST", f"/mla/cases/{self.case_id}/draft/send")
        assert sent.status_code == 200, sent.text
        body: dict[str, Any] = sent.json()
        return body


async def delivered(sender: Side, receiver: Side, message_id: str, case_ref: str) -> None:
    """Wait until ``message_id`` is filed at the receiver and its receipt is back at the
    sender."""

    async def arrived() -> bool:
        if receiver.case_id is None and not await receiver.find(case_ref):
            return False
        entries = (await receiver.case())["entries"]
        return any(e["message_id"] == message_id for e in entries)

    async def receipted() -> bool:
        entry = next(e for e in (await sender.case())["entries"] if e["message_id"] == message_id)
        return entry["transport"]["state"] == "delivered"

    await wait_for(arrived)
    await wait_for(receipted)
