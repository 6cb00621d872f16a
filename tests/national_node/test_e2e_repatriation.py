"""End to end: the repatriation of a Paraguayan woman identified in Brazil, BR ↔ PY on the API,
from the notice to a reintegration follow-up and the closure; both sides see every state, every
message and every receipt. On the in-process transport, and over the real broker (BR and PY
each on a vhost of their own of the local RabbitMQ, linked by shovels as in a deployment)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
import pytest_asyncio

from gateway.rabbit import RabbitTransport
from messages.repatriation.vocab import AssessorKind, RiskLevel
from national_node.roles import Role
from tests.national_node.conftest import NodesUnderTest, _engines, authority_of
from tests.national_node.repatriation_steps import (
    CASES,
    VICTIM,
    Desk,
    arrival,
    assessment,
    closure,
    consent,
    data,
    draft,
    first_notice,
    follow_up,
    now,
    over_the_broker,
    return_plan,
    return_scheduled,
    settled,
    today,
    travel_document_issued,
    travel_document_request,
    verification_request,
    verification_result,
    wait_for,
)

pytestmark = pytest.mark.asyncio

BR_TIMELINE = [
    ("sent", "VictimIdentifiedNotice", "IDENTIFIED"),
    ("sent", "NationalityVerificationRequest", "NATIONALITY_VERIFICATION"),
    ("received", "NationalityVerificationResult", "NATIONALITY_CONFIRMED"),
    ("sent", "SafetyRiskAssessment", "RISK_ASSESSMENT"),
    ("received", "SafetyRiskAssessment", "RISK_ASSESSMENT"),
    ("sent", "ReturnPlan", "RISK_ASSESSMENT"),
    ("sent", "TravelDocumentRequest", "TRAVEL_DOCS_REQUESTED"),
    ("received", "TravelDocumentIssued", "TRAVEL_DOCS_ISSUED"),
    ("local", "PROSECUTOR_CONFIRMATION", "TRAVEL_DOCS_ISSUED"),
    ("sent", "ReturnScheduled", "RETURN_SCHEDULED"),
    ("local", "DEPARTED", "IN_TRANSIT"),
    ("received", "ArrivalConfirmed", "RETURNED"),
    ("received", "ReintegrationFollowUp", "REINTEGRATION_FOLLOW_UP"),
    ("received", "CaseClosure", "CLOSED"),
]
"""The destination's timeline: its messages, what it received, and its local acts."""
OPPOSITE = {"sent": "received", "received": "sent"}
PY_TIMELINE = [
    (OPPOSITE[direction], trigger, state if state != "IN_TRANSIT" else "RETURN_SCHEDULED")
    for direction, trigger, state in BR_TIMELINE
    if direction != "local"
]
"""The origin mirrors it, without the destination's local acts (it does not see the departure:
it stays RETURN_SCHEDULED until it confirms the arrival itself)."""


ROLES = (Role.VICTIM_SERVICES, Role.CONSULAR_OFFICER, Role.PROSECUTOR)


@pytest_asyncio.fixture
async def over_rabbit(
    database_kind: str, tmp_path: Path, postgres_url: str
) -> AsyncIterator[NodesUnderTest]:
    async with AsyncExitStack() as stack:
        engines = await _engines(database_kind, stack, tmp_path, postgres_url)
        del engines["AR"]  # BR and PY
        yield await stack.enter_async_context(over_the_broker(engines, ROLES))


async def test_a_repatriation_from_brazil_to_paraguay_through_reintegration_follow_up(
    nodes: NodesUnderTest,
) -> None:
    await a_repatriation(nodes)
    await settled(nodes)


@pytest.mark.rabbitmq
async def test_a_repatriation_from_brazil_to_paraguay_over_the_real_broker(
    over_rabbit: NodesUnderTest,
) -> None:
    for node in over_rabbit.federation.nodes.values():
        assert isinstance(node.gateway.transport, RabbitTransport)
    await a_repatriation(over_rabbit)
    await settled(over_rabbit)


async def a_repatriation(nodes: NodesUnderTest) -> None:
    br = await Desk.of(nodes, "BR", Role.VICTIM_SERVICES)
    br_consul = await Desk.of(nodes, "BR", Role.CONSULAR_OFFICER)
    py = await Desk.of(nodes, "PY", Role.CONSULAR_OFFICER)
    py_services = await Desk.of(nodes, "PY", Role.VICTIM_SERVICES)
    agreed = consent()

    notified = await br.open(first_notice(agreed))
    br_id = notified["id"]
    py_id = await py.find(notified["case_ref"])
    at_origin = await py.reaches(py_id, "IDENTIFIED", 1)
    assert at_origin["entries"][0]["document"]["body"]["victim"] == data(VICTIM)

    await br.send(br_id, draft(verification_request(agreed)))
    await py.reaches(py_id, "NATIONALITY_VERIFICATION", 2)
    await py.send(py_id, draft(verification_result()))
    await br.reaches(br_id, "NATIONALITY_CONFIRMED", 3)
    await br.send(br_id, draft(assessment(RiskLevel.MEDIUM)))
    await py.reaches(py_id, "RISK_ASSESSMENT", 4)
    origin_view = assessment(RiskLevel.LOW, assessor=AssessorKind.ORIGIN_VICTIM_SERVICES)
    await py.send(py_id, draft(origin_view))
    await br.reaches(br_id, "RISK_ASSESSMENT", 5)
    await br.send(br_id, draft(return_plan()))
    await br.send(br_id, draft(travel_document_request(agreed)))
    await py.reaches(py_id, "TRAVEL_DOCS_REQUESTED", 7)
    await py.send(py_id, draft(travel_document_issued(agreed)))
    await br.reaches(br_id, "TRAVEL_DOCS_ISSUED", 8)

    confirmed = await nodes.clients["BR"].post(
        f"{CASES}/{br_id}/prosecutor-confirmations",
        json={
            "decision_ref": "PRSP-NCRIM-2026-00211",
            "confirmed_on": str(today()),
            "step": "TESTIMONY_TAKEN",
        },
        headers=await nodes.headers("BR", Role.PROSECUTOR),
    )
    assert confirmed.status_code == 201, confirmed.text
    scheduled = await br_consul.send(br_id, draft(return_scheduled()))
    assert scheduled["state"] == "RETURN_SCHEDULED"
    await py.reaches(py_id, "RETURN_SCHEDULED", 9)
    departed = await br.event(br_id, "DEPARTED")
    assert departed["state"] == "IN_TRANSIT"

    # She lands after the departure the destination recorded (whole seconds on the wire).
    landed = now(seconds=1)
    assert landed.timestamp() > departed["entries"][-1]["at"]

    async def after_landing() -> bool:
        return now() >= landed

    await wait_for(after_landing)
    assert (await py_services.send(py_id, draft(arrival(landed))))["state"] == "RETURNED"
    await br.reaches(br_id, "RETURNED", 12)
    followed = await py_services.send(py_id, draft(follow_up(1)))
    assert followed["state"] == "REINTEGRATION_FOLLOW_UP"
    await br.reaches(br_id, "REINTEGRATION_FOLLOW_UP", 13)
    assert (await py_services.send(py_id, draft(closure())))["state"] == "CLOSED"
    await br.reaches(br_id, "CLOSED", 14)

    at_br, at_py = await br.delivered(br_id), await py.delivered(py_id)
    for case, timeline in ((at_br, BR_TIMELINE), (at_py, PY_TIMELINE)):
        assert [(e["direction"], e["trigger"], e["state_after"]) for e in case["entries"]] == (
            timeline
        )
        for entry in case["entries"]:
            assert entry["refused"] is None
            if entry["direction"] == "local":
                assert entry["transport"] is None
                continue
            receipt = entry["transport"]
            expected = "delivered" if entry["direction"] == "sent" else "accepted"
            assert (receipt["state"], receipt["receipt_log_index"] is not None) == (expected, True)
    exchanged = [e["message_id"] for e in at_br["entries"] if e["message_id"]]
    assert exchanged == [e["message_id"] for e in at_py["entries"]]
    carried = at_py["entries"][8]["document"]["body"]["prosecutor_confirmation"]
    assert carried["prosecutor_authority_id"] == authority_of("BR", Role.PROSECUTOR)
    assert (at_br["state"], at_py["state"]) == ("CLOSED", "CLOSED")
