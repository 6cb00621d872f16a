"""The whole gateway over real RabbitMQ brokers linked by federation: every message stored
exactly once by its recipient, every receipt back at its sender, nothing left in flight, poison
in the dead-letter queue with its reason."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from crypto.envelope import seal_envelope
from gateway.brokers import Node
from gateway.service import Gateway, GatewaySettings
from gateway.store import InboxEnvelope, OutboxMessage, TransportState
from messages.document import Document
from tests.gateway.brokers import LocalNode, StateFederation
from tests.gateway.conftest_nodes import sqlite_engine
from tests.gateway.federation_kit import Federation, documents_between, federation

pytestmark = [pytest.mark.asyncio, pytest.mark.rabbitmq]

SETTINGS = GatewaySettings(retry_initial=3, retry_max=10, relay_idle=0.05)


class Nodes:
    """Gateways of a test's states, each on its own SQLite database and broker vhost."""

    def __init__(self, brokers: StateFederation, keys: Federation, directory: Path) -> None:
        self.brokers = brokers
        self.keys = keys
        self.directory = directory
        self.gateways: dict[str, Gateway] = {}
        self._stop = asyncio.Event()
        self._tasks: dict[str, asyncio.Task[None]] = {}

    async def add(self, stack: AsyncExitStack, state: str) -> Gateway:
        engine = await stack.enter_async_context(sqlite_engine(self.directory, state))
        gateway = Gateway(
            state=state,
            keys=self.keys.nodes[state],
            directory=self.keys.directory,
            choose_key=self.keys.choose_key,
            engine=engine,
            transport=self.brokers.transport(state),
            settings=SETTINGS,
        )
        self.gateways[state] = gateway
        return gateway

    def run(self, state: str) -> None:
        self._tasks[state] = asyncio.create_task(self.gateways[state].run(self._stop))

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks.values())


@asynccontextmanager
async def nodes(
    make_states: Callable[..., StateFederation],
    tmp_path: Path,
    placement: dict[str, Node | None],
) -> AsyncIterator[Nodes]:
    brokers = make_states()
    for state, node in placement.items():
        if node is None:
            await brokers.add(state)
        else:
            await brokers.add(state, node)
    await brokers.link_all()
    made = Nodes(brokers, federation(placement), tmp_path)
    async with AsyncExitStack() as stack:
        for state in placement:
            await made.add(stack, state)
        try:
            yield made
        finally:
            await made.stop()


async def rows(engine: AsyncEngine, model: Any, *where: Any) -> list[Any]:
    async with AsyncSession(engine) as session:
        return list((await session.exec(select(model).where(*where))).all())


async def wait_until(condition: Callable[[], Any], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.1)


def pairs_documents(
    pairs: list[tuple[str, str]], n: int
) -> dict[tuple[str, str], list[Document[Any]]]:
    """``n`` documents per pair (examples repeated: each is sealed into a new envelope)."""
    result = {}
    for sender, recipient in pairs:
        examples = documents_between(sender, recipient)
        result[(sender, recipient)] = [examples[i % len(examples)] for i in range(n)]
    return result


async def assert_exactly_once(made: Nodes, sent: dict[tuple[str, str], int]) -> None:
    """Every business envelope stored once by its recipient, every receipt back, nothing in
    flight, nothing dead-lettered."""

    async def settled() -> bool:
        for gateway in made.gateways.values():
            pending = await rows(
                gateway.engine,
                OutboxMessage,
                col(OutboxMessage.state).in_([TransportState.QUEUED, TransportState.PUBLISHED]),
            )
            if pending:
                return False
        return True

    try:
        await wait_until(settled)
    except AssertionError:
        report = {
            state: sorted(
                (row.destination, str(row.state), row.is_receipt, row.last_error or "")
                for row in await rows(gateway.engine, OutboxMessage)
                if row.state in (TransportState.QUEUED, TransportState.PUBLISHED)
            )[:5]
            for state, gateway in made.gateways.items()
        }
        raise AssertionError(f"still in flight: {report}") from None
    for state, gateway in made.gateways.items():
        outgoing = await rows(gateway.engine, OutboxMessage, OutboxMessage.is_receipt == False)  # noqa: E712
        expected_out = sum(n for (s, _), n in sent.items() if s == state)
        assert len(outgoing) == expected_out
        assert {row.state for row in outgoing} <= {TransportState.DELIVERED}
        inbox = await rows(
            gateway.engine, InboxEnvelope, col(InboxEnvelope.message_type) != "DeliveryReceipt"
        )
        expected_in = sum(n for (_, r), n in sent.items() if r == state)
        assert len(inbox) == expected_in  # the inbox is keyed by envelope hash: once each
        assert all(row.accepted for row in inbox)
        assert await gateway.transport.dead_letters() == []


async def send_all(made: Nodes, documents: dict[tuple[str, str], list[Document[Any]]]) -> None:
    for (sender, _), batch in documents.items():
        for document in batch:
            await made.gateways[sender].send(document)


async def test_two_states_across_vhosts(
    states: Callable[..., StateFederation], tmp_path: Path
) -> None:
    async with nodes(states, tmp_path, {"AR": None, "PY": None}) as made:
        for state in made.gateways:
            made.run(state)
        documents = pairs_documents([("AR", "PY"), ("PY", "AR")], 40)
        await send_all(made, documents)
        await assert_exactly_once(made, {pair: len(d) for pair, d in documents.items()})


async def test_three_states_across_two_brokers(
    states: Callable[..., StateFederation], tmp_path: Path, second_node: Node
) -> None:
    placement: dict[str, Node | None] = {"AR": None, "PY": None, "BR": second_node}
    async with nodes(states, tmp_path, placement) as made:
        for state in made.gateways:
            made.run(state)
        pairs = [("AR", "PY"), ("PY", "BR"), ("BR", "PY"), ("AR", "BR"), ("PY", "AR")]
        documents = pairs_documents(pairs, 15)
        await send_all(made, documents)
        await assert_exactly_once(made, {pair: len(d) for pair, d in documents.items()})


async def test_a_cut_link_holds_messages_until_it_is_restored(
    states: Callable[..., StateFederation], tmp_path: Path
) -> None:
    async with nodes(states, tmp_path, {"AR": None, "PY": None}) as made:
        for state in made.gateways:
            made.run(state)
        made.brokers.cut("AR", "PY")
        documents = pairs_documents([("AR", "PY")], 30)
        await send_all(made, documents)

        async def all_published() -> bool:
            queued = await rows(
                made.gateways["AR"].engine,
                OutboxMessage,
                OutboxMessage.state == TransportState.QUEUED,
            )
            return not queued

        await wait_until(all_published)
        await asyncio.sleep(2)
        assert await rows(made.gateways["PY"].engine, InboxEnvelope) == []  # nothing crossed
        waiting = await made.brokers.message_count("AR", made.brokers.federation_queue("AR", "PY"))
        assert waiting >= 30  # the messages wait in AR's broker (re-publishes may add copies)
        made.brokers.restore("AR", "PY")
        await assert_exactly_once(made, {("AR", "PY"): 30})


async def test_a_broker_restarted_in_the_middle_of_a_stream(
    states: Callable[..., StateFederation], tmp_path: Path, local_node: LocalNode
) -> None:
    placement: dict[str, Node | None] = {"AR": None, "PY": local_node.node}
    async with nodes(states, tmp_path, placement) as made:
        for state in made.gateways:
            made.run(state)
        documents = pairs_documents([("AR", "PY")], 60)
        batch = documents[("AR", "PY")]
        for document in batch[:30]:
            await made.gateways["AR"].send(document)
        await asyncio.to_thread(local_node.restart)  # PY's broker goes away and comes back
        for document in batch[30:]:
            await made.gateways["AR"].send(document)
        await assert_exactly_once(made, {("AR", "PY"): 60})


async def test_poison_and_duplicates_over_the_broker(
    states: Callable[..., StateFederation], tmp_path: Path
) -> None:
    async with nodes(states, tmp_path, {"AR": None, "PY": None, "BR": None}) as made:
        made.run("PY")
        keys = made.keys
        now = int(time.time())
        to_py = documents_between("AR", "PY")[0]
        jti = "0b0e7c7e-3c1d-4f7b-9a55-6f3f0c2d1e4a"
        original = seal_envelope(
            to_py,
            sender=keys.nodes["AR"].sender(now),
            recipient=keys.nodes["PY"].recipient_key,
            directory_version=1,
            now=now,
            jti=jti,
        )
        replay = seal_envelope(
            to_py,
            sender=keys.nodes["AR"].sender(now),
            recipient=keys.nodes["PY"].recipient_key,
            directory_version=1,
            now=now + 1,
            jti=jti,
        )
        for_brazil = seal_envelope(
            documents_between("AR", "BR")[0],
            sender=keys.nodes["AR"].sender(now),
            recipient=keys.nodes["BR"].recipient_key,
            directory_version=1,
            now=now,
        )
        publisher = made.brokers.transport("AR")
        await publisher.start()
        try:
            for body in (original.token, original.token, b"not an envelope", for_brazil.token):
                await publisher.publish("PY", body)
            await asyncio.sleep(0.5)  # the original first, so that the replay comes after it
            await publisher.publish("PY", replay.token)
        finally:
            await publisher.close()
        py = made.gateways["PY"]
        dead: list[Any] = []

        async def three_dead() -> bool:
            dead.extend(await py.transport.dead_letters())
            return len(dead) >= 3

        await wait_until(three_dead)
        assert sorted((d.reason, d.body) for d in dead) == sorted(
            [
                ("malformed", b"not an envelope"),
                ("wrong-recipient", for_brazil.token),
                ("replay", replay.token),
            ]
        )
        async with AsyncSession(py.engine) as session:
            stored = (await session.exec(select(func.count()).select_from(InboxEnvelope))).one()
        assert stored == 1  # the original, once, although it was delivered twice
