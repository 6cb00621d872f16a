"""A message drafted at one node reaches the other, and its receipt comes back."""

from __future__ import annotations

import asyncio

import pytest

from messages.registry import FAMILY_SPECS
from messages.vocab import Family
from national_node.api.examples import as_draft
from national_node.roles import Role
from tests.national_node.conftest import NodesUnderTest

pytestmark = pytest.mark.asyncio


async def wait_for(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_an_evidence_request_is_delivered_and_filed_at_the_recipient(
    nodes: NodesUnderTest,
) -> None:
    ar, py = nodes.clients["AR"], nodes.clients["PY"]
    prosecutor = await nodes.headers("AR", Role.PROSECUTOR)
    request = FAMILY_SPECS[Family.MLA].example_conversations()[0][0]
    draft = as_draft(request, first=True)
    draft.pop("urgency", None)  # the sample's respond_by date is in the past
    draft["recipient"] = {
        "state": "PY",
        "authority_id": "PY-CENTRAL-AUTHORITY",
        "role": "CENTRAL_AUTHORITY",
    }
    created = await ar.post("/mla/cases", json=draft, headers=prosecutor)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    check = await ar.get(f"/mla/cases/{case_id}/draft", headers=prosecutor)
    assert check.json()["problems"] == []
    sent = await ar.post(f"/mla/cases/{case_id}/draft/send", headers=prosecutor)
    assert sent.status_code == 200, sent.text
    assert sent.json()["state"] == "TRANSMITTED"

    async def delivered() -> bool:
        case = (await ar.get(f"/mla/cases/{case_id}", headers=prosecutor)).json()
        return case["entries"][-1]["transport"]["state"] == "delivered"

    await wait_for(delivered)
    central = await nodes.headers("PY", Role.CENTRAL_AUTHORITY)
    listed = (await py.get("/mla/cases", headers=central)).json()
    assert [c["case_ref"] for c in listed] == [created.json()["case_ref"]]
    received = (await py.get(f"/mla/cases/{listed[0]['id']}", headers=central)).json()
    assert received["entries"][0]["direction"] == "received"
    assert received["entries"][0]["document"]["header"]["sender"]["authority_id"] == "AR-PROSECUTOR"
