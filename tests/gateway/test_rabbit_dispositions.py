"""What the RabbitMQ transport does with a delivery, decided by the handler's Disposition in one
place: ack; dead-letter with a reason; retry, bounded by the quorum queue's delivery limit
(then RabbitMQ dead-letters it: poison never loops); a cancelled handler never acks. And a
publish the broker does not take raises TransportError."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import aio_pika
import pytest

from gateway.errors import TransportError
from gateway.rabbit import RabbitTransport, _Acks
from gateway.topology import OUTBOUND_EXCHANGE, UNROUTABLE_QUEUE
from gateway.transport import DeadLetter, Delivery, Disposition
from tests.gateway.brokers import Received, StateFederation, running

pytestmark = [pytest.mark.rabbitmq, pytest.mark.asyncio]

LIMIT = 2


async def linked_pair(states: Callable[..., StateFederation]) -> StateFederation:
    federation = states(delivery_limit=LIMIT)
    await federation.add("FR")
    await federation.add("DE")
    await federation.link_all()
    return federation


async def drain_dead_letters(
    transport: RabbitTransport, expected: int, timeout: float = 20
) -> list[DeadLetter]:
    found: list[DeadLetter] = []
    async with asyncio.timeout(timeout):
        while len(found) < expected:
            found += await transport.dead_letters()
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    found += await transport.dead_letters()  # nothing more comes
    return found


async def test_ack_and_dead_letter_with_a_reason(states: Callable[..., StateFederation]) -> None:
    federation = await linked_pair(states)
    seen: list[Delivery] = []

    async def handler(delivery: Delivery) -> Disposition:
        seen.append(delivery)
        if delivery.body.startswith(b"poison"):
            return Disposition.dead_letter("signature-invalid")
        return Disposition.ack()

    receiver = federation.transport("DE")
    async with (
        running(federation.transport("FR")) as sender,
        running(receiver, handler),
    ):
        for body in (b"good 1", b"poison 1", b"good 2", b"poison 2"):
            await sender.publish("DE", body)
        dead = await drain_dead_letters(receiver, 2)
        assert await receiver.dead_letters() == []  # drained

    assert sorted(dead, key=lambda d: d.body) == [
        DeadLetter(b"poison 1", "signature-invalid"),
        DeadLetter(b"poison 2", "signature-invalid"),
    ]
    assert Counter(d.body for d in seen) == Counter(
        [b"good 1", b"poison 1", b"good 2", b"poison 2"]
    )  # each handled once: acked or dead-lettered, never redelivered
    assert await federation.message_count("DE", "puente.inbound.DE") == 0


async def test_retry_is_bounded_by_the_delivery_limit(
    states: Callable[..., StateFederation],
) -> None:
    federation = await linked_pair(states)
    counts: dict[bytes, list[int]] = {}

    async def handler(delivery: Delivery) -> Disposition:
        counts.setdefault(delivery.body, []).append(delivery.delivery_count)
        if delivery.body == b"crash":
            raise RuntimeError("database down")  # a transient failure, retried
        if delivery.body == b"flaky" and delivery.delivery_count < 1:
            return Disposition.retry("database-busy")
        if delivery.body == b"poison":
            return Disposition.retry("database-busy")  # forever: RabbitMQ ends it
        return Disposition.ack()

    receiver = federation.transport("DE")
    async with (
        running(federation.transport("FR")) as sender,
        running(receiver, handler),
    ):
        for body in (b"poison", b"flaky", b"crash", b"fine"):
            await sender.publish("DE", body)
        dead = await drain_dead_letters(receiver, 2)

    assert sorted(dead, key=lambda d: d.body) == [
        DeadLetter(b"crash", "delivery-limit"),
        DeadLetter(b"poison", "delivery-limit"),
    ]
    # x-delivery-limit 2: a first delivery and two redeliveries, then the dead-letter queue.
    assert counts == {
        b"poison": [0, 1, 2],
        b"crash": [0, 1, 2],
        b"flaky": [0, 1],
        b"fine": [0],
    }
    assert await federation.message_count("DE", "puente.inbound.DE") == 0


async def test_a_cancelled_handler_never_acks(states: Callable[..., StateFederation]) -> None:
    federation = await linked_pair(states)
    started = asyncio.Event()

    async def stuck(delivery: Delivery) -> Disposition:
        started.set()
        await asyncio.Event().wait()  # until close() cancels it
        raise AssertionError("not reached")

    async with running(federation.transport("FR")) as sender:
        await sender.publish("DE", b"interrupted")
    first = federation.transport("DE", close_grace=0.2)
    async with running(first, stuck):
        await asyncio.wait_for(started.wait(), 10)

    received = Received()
    async with running(federation.transport("DE"), received):
        await received.wait_for([b"interrupted"])
    assert received.bodies == [b"interrupted"]
    assert received.deliveries[0].redelivered


async def test_coalesced_acks_never_cover_a_delivery_still_being_handled(
    states: Callable[..., StateFederation],
) -> None:
    # Acks of deliveries settled together go out as one multiple ack, but never over a
    # delivery whose handler has not answered: cancelled, it is delivered again, alone.
    federation = await linked_pair(states)
    bodies = [b"fast 1", b"fast 2", b"slow", b"fast 3", b"poison", b"fast 4"]
    answered: list[bytes] = []
    started = asyncio.Event()

    async def handler(delivery: Delivery) -> Disposition:
        if delivery.body == b"slow":
            started.set()
            await asyncio.Event().wait()  # until close() cancels it
        answered.append(delivery.body)
        if delivery.body == b"poison":
            return Disposition.dead_letter("malformed")
        return Disposition.ack()

    async with running(federation.transport("FR")) as sender:
        for body in bodies:
            await sender.publish("DE", body)
    first = federation.transport("DE", concurrency=len(bodies), close_grace=0.2)
    async with running(first, handler):
        async with asyncio.timeout(20):
            await started.wait()
            while len(answered) < len(bodies) - 1:
                await asyncio.sleep(0.05)
        assert [letter.body for letter in await drain_dead_letters(first, 1)] == [b"poison"]

    received = Received()
    async with running(federation.transport("DE"), received):
        await received.wait_for([b"slow"])
        await asyncio.sleep(0.5)  # nothing else comes: every other delivery was settled
    assert received.bodies == [b"slow"]
    assert await federation.message_count("DE", "puente.inbound.DE") == 0


async def test_which_deliveries_one_multiple_ack_covers() -> None:
    class Message:
        def __init__(self, tag: int) -> None:
            self.delivery_tag = tag

    def ready(acks: _Acks, *tags: int) -> None:
        for tag in tags:
            acks.ready[tag] = Message(tag)  # type: ignore[assignment]

    acks = _Acks(channel=object())
    ready(acks, 1, 2, 3)
    last, singles = acks.take()
    assert (last.delivery_tag if last else None, singles, acks.floor) == (3, [], 3)
    # 4 is still being handled (or was never seen): 5 and 6 are acked one by one.
    ready(acks, 5, 6)
    last, singles = acks.take()
    assert last is None
    assert sorted(s.delivery_tag for s in singles) == [5, 6]
    assert acks.floor == 3
    # 4 is dead-lettered (settled on its own); 7 and 8 are ready: one ack up to 8.
    acks.settled.add(4)
    ready(acks, 8, 7)
    last, singles = acks.take()
    assert (last.delivery_tag if last else None, singles, acks.floor) == (8, [], 8)
    assert acks.settled == set()


async def test_a_publish_the_broker_does_not_store_raises(
    states: Callable[..., StateFederation],
) -> None:
    federation = states()
    await federation.add("FR")
    connection = await aio_pika.connect(federation.admin_url("FR"))
    async with connection, running(federation.transport("FR")) as sender:
        channel = await connection.channel()
        # A full queue that refuses more (reject-publish): the broker nacks.
        full = await channel.declare_queue(
            "full", arguments={"x-max-length": 0, "x-overflow": "reject-publish"}
        )
        await full.bind(OUTBOUND_EXCHANGE, "PT")
        with pytest.raises(TransportError, match="not confirmed"):
            await sender.publish("PT", b"nacked")
        # No queue for the alternate exchange either: the broker returns the message.
        await channel.queue_delete(UNROUTABLE_QUEUE)
        with pytest.raises(TransportError, match="not confirmed"):
            await sender.publish("GR", b"returned")
        # The channel survives both: a routable message is still confirmed.
        await full.unbind(OUTBOUND_EXCHANGE, "PT")
        await channel.queue_delete("full")
        box = await channel.declare_queue("box")
        await box.bind(OUTBOUND_EXCHANGE, "PT")
        await sender.publish("PT", b"stored")
        assert (await box.get(timeout=5)).body == b"stored"


async def test_publish_refuses_what_is_not_a_state(states: Callable[..., StateFederation]) -> None:
    federation = states()
    await federation.add("FR")
    transport = federation.transport("FR")
    with pytest.raises(TransportError, match="not started"):
        await transport.publish("DE", b"too early")
    async with running(transport):
        for destination in ("", "de", "XX", "DE.x", "#"):
            with pytest.raises(ValueError, match="not a state code"):
                await transport.publish(destination, b"nowhere")
