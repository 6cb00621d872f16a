"""Benchmark: the full gateway path against the raw aio-pika ceiling, in one run.

    .venv/bin/python bench/exchange.py [--n 20000] [--rate 200] [--seconds 10]

Needs the main RabbitMQ (127.0.0.1:5672, management plugin; scripts/bootstrap sets it up).

- raw: persistent messages of 1 KiB published with confirms (256 in flight) to a durable
  quorum queue while a consumer acks them (prefetch 200), on the same broker: what the broker
  and aio-pika can do here;
- full: two states (vhosts linked by shovels), each with its gateway and SQLite database in a
  process of its own, as each state's node is in deployment: seal, outbox, publish, shovel,
  consume, verify, open, inbox, signed receipt back to the sender, receipt opened and the
  outbox row settled. The sender's business writes the messages to its outbox in
  transactions of ``--chunk`` messages (``Gateway.send_many``);
- latency: at a fixed offered load (--rate msg/s for --seconds), the time from send() to the
  recipient's accepting the envelope, p50 and p99 (one clock: CLOCK_MONOTONIC is the same in
  every process of a machine).

It also prints the CPU time per message of each gateway process and of the broker (RabbitMQ's
own processes, from /proc, when it runs on this machine). The last line reads
``full/raw = R``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import multiprocessing.connection
import os
import resource
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
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402
from sqlmodel.ext.asyncio.session import AsyncSession  # noqa: E402

from crypto.envelope import OpenedEnvelope  # noqa: E402
from crypto.jwk import load_private_jwk, load_public_jwk, private_jwk, public_jwk  # noqa: E402
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
from tests.gateway.federation_kit import (  # noqa: E402
    NodeKeys,
    documents_between,
    federation,
    federation_from_public,
)

NODE = Node(
    os.environ.get("PUENTE_RABBIT_NODE", "rabbit@localhost"),
    amqp_port=int(os.environ.get("PUENTE_RABBIT_PORT", "5672")),
    management_port=int(os.environ.get("PUENTE_RABBIT_MANAGEMENT_PORT", "15672")),
)
BODY = 1024


async def raw_ceiling(url: str, n: int) -> tuple[float, float, float]:
    """Messages per second, publish-with-confirms to consume-with-acks, on one queue; and the
    CPU milliseconds per message of this process and of the broker."""
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

        cpu, brokers = own_cpu(), broker_cpu()
        start = time.perf_counter()
        await asyncio.gather(*(publish() for _ in range(n)))
        await done.wait()
        elapsed = time.perf_counter() - start
        cpu, brokers = own_cpu() - cpu, broker_cpu() - brokers
        await channel.queue_delete(queue_name)
    return n / elapsed, cpu * 1000 / n, brokers * 1000 / n


def one_kib_document() -> Document[Any]:
    """The example AR→PY document whose JSON is closest to 1 KiB."""
    return min(documents_between("AR", "PY"), key=lambda d: abs(len(d.to_json()) - BODY))


def broker_cpu() -> float:
    """CPU seconds used so far by RabbitMQ's processes on this machine (0 if none is seen)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name in ("beam.smp", "erl_child_setup", "inet_gethost", "epmd"):
            fields = stat[stat.rindex(")") + 2 :].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- a state's node, in a process of its own -------------------------------------------------


async def node_main(config: dict[str, Any], pipe: multiprocessing.connection.Connection) -> None:
    """Run one state's gateway and answer the parent's commands on ``pipe``."""
    signing = load_private_jwk(config["signing"])
    encryption = load_private_jwk(config["encryption"])
    assert isinstance(signing, ed25519.Ed25519PrivateKey)
    assert isinstance(encryption, x25519.X25519PrivateKey)
    state = config["state"]
    keys = NodeKeys(state, signing, encryption)
    peers = federation_from_public(
        {s: (load_public_jwk(k[0]), load_public_jwk(k[1])) for s, k in config["public"].items()}
    )
    accepted: dict[str, float] = {}

    async def record(session: AsyncSession, opened: OpenedEnvelope) -> None:
        accepted[str(opened.document.header.message_id)] = time.monotonic()

    engine = make_engine(f"sqlite+aiosqlite:///{config['database']}")
    await create_tables(engine)
    # The bench's own reads (counting settled rows) use a plain engine: a WAL reader that
    # never takes the write lock the gateway's writers take turns at.
    reader = create_async_engine(f"sqlite+aiosqlite:///{config['database']}")
    transport = RabbitTransport(config["amqp_url"], state, concurrency=100)
    gateway = Gateway(
        state=state,
        keys=keys,
        directory=peers.directory,
        choose_key=peers.choose_key,
        engine=engine,
        transport=transport,
        settings=GatewaySettings(retry_initial=120),
        on_accept=record,
    )
    await transport.start()
    stop = asyncio.Event()
    running = asyncio.create_task(gateway.run(stop))
    loop = asyncio.get_running_loop()
    pipe.send("ready")
    while True:
        command, *args = await loop.run_in_executor(None, pipe.recv)
        if command == "throughput":
            pipe.send(await throughput(gateway, reader, *args))
        elif command == "latency":
            pipe.send(await offered_load(gateway, *args))
        elif command == "accepted":
            pipe.send(accepted)
        elif command == "cpu":
            pipe.send(own_cpu())
        else:
            break
    stop.set()
    await running
    await engine.dispose()
    await reader.dispose()
    pipe.send("stopped")


def node_process(config: dict[str, Any], pipe: multiprocessing.connection.Connection) -> None:
    asyncio.run(node_main(config, pipe))


async def throughput(gateway: Gateway, reader: Any, n: int, chunk: int) -> tuple[float, float]:
    """Write n messages to the outbox (transactions of ``chunk``) and wait until every one is
    settled by its receipt: (seconds, CPU seconds of this process)."""
    document = one_kib_document()
    cpu = own_cpu()
    start = time.perf_counter()
    for offset in range(0, n, chunk):
        # Sealed in send_many: a fresh envelope each time.
        await gateway.send_many([document] * min(chunk, n - offset))
        await asyncio.sleep(0)
    # Polled cheaply (pending rows only, by the state index), then counted once.
    outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
    pending = (
        select(outbox.c.id)
        .where(outbox.c.state.in_([TransportState.QUEUED, TransportState.PUBLISHED]))
        .where(outbox.c.is_receipt == False)  # noqa: E712
        .limit(1)
    )
    delivered = select(func.count()).where(
        outbox.c.state == TransportState.DELIVERED,
        outbox.c.is_receipt == False,  # noqa: E712
    )
    while True:
        await asyncio.sleep(0.05)
        async with reader.connect() as connection:
            if (await connection.execute(pending)).first() is not None:
                continue
            if (await connection.execute(delivered)).scalar_one() >= n:
                break
    return time.perf_counter() - start, own_cpu() - cpu


async def offered_load(gateway: Gateway, rate: int, seconds: float) -> dict[str, float]:
    """Send ``rate`` messages a second for ``seconds``; when each was sent, by message id."""
    examples = documents_between("AR", "PY")
    count = int(rate * seconds)
    sent_at: dict[str, float] = {}
    start = time.monotonic()
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        document = examples[i % len(examples)]
        copy = document.model_copy(
            update={"header": document.header.model_copy(update={"message_id": uuid.uuid4()})}
        )
        sent_at[str(copy.header.message_id)] = time.monotonic()
        await gateway.send(copy)
    return sent_at


# --- the parent ------------------------------------------------------------------------------


class Pair:
    """AR and PY, each a vhost with its gateway (a process) and SQLite database."""

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

    async def setup(self) -> None:
        for broker in self.brokers.values():
            await provision(broker)
        link(self.brokers["AR"], self.brokers["PY"], reconnect_delay=1)
        link(self.brokers["PY"], self.brokers["AR"], reconnect_delay=1)
        await wait_for_links(self.brokers["PY"], ["AR"])
        await wait_for_links(self.brokers["AR"], ["PY"])

    def start_nodes(self, tag: str) -> dict[str, multiprocessing.connection.Connection]:
        """Start each state's node in its own process; their command pipes, once ready."""
        context = multiprocessing.get_context("spawn")
        public = {
            state: (public_jwk(keys.signing.public_key()), public_jwk(keys.encryption.public_key()))
            for state, keys in self.keys.nodes.items()
        }
        pipes = {}
        for state, broker in self.brokers.items():
            keys = self.keys.nodes[state]
            config = {
                "state": state,
                "amqp_url": broker.gateway_url,
                "database": str(self.directory / f"{tag}-{state}.db"),
                "signing": private_jwk(keys.signing),
                "encryption": private_jwk(keys.encryption),
                "public": public,
            }
            ours, theirs = context.Pipe()
            context.Process(target=node_process, args=(config, theirs), daemon=True).start()
            pipes[state] = ours
        for pipe in pipes.values():
            if pipe.recv() != "ready":
                raise RuntimeError("a node did not start")
        return pipes

    @staticmethod
    def stop_nodes(pipes: dict[str, multiprocessing.connection.Connection]) -> None:
        for pipe in pipes.values():
            pipe.send(("stop",))
        for pipe in pipes.values():
            pipe.recv()

    def teardown(self) -> None:
        deprovision(self.brokers["AR"], [self.brokers["PY"]])
        deprovision(self.brokers["PY"], [self.brokers["AR"]])


def ask(pipe: multiprocessing.connection.Connection, *command: Any) -> Any:
    pipe.send(command)
    return pipe.recv()


async def full_path(pair: Pair, n: int, chunk: int) -> tuple[float, dict[str, float]]:
    """Messages per second through the whole gateway path, receipts included; and the CPU
    milliseconds per message of each gateway process and of the broker."""
    pipes = await asyncio.to_thread(pair.start_nodes, "full")
    try:
        cpu_py = ask(pipes["PY"], "cpu")
        brokers = broker_cpu()
        elapsed, cpu_ar = await asyncio.to_thread(ask, pipes["AR"], "throughput", n, chunk)
        brokers = broker_cpu() - brokers
        cpu_py = ask(pipes["PY"], "cpu") - cpu_py
    finally:
        await asyncio.to_thread(pair.stop_nodes, pipes)
    per_message = {"AR": cpu_ar, "PY": cpu_py, "broker": brokers}
    return n / elapsed, {name: seconds * 1000 / n for name, seconds in per_message.items()}


async def latency(pair: Pair, rate: int, seconds: float) -> tuple[float, float, int]:
    """p50 and p99 (ms) from send() to the recipient's acceptance at a fixed offered load."""
    pipes = await asyncio.to_thread(pair.start_nodes, "latency")
    try:
        sent_at = await asyncio.to_thread(ask, pipes["AR"], "latency", rate, seconds)
        deadline = time.monotonic() + 60
        while True:
            accepted = ask(pipes["PY"], "accepted")
            if all(k in accepted for k in sent_at) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
    finally:
        await asyncio.to_thread(pair.stop_nodes, pipes)
    delays = sorted((accepted[k] - sent_at[k]) * 1000 for k in sent_at if k in accepted)
    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    return statistics.median(delays), p99, len(delays)


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--n", type=int, default=20_000, help="messages per throughput run")
    parser.add_argument("--rate", type=int, default=200, help="offered load for latency, msg/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="latency run length")
    parser.add_argument("--chunk", type=int, default=200, help="messages per outbox transaction")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        pair = Pair(Path(directory))
        await pair.setup()
        try:
            url = pair.brokers["AR"].node.amqp_url(NODE.admin, "/")
            raw, raw_client, raw_broker = await raw_ceiling(url, args.n)
            print(f"raw aio-pika (confirmed publish -> consume+ack, 1 KiB): {raw:,.0f} msg/s")
            print(
                f"CPU per message: client {raw_client:.2f} ms, broker {raw_broker:.2f} ms"
                " (one process publishes and consumes)"
            )
            full, cpu = await full_path(pair, args.n, args.chunk)
            print(f"full gateway path (seal ... receipt settled, 1 KiB doc): {full:,.0f} msg/s")
            print(
                "CPU per message: "
                + ", ".join(f"{name} {ms:.2f} ms" for name, ms in cpu.items())
                + " (AR seals, publishes, opens the receipt; PY opens, stores, seals the receipt)"
            )
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
