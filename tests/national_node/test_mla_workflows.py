"""MLA workflows between two nodes through the API: every sample conversation of the schema
replayed message by message by the side that sends it (every answer type of the schema), both
sides converging on the lifecycle's state with every message delivered and receipted; the
timers of a request (due dates, paused clocks, overdue with their remedies) and status
inquiries, on a clock the test moves."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from messages.document import Document
from messages.lifecycle import apply
from messages.mla.examples import example_conversations
from messages.mla.lifecycle import LIFECYCLE, new_case
from messages.vocab import FAMILY_OF, Family, MessageType
from national_node.roles import Role
from tests.national_node.conftest import NodesUnderTest, _engines
from tests.national_node.mla_kit import (
    Clock,
    Side,
    clocked_nodes,
    delivered,
    sample_draft,
    sample_offset,
)

CONVERSATIONS = example_conversations()


@pytest_asyncio.fixture
async def clocked(
    database_kind: str, tmp_path: Path, postgres_url: str
) -> AsyncIterator[tuple[NodesUnderTest, Clock]]:
    """AR, BR and PY on the in-process transport, their case operations on a test clock."""
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    async with AsyncExitStack() as stack:
        engines = await _engines(database_kind, stack, tmp_path, postgres_url)
        nodes = await stack.enter_async_context(clocked_nodes(engines, clock))
        yield nodes, clock


def expected_states(conversation: list[Document[Any]]) -> list[str]:
    """The state after each message, as the lifecycle table says."""
    case, states = new_case(), []
    for document in conversation:
        case = apply(LIFECYCLE, case, document, now=document.header.sent_at)
        states.append(str(case.state))
    return states


def test_the_sample_conversations_use_every_mla_message_type() -> None:
    """So that replaying them sends every answer type of the schema through the API."""
    used = {d.header.message_type for conversation in CONVERSATIONS for d in conversation}
    assert used == {t for t in MessageType if FAMILY_OF[t] is Family.MLA}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "conversation",
    CONVERSATIONS,
    ids=[f"{c[0].header.sender.state}-{c[0].header.recipient.state}" for c in CONVERSATIONS],
)
async def test_a_sample_conversation_replayed_through_the_api_converges_on_both_sides(
    clocked: tuple[NodesUnderTest, Clock], conversation: list[Document[Any]]
) -> None:
    nodes, clock = clocked
    requesting, requested = (
        Side(nodes, "AR", Role.PROSECUTOR),
        Side(nodes, "PY", Role.CENTRAL_AUTHORITY),
    )
    opener = conversation[0].header.sender.state
    offset = sample_offset()
    expected = expected_states(conversation)
    sent_ids: dict[uuid.UUID, str] = {}
    for number, document in enumerate(conversation):
        sender, receiver = (
            (requesting, requested)
            if document.header.sender.state == opener
            else (requested, requesting)
        )
        clock.now = document.header.sent_at + offset
        draft = sample_draft(document, first=number == 0, offset=offset)
        if document.header.in_reply_to is not None:
            draft["in_reply_to"] = sent_ids[document.header.in_reply_to]
        case = await sender.open(draft) if number == 0 else await sender.send(draft)
        entry = case["entries"][-1]
        assert (entry["direction"], entry["trigger"]) == ("sent", document.header.message_type)
        sent_ids[document.header.message_id] = entry["message_id"]
        await delivered(sender, receiver, entry["message_id"], case["case_ref"])
        assert [(await side.case())["state"] for side in (requesting, requested)] == [
            expected[number]
        ] * 2, f"after {document.header.message_type}"

    for side in (requesting, requested):
        entries = (await side.case())["entries"]
        assert [e["message_id"] for e in entries] == list(sent_ids.values())
        for entry in entries:
            transport = entry["transport"]
            assert entry["refused"] is None
            if entry["direction"] == "sent":
                assert transport["state"] == "delivered"
                assert transport["receipt_log_index"] is not None
            else:
                assert transport["state"] == "accepted"


def timers(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["timer"]: t for t in case["service_levels"]["timers"]}


def at(moment: str | None) -> datetime | None:
    return None if moment is None else datetime.fromisoformat(moment)


@pytest.mark.asyncio
async def test_due_dates_overdue_timers_and_a_status_inquiry(
    clocked: tuple[NodesUnderTest, Clock],
) -> None:
    nodes, clock = clocked
    ar, py = Side(nodes, "AR", Role.PROSECUTOR), Side(nodes, "PY", Role.CENTRAL_AUTHORITY)
    request = CONVERSATIONS[0][0]
    offset = sample_offset()
    clock.now = request.header.sent_at + offset
    draft = sample_draft(request, first=True, offset=offset)
    respond_by = draft["urgency"]["respond_by"]
    sent = await ar.open(draft)
    await delivered(ar, py, sent["entries"][-1]["message_id"], sent["case_ref"])

    # The case view: acknowledgement due 7 days after transmission (good practice under UNTOC
    # art. 18 and IACMAMC, the request's bases), execution by the requester's deadline.
    for side, name in ((ar, "REQUESTING"), (py, "REQUESTED")):
        case = await side.case()
        assert case["service_levels"]["side"] == name
        assert case["service_levels"]["legal_basis"] == ["UNTOC_ART18", "IACMAMC_1992"]
        assert case["service_levels"]["respond_by"] == respond_by
        ack = timers(case)["ACKNOWLEDGEMENT"]
        assert at(ack["due_at"]) == clock.now + timedelta(days=7)
        assert (ack["awaited"], ack["overdue"], ack["remedy"]) == (True, False, None)
        execution = timers(case)["EXECUTION"]
        assert at(execution["due_at"]) == datetime.fromisoformat(respond_by + "T00:00:00Z") + (
            timedelta(days=1)
        )
        assert (
            timers(case)["DECISION"]["due_at"] is None
        )  # no decision limit: "as soon as possible"
    assert (await ar.call("GET", "/mla/overdue")).json() == []

    # Eight days later nothing has come back: each side is told what answers the lapse.
    clock.now += timedelta(days=8)
    for side, remedy in ((ar, "StatusInquiry"), (py, "Acknowledgement")):
        listed = (await side.call("GET", "/mla/overdue")).json()
        assert [item["case"]["id"] for item in listed] == [side.case_id]
        [lapsed] = listed[0]["overdue"]
        assert (lapsed["timer"], lapsed["remedy"]) == ("ACKNOWLEDGEMENT", remedy)
        assert lapsed["advice"]
    ar_central = Side(nodes, "AR", Role.CENTRAL_AUTHORITY)
    assert len((await ar_central.call("GET", "/mla/overdue")).json()) == 1

    inquired = await ar.call("POST", f"/mla/cases/{ar.case_id}/status-inquiry", json={})
    assert inquired.status_code == 200, inquired.text
    inquiry = inquired.json()["entries"][-1]
    assert inquiry["trigger"] == "StatusInquiry"
    assert inquiry["document"]["body"]["reason"] == "NO_ACKNOWLEDGEMENT"
    await delivered(ar, py, inquiry["message_id"], sent["case_ref"])
    received = (await py.case())["entries"][-1]
    assert (received["trigger"], received["document"]["body"]["reason"]) == (
        "StatusInquiry",
        "NO_ACKNOWLEDGEMENT",
    )
    assert [(await s.case())["state"] for s in (ar, py)] == ["TRANSMITTED", "TRANSMITTED"]

    # PY acknowledges: nothing is overdue any more, on either side.
    acknowledgement = CONVERSATIONS[0][1]
    answer = sample_draft(acknowledgement, first=False, offset=offset)
    answer["body"]["received_at"] = (clock.now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    acked = await py.send(answer)
    await delivered(py, ar, acked["entries"][-1]["message_id"], sent["case_ref"])
    for side in (ar, py):
        assert (await side.case())["state"] == "RECEIVED"
        assert (await side.call("GET", "/mla/overdue")).json() == []
        assert timers(await side.case())["ACKNOWLEDGEMENT"]["awaited"] is False

    # PY asks for information with the clock paused: both sides see the decision clock stopped.
    question = sample_draft(CONVERSATIONS[0][2], first=False, offset=offset)
    assert question["body"]["clock_paused"] is True
    asked = await py.send(question)
    await delivered(py, ar, asked["entries"][-1]["message_id"], sent["case_ref"])
    for side in (ar, py):
        case = await side.case()
        assert case["state"] == "INFO_REQUESTED"
        assert timers(case)["DECISION"]["paused"] is True
        assert timers(case)["EXECUTION"]["paused"] is False


@pytest.mark.asyncio
async def test_a_status_inquiry_is_refused_when_the_lifecycle_or_the_schema_refuses_it(
    clocked: tuple[NodesUnderTest, Clock],
) -> None:
    nodes, _ = clocked
    ar = Side(nodes, "AR", Role.PROSECUTOR)
    draft = sample_draft(CONVERSATIONS[0][0], first=True, offset=sample_offset())
    created = await ar.call("POST", "/mla/cases", json=draft)
    ar.case_id = created.json()["id"]
    path = f"/mla/cases/{ar.case_id}/status-inquiry"

    not_yet = await ar.call("POST", path, json={"reason": "ROUTINE"})
    assert not_yet.status_code == 409
    assert "DRAFT" in not_yet.json()["detail"]["message"]

    await ar.call("POST", f"/mla/cases/{ar.case_id}/draft/send")
    unexplained = await ar.call("POST", path, json={"reason": "OTHER"})
    assert unexplained.status_code == 422
    assert [p["path"] for p in unexplained.json()["detail"]["problems"]] == ["body.note"]
    assert (await ar.case())["state"] == "TRANSMITTED"
    assert [e["trigger"] for e in (await ar.case())["entries"]] == ["EvidenceRequest"]

    stranger = Side(nodes, "BR", Role.CENTRAL_AUTHORITY)
    assert (await stranger.call("POST", path, json={})).status_code == 404
    auditor = Side(nodes, "AR", Role.AUDITOR)
    assert (await auditor.call("POST", path, json={})).status_code == 403


@pytest.mark.asyncio
async def test_local_events_of_the_requested_side_and_the_requesting_side_converges(
    clocked: tuple[NodesUnderTest, Clock],
) -> None:
    """PY starts its assessment and its execution by local events AR never sees; the next
    message brings AR to the same state."""
    nodes, clock = clocked
    ar, py = Side(nodes, "AR", Role.PROSECUTOR), Side(nodes, "PY", Role.CENTRAL_AUTHORITY)
    conversation, offset = CONVERSATIONS[0], sample_offset()
    clock.now = conversation[0].header.sent_at + offset
    sent = await ar.open(sample_draft(conversation[0], first=True, offset=offset))
    await delivered(ar, py, sent["entries"][-1]["message_id"], sent["case_ref"])
    clock.now = conversation[1].header.sent_at + offset
    acked = await py.send(sample_draft(conversation[1], first=False, offset=offset))
    await delivered(py, ar, acked["entries"][-1]["message_id"], sent["case_ref"])

    started = await py.call("POST", f"/mla/cases/{py.case_id}/events/ASSESSMENT_STARTED")
    assert started.status_code == 200, started.text
    assert started.json()["state"] == "UNDER_ASSESSMENT"
    assert started.json()["entries"][-1]["direction"] == "local"
    assert (await ar.case())["state"] == "RECEIVED"

    clock.now = conversation[2].header.sent_at + offset
    asked = await py.send(sample_draft(conversation[2], first=False, offset=offset))
    await delivered(py, ar, asked["entries"][-1]["message_id"], sent["case_ref"])
    assert [(await s.case())["state"] for s in (ar, py)] == ["INFO_REQUESTED"] * 2

    wrong = await py.call("POST", f"/mla/cases/{py.case_id}/events/EXECUTION_STARTED")
    assert wrong.status_code == 409
    unknown = await py.call("POST", f"/mla/cases/{py.case_id}/events/SHRED")
    assert unknown.status_code == 409
    assert "ASSESSMENT_STARTED" in unknown.json()["detail"]["message"]
