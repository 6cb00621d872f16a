"""Benchmark: the full gateway path against the raw aio-pika ceiling, in one run.

    .venv/bin/python bench/exchange.py [--n 20000] [--rate 200] [--seconds 10]

Needs the main RabbitMQ (127.0.0.1:5672, management plugin; scripts/bootstrap sets it up).

- raw: persistent messages of 1 KiB published with confirms (256 in flight) to a durable
  quorum queue while a consumer acks them (prefetch 200), on the same broker: what the broker
  and aio-pika can do here;
- full: two states (vhosts linked by federation), each with its gateway and SQLite database in
  this process: seal, outbox, publish, federation, consume, verify, open, inbox, signed
  receipt back to the sender, receipt opened and the outbox row settled;
- latency: at a fixed offered load (--rate msg/s for --seconds), the time from send() to the
  recipient's accepting the envelope, p50 and p99.

The last line reads ``full/raw = R``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

# This file's folder would shadow the packages; the repository root provides them.
ROOT = Path(__file__).resolve().parent.parent
sys.path = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import aio_pika  # noqa: E402
from sqlmodel import col, func, select  # noqa: E402
from sqlmodel.ext.asyncio.session import AsyncSession  # noqa: E402

from crypto.envelope import OpenedEnvelope  # noqa: E402
from gateway.brokers import (  # noqa: E402
    Credentials,
    Node,
    StateBroker,
    deprovision,
    link,
    provision,
    wait_for_links,
)
from gateway.rabbit import RabbitTransport  # noqa: E402
from gateway.service import Gateway, GatewaySettings, create_tables  # noqa: E402
from gateway.store import OutboxMessage, TransportState, make_engine  # noqa: E402
from messages.document import Document  # noqa: E402
from tests.gateway.federation_kit import documents_between, federation  # noqa: E402

NODE = Node(
    os.environ.get("PUENTE_RABBIT_NODE", "rabbit@localhost"),
    amqp_port=int(os.environ.get("PUENTE_RABBIT_PORT", "5672")),
    management_port=int(os.environ.get("PUENTE_RABBIT_MANAGEMENT_PORT", "15672")),
)
BODY = 1024


async def raw_ceiling(url: str, n: int) -> float:
    """Messages per second, publish-with-confirms to consume-with-acks, on one queue."""
    body = os.urandom(BODY)
    publisher = await aio_pika.connect_robust(url)
    consumer = await aio_pika.connect_robust(url)
    async with publisher, consumer:
        channel = await publisher.channel(publisher_confirms=True)
        queue_name = f"bench-raw-{uuid.uuid4().hex[:8]}"
        await channel.declare_queue(queue_name, durable=True, arguments={"x-queue-type": "quorum"})
        receiving = await consumer.channel()
        await receiving.set_qos(prefetch_count=200)
        queue = await receiving.declare_queue(queue_name, passive=True)
        done = asyncio.Event()
        received = 0

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            nonlocal received
            await message.ack()
            received += 1
            if received == n:
                done.set()

        await queue.consume(on_message)
        slots = asyncio.Semaphore(256)

        async def publish() -> None:
            async with slots:
                await channel.default_exchange.publish(
                    aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                    routing_key=queue_name,
                )

        start = time.perf_counter()
        await asyncio.gather(*(publish() for _ in range(n)))
        await done.wait()
        elapsed = time.perf_counter() - start
        await channel.queue_delete(queue_name)
    return n / elapsed


def one_kib_document() -> Document[Any]:
    """The example AR→PY document whose JSON is closest to 1 KiB."""
    return min(documents_between("AR", "PY"), key=lambda d: abs(len(d.to_json()) - BODY))


class Pair:
    """AR and PY, each a vhost with its gateway and SQLite database."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        run = uuid.uuid4().hex[:8]
        self.brokers = {
            state: StateBroker(
                state,
                NODE,
                vhost=f"puente-bench-{run}-{state}",
                gateway=Credentials.generate(f"puente-bench-{run}-gateway-{state}"),
                user_prefix=f"puente-bench-{run}",
            )
            for state in ("AR", "PY")
        }
        self.keys = federation(self.brokers)
        self.accepted: dict[str, float] = {}
        self.sent_at: dict[str, float] = {}

    async def setup(self) -> None:
        for broker in self.brokers.values():
            await provision(broker)
        link(self.brokers["AR"], self.brokers["PY"], reconnect_delay=1)
        link(self.brokers["PY"], self.brokers["AR"], reconnect_delay=1)
        await wait_for_links(self.brokers["PY"], ["AR"])
        await wait_for_links(self.brokers["AR"], ["PY"])

    async def gateways(self, tag: str) -> dict[str, Gateway]:
        async def record(session: AsyncSession, opened: OpenedEnvelope) -> None:
            self.accepted[str(opened.document.header.message_id)] = time.perf_counter()

        made = {}
        for state, broker in self.brokers.items():
            engine = make_engine(f"sqlite+aiosqlite:///{self.directory / f'{tag}-{state}.db'}")
            await create_tables(engine)
            made[state] = Gateway(
                state=state,
                keys=self.keys.nodes[state],
                directory=self.keys.directory,
                choose_key=self.keys.choose_key,
                engine=engine,
                transport=RabbitTransport(broker.gateway_url, state, concurrency=100),
                settings=GatewaySettings(retry_initial=120, relay_idle=0.01),
                on_accept=record if state == "PY" else None,
            )
        return made

    def teardown(self) -> None:
        deprovision(self.brokers["AR"], [self.brokers["PY"]])
        deprovision(self.brokers["PY"], [self.brokers["AR"]])


async def settled(gateway: Gateway) -> int:
    async with AsyncSession(gateway.engine) as session:
        statement = select(func.count()).where(
            col(OutboxMessage.state) == TransportState.DELIVERED,
            col(OutboxMessage.is_receipt) == False,  # noqa: E712
        )
        return int((await session.exec(statement)).one())


async def full_path(pair: Pair, n: int) -> float:
    """Messages per second through the whole gateway path, receipts included."""
    gateways = await pair.gateways("full")
    stop = asyncio.Event()
    tasks = [asyncio.create_task(g.run(stop)) for g in gateways.values()]
    document = one_kib_document()
    ar = gateways["AR"]
    start = time.perf_counter()
    async with ar.session() as session:
        for i in range(n):
            await ar.enqueue(session, document)  # sealed here: a fresh envelope each time
            if i % 500 == 499:
                await session.commit()
        await session.commit()
    while await settled(ar) < n:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - start
    stop.set()
    await asyncio.gather(*tasks)
    for gateway in gateways.values():
        await gateway.engine.dispose()
    return n / elapsed


async def latency(pair: Pair, rate: int, seconds: float) -> tuple[float, float, int]:
    """p50 and p99 (ms) from send() to the recipient's acceptance at a fixed offered load."""
    gateways = await pair.gateways("latency")
    stop = asyncio.Event()
    tasks = [asyncio.create_task(g.run(stop)) for g in gateways.values()]
    examples = documents_between("AR", "PY")
    count = int(rate * seconds)
    start = time.perf_counter()
    sent_ids = []
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        document = examples[i % len(examples)]
        copy = document.model_copy(
            update={"header": document.header.model_copy(update={"message_id": uuid.uuid4()})}
        )
        key = str(copy.header.message_id)
        pair.sent_at[key] = time.perf_counter()
        sent_ids.append(key)
        await gateways["AR"].send(copy)
    deadline = time.perf_counter() + 60
    while any(k not in pair.accepted for k in sent_ids) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.gather(*tasks)
    for gateway in gateways.values():
        await gateway.engine.dispose()
    delays = sorted(
        (pair.accepted[k] - pair.sent_at[k]) * 1000 for k in sent_ids if k in pair.accepted
    )
    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    return statistics.median(delays), p99, len(delays)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20_000, help="messages per throughput run")
    parser.add_argument("--rate", type=int, default=200, help="offered load for latency, msg/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="latency run length")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        pair = Pair(Path(directory))
        await pair.setup()
        try:
            raw = await raw_ceiling(pair.brokers["AR"].node.amqp_url(NODE.admin, "/"), args.n)
            print(f"raw aio-pika (confirmed publish -> consume+ack, 1 KiB): {raw:,.0f} msg/s")
            full = await full_path(pair, args.n)
            print(f"full gateway path (seal ... receipt settled, 1 KiB doc): {full:,.0f} msg/s")
            p50, p99, measured = await latency(pair, args.rate, args.seconds)
            print(
                f"delivery latency at {args.rate} msg/s offered ({measured} messages): "
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"
            )
        finally:
            pair.teardown()
    print(f"full/raw = {full / raw:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
