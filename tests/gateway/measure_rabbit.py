"""Raw rates of the RabbitMQ transport between two states, through their link (a shovel):
across two vhosts of the main broker, and across the main broker and a second node.

    .venv/bin/python -m tests.gateway.measure_rabbit [--n 20000] [--size 1024]

Each state is provisioned as in the tests (a vhost, its gateway user, the links both ways).
The sender publishes every message through RabbitTransport.publish (persistent, mandatory,
each awaited until confirmed; up to max_in_flight at once); the receiver consumes with
RabbitTransport.consume (prefetch 200, one handler at a time, an ack each) while the sender
publishes. Printed: the publish rate (all confirmed) and the end-to-end rate (first publish to
last delivery), in messages per second.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from gateway.transport import Delivery, Disposition
from tests.gateway.brokers import MAIN_NODE, LocalNode, StateFederation, running


async def measure(
    federation: StateFederation, sender: str, recipient: str, n: int, size: int
) -> str:
    arrived = 0
    done = asyncio.Event()

    async def handler(delivery: Delivery) -> Disposition:
        nonlocal arrived
        arrived += 1
        if arrived == n:
            done.set()
        return Disposition.ack()

    body = bytes(size)
    async with (
        running(federation.transport(sender)) as out,
        running(federation.transport(recipient), handler),
    ):
        start = time.perf_counter()
        await asyncio.gather(*(out.publish(recipient, body) for _ in range(n)))
        published = time.perf_counter() - start
        await asyncio.wait_for(done.wait(), timeout=600)
        delivered = time.perf_counter() - start
    return (
        f"{sender}->{recipient}: publish {n / published:,.0f} msg/s, "
        f"end to end {n / delivered:,.0f} msg/s ({n} x {size} B)"
    )


async def main(n: int, size: int) -> None:
    second = LocalNode.allocate()
    second.start()
    federation = StateFederation()
    try:
        await federation.add("FR", MAIN_NODE)
        await federation.add("DE", MAIN_NODE)
        await federation.add("IT", second.node)
        await federation.link_all()
        print("two vhosts, one node:", await measure(federation, "FR", "DE", n, size))  # noqa: T201
        print("two nodes:           ", await measure(federation, "FR", "IT", n, size))  # noqa: T201
        print("two nodes, back:     ", await measure(federation, "IT", "FR", n, size))  # noqa: T201
    finally:
        federation.remove()
        second.remove()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=1024)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.n, arguments.size))
    sys.exit(0)
