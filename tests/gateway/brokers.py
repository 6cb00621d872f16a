"""The RabbitMQ harness of the gateway tests: the main broker, a second node the harness starts
on other ports, and federations of states provisioned on them (a vhost per state, names unique
per run, deleted afterwards).

The main broker is the one scripts/bootstrap starts (127.0.0.1:5672, management on 15672,
guest/guest). The second node is ``rabbit2@localhost`` (AMQP 5673, distribution 25673,
management 15673) with its data, logs, configuration and plugins file under a temporary
directory; it runs as the ``rabbitmq`` user as the main one does (Debian's wrapper scripts).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aio_pika

from gateway.brokers import (
    Credentials,
    Management,
    ManagementError,
    Node,
    StateBroker,
    deprovision,
    link,
    provision,
    resume_link,
    suspend_link,
    wait_for_links,
)
from gateway.errors import TransportError
from gateway.rabbit import RabbitTransport
from gateway.topology import link_queue_name
from gateway.transport import Delivery, Disposition, Handler

PLUGINS = ("rabbitmq_shovel", "rabbitmq_management", "rabbitmq_shovel_management")
RECONNECT_DELAY = 1
"""Seconds between a link's (shovel's) reconnection attempts in the tests (default 5)."""

MAIN_NODE = Node(
    os.environ.get("PUENTE_TEST_RABBIT_NODE", "rabbit@localhost"),
    amqp_port=int(os.environ.get("PUENTE_TEST_RABBIT_PORT", "5672")),
    management_port=int(os.environ.get("PUENTE_TEST_RABBIT_MANAGEMENT_PORT", "15672")),
)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def wait_for_management(node: Node, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            Management(node, timeout=5).cluster_name()
            return
        except (OSError, ManagementError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LocalNode:
    """A RabbitMQ node of its own on this machine (``rabbitmq-server -detached``)."""

    name: str = "rabbit2@localhost"
    amqp_port: int = 5673
    dist_port: int = 25673
    management_port: int = 15673
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="puente-rmq-")))

    @classmethod
    def allocate(cls) -> LocalNode:
        """``rabbit2@localhost`` on ports 5673, 25673 and 15673; if another test session on
        this machine has them, a node of a name and ports of its own."""
        if not any(port_open(port) for port in (5673, 25673, 15673)):
            return cls()
        return cls(
            name=f"rabbit2-{os.getpid()}@localhost",
            amqp_port=free_port(),
            dist_port=free_port(),
            management_port=free_port(),
        )

    @property
    def node(self) -> Node:
        return Node(self.name, amqp_port=self.amqp_port, management_port=self.management_port)

    @property
    def pid_file(self) -> Path:
        return self.directory / "mnesia" / f"{self.name}.pid"

    def _environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_PORT": str(self.amqp_port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.directory / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.directory / "log"),
            "RABBITMQ_CONFIG_FILE": str(self.directory / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.directory / "enabled_plugins"),
        }

    def _prepare(self) -> None:
        for sub in ("mnesia", "log"):
            (self.directory / sub).mkdir(parents=True, exist_ok=True)
        (self.directory / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.amqp_port}\n"
            f"management.tcp.ip = 127.0.0.1\n"
            f"management.tcp.port = {self.management_port}\n"
        )
        (self.directory / "enabled_plugins").write_text(f"[{','.join(PLUGINS)}].\n")
        self.directory.chmod(0o755)
        if os.geteuid() == 0:  # Debian's wrapper runs the node as the rabbitmq user
            for path in (self.directory, *self.directory.rglob("*")):
                shutil.chown(path, "rabbitmq", "rabbitmq")

    def _ctl(self, *arguments: str, timeout: float = 120) -> None:
        subprocess.run(  # noqa: S603 - fixed program, arguments of our own
            ["rabbitmqctl", "-n", self.name, *arguments],  # noqa: S607 - Debian's CLI on PATH
            check=True,
            capture_output=True,
            timeout=timeout,
            env=self._environment(),
        )

    def start(self, timeout: float = 120) -> None:
        """Start the node and wait until AMQP and the management API answer."""
        if port_open(self.amqp_port):
            raise RuntimeError(
                f"port {self.amqp_port} is taken (a node left over? "
                f"rabbitmqctl -n {self.name} shutdown)"
            )
        self._prepare()
        subprocess.run(
            ["rabbitmq-server", "-detached"],  # noqa: S607
            check=True,
            capture_output=True,
            timeout=timeout,
            env=self._environment(),
            cwd=self.directory,
        )
        self._ctl("wait", "--timeout", str(int(timeout)), str(self.pid_file), timeout=timeout + 10)
        wait_for_management(self.node, timeout)

    def stop(self) -> None:
        """Stop the node gracefully (``rabbitmqctl shutdown`` waits for the process to end)."""
        self._ctl("shutdown")

    def block_publishers(self, blocked: bool = True) -> None:
        """Raise (or clear) a memory alarm: the node blocks every publishing connection (the
        flow control a broker short of memory applies)."""
        self._ctl("set_vm_memory_high_watermark", "0" if blocked else "0.4")

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        """Stop the node if it runs and delete its directory."""
        if port_open(self.amqp_port):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class StateFederation:
    """States of one test, each in a vhost of a node, every pair linked both ways (a shovel
    each way)."""

    def __init__(self, *, delivery_limit: int | None = None) -> None:
        self.run = uuid.uuid4().hex[:10]
        self.delivery_limit = delivery_limit
        self.states: dict[str, StateBroker] = {}
        self.link_users: dict[tuple[str, str], Credentials] = {}
        """The user of each link, by (upstream, downstream)."""

    def broker(self, state: str, node: Node = MAIN_NODE) -> StateBroker:
        """The (not yet provisioned) broker of ``state`` on ``node``."""
        prefix = f"puente-test-{self.run}"
        return StateBroker(
            state,
            node,
            vhost=f"{prefix}-{state}",
            gateway=Credentials.generate(f"{prefix}-gateway-{state}"),
            user_prefix=prefix,
            delivery_limit=self.delivery_limit,
        )

    async def add(self, state: str, node: Node = MAIN_NODE) -> StateBroker:
        """Provision ``state`` on ``node`` (its vhost, gateway user and topology)."""
        broker = self.broker(state, node)
        self.states[state] = broker
        await provision(broker)
        return broker

    def link(self, upstream: str, downstream: str) -> None:
        self.link_users[(upstream, downstream)] = link(
            self.states[upstream], self.states[downstream], reconnect_delay=RECONNECT_DELAY
        )

    async def link_all(self, timeout: float = 30) -> None:
        """Link every ordered pair of states and wait until every link runs."""
        for upstream in self.states:
            for downstream in self.states:
                if upstream != downstream:
                    self.link(upstream, downstream)
        for state, broker in self.states.items():
            await wait_for_links(broker, set(self.states) - {state}, timeout=timeout)

    async def wait_for_link(self, upstream: str, downstream: str, timeout: float = 30) -> None:
        await wait_for_links(self.states[downstream], [upstream], timeout=timeout)

    def cut(self, upstream: str, downstream: str) -> None:
        """Cut the link by which ``downstream`` receives from ``upstream``."""
        suspend_link(self.states[upstream], self.states[downstream])

    def restore(self, upstream: str, downstream: str) -> None:
        resume_link(self.states[upstream], self.states[downstream])

    def url(self, state: str) -> str:
        """The gateway's AMQP URL of ``state``."""
        return self.states[state].gateway_url

    def transport(self, state: str, **options: Any) -> RabbitTransport:
        """A RabbitTransport of ``state``'s gateway (with this federation's delivery limit)."""
        if self.delivery_limit is not None:
            options.setdefault("delivery_limit", self.delivery_limit)
        return RabbitTransport(self.url(state), state, **options)

    def admin_url(self, state: str) -> str:
        broker = self.states[state]
        return broker.node.amqp_url(broker.node.admin, broker.vhost)

    def federation_queue(self, upstream: str, downstream: str) -> str:
        """The queue, on ``upstream``'s vhost, where what it sends to ``downstream`` waits."""
        assert upstream in self.states
        return link_queue_name(downstream)

    async def message_count(self, state: str, queue: str) -> int:
        """How many messages wait, ready, in a queue of ``state``'s vhost (asked over AMQP:
        the management API's counts lag by seconds)."""
        connection = await aio_pika.connect(self.admin_url(state))
        async with connection:
            channel = await connection.channel()
            declared = await channel.declare_queue(queue, passive=True)
            count = declared.declaration_result.message_count
            return int(count or 0)

    def remove(self) -> None:
        """Delete every state's vhost and users (errors of one do not stop the others)."""
        errors: list[Exception] = []
        for broker in self.states.values():
            peers: Iterable[StateBroker] = [b for b in self.states.values() if b is not broker]
            try:
                deprovision(broker, peers)
            except (OSError, ManagementError) as error:
                errors.append(error)
        if errors:
            raise errors[0]


class Received:
    """A handler that acks and records every delivery."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.deliveries: list[Delivery] = []
        self._arrived = asyncio.Event()

    async def __call__(self, delivery: Delivery) -> Disposition:
        self.deliveries.append(delivery)
        self.bodies.append(delivery.body)
        self._arrived.set()
        return Disposition.ack()

    async def wait_for(self, expected: Iterable[bytes], timeout: float = 30) -> None:
        """Wait until every body of ``expected`` has arrived (at least once)."""
        wanted = set(expected)
        async with asyncio.timeout(timeout):
            while not wanted <= set(self.bodies):
                self._arrived.clear()
                await self._arrived.wait()


@asynccontextmanager
async def running(
    transport: RabbitTransport, handler: Handler | None = None
) -> AsyncIterator[RabbitTransport]:
    """A started transport, consuming with ``handler`` if one is given; closed on exit."""
    await transport.start()
    consumer = asyncio.create_task(transport.consume(handler)) if handler is not None else None
    try:
        yield transport
    finally:
        await transport.close()
        if consumer is not None:
            await consumer


async def publish_until_confirmed(
    transport: RabbitTransport, destination: str, body: bytes, *, timeout: float = 60
) -> int:
    """Publish as an outbox relay does: again after each TransportError, until confirmed.
    Returns how many attempts failed."""
    failures = 0
    async with asyncio.timeout(timeout):
        while True:
            try:
                await transport.publish(destination, body)
                return failures
            except TransportError:
                failures += 1
                await asyncio.sleep(0.2)
