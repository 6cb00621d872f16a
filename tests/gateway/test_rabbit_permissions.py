"""Each state's gateway reads only its own queues and writes only to its own outbound (and dead)
exchange; each link's user reads only the queue of what is addressed to its state."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import aio_pika
import aio_pika.abc
import aiormq.exceptions
import pamqp.commands
import pytest
import pytest_asyncio

from gateway.brokers import Credentials
from gateway.topology import (
    DEAD_EXCHANGE,
    FEDERATION_EXCHANGE,
    OUTBOUND_EXCHANGE,
    Topology,
)
from tests.gateway.brokers import Received, StateFederation, running

pytestmark = [pytest.mark.rabbitmq, pytest.mark.asyncio]

Attempt = Callable[[aio_pika.abc.AbstractChannel], Awaitable[object]]


@pytest_asyncio.fixture
async def trio(states: Callable[..., StateFederation]) -> AsyncIterator[StateFederation]:
    federation = states()
    for state in ("FR", "DE", "IT"):
        await federation.add(state)
    await federation.link_all()
    yield federation


async def refused(url: str, attempt: Attempt) -> str:
    """Run ``attempt`` on a fresh channel; the broker must refuse it (ACCESS_REFUSED)."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        with pytest.raises(aiormq.exceptions.ChannelAccessRefused) as refusal:
            await attempt(channel)
    return str(refusal.value)


def consume(queue: str) -> Attempt:
    async def attempt(channel: aio_pika.abc.AbstractChannel) -> object:
        found = await channel.get_queue(queue, ensure=False)
        return await found.get(fail=False)

    return attempt


def publish(exchange: str, key: str) -> Attempt:
    async def attempt(channel: aio_pika.abc.AbstractChannel) -> object:
        target = await channel.get_exchange(exchange, ensure=False)
        return await target.publish(aio_pika.Message(b"forged"), key)

    return attempt


def declare_exchange(name: str) -> Attempt:
    async def attempt(channel: aio_pika.abc.AbstractChannel) -> object:
        return await channel.declare_exchange(name, durable=True)

    return attempt


async def vhost_refused(url: str) -> None:
    """The broker answers connection.open with connection.close (aiormq drops its text)."""
    with pytest.raises(aiormq.exceptions.InvalidFrameError, match=r"got <Connection\.Close"):
        await aio_pika.connect(url)


async def test_a_gateway_cannot_enter_another_states_broker(trio: StateFederation) -> None:
    fr, de = trio.states["FR"], trio.states["DE"]
    await vhost_refused(fr.node.amqp_url(fr.gateway, de.vhost))
    permissions = fr.node.management.get(f"/users/{fr.gateway.user}/permissions")
    assert [p["vhost"] for p in permissions] == [fr.vhost]
    await (await aio_pika.connect(fr.gateway_url)).close()  # its own it may enter


async def test_a_gateway_reads_only_its_own_queues(trio: StateFederation) -> None:
    url = trio.url("FR")
    for queue in (
        "puente.inbound.DE",  # another state's inbound queue (were it on this vhost)
        "puente.dead-letters.DE",
        trio.federation_queue("FR", "DE"),  # puente.to.DE: what DE's link takes from FR
        trio.federation_queue("FR", "IT"),
    ):
        assert "ACCESS_REFUSED" in await refused(url, consume(queue))
    # Its own queues it may read.
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        for queue in (Topology("FR").inbound_queue, Topology("FR").dead_letter_queue):
            assert await (await channel.get_queue(queue, ensure=False)).get(fail=False) is None


async def test_a_gateway_writes_only_to_its_outbound_and_dead_exchanges(
    trio: StateFederation,
) -> None:
    url = trio.url("FR")
    for exchange, key in (
        (FEDERATION_EXCHANGE, "FR"),  # as if it came from a peer
        ("", "puente.inbound.FR"),  # the default exchange, straight into a queue
        ("amq.direct", "FR"),
        ("amq.topic", "FR"),
        ("amq.fanout", ""),
        ("amq.headers", ""),
    ):
        assert "ACCESS_REFUSED" in await refused(url, publish(exchange, key))
    for name in ("puente.elsewhere", "amq.gen-x", "puente.to.DE"):
        assert "ACCESS_REFUSED" in await refused(url, declare_exchange(name))
    # What it may do.
    async with running(trio.transport("FR")):
        connection = await aio_pika.connect(url)
        async with connection:
            channel = await connection.channel(publisher_confirms=True)
            for exchange, key in ((OUTBOUND_EXCHANGE, "PT"), (DEAD_EXCHANGE, "FR")):
                target = await channel.get_exchange(exchange, ensure=False)
                confirmation = await target.publish(aio_pika.Message(b"allowed"), key)
                assert isinstance(confirmation, pamqp.commands.Basic.Ack)


async def test_a_link_user_reads_only_its_own_queue(trio: StateFederation) -> None:
    fr = trio.states["FR"]
    user: Credentials = trio.link_users[("FR", "DE")]
    url = fr.node.amqp_url(user, fr.vhost)
    for queue in (trio.federation_queue("FR", "IT"), "puente.inbound.FR", "puente.unroutable"):
        assert "ACCESS_REFUSED" in await refused(url, consume(queue))
    for exchange, key in (
        (OUTBOUND_EXCHANGE, "DE"),
        (FEDERATION_EXCHANGE, "FR"),
        (DEAD_EXCHANGE, "FR"),
        ("", "puente.to.DE"),
    ):
        assert "ACCESS_REFUSED" in await refused(url, publish(exchange, key))
    # No binding: it cannot route anything more into its queue.
    assert "ACCESS_REFUSED" in await refused(url, bind("puente.to.DE", OUTBOUND_EXCHANGE, "IT"))
    assert "ACCESS_REFUSED" in await refused(url, declare_exchange("puente.mine"))
    # Its own queue it may read (the shovel does), and nothing on the peers' vhosts.
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        await channel.get_queue(trio.federation_queue("FR", "DE"))
    await vhost_refused(fr.node.amqp_url(user, trio.states["DE"].vhost))


def bind(queue: str, exchange: str, key: str) -> Attempt:
    async def attempt(channel: aio_pika.abc.AbstractChannel) -> object:
        found = await channel.get_queue(queue, ensure=False)
        return await found.bind(exchange, key)

    return attempt


async def test_a_peer_cannot_pull_what_is_addressed_to_another_state(
    trio: StateFederation,
) -> None:
    # IT binds DE's key on its own puente.federation (its gateway may bind there): FR's broker
    # sends IT only puente.to.IT, so that binding never sees a message. DE gets all its own.
    it_admin = await aio_pika.connect(trio.admin_url("IT"))
    async with it_admin:
        channel = await it_admin.channel()
        rogue = await channel.declare_queue("rogue", durable=True)
        await rogue.bind(FEDERATION_EXCHANGE, "DE")
        at_de, at_it = Received(), Received()
        for_de = [f"for DE {i}".encode() for i in range(10)]
        for_it = [f"for IT {i}".encode() for i in range(10)]
        async with (
            running(trio.transport("FR")) as sender,
            running(trio.transport("DE"), at_de),
            running(trio.transport("IT"), at_it),
        ):
            for body in for_de + for_it:
                await sender.publish(body.split()[1].decode(), body)
            await at_de.wait_for(for_de)
            await at_it.wait_for(for_it)
            await asyncio.sleep(0.3)
        assert sorted(at_de.bodies) == sorted(for_de)
        assert sorted(at_it.bodies) == sorted(for_it)
        assert await rogue.get(fail=False) is None
