"""Untrusted input: whatever a client sends that does not fit the API is refused with a 4xx
that names each problem, and changes nothing stored; a message from another state that the
lifecycle refuses is kept, flagged and logged, and its case does not move."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Final

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from messages.document import Document
from messages.registry import FAMILY_SPECS
from messages.vocab import Family
from national_node.api.errors import MAX_REQUEST_BYTES
from national_node.roles import Role
from tests.national_node.conftest import PASSWORD, NodesUnderTest
from tests.national_node.test_authorization import first_draft

pytestmark = pytest.mark.asyncio

JSON: Final = {"Content-Type": "application/json"}
EVIDENCE_REQUEST, INFORMATION_REPLY = (
    FAMILY_SPECS[Family.MLA].example_conversations()[0][0],
    FAMILY_SPECS[Family.MLA].example_conversations()[0][3],
)


@dataclass(frozen=True)
class Bad:
    """A bad request, the status it must get, and the problem paths its answer must name."""

    what: str
    method: str
    path: str
    role: Role | None
    body: bytes | None
    status: int
    paths: tuple[str, ...] = ()


def raw(value: Any) -> bytes:
    return json.dumps(value).encode()


DRAFT: Final = first_draft(Family.MLA)

BAD: Final = (
    Bad(
        "malformed JSON",
        "POST",
        "/mla/cases",
        Role.PROSECUTOR,
        b'{"message_type": ',
        422,
        ("body",),
    ),
    Bad("not an object", "POST", "/mla/cases", Role.PROSECUTOR, b"[1, 2]", 422, ("body",)),
    Bad("no body", "POST", "/mla/cases", Role.PROSECUTOR, None, 422, ("body",)),
    Bad(
        "wrong types, every one named",
        "POST",
        "/mla/cases",
        Role.PROSECUTOR,
        raw({"message_type": 42, "body": "text", "recipient": {"state": 7}, "attachments": {}}),
        422,
        (
            "body.message_type",
            "body.body",
            "body.recipient.state",
            "body.recipient.authority_id",
            "body.recipient.role",
            "body.attachments",
        ),
    ),
    Bad(
        "unknown fields",
        "POST",
        "/mla/cases",
        Role.PROSECUTOR,
        raw(DRAFT | {"colour": "red", "recipient": DRAFT["recipient"] | {"phone": "1"}}),
        422,
        ("body.colour", "body.recipient.phone"),
    ),
    Bad(
        "not a state",
        "POST",
        "/mla/cases",
        Role.PROSECUTOR,
        raw(DRAFT | {"recipient": DRAFT["recipient"] | {"state": "XX"}}),
        422,
        ("body.recipient.state",),
    ),
    Bad(
        "a case reference that could carry a name",
        "POST",
        "/mla/cases",
        Role.PROSECUTOR,
        raw(DRAFT | {"case_ref": "Ana Pérez 2025"}),
        422,
        ("body.case_ref",),
    ),
    Bad(
        "NaN (Python reads it, JSON has no such number)",
        "POST",
        "/mla/cases",
        Role.PROSECUTOR,
        raw(DRAFT).replace(b'"body": {', b'"body": {"score": NaN, ', 1),
        422,
        ("body",),
    ),
    Bad(
        "an infinite number",
        "POST",
        "/mla/cases",
        Role.PROSECUTOR,
        raw(DRAFT).replace(b'"body": {', b'"body": {"score": 1e999, ', 1),
        422,
        ("body",),
    ),
    Bad(
        "a lone surrogate (no UTF-8 encodes it)",
        "POST",
        "/mla/cases",
        Role.PROSECUTOR,
        raw(DRAFT | {"language": "\ud800"}),
        422,
        ("body",),
    ),
    Bad(
        "too deeply nested to parse",
        "POST",
        "/mla/cases",
        Role.PROSECUTOR,
        b'{"body": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        400,
    ),
    Bad(
        "a body larger than an envelope",
        "POST",
        "/mla/cases",
        Role.PROSECUTOR,
        b'{"message_type": "' + b"x" * MAX_REQUEST_BYTES + b'"}',
        413,
    ),
    Bad(
        "a huge value in a small enough body",
        "POST",
        "/users",
        Role.ADMIN,
        raw(
            {
                "username": "u" * 100_000,
                "password": PASSWORD,
                "role": "auditor",
                "authority_id": "A",
            }
        ),
        422,
        ("body.username",),
    ),
    Bad(
        "a role that does not exist",
        "POST",
        "/users",
        Role.ADMIN,
        raw({"username": "newcomer", "password": PASSWORD, "role": "root", "authority_id": "A"}),
        422,
        ("body.role",),
    ),
    Bad(
        "a scope that does not exist",
        "POST",
        "/tokens",
        Role.AUDITOR,
        raw({"name": "x", "scopes": ["audit:read", "everything"]}),
        422,
        ("body.scopes.1",),
    ),
    Bad(
        "a NUL in a username (PostgreSQL text cannot hold it)",
        "POST",
        "/auth/login",
        None,
        raw({"username": "auditor\u0000", "password": PASSWORD}),
        422,
        ("body.username",),
    ),
    Bad("a limit of 0", "GET", "/audit/events?limit=0", Role.AUDITOR, None, 422, ("query.limit",)),
    Bad(
        "a limit in words",
        "GET",
        "/mla/cases?limit=ten",
        Role.PROSECUTOR,
        None,
        422,
        ("query.limit",),
    ),
    Bad(
        "a time beyond any clock",
        "GET",
        f"/audit/exchange?since={2**64}",
        Role.AUDITOR,
        None,
        422,
        ("query.since",),
    ),
    Bad("a row id of 0", "DELETE", "/tokens/0", Role.AUDITOR, None, 422, ("path.token_id",)),
    Bad(
        "a row id beyond any column",
        "PATCH",
        f"/users/{2**40}",
        Role.ADMIN,
        raw({"active": True}),
        422,
        ("path.user_id",),
    ),
    Bad(
        "a case id that is no UUID",
        "GET",
        "/mla/cases/42",
        Role.PROSECUTOR,
        None,
        422,
        ("path.case_id",),
    ),
)


BOOKKEEPING: Final = {("node_api_token", "last_used_at")}
"""Columns a refused request may still change: the token it presented was used."""


async def snapshot(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (bookkeeping columns left out)."""
    rows = {}
    async with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in BOOKKEEPING]
            result = await connection.execute(select(*columns))
            rows[table.name] = sorted((tuple(row) for row in result), key=repr)
    return rows


async def test_bad_input_is_refused_naming_each_problem_and_changes_nothing(
    nodes: NodesUnderTest,
) -> None:
    client = nodes.clients["AR"]
    headers = {role: await nodes.headers("AR", role) for role in Role}
    case = (await client.post("/mla/cases", json=DRAFT, headers=headers[Role.PROSECUTOR])).json()
    on_case = (
        Bad("a draft of the wrong shape", "PUT", f"/mla/cases/{case['id']}/draft", Role.PROSECUTOR,
            raw({"message_type": "EvidenceRequest", "body": []}), 422, ("body.body",)),
        Bad("a message of no known type", "POST", f"/mla/cases/{case['id']}/messages",
            Role.PROSECUTOR, raw({"message_type": "Telegram"}), 422, ("body.message_type",)),
    )  # fmt: skip
    engine = nodes.federation.nodes["AR"].engine
    before = await snapshot(engine)
    for bad in (*BAD, *on_case):
        response = await client.request(
            bad.method,
            bad.path,
            content=bad.body,
            headers=(headers[bad.role] if bad.role else {}) | JSON,
        )
        assert (bad.what, response.status_code) == (bad.what, bad.status), response.text[:500]
        if bad.status == 422:
            detail = response.json()["detail"]
            named = [problem["path"] for problem in detail["problems"]]
            assert (bad.what, sorted(set(named))) == (bad.what, sorted(bad.paths))
            assert all(problem["message"] for problem in detail["problems"])
        elif bad.status == 413:  # refused before the app reads a byte
            assert response.text == "Content Too Large"
        else:
            assert response.json()["detail"]
    assert await snapshot(engine) == before


async def test_problems_never_echo_the_input(nodes: NodesUnderTest) -> None:
    """What was sent may be sealed data: a 422 names where and why, never the value."""
    secret = "Ayala-Sanabria-4812337"
    draft = DRAFT | {"recipient": DRAFT["recipient"] | {"state": secret}, "case_ref": secret}
    response = await nodes.clients["AR"].post(
        "/mla/cases", json=draft, headers=await nodes.headers("AR", Role.PROSECUTOR)
    )
    assert response.status_code == 422
    assert secret not in response.text


async def test_a_message_to_a_state_outside_the_federation_is_refused_at_sending(
    nodes: NodesUnderTest,
) -> None:
    """France is a state, but not of this federation: no key to encrypt to, nothing sent."""
    client, headers = nodes.clients["AR"], await nodes.headers("AR", Role.PROSECUTOR)
    draft = DRAFT | {"recipient": DRAFT["recipient"] | {"state": "FR"}}
    case = (await client.post("/mla/cases", json=draft, headers=headers)).json()
    engine = nodes.federation.nodes["AR"].engine
    before = await snapshot(engine)
    sent = await client.post(f"/mla/cases/{case['id']}/draft/send", headers=headers)
    assert sent.status_code == 422
    (problem,) = sent.json()["detail"]["problems"]
    assert problem == {"path": "recipient.state", "message": "FR is not a state of this federation"}
    assert await snapshot(engine) == before


# --- what another state sends ----------------------------------------------------------------


async def file_at_py(
    nodes: NodesUnderTest, document: Document[Any], entries: int
) -> dict[str, Any]:
    """``document`` sent by AR's gateway to PY; PY's MLA case once it holds ``entries``."""
    await nodes.federation.nodes["AR"].gateway.send(document)
    client, headers = nodes.clients["PY"], await nodes.headers("PY", Role.CENTRAL_AUTHORITY)
    for _ in range(200):
        listed = (await client.get("/mla/cases", headers=headers)).json()
        if listed:
            case: dict[str, Any] = (
                await client.get(f"/mla/cases/{listed[0]['id']}", headers=headers)
            ).json()
            if len(case["entries"]) == entries:
                return case
        await asyncio.sleep(0.05)
    raise AssertionError("the messages were not filed")


async def refusals(nodes: NodesUnderTest, count: int) -> list[dict[str, Any]]:
    """PY's business-refused events, once there are ``count``."""
    client, headers = nodes.clients["PY"], await nodes.headers("PY", Role.AUDITOR)
    for _ in range(200):
        events = (
            await client.get("/audit/events", params={"kind": "business-refused"}, headers=headers)
        ).json()
        if len(events) >= count:
            return [json.loads(e["detail"]) for e in events]
        await asyncio.sleep(0.05)
    raise AssertionError("no refusal logged")


async def test_a_message_the_lifecycle_refuses_is_kept_flagged_and_logged_and_the_case_stays(
    nodes: NodesUnderTest,
) -> None:
    """An InformationReply when PY asked for nothing: PY keeps it (nothing received is lost),
    flags it with the lifecycle's reason, logs the refusal, and the case does not move."""
    alone = await file_at_py(nodes, EVIDENCE_REQUEST, 1)
    case = await file_at_py(nodes, INFORMATION_REPLY, 2)
    request, reply = case["entries"]
    assert request["refused"] is None
    assert case["state"] == alone["state"] == request["state_after"] == reply["state_after"]
    assert reply["trigger"] == "InformationReply"
    assert reply["refused"]
    assert "InformationReply" in reply["refused"]
    assert reply["document"]["header"]["message_id"] == str(INFORMATION_REPLY.header.message_id)
    assert reply["transport"]["state"] == "accepted"  # the gateway took it; the business did not
    (refusal,) = await refusals(nodes, 1)
    assert refusal == {
        "envelope_sha256": reply["transport"]["envelope_sha256"],
        "from": "AR",
        "why": reply["refused"],
    }


async def test_a_message_into_another_states_conversation_is_logged_and_filed_nowhere(
    nodes: NodesUnderTest,
) -> None:
    """BR writing into the conversation PY has with AR: the case does not get it."""
    case = await file_at_py(nodes, EVIDENCE_REQUEST, 1)
    header = INFORMATION_REPLY.header
    intruder = INFORMATION_REPLY.model_copy(
        update={
            "header": header.model_copy(
                update={"sender": header.sender.model_copy(update={"state": "BR"})}
            )
        }
    )
    await nodes.federation.nodes["BR"].gateway.send(intruder)
    (refusal,) = await refusals(nodes, 1)
    assert (refusal["from"], refusal["why"]) == ("BR", "conversation belongs to another case")
    after = (
        await nodes.clients["PY"].get(
            f"/mla/cases/{case['id']}", headers=await nodes.headers("PY", Role.CENTRAL_AUTHORITY)
        )
    ).json()
    assert (after["state"], len(after["entries"])) == (case["state"], 1)
