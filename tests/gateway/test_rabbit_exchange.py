"""States exchange envelopes through their brokers, linked by shovels: across
vhosts of one node and across two nodes; unroutable messages are kept, never dropped."""

from __future__ import annotations

import asyncio
import itertools
import re
from collections import Counter
from collections.abc import Callable

import aio_pika
import pytest

from gateway.brokers import Node, link_status
from gateway.topology import UNROUTABLE_QUEUE
from tests.gateway.brokers import Received, StateFederation, running

pytestmark = [pytest.mark.rabbitmq, pytest.mark.asyncio]


def bodies(sender: str, recipient: str, n: int) -> list[bytes]:
    """Distinct opaque payloads (an envelope's bytes at this level)."""
    return [f"{sender}->{recipient} #{i} ".encode() + bytes(range(256)) * 4 for i in range(n)]


async def exchange_all(federation: StateFederation, n: int) -> None:
    """Every state sends ``n`` envelopes to every other; each arrives exactly once."""
    received = {state: Received() for state in federation.states}
    transports = {state: federation.transport(state) for state in received}
    expected: dict[str, list[bytes]] = {state: [] for state in received}
    for sender, recipient in itertools.permutations(received, 2):
        expected[recipient] += bodies(sender, recipient, n)

    for transport in transports.values():
        await transport.start()
    consumers = [
        asyncio.create_task(transport.consume(received[state]))
        for state, transport in transports.items()
    ]
    try:
        await asyncio.gather(
            *(
                transports[sender].publish(recipient, body)
                for sender, recipient in itertools.permutations(received, 2)
                for body in bodies(sender, recipient, n)
            )
        )
        for state in received:
            await received[state].wait_for(expected[state])
        await asyncio.sleep(0.3)  # a duplicate would arrive by now
    finally:
        for transport in transports.values():
            await transport.close()
        await asyncio.gather(*consumers)

    for state in received:
        assert Counter(received[state].bodies) == Counter(expected[state])
        assert all(d.delivery_count == 0 and not d.redelivered for d in received[state].deliveries)
    for state in received:
        assert (
            await federation.message_count(state, federation.states[state].topology.inbound_queue)
            == 0
        )
        assert await federation.message_count(state, UNROUTABLE_QUEUE) == 0


async def test_two_states_on_one_node_exchange_envelopes(
    states: Callable[..., StateFederation],
) -> None:
    federation = states()
    await federation.add("FR")
    await federation.add("DE")
    await federation.link_all()
    await exchange_all(federation, 200)


async def test_three_states_across_two_nodes_exchange_envelopes(
    states: Callable[..., StateFederation], second_node: Node
) -> None:
    federation = states()
    await federation.add("FR")
    await federation.add("ES")
    await federation.add("IT", second_node)
    await federation.link_all()
    assert link_status(federation.states["IT"]) == {"FR": "running", "ES": "running"}
    await exchange_all(federation, 100)


async def test_a_message_for_a_state_without_a_link_is_kept_in_unroutable(
    states: Callable[..., StateFederation],
) -> None:
    federation = states()
    await federation.add("FR")
    async with running(federation.transport("FR")) as transport:
        await transport.publish("PT", b"for nobody yet")  # confirmed: the alternate exchange
        await transport.publish("PT", b"nor this")

    connection = await aio_pika.connect(federation.admin_url("FR"))
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(UNROUTABLE_QUEUE)
        messages = [await queue.get(timeout=5), await queue.get(timeout=5)]
        for message in messages:
            await message.ack()
    assert [m.body for m in messages] == [b"for nobody yet", b"nor this"]
    assert [m.routing_key for m in messages] == ["PT", "PT"]  # sent on once PT is linked
    # Only routing crosses the wire: no header, no property but persistence and the random
    # message id aiormq needs to match a returned (mandatory) message to its publish.
    for message in messages:
        assert message.headers == {}
        assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
        assert re.fullmatch("[0-9a-f]{32}", message.message_id or "")
        assert (message.content_type, message.content_encoding, message.correlation_id) == (
            None,
        ) * 3
        assert (message.user_id, message.app_id, message.type, message.timestamp) == (None,) * 4
        assert (message.expiration, message.reply_to) == (None,) * 2
        assert message.priority in (None, 0)  # aio-pika always sends the default, 0
    assert messages[0].message_id != messages[1].message_id
