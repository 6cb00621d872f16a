"""Brokers in trouble: restarted in the middle of two streams, connections dropped, publishers
blocked by flow control. Nothing confirmed is lost, the publisher sends again what was not
confirmed (receivers take duplicates by envelope hash), and waits are bounded."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from gateway.errors import TransportError
from gateway.rabbit import RabbitTransport
from gateway.topology import UNROUTABLE_QUEUE, inbound_queue_name
from tests.gateway.brokers import (
    LocalNode,
    Received,
    StateFederation,
    publish_until_confirmed,
    running,
)

pytestmark = [pytest.mark.rabbitmq, pytest.mark.asyncio]

N = 300


async def stream(
    transport: RabbitTransport,
    destination: str,
    bodies: list[bytes],
    confirmed: list[bytes],
) -> int:
    """Publish one after another (20 ms apart), each until confirmed; the failed attempts."""
    failures = 0
    for body in bodies:
        failures += await publish_until_confirmed(transport, destination, body, timeout=90)
        confirmed.append(body)
        await asyncio.sleep(0.02)
    return failures


async def test_a_broker_restarted_mid_stream_loses_nothing_confirmed(
    states: Callable[..., StateFederation], local_node: LocalNode
) -> None:
    federation = states()
    await federation.add("FR")  # on the main broker
    await federation.add("IT", local_node.node)  # on the node restarted below
    await federation.link_all()
    to_fr = [f"IT->FR {i}".encode() for i in range(N)]
    to_it = [f"FR->IT {i}".encode() for i in range(N)]
    at_fr, at_it = Received(), Received()
    confirmed_by_it: list[bytes] = []
    confirmed_by_fr: list[bytes] = []

    # IT's broker goes away for ~13 s: a publish waits for the connection at most 2 s.
    it_transport = federation.transport("IT", confirm_timeout=2)
    async with (
        running(federation.transport("FR"), at_fr) as fr,
        running(it_transport, at_it) as it,
    ):
        from_it = asyncio.create_task(stream(it, "FR", to_fr, confirmed_by_it))
        from_fr = asyncio.create_task(stream(fr, "IT", to_it, confirmed_by_fr))
        async with asyncio.timeout(30):
            while len(confirmed_by_it) < N // 3:
                await asyncio.sleep(0.01)
        await asyncio.to_thread(local_node.restart)
        failures_it, failures_fr = await asyncio.gather(from_it, from_fr)
        await at_fr.wait_for(to_fr, timeout=60)
        await at_it.wait_for(to_it, timeout=60)
        await asyncio.sleep(0.5)

    assert failures_it > 0  # the restart was felt: unconfirmed publishes were sent again
    assert it_transport.reconnects == 2  # its publishing and its consuming connection
    assert failures_fr == 0  # FR's own broker stayed up: its link's queue kept the stream
    assert sorted(confirmed_by_it) == sorted(to_fr)
    assert set(at_fr.bodies) == set(to_fr)
    assert set(at_it.bodies) == set(to_it)
    # Duplicates are possible (a publish whose confirm was lost, a delivery or a link's
    # transfer whose ack was); the inbox drops them by envelope hash.
    for state, peer in (("FR", "IT"), ("IT", "FR")):
        assert await federation.message_count(state, inbound_queue_name(state)) == 0
        assert await federation.message_count(state, UNROUTABLE_QUEUE) == 0
        assert await federation.message_count(state, federation.federation_queue(state, peer)) == 0


async def test_dropped_connections_are_recovered_mid_stream(
    states: Callable[..., StateFederation],
) -> None:
    federation = states()
    await federation.add("FR")
    await federation.add("DE")
    await federation.link_all()
    to_de = [f"FR->DE {i}".encode() for i in range(N)]
    at_de = Received()
    confirmed: list[bytes] = []
    async with (
        running(federation.transport("FR", confirm_timeout=2)) as fr,
        running(federation.transport("DE"), at_de) as de,
    ):
        sending = asyncio.create_task(stream(fr, "DE", to_de, confirmed))
        async with asyncio.timeout(30):
            while len(confirmed) < N // 3:
                await asyncio.sleep(0.01)
        for state in ("FR", "DE"):  # both gateways lose both connections at once
            broker = federation.states[state]
            broker.node.management.close_user_connections(broker.gateway.user, "test")
        await sending
        await at_de.wait_for(to_de, timeout=60)
        await asyncio.sleep(0.3)
        assert (fr.reconnects, de.reconnects) == (2, 2)  # each its two connections

    assert sorted(confirmed) == sorted(to_de)
    assert set(at_de.bodies) == set(to_de)
    assert await federation.message_count("DE", inbound_queue_name("DE")) == 0


async def test_under_flow_control_publish_waits_bounded(
    states: Callable[..., StateFederation], local_node: LocalNode
) -> None:
    federation = states()
    await federation.add("IT", local_node.node)
    bodies = [f"blocked {i}".encode() for i in range(20)]
    # The confirm timeout is well beyond the 1 s observed below, so a loaded machine does not
    # time a publish out while the test is still checking that none has finished.
    transport = federation.transport("IT", max_in_flight=4, confirm_timeout=5)
    async with running(transport):
        await transport.publish("PT", b"before")  # confirmed: the broker takes publishes
        local_node.block_publishers()
        try:
            attempts = [asyncio.create_task(transport.publish("PT", body)) for body in bodies]
            peak = 0
            for _ in range(10):  # 1 s: nothing is confirmed, at most 4 await a confirm
                await asyncio.sleep(0.1)
                peak = max(peak, transport.in_flight)
                assert not any(attempt.done() for attempt in attempts)
            assert peak == 4
            outcomes = await asyncio.gather(*attempts, return_exceptions=True)
            assert all(isinstance(outcome, TransportError) for outcome in outcomes)
        finally:
            local_node.block_publishers(False)
        # Flow control over: what was refused is published again, as the outbox would.
        for body in bodies:
            await publish_until_confirmed(transport, "PT", body, timeout=30)
        assert transport.in_flight == 0
    # A publish that timed out may still be stored once the broker reads it again: at most
    # the 4 that were in flight are there twice (duplicates, which the inbox drops).
    stored = await federation.message_count("IT", UNROUTABLE_QUEUE)
    assert 1 + len(bodies) <= stored <= 1 + len(bodies) + 4
