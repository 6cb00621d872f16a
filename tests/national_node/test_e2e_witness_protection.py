"""End to end: a witness-protection cooperation between AR and BR, from the request to the
closure, in which the protection units read the sealed dossier, each reading logged, while an
auditor (metadata only) and a prosecutor (403) demonstrably cannot: none of the dossier's
plaintext values appears in anything they get back. On the in-process transport, and over the
real broker (AR and BR each on a vhost of their own of the local RabbitMQ, linked by shovels)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from gateway.rabbit import RabbitTransport
from messages.witness_protection.vocab import WPStatus
from national_node.roles import Role
from tests.national_node.conftest import NodesUnderTest, _engines
from tests.national_node.repatriation_steps import Desk, over_the_broker, settled
from tests.national_node.witness_steps import (
    CASES,
    arrangement,
    closure_confirmation,
    decision,
    first_request,
    leaked,
    sealed_values,
    status,
    termination_notice,
)

pytestmark = pytest.mark.asyncio

STATES = [
    "REQUESTED",
    "ASSESSING",
    "ACCEPTED",
    "ARRANGEMENT_CONCLUDED",
    "RELOCATION_IN_PROGRESS",
    "ACTIVE",
    "TERMINATED",
    "CLOSED",
]


async def access_log(nodes: NodesUnderTest, state: str, case_id: str) -> list[dict[str, Any]]:
    auditor = await nodes.headers(state, Role.AUDITOR)
    logged = await nodes.clients[state].get(
        "/audit/access", params={"case_id": case_id, "limit": 1000}, headers=auditor
    )
    assert logged.status_code == 200, logged.text
    records: list[dict[str, Any]] = logged.json()
    return records


async def auditor_sees(nodes: NodesUnderTest, state: str, case_id: str) -> list[httpx.Response]:
    """Everything an auditor can get about the case."""
    client, auditor = nodes.clients[state], await nodes.headers(state, Role.AUDITOR)
    responses = [
        await client.get("/audit/cases", headers=auditor),
        await client.get(f"/audit/cases/{case_id}", headers=auditor),
        await client.get("/audit/access", params={"case_id": case_id}, headers=auditor),
        await client.get("/audit/exchange", headers=auditor),
        await client.get("/audit/events", headers=auditor),
    ]
    assert [r.status_code for r in responses] == [200] * 5
    timeline = responses[1].json()
    assert timeline["state"] == "CLOSED"
    assert all(entry["document"] is None for entry in timeline["entries"])
    for path in (CASES, f"{CASES}/{case_id}", f"{CASES}/{case_id}/protected-person"):
        forbidden = await client.get(path, headers=auditor)
        assert forbidden.status_code == 403
        responses.append(forbidden)
    return responses


async def prosecutor_sees(nodes: NodesUnderTest, state: str, case_id: str) -> list[httpx.Response]:
    """Everything a prosecutor tries to get about the case: refused, every one."""
    client, prosecutor = nodes.clients[state], await nodes.headers(state, Role.PROSECUTOR)
    responses = [
        await client.get(CASES, headers=prosecutor),
        await client.get(f"{CASES}/{case_id}", headers=prosecutor),
        await client.get(f"{CASES}/{case_id}/draft", headers=prosecutor),
        await client.get(f"{CASES}/{case_id}/protected-person", headers=prosecutor),
        await client.get(f"/audit/cases/{case_id}", headers=prosecutor),
        await client.get("/audit/access", headers=prosecutor),
    ]
    assert [r.status_code for r in responses] == [403] * len(responses)
    return responses


async def officer_reads(
    nodes: NodesUnderTest, officer: Desk, state: str, case_id: str, dossier: dict[str, Any]
) -> None:
    """The protection unit reads the dossier, and the access log shows that very reading."""
    before = {record["id"] for record in await access_log(nodes, state, case_id)}
    read = await officer.client.get(f"{CASES}/{case_id}", headers=officer.headers)
    assert read.status_code == 200, read.text
    assert leaked(read.text, sealed_values(dossier)) == sealed_values(dossier)
    request = next(e for e in read.json()["entries"] if e["trigger"] == "WPCooperationRequest")
    assert request["document"]["body"]["dossier"] == dossier
    new = [r for r in await access_log(nodes, state, case_id) if r["id"] not in before]
    assert [(r["role"], r["entry_id"], r["path"]) for r in new] == [
        ("wp_officer", request["id"], "body.dossier")
    ]


ROLES = (Role.WP_OFFICER, Role.AUDITOR, Role.PROSECUTOR)


@pytest_asyncio.fixture
async def over_rabbit(
    database_kind: str, tmp_path: Path, postgres_url: str
) -> AsyncIterator[NodesUnderTest]:
    async with AsyncExitStack() as stack:
        engines = await _engines(database_kind, stack, tmp_path, postgres_url)
        del engines["PY"]  # AR and BR
        yield await stack.enter_async_context(over_the_broker(engines, ROLES))


async def test_a_cooperation_whose_dossier_only_the_protection_units_read(
    nodes: NodesUnderTest,
) -> None:
    await a_cooperation(nodes)
    await settled(nodes)


@pytest.mark.rabbitmq
async def test_a_cooperation_whose_dossier_only_the_protection_units_read_over_the_real_broker(
    over_rabbit: NodesUnderTest,
) -> None:
    for node in over_rabbit.federation.nodes.values():
        assert isinstance(node.gateway.transport, RabbitTransport)
    await a_cooperation(over_rabbit)
    await settled(over_rabbit)


async def a_cooperation(nodes: NodesUnderTest) -> None:
    ar = await Desk.of(nodes, "AR", Role.WP_OFFICER, CASES)
    br = await Desk.of(nodes, "BR", Role.WP_OFFICER, CASES)
    first = first_request("BR")
    dossier = first["body"]["dossier"]
    values = sealed_values(dossier)
    assert "Aguirre Benítez" in values
    assert "AAF204118" in values
    assert "1997-03-15" in values

    requested = await ar.open(first)
    ar_id = requested["id"]
    assert requested["state"] == "REQUESTED"
    token = requested["entries"][-1]["document"]["body"]["wp_token"]
    assert token.startswith("wpt_")
    assert len(token) >= 47
    br_id = await br.find(requested["case_ref"])
    assert (await br.reaches(br_id, "REQUESTED", 1))["entries"][0]["refused"] is None
    assert (await br.event(br_id, "ASSESSMENT_STARTED"))["state"] == "ASSESSING"
    assert (await br.send(br_id, decision()))["state"] == "ACCEPTED"
    await ar.reaches(ar_id, "ACCEPTED", 3)
    assert (await ar.send(ar_id, arrangement()))["state"] == "ARRANGEMENT_CONCLUDED"
    await br.reaches(br_id, "ARRANGEMENT_CONCLUDED", 4)
    relocating = await br.send(br_id, status(WPStatus.RELOCATION_IN_PROGRESS))
    assert relocating["state"] == "RELOCATION_IN_PROGRESS"
    assert (await br.send(br_id, status(WPStatus.ACTIVE)))["state"] == "ACTIVE"
    await ar.reaches(ar_id, "ACTIVE", 6)
    assert (await ar.send(ar_id, termination_notice()))["state"] == "TERMINATED"
    await br.reaches(br_id, "TERMINATED", 7)
    assert (await br.send(br_id, closure_confirmation()))["state"] == "CLOSED"
    await ar.reaches(ar_id, "CLOSED", 8)

    # Both units saw every state and every receipt; every message names the person by the token.
    at_ar, at_br = await ar.delivered(ar_id), await br.delivered(br_id)
    messages_ar = [e for e in at_ar["entries"] if e["message_id"]]
    messages_br = [e for e in at_br["entries"] if e["message_id"]]
    assert [e["message_id"] for e in messages_ar] == [e["message_id"] for e in messages_br]
    assert [e["state_after"] for e in at_br["entries"]] == STATES
    assert [e["state_after"] for e in messages_ar] == [s for s in STATES if s != "ASSESSING"]
    for entry in messages_ar + messages_br:
        assert entry["refused"] is None
        assert entry["document"]["body"]["wp_token"] == token
        receipt = entry["transport"]
        assert receipt["state"] == ("delivered" if entry["direction"] == "sent" else "accepted")
        assert receipt["receipt_log_index"] is not None

    for state, officer, case_id in (("AR", ar, ar_id), ("BR", br, br_id)):
        await officer_reads(nodes, officer, state, case_id, dossier)
        await officer_reads(nodes, officer, state, case_id, dossier)
        before = len(await access_log(nodes, state, case_id))
        others = await auditor_sees(nodes, state, case_id)
        others += await prosecutor_sees(nodes, state, case_id)
        for response in others:
            assert leaked(response.text, values) == [], response.request.url
            assert token not in response.text, response.request.url
        assert len(await access_log(nodes, state, case_id)) == before  # nothing opened for them
    mapping = await nodes.clients["AR"].get(f"{CASES}/{ar_id}/protected-person", headers=ar.headers)
    assert [link["wp_token"] for link in mapping.json()["links"]] == [token]
    assert json.dumps(mapping.json()).count("wpp_") == 1
