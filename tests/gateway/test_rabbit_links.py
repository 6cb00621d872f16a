"""Links down and up: what is sent while a link is cut, or before it has ever been up, waits in
the sender's broker (puente.to.<PEER>) and all of it arrives once the link runs; what is sent
to a state before its link was set up waits in puente.unroutable until an operator sends it
on."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import pytest

from gateway.brokers import (
    Credentials,
    ManagementError,
    Node,
    link_status,
    open_link,
    pull_link,
    requeue_unroutable,
)
from gateway.topology import UNROUTABLE_QUEUE, link_queue_name
from tests.gateway.brokers import Received, StateFederation, running

pytestmark = [pytest.mark.rabbitmq, pytest.mark.asyncio]


def numbered(prefix: str, n: int) -> list[bytes]:
    return [f"{prefix} {i}".encode() for i in range(n)]


async def test_a_cut_link_keeps_messages_upstream_until_restored(
    states: Callable[..., StateFederation], second_node: Node
) -> None:
    federation = states()
    await federation.add("FR")
    await federation.add("IT", second_node)
    await federation.link_all()
    at_it, at_fr = Received(), Received()
    async with (
        running(federation.transport("FR"), at_fr) as fr,
        running(federation.transport("IT"), at_it) as it,
    ):
        before = numbered("before", 20)
        for body in before:
            await fr.publish("IT", body)
        await at_it.wait_for(before)

        federation.cut("FR", "IT")  # IT's link from FR: the other direction stays up
        waiting, other_way = numbered("while cut", 100), numbered("other way", 20)
        await asyncio.gather(*(fr.publish("IT", body) for body in waiting))
        await asyncio.gather(*(it.publish("FR", body) for body in other_way))
        await at_fr.wait_for(other_way)
        await asyncio.sleep(1.5)  # more than the link's reconnect delay
        assert link_status(federation.states["IT"])["FR"] != "running"
        assert set(at_it.bodies) == set(before)
        fed_queue = federation.federation_queue("FR", "IT")
        assert await federation.message_count("FR", fed_queue) == len(waiting)

        federation.restore("FR", "IT")
        await at_it.wait_for(waiting, timeout=30)
        after = numbered("after", 20)
        for body in after:
            await fr.publish("IT", body)
        await at_it.wait_for(after)
        await asyncio.sleep(0.3)

    assert Counter(at_it.bodies) == Counter(before + waiting + after)
    assert Counter(at_fr.bodies) == Counter(other_way)
    assert await federation.message_count("FR", fed_queue) == 0
    assert await federation.message_count("FR", UNROUTABLE_QUEUE) == 0


async def test_what_is_sent_before_a_link_was_ever_up_waits_for_it(
    states: Callable[..., StateFederation],
) -> None:
    federation = states()
    fr, de = await federation.add("FR"), await federation.add("DE")
    unknown, early = numbered("before any link", 20), numbered("link never up yet", 30)
    received = Received()
    async with (
        running(federation.transport("FR")) as sender,
        running(federation.transport("DE"), received),
    ):
        # Nothing on FR's broker knows DE yet: confirmed all the same, the alternate exchange
        # keeps them.
        for body in unknown:
            await sender.publish("DE", body)
        assert await federation.message_count("FR", UNROUTABLE_QUEUE) == len(unknown)

        # FR's operator opens the link; DE's operator has not set up its shovel yet.
        credentials = open_link(fr, de)
        for body in early:
            await sender.publish("DE", body)
        assert await federation.message_count("FR", link_queue_name("DE")) == len(early)
        await asyncio.sleep(0.5)
        assert received.bodies == []

        # DE's operator pulls: what waited flows; then what waited in unroutable is sent on.
        pull_link(fr, de, credentials, reconnect_delay=1)
        await received.wait_for(early)
        requeue_unroutable(fr)
        await received.wait_for(unknown)
        await asyncio.sleep(0.3)

    assert Counter(received.bodies) == Counter(early + unknown)
    assert await federation.message_count("FR", UNROUTABLE_QUEUE) == 0
    assert await federation.message_count("FR", link_queue_name("DE")) == 0


async def test_a_refused_link_definition_does_not_show_its_password(
    states: Callable[..., StateFederation],
) -> None:
    federation = states()
    fr = await federation.add("FR")
    secret = Credentials.generate("someone")
    definition = {
        # The broker refuses the port and echoes the whole URI back, password included.
        "src-uri": f"amqp://someone:{secret.password}@127.0.0.1:no-port/{fr.vhost}",
        "src-queue": "puente.to.DE",
        "dest-uri": "amqp://",
        "dest-exchange": "puente.federation",
    }
    with pytest.raises(ManagementError) as refusal:
        fr.node.management.set_parameter("shovel", fr.vhost, "refused", definition)
    assert refusal.value.status == 400
    assert "amqp://someone:***@127.0.0.1:no-port" in str(refusal.value)
    assert secret.password not in str(refusal.value)
