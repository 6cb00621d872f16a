"""End to end over the real broker: a prosecutor in Argentina drafts and sends an evidence
request to Paraguay; Paraguay's central authority acknowledges, asks for information, gets the
reply, accepts, executes and reports; Argentina sees every status and every receipt.

AR and PY each run a node (API, database, gateway) on a vhost of their own of the local
RabbitMQ, linked by shovels as two states' brokers are in a deployment. The messages are the
schema's sample case (Argentina–Paraguay, fictional people) at today's dates, drafted through
the API by the side that sends each; the case operations' clock follows the sample's timeline.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from gateway.rabbit import RabbitTransport
from messages.document import Document
from messages.mla.examples import example_conversations
from national_node.roles import Role
from tests.national_node.conftest import NodesUnderTest, _engines
from tests.national_node.mla_kit import Clock, Side, delivered, sample_draft, sample_offset
from tests.national_node.rabbit_kit import rabbit_nodes

pytestmark = [pytest.mark.asyncio, pytest.mark.rabbitmq]

SAMPLE = example_conversations()[0]
"""Argentina asks Paraguay for bank records, a subscriber's identity and a victim's hearing."""


@pytest_asyncio.fixture
async def over_rabbit(
    database_kind: str, tmp_path: Path, postgres_url: str
) -> AsyncIterator[tuple[NodesUnderTest, Clock]]:
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    async with AsyncExitStack() as stack:
        engines = await _engines(database_kind, stack, tmp_path, postgres_url)
        del engines["BR"]  # two states suffice
        nodes, _ = await stack.enter_async_context(rabbit_nodes(engines, clock))
        yield nodes, clock


@dataclass(frozen=True)
class Step:
    """One step of the case: a sample message sent by one side, or a local event; then the
    state each side must be in."""

    by: str
    what: int | str
    """The sample message's index, or a local event of the requested side."""
    ar_state: str
    py_state: str


STEPS = [
    Step("AR", 0, "TRANSMITTED", "TRANSMITTED"),  # the request
    Step("PY", 1, "RECEIVED", "RECEIVED"),  # acknowledged
    Step("PY", "ASSESSMENT_STARTED", "RECEIVED", "UNDER_ASSESSMENT"),
    Step("PY", 2, "INFO_REQUESTED", "INFO_REQUESTED"),  # information asked for
    Step("AR", 3, "UNDER_ASSESSMENT", "UNDER_ASSESSMENT"),  # and given
    Step("PY", 4, "ACCEPTED", "ACCEPTED"),  # accepted
    Step("PY", "EXECUTION_STARTED", "ACCEPTED", "IN_EXECUTION"),
    Step("AR", 5, "ACCEPTED", "IN_EXECUTION"),  # a status inquiry
    Step("PY", 6, "IN_EXECUTION", "IN_EXECUTION"),  # its answer
    Step("PY", 8, "PARTIALLY_EXECUTED", "PARTIALLY_EXECUTED"),  # bank records, subscriber
    Step("PY", "EXECUTION_RESUMED", "PARTIALLY_EXECUTED", "IN_EXECUTION"),
    Step("PY", 10, "EXECUTED", "EXECUTED"),  # the hearing: executed
    Step("AR", 11, "CLOSED", "CLOSED"),
]


async def test_an_evidence_request_from_ar_to_py_over_the_real_broker(
    over_rabbit: tuple[NodesUnderTest, Clock],
) -> None:
    nodes, clock = over_rabbit
    for node in nodes.federation.nodes.values():
        assert isinstance(node.gateway.transport, RabbitTransport)
    sides = {
        "AR": Side(nodes, "AR", Role.PROSECUTOR),
        "PY": Side(nodes, "PY", Role.CENTRAL_AUTHORITY),
    }
    ar, py = sides["AR"], sides["PY"]
    offset = sample_offset()
    sent_ids: dict[uuid.UUID, str] = {}
    case_ref = ""
    seen_by_ar: list[str] = []
    for step in STEPS:
        if isinstance(step.what, str):
            done = await py.call("POST", f"/mla/cases/{py.case_id}/events/{step.what}")
            assert done.status_code == 200, done.text
        else:
            document: Document[Any] = SAMPLE[step.what]
            assert document.header.sender.state == step.by
            clock.now = document.header.sent_at + offset
            sender = sides[step.by]
            receiver = py if sender is ar else ar
            draft = sample_draft(document, first=step.what == 0, offset=offset)
            if document.header.in_reply_to is not None:
                draft["in_reply_to"] = sent_ids[document.header.in_reply_to]
            case = await sender.open(draft) if step.what == 0 else await sender.send(draft)
            case_ref = case["case_ref"]
            message_id = case["entries"][-1]["message_id"]
            sent_ids[document.header.message_id] = message_id
            await delivered(sender, receiver, message_id, case_ref)
        ar_case, py_case = await ar.case(), await py.case()
        assert (ar_case["state"], py_case["state"]) == (step.ar_state, step.py_state), step
        seen_by_ar.append(ar_case["state"])

    assert seen_by_ar == [step.ar_state for step in STEPS]
    messages = [SAMPLE[s.what] for s in STEPS if isinstance(s.what, int)]
    for side, own in ((ar, "AR"), (py, "PY")):
        entries = [e for e in (await side.case())["entries"] if e["direction"] != "local"]
        assert [e["message_id"] for e in entries] == list(sent_ids.values())
        assert [e["trigger"] for e in entries] == [m.header.message_type for m in messages]
        for entry, message in zip(entries, messages, strict=True):
            transport = entry["transport"]
            if message.header.sender.state == own:
                assert entry["direction"] == "sent"
                assert transport["state"] == "delivered"  # the other side's receipt came back
                assert transport["receipt_log_index"] is not None
                assert transport["settled_at"] is not None
            else:
                assert entry["direction"] == "received"
                assert transport["state"] == "accepted"
                assert entry["refused"] is None
    locals_at_py = [e["trigger"] for e in (await py.case())["entries"] if e["direction"] == "local"]
    assert locals_at_py == ["ASSESSMENT_STARTED", "EXECUTION_STARTED", "EXECUTION_RESUMED"]
    # What AR received is readable to its prosecutor: PY's report names the evidence.
    report = next(e for e in (await ar.case())["entries"] if e["trigger"] == "ExecutionReport")
    assert report["document"]["body"]["results"][0]["measure_id"] == "M1"
