"""One state's topology: typed declarations, declared idempotently; drift is an error."""

from __future__ import annotations

from collections.abc import Callable

import aio_pika
import pytest

from gateway.brokers import topology_drift
from gateway.topology import (
    DEAD_EXCHANGE,
    FEDERATION_EXCHANGE,
    OUTBOUND_EXCHANGE,
    UNROUTABLE_EXCHANGE,
    UNROUTABLE_QUEUE,
    Binding,
    ClassicQueue,
    Declarer,
    Exchange,
    ExchangeKind,
    QuorumQueue,
    Topology,
    TopologyDrift,
    link_declarations,
)
from tests.gateway.brokers import StateFederation, running


def test_a_states_topology() -> None:
    topology = Topology("FR", delivery_limit=3)
    assert topology.exchanges == (
        Exchange(UNROUTABLE_EXCHANGE, ExchangeKind.FANOUT),
        Exchange(OUTBOUND_EXCHANGE, ExchangeKind.DIRECT, alternate_exchange=UNROUTABLE_EXCHANGE),
        Exchange(FEDERATION_EXCHANGE, ExchangeKind.DIRECT, alternate_exchange=UNROUTABLE_EXCHANGE),
        Exchange(DEAD_EXCHANGE, ExchangeKind.DIRECT),
    )
    inbound = QuorumQueue("puente.inbound.FR", 3, DEAD_EXCHANGE, "FR")
    assert topology.queues == (
        ClassicQueue(UNROUTABLE_QUEUE),
        ClassicQueue("puente.dead-letters.FR"),
        inbound,
    )
    assert inbound.arguments == {
        "x-queue-type": "quorum",
        "x-delivery-limit": 3,
        "x-dead-letter-exchange": "puente.dead",
        "x-dead-letter-routing-key": "FR",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }
    assert topology.bindings == (
        Binding(UNROUTABLE_EXCHANGE, UNROUTABLE_QUEUE, ""),
        Binding(DEAD_EXCHANGE, "puente.dead-letters.FR", "FR"),
        Binding(FEDERATION_EXCHANGE, "puente.inbound.FR", "FR"),
    )
    assert (topology.inbound_queue, topology.dead_letter_queue) == (
        "puente.inbound.FR",
        "puente.dead-letters.FR",
    )
    assert link_declarations("DE") == (
        ClassicQueue("puente.to.DE"),
        Binding(OUTBOUND_EXCHANGE, "puente.to.DE", "DE"),
    )
    # Values: equal settings are equal declarations.
    assert Topology("FR", delivery_limit=3) == topology != Topology("FR")


def test_declarations_refuse_what_rabbitmq_would_take_silently() -> None:
    for state in ("fr", "XX", "FR.x", "", "#"):
        with pytest.raises(ValueError, match="state code"):
            Topology(state)
    with pytest.raises(ValueError, match="reject-publish"):
        QuorumQueue("q", 5, DEAD_EXCHANGE, "FR", overflow="drop-head")  # at-most-once, silently
    with pytest.raises(ValueError, match=">= 0"):
        QuorumQueue("q", -1, DEAD_EXCHANGE, "FR")


@pytest.mark.rabbitmq
@pytest.mark.asyncio
async def test_declaring_again_is_idempotent_and_matches_the_declarations(
    states: Callable[..., StateFederation],
) -> None:
    federation = states()
    broker = await federation.add("FR")
    assert topology_drift(broker) == []
    transport = federation.transport("FR")
    async with running(transport):
        await transport.start()  # again: nothing changes
    async with running(federation.transport("FR")):
        pass
    assert topology_drift(broker) == []


@pytest.mark.rabbitmq
@pytest.mark.asyncio
async def test_the_same_name_with_other_settings_is_drift(
    states: Callable[..., StateFederation],
) -> None:
    federation = states(delivery_limit=2)
    broker = await federation.add("FR")

    # In one process: the declarer remembers what it declared.
    connection = await aio_pika.connect(federation.url("FR"))
    async with connection:
        declarer = Declarer(await connection.channel())
        await declarer.declare(broker.topology)
        await declarer.declare(broker.topology)  # the same again: fine
        with pytest.raises(TopologyDrift, match=r"puente\.inbound\.FR"):
            await declarer.queue(QuorumQueue("puente.inbound.FR", 9, DEAD_EXCHANGE, "FR"))
        with pytest.raises(TopologyDrift, match=r"puente\.outbound"):
            await declarer.exchange(Exchange(OUTBOUND_EXCHANGE, ExchangeKind.DIRECT))

    # Against the broker: RabbitMQ refuses the redeclaration; the gateway does not start.
    with pytest.raises(TopologyDrift, match="x-delivery-limit"):
        await federation.transport("FR", delivery_limit=5).start()

    # What RabbitMQ would not refuse, the management API shows.
    admin = await aio_pika.connect(federation.admin_url("FR"))
    async with admin:
        channel = await admin.channel()
        queue = await channel.get_queue("puente.inbound.FR")
        await queue.unbind(FEDERATION_EXCHANGE, "FR")
    assert topology_drift(broker) == [
        f"missing: {Binding(FEDERATION_EXCHANGE, 'puente.inbound.FR', 'FR')!r}"
    ]


@pytest.mark.rabbitmq
@pytest.mark.asyncio
async def test_an_exchange_declared_otherwise_by_someone_else_is_drift(
    states: Callable[..., StateFederation],
) -> None:
    federation = states()
    broker = federation.broker("FR")
    management = broker.node.management
    management.put_vhost(broker.vhost)
    federation.states["FR"] = broker  # removed with the others
    connection = await aio_pika.connect(federation.admin_url("FR"))
    async with connection:
        channel = await connection.channel()
        await channel.declare_exchange(OUTBOUND_EXCHANGE, "direct", durable=True)  # no AE
    with pytest.raises(TopologyDrift, match="alternate-exchange"):
        await federation.add("FR")
