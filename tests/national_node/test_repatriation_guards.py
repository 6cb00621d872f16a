"""The guards of a repatriation on the API, each refused (409, naming the guard, nothing sent)
and then satisfied: consent before identity data leaves the node; a recent safety assessment
below PROHIBITIVE before a return is scheduled; pending proceedings block the return until a
prosecutor records their confirmation, which the consular officer's ReturnScheduled carries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlmodel import select

from gateway.store import OutboxMessage
from messages.repatriation.vocab import HoldReason, RiskLevel
from national_node.roles import Role
from tests.national_node.conftest import NodesUnderTest, authority_of
from tests.national_node.repatriation_steps import (
    CASES,
    Desk,
    assessment,
    consent,
    draft,
    first_notice,
    hold,
    notice,
    now,
    resume,
    return_scheduled,
    settled,
    today,
    travel_document_issued,
    travel_document_request,
    verification_request,
    verification_result,
)

pytestmark = pytest.mark.asyncio

CONFIRMATION = {"decision_ref": "PRSP-NCRIM-2026-00211", "step": "TESTIMONY_TAKEN"}


def refused(response: httpx.Response, *guards: str) -> str:
    """The refusal's message, after checking it is a 409 naming exactly ``guards``."""
    assert response.status_code == 409, response.text
    detail = response.json()["detail"]
    assert detail["guards"] == list(guards)
    message: str = detail["message"]
    return message


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def outbox_rows(nodes: NodesUnderTest, state: str) -> int:
    async with nodes.federation.nodes[state].session() as session:
        return len((await session.exec(select(OutboxMessage))).all())


async def travel_documents_issued(
    br: Desk, py: Desk, *, assessed_days_ago: float, proceedings: bool = True
) -> tuple[str, str]:
    """A case through to TRAVEL_DOCS_ISSUED at BR, whose last safety assessment (MEDIUM) is
    ``assessed_days_ago`` old; BR's and PY's case ids."""
    agreed = consent()
    opened = await br.open(first_notice(agreed, proceedings=proceedings))
    br_id = opened["id"]
    py_id = await py.find(opened["case_ref"])
    await br.send(br_id, draft(verification_request(agreed)))
    await py.reaches(py_id, "NATIONALITY_VERIFICATION", 2)
    await py.send(py_id, draft(verification_result()))
    await br.reaches(br_id, "NATIONALITY_CONFIRMED", 3)
    old = assessment(RiskLevel.MEDIUM, assessed_at=now(days=-assessed_days_ago))
    await br.send(br_id, draft(old))
    await br.send(br_id, draft(travel_document_request(agreed)))
    await py.reaches(py_id, "TRAVEL_DOCS_REQUESTED", 5)
    await py.send(py_id, draft(travel_document_issued(agreed)))
    await br.reaches(br_id, "TRAVEL_DOCS_ISSUED", 6)
    return br_id, py_id


async def confirm(nodes: NodesUnderTest, case_id: str, decision_ref: str) -> httpx.Response:
    return await nodes.clients["BR"].post(
        f"{CASES}/{case_id}/prosecutor-confirmations",
        json={**CONFIRMATION, "decision_ref": decision_ref, "confirmed_on": str(today())},
        headers=await nodes.headers("BR", Role.PROSECUTOR),
    )


async def test_identity_data_leaves_the_node_only_under_a_consent_in_force(
    nodes: NodesUnderTest,
) -> None:
    br = await Desk.of(nodes, "BR", Role.VICTIM_SERVICES)
    py = await Desk.of(nodes, "PY", Role.CONSULAR_OFFICER)
    unconsented = first_notice(consent())
    unconsented["body"]["consent"] = {"given": False, "recorded_at": iso(now(days=-1))}
    created = await br.client.post(CASES, json=unconsented, headers=br.headers)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    check = await br.client.get(f"{CASES}/{case_id}/draft", headers=br.headers)
    assert [p["path"] for p in check.json()["problems"]] == ["message_type"]
    assert "consent-for-identity" in check.json()["problems"][0]["message"]
    send = f"{CASES}/{case_id}/draft/send"
    why = refused(await br.client.post(send, headers=br.headers), "consent-for-identity")
    assert "victim, victim_statement carry identity data" in why
    assert "consent is not given" in why

    narrow = first_notice(consent())
    narrow["body"]["consent"]["scope"] = ["NATIONALITY_VERIFICATION"]
    saved = await br.client.put(f"{CASES}/{case_id}/draft", json=narrow, headers=br.headers)
    assert "does not cover CONSULAR_ASSISTANCE" in saved.json()["problems"][0]["message"]
    why = refused(await br.client.post(send, headers=br.headers), "consent-for-identity")
    assert "does not cover CONSULAR_ASSISTANCE" in why
    unsent = await br.case(case_id)
    assert (unsent["state"], unsent["entries"]) == ("DRAFT", [])
    assert await outbox_rows(nodes, "BR") == 0

    agreed = consent()
    await br.client.put(f"{CASES}/{case_id}/draft", json=first_notice(agreed), headers=br.headers)
    identified = await br.send_draft(case_id)
    assert identified["state"] == "IDENTIFIED"

    # The person withdraws consent: the consent recorded before it no longer carries identity.
    withdrawn = consent(agreed.recorded_at, withdrawn_at=now(hours=-1))
    pending = await br.send(case_id, draft(notice(withdrawn)))
    assert pending["state"] == "CONSENT_PENDING"
    stale = await br.attempt(case_id, draft(verification_request(agreed)))
    why = refused(stale, "consent-for-identity")
    assert "recorded before the withdrawal reported in this case" in why
    renewed = await br.send(case_id, draft(verification_request(consent(now(minutes=-5)))))
    assert renewed["state"] == "NATIONALITY_VERIFICATION"

    py_id = await py.find(identified["case_ref"])
    arrived = await py.reaches(py_id, "NATIONALITY_VERIFICATION", 3)
    assert [e["trigger"] for e in arrived["entries"]] == [
        "VictimIdentifiedNotice",
        "VictimIdentifiedNotice",
        "NationalityVerificationRequest",
    ]
    assert all(e["refused"] is None for e in arrived["entries"])
    await settled(nodes)


async def test_a_return_is_scheduled_on_a_recent_assessment_below_prohibitive_and_a_prosecutors_confirmation(  # noqa: E501
    nodes: NodesUnderTest,
) -> None:
    br = await Desk.of(nodes, "BR", Role.CONSULAR_OFFICER)
    py = await Desk.of(nodes, "PY", Role.CONSULAR_OFFICER)
    br_id, py_id = await travel_documents_issued(br, py, assessed_days_ago=40)
    sent_before = await outbox_rows(nodes, "BR")

    stale = await br.attempt(br_id, draft(return_scheduled()))
    assert "no older than" in refused(stale, "risk-assessment-current", "legal-proceedings-cleared")
    await br.send(br_id, draft(assessment(RiskLevel.PROHIBITIVE)))
    prohibitive = await br.attempt(br_id, draft(return_scheduled()))
    refused(prohibitive, "risk-below-prohibitive", "legal-proceedings-cleared")
    await br.send(br_id, draft(assessment(RiskLevel.MEDIUM)))
    pending = await br.attempt(br_id, draft(return_scheduled()))
    refused(pending, "legal-proceedings-cleared")

    # The officer cannot write a confirmation in: only one a prosecutor recorded here counts.
    forged = draft(return_scheduled())
    forged["body"]["prosecutor_confirmation"] = {
        **CONFIRMATION,
        "prosecutor_authority_id": authority_of("BR", Role.PROSECUTOR),
        "confirmed_on": str(today()),
    }
    refused(await br.attempt(br_id, forged), "prosecutor-confirmation-on-record")
    assert await outbox_rows(nodes, "BR") == sent_before + 2  # the two assessments only

    prosecutor = await nodes.headers("BR", Role.PROSECUTOR)
    client = nodes.clients["BR"]
    assert (await client.get(f"{CASES}/{br_id}", headers=prosecutor)).status_code == 403
    assert (await client.get(CASES, headers=prosecutor)).status_code == 403
    by_officer = await client.post(
        f"{CASES}/{br_id}/prosecutor-confirmations",
        json={**CONFIRMATION, "confirmed_on": str(today())},
        headers=br.headers,
    )
    assert by_officer.status_code == 403
    unknown = await confirm(nodes, "00000000-0000-4000-8000-000000000000", "PRSP-1")
    assert unknown.status_code == 404
    recorded = await confirm(nodes, br_id, CONFIRMATION["decision_ref"])
    assert recorded.status_code == 201, recorded.text
    confirmation = recorded.json()["confirmation"]
    assert recorded.json()["current"] is True
    assert confirmation["prosecutor_authority_id"] == authority_of("BR", Role.PROSECUTOR)

    scheduled = await br.send(br_id, draft(return_scheduled()))
    assert scheduled["state"] == "RETURN_SCHEDULED"
    carried = scheduled["entries"][-1]["document"]["body"]["prosecutor_confirmation"]
    assert carried == confirmation
    received = await py.reaches(py_id, "RETURN_SCHEDULED", 9)
    assert received["entries"][-1]["document"]["body"]["prosecutor_confirmation"] == confirmation
    assert received["entries"][-1]["refused"] is None
    await settled(nodes)


async def test_a_hold_for_proceedings_needs_a_new_confirmation_to_resume(
    nodes: NodesUnderTest,
) -> None:
    br = await Desk.of(nodes, "BR", Role.CONSULAR_OFFICER)
    py = await Desk.of(nodes, "PY", Role.CONSULAR_OFFICER)
    br_id, py_id = await travel_documents_issued(br, py, assessed_days_ago=1)
    first = await confirm(nodes, br_id, "PRSP-NCRIM-2026-00211")
    assert first.status_code == 201, first.text
    assert (await br.send(br_id, draft(return_scheduled())))["state"] == "RETURN_SCHEDULED"

    held = await br.send(br_id, draft(hold(HoldReason.LEGAL_PROCEEDINGS)))
    assert held["state"] == "ON_HOLD"
    listed = await nodes.clients["BR"].get(
        f"{CASES}/{br_id}/prosecutor-confirmations", headers=br.headers
    )
    assert [c["current"] for c in listed.json()] == [False]
    resume_too_soon = await br.attempt(br_id, draft(resume(HoldReason.LEGAL_PROCEEDINGS)))
    refused(resume_too_soon, "resumed-return-still-safe")
    second = await confirm(nodes, br_id, "PRSP-NCRIM-2026-00388")
    assert second.status_code == 201, second.text
    resumed = await br.send(br_id, draft(resume(HoldReason.LEGAL_PROCEEDINGS)))
    assert resumed["state"] == "RETURN_SCHEDULED"
    carried = resumed["entries"][-1]["document"]["body"]["prosecutor_confirmation"]
    assert carried["decision_ref"] == "PRSP-NCRIM-2026-00388"
    at_origin = await py.reaches(py_id, "RETURN_SCHEDULED", 9)
    assert [e["trigger"] for e in at_origin["entries"][-2:]] == ["HoldNotice", "ResumeNotice"]
    await settled(nodes)


async def test_a_confirmation_is_recorded_only_where_a_return_awaits_it(
    nodes: NodesUnderTest,
) -> None:
    br = await Desk.of(nodes, "BR", Role.CONSULAR_OFFICER)
    py = await Desk.of(nodes, "PY", Role.CONSULAR_OFFICER)
    no_proceedings = await br.open(first_notice(consent(), proceedings=False))
    refused(await confirm(nodes, no_proceedings["id"], "PRSP-1"), "legal-proceedings-pending")

    pending = await br.open(first_notice(consent()))
    py_id = await py.find(pending["case_ref"])
    at_origin = await nodes.clients["PY"].post(
        f"{CASES}/{py_id}/prosecutor-confirmations",
        json={**CONFIRMATION, "confirmed_on": str(today())},
        headers=await nodes.headers("PY", Role.PROSECUTOR),
    )
    refused(at_origin, "case-held-here")

    bad: dict[str, Any] = {**CONFIRMATION, "decision_ref": "a name, not a reference"}
    invalid = await nodes.clients["BR"].post(
        f"{CASES}/{pending['id']}/prosecutor-confirmations",
        json={**bad, "confirmed_on": str(today())},
        headers=await nodes.headers("BR", Role.PROSECUTOR),
    )
    assert invalid.status_code == 422
    future = await nodes.clients["BR"].post(
        f"{CASES}/{pending['id']}/prosecutor-confirmations",
        json={**CONFIRMATION, "confirmed_on": str(today(3))},
        headers=await nodes.headers("BR", Role.PROSECUTOR),
    )
    assert future.status_code == 422
    assert future.json()["detail"]["problems"][0]["path"] == "confirmed_on"
    await settled(nodes)
