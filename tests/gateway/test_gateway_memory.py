"""The gateway end to end over the in-process transport, on SQLite and on PostgreSQL:
transactional outbox, idempotent inbox, signed receipts, poison, expiry."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from crypto.envelope import OpenedEnvelope, seal_envelope
from gateway.memory import InProcessNetwork
from gateway.service import Gateway, GatewaySettings
from gateway.store import ExchangeEvent, InboxEnvelope, OutboxMessage, TransportState
from gateway.transport import Action, Delivery
from tests.gateway.conftest_nodes import postgres_engine, sqlite_engine
from tests.gateway.federation_kit import Federation, documents_between, federation

pytestmark = pytest.mark.asyncio

STATES = ("AR", "PY", "BR")


@dataclass
class Clock:
    """A clock the test moves (Unix seconds)."""

    now: int = field(default_factory=lambda: int(time.time()))

    def __call__(self) -> int:
        return self.now


@dataclass
class Cluster:
    federation: Federation
    network: InProcessNetwork
    gateways: dict[str, Gateway]
    clock: Clock

    async def until(self, condition: Callable[[], Any], timeout: float = 20.0) -> None:
        """Run every node's consumer and relay until ``condition()`` (awaitable) is true."""
        stop = asyncio.Event()
        tasks = [asyncio.create_task(g.run(stop)) for g in self.gateways.values()]
        try:
            deadline = time.monotonic() + timeout
            while not await condition():
                assert time.monotonic() < deadline, "condition not reached in time"
                await asyncio.sleep(0.05)
        finally:
            stop.set()
            await asyncio.gather(*tasks)


async def count(engine: AsyncEngine, statement: Any) -> int:
    async with AsyncSession(engine) as session:
        return int((await session.exec(statement)).one())


async def outbox(engine: AsyncEngine, *, receipts: bool = False) -> list[OutboxMessage]:
    async with AsyncSession(engine) as session:
        rows = await session.exec(select(OutboxMessage).where(OutboxMessage.is_receipt == receipts))
        return list(rows.all())


@pytest_asyncio.fixture(params=["sqlite", "postgres"])
async def engines(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str
) -> AsyncIterator[dict[str, AsyncEngine]]:
    async with AsyncExitStack() as stack:
        made = {}
        for state in STATES:
            if request.param == "sqlite":
                engine = await stack.enter_async_context(sqlite_engine(tmp_path, state))
            else:
                engine = await stack.enter_async_context(postgres_engine(postgres_url, state))
            made[state] = engine
        yield made


@pytest.fixture
def cluster(engines: dict[str, AsyncEngine]) -> Cluster:
    fed = federation(STATES)
    network = InProcessNetwork(delivery_limit=3)
    clock = Clock()
    settings = GatewaySettings(retry_initial=60, relay_idle=0.02)
    gateways = {
        state: Gateway(
            state=state,
            keys=fed.nodes[state],
            directory=fed.directory,
            choose_key=fed.choose_key,
            engine=engines[state],
            transport=network.transport(state),
            settings=settings,
            clock=clock,
        )
        for state in STATES
    }
    return Cluster(fed, network, gateways, clock)


async def test_three_states_exchange_and_every_receipt_comes_back(cluster: Cluster) -> None:
    sent: dict[tuple[str, str], list[str]] = {}
    for sender, recipient in (("AR", "PY"), ("PY", "BR"), ("BR", "AR"), ("PY", "AR")):
        documents = documents_between(sender, recipient)[:6]
        for document in documents:
            await cluster.gateways[sender].send(document)
        sent[(sender, recipient)] = [str(d.header.message_id) for d in documents]

    async def all_delivered() -> bool:
        for gateway in cluster.gateways.values():
            rows = await outbox(gateway.engine)
            if any(row.state is not TransportState.DELIVERED for row in rows):
                return False
        return True

    await cluster.until(all_delivered)
    for recipient, gateway in cluster.gateways.items():
        async with AsyncSession(gateway.engine) as session:
            stored = (
                await session.exec(
                    select(InboxEnvelope).where(
                        col(InboxEnvelope.message_type) != "DeliveryReceipt"
                    )
                )
            ).all()
        expected = sorted(m for (s, r), ids in sent.items() if r == recipient for m in ids)
        assert sorted(str(row.message_id) for row in stored) == expected  # each exactly once
        assert all(row.accepted for row in stored)
        receipts = await outbox(gateway.engine, receipts=True)
        assert len(receipts) == len(expected)
        assert all(row.state is TransportState.SENT for row in receipts)
    for gateway in cluster.gateways.values():
        for row in await outbox(gateway.engine):
            assert row.receipt_envelope is not None  # the signed proof of delivery is kept
            assert row.receipt_log_index is not None
    assert cluster.network.unroutable == []
    for gateway in cluster.gateways.values():
        assert await gateway.transport.dead_letters() == []


async def test_a_redelivery_is_stored_once_and_answered_with_the_same_receipt(
    cluster: Cluster,
) -> None:
    ar, py = cluster.gateways["AR"], cluster.gateways["PY"]
    row = await ar.send(documents_between("AR", "PY")[0])
    first = await py.handle(Delivery(row.envelope, redelivered=False, delivery_count=0))
    again = await py.handle(Delivery(row.envelope, redelivered=True, delivery_count=1))
    assert first.action is Action.ACK
    assert again.action is Action.ACK
    assert await count(py.engine, select(func.count()).select_from(InboxEnvelope)) == 1
    receipts = await outbox(py.engine, receipts=True)
    assert len(receipts) == 1  # the same receipt, queued again
    assert receipts[0].state is TransportState.QUEUED


async def test_poison_goes_to_the_dead_letter_queue_with_its_reason(cluster: Cluster) -> None:
    ar, py = cluster.gateways["AR"], cluster.gateways["PY"]
    fed = cluster.federation
    document = documents_between("AR", "BR")[0]
    for_brazil = seal_envelope(
        document,
        sender=fed.nodes["AR"].sender(0),
        recipient=fed.nodes["BR"].recipient_key,
        directory_version=1,
        now=cluster.clock.now,
    )
    to_py = documents_between("AR", "PY")[0]
    original = seal_envelope(
        to_py,
        sender=fed.nodes["AR"].sender(0),
        recipient=fed.nodes["PY"].recipient_key,
        directory_version=1,
        now=cluster.clock.now,
        jti="6f1c3e8a-1d2b-4c5d-9e8f-7a6b5c4d3e2f",
    )
    replayed = seal_envelope(
        to_py,
        sender=fed.nodes["AR"].sender(0),
        recipient=fed.nodes["PY"].recipient_key,
        directory_version=1,
        now=cluster.clock.now + 1,
        jti="6f1c3e8a-1d2b-4c5d-9e8f-7a6b5c4d3e2f",
    )
    publisher = cluster.network.transport("AR")
    for body in (b"\x00garbage\xff", for_brazil.token, original.token, replayed.token):
        await publisher.publish("PY", body)

    async def judged() -> bool:
        return len(cluster.network.dead["PY"]) == 3

    await cluster.until(judged)
    dead = {letter.reason: letter.body for letter in await py.transport.dead_letters()}
    assert dead == {
        "malformed": b"\x00garbage\xff",
        "wrong-recipient": for_brazil.token,
        "replay": replayed.token,
    }
    async with AsyncSession(py.engine) as session:
        events = (await session.exec(select(ExchangeEvent))).all()
        inbox = (await session.exec(select(InboxEnvelope))).all()
    kinds = sorted(e.kind for e in events if e.kind in ("alert", "dead-lettered"))
    assert kinds == ["alert", "dead-lettered", "dead-lettered"]  # each has an audit record
    assert [row.envelope_sha256 for row in inbox if row.message_type != "DeliveryReceipt"] == [
        original.sha256
    ]
    # Unauthenticated poison and replays get no receipt: one receipt, for the original.
    assert len(await outbox(py.engine, receipts=True)) == 1
    assert await outbox(ar.engine) == []


async def test_an_authenticated_rejection_is_answered_with_a_signed_rejected_receipt(
    cluster: Cluster,
) -> None:
    ar = cluster.gateways["AR"]
    ar.clock = lambda: cluster.clock.now + 3600  # AR's clock runs an hour fast
    await ar.send(documents_between("AR", "PY")[0])

    async def settled() -> bool:
        rows = await outbox(ar.engine)
        return rows[0].state not in (TransportState.QUEUED, TransportState.PUBLISHED)

    await cluster.until(settled)
    row = (await outbox(ar.engine))[0]
    assert row.state is TransportState.REJECTED
    assert row.receipt_reason == "not-yet-valid"
    dead = await cluster.gateways["PY"].transport.dead_letters()
    assert [letter.reason for letter in dead] == ["not-yet-valid"]


async def test_an_unanswered_message_is_republished_then_reported_expired(
    cluster: Cluster,
) -> None:
    ar = cluster.gateways["AR"]
    cluster.network.queues.pop("PY")  # PY's node is gone: nothing routes to it
    row = await ar.send(documents_between("AR", "PY")[0])
    assert await ar.relay_once() == 1
    assert len(cluster.network.unroutable) == 1  # kept, never dropped
    cluster.clock.now += 3600  # past the first backoff: published again
    assert await ar.relay_once() == 1
    assert len(cluster.network.unroutable) == 2
    cluster.clock.now = row.expires_at
    assert await ar.relay_once() == 0
    [expired] = await outbox(ar.engine)
    assert expired.state is TransportState.EXPIRED
    async with AsyncSession(ar.engine) as session:
        kinds = [e.kind for e in (await session.exec(select(ExchangeEvent))).all()]
    assert "expired" in kinds


async def test_a_message_committed_during_an_idle_relay_pass_is_not_left_waiting(
    cluster: Cluster,
) -> None:
    # The relay sleeps relay_idle when a pass publishes nothing; a commit wakes it. A commit
    # that lands while such a pass runs must wake the next pass, not wait out relay_idle.
    ar = cluster.gateways["AR"]
    ar.settings = GatewaySettings(relay_idle=60)
    publish_all = ar._publish_all
    committed = asyncio.Event()

    async def commit_during_the_pass(envelopes: list[tuple[str, bytes]]) -> list[str | None]:
        if not committed.is_set():
            committed.set()
            await ar.send(documents_between("AR", "PY")[0])
        return await publish_all(envelopes)

    ar._publish_all = commit_during_the_pass  # type: ignore[method-assign]
    stop = asyncio.Event()
    relay = asyncio.create_task(ar.run_relay(stop))
    try:
        async with asyncio.timeout(10):  # far less than relay_idle
            while cluster.network.queues["PY"].empty():
                await asyncio.sleep(0.01)
    finally:
        stop.set()
        await relay
    assert committed.is_set()


async def test_the_running_relay_publishes_again_what_got_no_receipt_once_due(
    cluster: Cluster,
) -> None:
    # New messages are looked for on every pass, published ones due again every retry_scan.
    ar = cluster.gateways["AR"]
    ar.settings = GatewaySettings(retry_initial=60, relay_idle=0.02, retry_scan=0.05)
    await ar.send(documents_between("AR", "PY")[0])
    to_py = cluster.network.queues["PY"]  # PY's node does not run: no receipt comes
    stop = asyncio.Event()
    relay = asyncio.create_task(ar.run_relay(stop))
    try:
        async with asyncio.timeout(10):
            while to_py.qsize() < 1:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.2)  # passes and retry scans: nothing is due yet
            assert to_py.qsize() == 1
            cluster.clock.now += 3600  # past the backoff
            while to_py.qsize() < 2:
                await asyncio.sleep(0.01)
    finally:
        stop.set()
        await relay
    [row] = await outbox(ar.engine)
    assert (row.state, row.attempts) == (TransportState.PUBLISHED, 2)


async def test_the_outbox_shares_the_business_transaction(cluster: Cluster) -> None:
    ar = cluster.gateways["AR"]
    document = documents_between("AR", "PY")[0]
    async with ar.session() as session:
        await ar.enqueue(session, document)
        await session.rollback()  # the business change failed: nothing is sent
    assert await outbox(ar.engine) == []
    async with ar.session() as session:
        await ar.enqueue(session, document)
        await session.commit()
    assert [row.state for row in await outbox(ar.engine)] == [TransportState.QUEUED]


async def test_each_receipt_names_the_log_index_of_its_own_envelope(cluster: Cluster) -> None:
    # A batch's log events are written together; each receipt (accepted or rejected) still
    # names the event of its own envelope, with other events (poison) between them.
    ar, py = cluster.gateways["AR"], cluster.gateways["PY"]
    documents = documents_between("AR", "PY")[:5]
    hashes = await ar.send_many(documents[:4])
    ar.clock = lambda: cluster.clock.now + 3600  # the last one is sealed an hour ahead
    hashes += await ar.send_many(documents[4:])
    ar.clock = cluster.clock
    envelopes = {row.envelope_sha256: row.envelope for row in await outbox(ar.engine)}
    assert sorted(envelopes) == sorted(hashes)
    e0, e1, e2, e3, late = (envelopes[sha] for sha in hashes)
    bodies = [e0, b"junk", e1, late, e2, e0, e3]
    results = await asyncio.gather(*(py.handle(Delivery(b, False, 0)) for b in bodies))
    assert [r.action for r in results] == [
        Action.ACK,
        Action.DEAD_LETTER,
        Action.ACK,
        Action.DEAD_LETTER,
        Action.ACK,
        Action.ACK,
        Action.ACK,
    ]

    async def settled() -> bool:
        rows = await outbox(ar.engine)
        return all(row.state in (TransportState.DELIVERED, TransportState.REJECTED) for row in rows)

    await cluster.until(settled)
    async with AsyncSession(py.engine) as session:
        events = (await session.exec(select(ExchangeEvent))).all()
        inbox = {row.envelope_sha256: row for row in (await session.exec(select(InboxEnvelope)))}
    judged = {
        event.envelope_sha256: event.id
        for event in events
        if event.kind in ("received-accepted", "received-rejected")
    }
    assert sorted(judged) == sorted(hashes)  # one event each, the duplicate none
    for row in await outbox(ar.engine):
        assert row.receipt_log_index == judged[row.envelope_sha256]
        assert inbox[row.envelope_sha256].log_index == judged[row.envelope_sha256]
    states = sorted((row.state, row.receipt_reason or "") for row in await outbox(ar.engine))
    assert states == [(TransportState.DELIVERED, "")] * 4 + [
        (TransportState.REJECTED, "not-yet-valid")
    ]


async def test_a_failing_business_hook_is_retried_then_dead_lettered_and_nothing_is_stored(
    cluster: Cluster,
) -> None:
    py = cluster.gateways["PY"]
    calls = 0

    async def failing(session: AsyncSession, opened: OpenedEnvelope) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("case store unavailable")

    py.on_accept = failing
    await cluster.gateways["AR"].send(documents_between("AR", "PY")[0])

    async def dead() -> bool:
        return bool(cluster.network.dead["PY"])

    await cluster.until(dead)
    assert calls == 4  # the first delivery and three retries (delivery limit 3)
    assert [letter.reason for letter in await py.transport.dead_letters()] == ["delivery-limit"]
    assert await count(py.engine, select(func.count()).select_from(InboxEnvelope)) == 0


async def test_the_business_hook_runs_in_the_inbox_transaction(cluster: Cluster) -> None:
    py = cluster.gateways["PY"]
    seen: list[str] = []

    async def record(session: AsyncSession, opened: OpenedEnvelope) -> None:
        seen.append(str(opened.document.header.message_type))
        session.add(ExchangeEvent(at=0, kind="business-effect", peer=opened.header.iss))

    py.on_accept = record
    await cluster.gateways["AR"].send(documents_between("AR", "PY")[0])

    async def stored() -> bool:
        return bool(await count(py.engine, select(func.count()).select_from(InboxEnvelope)))

    await cluster.until(stored)
    assert len(seen) == 1
    effects = select(func.count()).where(ExchangeEvent.kind == "business-effect")
    assert await count(py.engine, effects) == 1


async def test_deliveries_arriving_together_are_judged_as_one_batch(cluster: Cluster) -> None:
    # A transport with concurrency > 1 hands the gateway several deliveries at once; they are
    # judged in one transaction, with the same outcome each would have alone.
    ar, py = cluster.gateways["AR"], cluster.gateways["PY"]
    documents = documents_between("AR", "PY")[:4]
    rows = [await ar.send(document) for document in documents]
    fed = cluster.federation
    jti = "9a7f4c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
    first, replay = (
        seal_envelope(
            documents[0],
            sender=fed.nodes["AR"].sender(0),
            recipient=fed.nodes["PY"].recipient_key,
            directory_version=1,
            now=cluster.clock.now + offset,
            jti=jti,
        )
        for offset in (0, 1)
    )
    bodies = [row.envelope for row in rows] + [rows[0].envelope, b"junk", first.token]
    batch = [Delivery(body, redelivered=False, delivery_count=0) for body in bodies]
    results = await asyncio.gather(*(py.handle(delivery) for delivery in batch))
    assert [r.action for r in results] == [Action.ACK] * 5 + [Action.DEAD_LETTER, Action.ACK]
    assert results[5].reason == "malformed"
    replayed = await py.handle(Delivery(replay.token, redelivered=False, delivery_count=0))
    assert (replayed.action, replayed.reason) == (Action.DEAD_LETTER, "replay")
    stored = select(func.count()).select_from(InboxEnvelope)
    assert await count(py.engine, stored) == 5  # four messages and the first of the pair, once
    assert len(await outbox(py.engine, receipts=True)) == 5


async def test_a_batch_with_a_failing_item_is_judged_one_by_one(cluster: Cluster) -> None:
    ar, py = cluster.gateways["AR"], cluster.gateways["PY"]
    rows = [await ar.send(document) for document in documents_between("AR", "PY")[:3]]
    poisoned = rows[1].message_id

    async def refuse_one(session: AsyncSession, opened: OpenedEnvelope) -> None:
        if str(opened.document.header.message_id) == poisoned:
            raise RuntimeError("this case cannot take it now")

    py.on_accept = refuse_one
    batch = [Delivery(row.envelope, redelivered=False, delivery_count=0) for row in rows]
    results = await asyncio.gather(
        *(py.handle(delivery) for delivery in batch), return_exceptions=True
    )
    assert [type(r).__name__ for r in results] == ["Disposition", "RuntimeError", "Disposition"]
    assert await count(py.engine, select(func.count()).select_from(InboxEnvelope)) == 2


async def test_a_forged_envelope_cannot_use_up_a_jti_within_a_batch(cluster: Cluster) -> None:
    # A jti is only consumed by an envelope whose signature verified (step 7 comes after 5).
    py = cluster.gateways["PY"]
    fed = cluster.federation
    genuine = seal_envelope(
        documents_between("AR", "PY")[0],
        sender=fed.nodes["AR"].sender(0),
        recipient=fed.nodes["PY"].recipient_key,
        directory_version=1,
        now=cluster.clock.now,
    )
    header, payload, _ = genuine.token.split(b".")
    forged = header + b"." + payload + b"." + b"A" * 86  # same header and jti, no valid signature
    results = await asyncio.gather(
        *(py.handle(Delivery(body, False, 0)) for body in (forged, genuine.token))
    )
    assert [(r.action, r.reason) for r in results] == [
        (Action.DEAD_LETTER, "bad-signature"),
        (Action.ACK, None),
    ]
