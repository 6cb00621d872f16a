"""The data-minimisation rules of domain model A.5 that the node enforces on the API:
per-counterpart tokens issued by the node and a sealed mapping only the protection unit sees
(rule 1), nothing identifying outside the sealed dossier (rules 2, 5), the node's own case
reference."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from messages.registry import FAMILY_SPECS
from messages.vocab import Family
from national_node.api.examples import as_draft
from national_node.roles import Role
from tests.national_node.conftest import NodesUnderTest
from tests.national_node.repatriation_steps import Desk, settled
from tests.national_node.witness_steps import CASES, decision, first_request

pytestmark = pytest.mark.asyncio

PER_COUNTERPART = "wp-token-per-counterpart"
NOT_THE_UNIT = (
    Role.PROSECUTOR,
    Role.CENTRAL_AUTHORITY,
    Role.CONSULAR_OFFICER,
    Role.VICTIM_SERVICES,
    Role.STATS_OFFICER,
    Role.AUDITOR,
    Role.ADMIN,
)


async def created(desk: Desk, first: dict[str, Any]) -> str:
    response = await desk.client.post(CASES, json=first, headers=desk.headers)
    assert response.status_code == 201, response.text
    case_id: str = response.json()["id"]
    return case_id


async def link(desk: Desk, case_id: str, same_person_as: str | None = None) -> httpx.Response:
    return await desk.client.post(
        f"{CASES}/{case_id}/protected-person",
        json={} if same_person_as is None else {"same_person_as": same_person_as},
        headers=desk.headers,
    )


def refused(response: httpx.Response, guard: str) -> str:
    assert response.status_code == 409, response.text
    assert response.json()["detail"]["guards"] == [guard]
    message: str = response.json()["detail"]["message"]
    return message


def problems(response: httpx.Response) -> list[tuple[str, str]]:
    return [(p["path"], p["message"]) for p in response.json()["detail"]["problems"]]


async def test_each_counterpart_knows_the_person_by_its_own_token(nodes: NodesUnderTest) -> None:
    ar = await Desk.of(nodes, "AR", Role.WP_OFFICER, CASES)
    with_br = await created(ar, first_request("BR"))
    with_py = await created(ar, first_request("PY"))
    again_with_br = await created(ar, first_request("BR"))

    first = await link(ar, with_br)
    assert first.status_code == 200, first.text
    person = first.json()["person"]
    [to_br] = [link["wp_token"] for link in first.json()["links"]]
    assert person.startswith("wpp_")
    assert to_br.startswith("wpt_")
    assert (await link(ar, with_br)).json() == first.json()  # idempotent
    second = await link(ar, with_py, same_person_as=with_br)
    assert second.json()["person"] == person
    by_state = {link["counterpart_state"]: link["wp_token"] for link in second.json()["links"]}
    assert by_state["BR"] == to_br
    assert by_state["PY"] not in (to_br, None)
    to_py = by_state["PY"]
    third = await link(ar, again_with_br, same_person_as=with_py)
    tokens = {link["case_id"]: link["wp_token"] for link in third.json()["links"]}
    assert tokens == {with_br: to_br, with_py: to_py, again_with_br: to_br}
    other_person = await created(ar, first_request("PY"))
    assert (await link(ar, other_person)).status_code == 200
    refused(await link(ar, other_person, same_person_as=with_br), "one-person-per-case")

    # The case with PY cannot name the person by BR's token, nor by one the node did not issue.
    leaking = first_request("PY")
    leaking["body"]["wp_token"] = to_br
    saved = await ar.client.put(f"{CASES}/{with_py}/draft", json=leaking, headers=ar.headers)
    assert "wp-token-per-counterpart" in saved.json()["problems"][0]["message"]
    send = f"{CASES}/{with_py}/draft/send"
    why = refused(await ar.client.post(send, headers=ar.headers), "wp-token-per-counterpart")
    assert to_br not in why
    assert "names the person to BR" in why
    invented = first_request("PY")
    invented["body"]["wp_token"] = "wpt_" + "A" * 40
    await ar.client.put(f"{CASES}/{with_py}/draft", json=invented, headers=ar.headers)
    refused(await ar.client.post(send, headers=ar.headers), "wp-token-of-case")

    await ar.client.put(f"{CASES}/{with_py}/draft", json=first_request("PY"), headers=ar.headers)
    sent = await ar.send_draft(with_py)
    assert sent["entries"][-1]["document"]["body"]["wp_token"] == to_py
    py = await Desk.of(nodes, "PY", Role.WP_OFFICER, CASES)
    at_py = await py.case(await py.find(sent["case_ref"]))
    assert at_py["entries"][0]["document"]["body"]["wp_token"] == to_py
    py_text = (await py.client.get(f"{CASES}/{at_py['id']}", headers=py.headers)).text
    assert to_br not in py_text
    assert person not in py_text

    # Only the protection unit sees the mapping, and each look is logged.
    path = f"{CASES}/{with_br}/protected-person"
    for role in NOT_THE_UNIT:
        denied = await ar.client.get(path, headers=await nodes.headers("AR", role))
        assert denied.status_code == 403, role
        assert to_br not in denied.text
        assert person not in denied.text
        denied = await ar.client.post(path, json={}, headers=await nodes.headers("AR", role))
        assert denied.status_code == 403, role
    shown = await ar.client.get(path, headers=ar.headers)
    assert {link["wp_token"] for link in shown.json()["links"]} == {to_br, to_py}
    auditor = await nodes.headers("AR", Role.AUDITOR)
    logged = await ar.client.get("/audit/access", params={"case_id": with_br}, headers=auditor)
    # The case with BR's link was shown by the three links made, the idempotent one and this.
    shown_to_unit = [(r["role"], r["path"]) for r in logged.json()]
    assert shown_to_unit == [("wp_officer", "wp_token_link")] * 5
    unknown = "00000000-0000-4000-8000-000000000000"
    missing = await ar.client.get(f"{CASES}/{unknown}/protected-person", headers=ar.headers)
    assert missing.status_code == 404
    assert (await link(ar, with_br, same_person_as=unknown)).status_code == 404
    await settled(nodes)


async def test_nothing_identifying_travels_outside_the_sealed_dossier(
    nodes: NodesUnderTest,
) -> None:
    ar = await Desk.of(nodes, "AR", Role.WP_OFFICER, CASES)
    chosen = {**first_request("BR"), "case_ref": "AR-WP-AGUIRRE-BENITEZ"}
    by_user = await ar.client.post(CASES, json=chosen, headers=ar.headers)
    assert by_user.status_code == 422
    assert [path for path, _ in problems(by_user)] == ["case_ref"]

    case_id = await created(ar, first_request("BR", sealed_dossier_ref="PNPTI-AGUIRRE-0042"))
    check = await ar.client.get(f"{CASES}/{case_id}/draft", headers=ar.headers)
    [(path, message)] = [(p["path"], p["message"]) for p in check.json()["problems"]]
    assert path == "body.sealed_dossier_ref"
    assert "holds a name" in message
    send = f"{CASES}/{case_id}/draft/send"
    for reference, what in (
        ("PNPTI-AGUIRRE-0042", "a name"),
        ("DOS-38411902", "a document number or date of birth"),
        ("DOS-AAF204118-B", "a document number or date of birth"),
        ("DOS-19970315", "a document number or date of birth"),
        ("DOS-MARTINA-1", "a name"),
    ):
        draft = first_request("BR", sealed_dossier_ref=reference)
        await ar.client.put(f"{CASES}/{case_id}/draft", json=draft, headers=ar.headers)
        response = await ar.client.post(send, headers=ar.headers)
        assert response.status_code == 422, reference
        [(path, message)] = problems(response)
        assert path == "body.sealed_dossier_ref"
        assert f"holds {what}" in message
        assert reference not in response.text
    await ar.client.put(f"{CASES}/{case_id}/draft", json=first_request("BR"), headers=ar.headers)
    sent = await ar.send_draft(case_id)
    assert sent["state"] == "REQUESTED"

    # The host checks its own messages against the dossier it received.
    br = await Desk.of(nodes, "BR", Role.WP_OFFICER, CASES)
    br_id = await br.find(sent["case_ref"])
    await br.reaches(br_id, "REQUESTED", 1)
    naming = await br.attempt(br_id, decision(arrangement_ref="MOU-BENITEZ-7"))
    assert naming.status_code == 422
    assert [path for path, _ in problems(naming)] == ["body.arrangement_ref"]
    assert (await br.send(br_id, decision()))["state"] == "ACCEPTED"
    await settled(nodes)


async def test_an_mla_request_names_a_protected_witness_only_by_the_counterparts_token(
    nodes: NodesUnderTest,
) -> None:
    unit = await Desk.of(nodes, "AR", Role.WP_OFFICER, CASES)
    with_br = await created(unit, first_request("BR"))
    to_br = (await link(unit, with_br)).json()["links"][0]["wp_token"]
    with_py = await created(unit, first_request("PY"))
    linked = await link(unit, with_py, same_person_as=with_br)
    [to_py] = [x["wp_token"] for x in linked.json()["links"] if x["counterpart_state"] == "PY"]

    prosecutor = await Desk.of(nodes, "AR", Role.PROSECUTOR, "/mla/cases")
    request = as_draft(FAMILY_SPECS[Family.MLA].example_conversations()[0][0], first=True)
    request.pop("urgency", None)  # the sample's respond_by date is in the past
    request["recipient"] = {
        "state": "PY",
        "authority_id": "PY-CENTRAL-AUTHORITY",
        "role": "CENTRAL_AUTHORITY",
    }
    victim = next(p for p in request["body"]["persons_concerned"] if p["role"] == "VICTIM")
    victim["wp_token"] = to_br
    response = await prosecutor.client.post("/mla/cases", json=request, headers=prosecutor.headers)
    assert response.status_code == 201, response.text
    case_id = response.json()["id"]
    send = f"/mla/cases/{case_id}/draft/send"
    why = refused(await prosecutor.client.post(send, headers=prosecutor.headers), PER_COUNTERPART)
    assert "names a protected person to BR" in why
    assert to_br not in why
    victim["wp_token"] = to_py
    await prosecutor.client.put(
        f"/mla/cases/{case_id}/draft", json=request, headers=prosecutor.headers
    )
    sent = await prosecutor.send_draft(case_id)
    assert sent["state"] == "TRANSMITTED"
    await settled(nodes)
