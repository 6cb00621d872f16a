"""Several states' nodes in one process: the demo, and the tests of the node.

Each state gets fresh keys (a key ring with a signing and an encryption key), a data key and its
own database; the states know each other through a static directory of their public keys. The
transport is the in-process network, or RabbitMQ (one vhost per state on one broker, linked by
shovels as in a deployment) when an AMQP admin URL is given.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from crypto.at_rest import DataKey
from crypto.errors import DirectoryError
from crypto.keys import Keyring, Purpose
from crypto.suites import Suite
from crypto.trust import RecipientKey, StaticDirectory
from gateway.memory import InProcessNetwork
from gateway.service import GatewaySettings, create_tables
from gateway.transport import Transport
from messages.vocab import Family
from national_node.node import Node, build_node


def state_keyring(state: str, now: int) -> Keyring:
    ring = Keyring(state=state)
    ring.generate(Purpose.SIGNING, now=now - 60)
    ring.generate(Purpose.ENCRYPTION, now=now - 60, suite=Suite.X25519)
    return ring


def directory_of(rings: Iterable[Keyring], now: int) -> StaticDirectory:
    signing: dict[str, list[Any]] = {}
    encryption: dict[str, list[RecipientKey]] = {}
    for ring in rings:
        assert ring.state is not None  # noqa: S101 - state rings
        signing[ring.state] = [ring.current(Purpose.SIGNING, now).public_key]
        record = ring.current(Purpose.ENCRYPTION, now, Suite.X25519)
        assert record.suite is not None  # noqa: S101 - an encryption key has a suite
        encryption[ring.state] = [
            RecipientKey(ring.state, record.suite, record.kid, record.public_key)  # type: ignore[arg-type]
        ]
    return StaticDirectory(signing=signing, encryption=encryption)


@dataclass
class LocalFederation:
    """Nodes of several states, in this process."""

    nodes: dict[str, Node]
    rings: dict[str, Keyring]
    directory: StaticDirectory
    network: InProcessNetwork | None = None

    async def start(self) -> None:
        for node in self.nodes.values():
            await node.start()

    async def close(self) -> None:
        for node in self.nodes.values():
            await node.close()


async def local_federation(
    engines: dict[str, AsyncEngine],
    *,
    transport: Callable[[str], Transport] | None = None,
    gateway_settings: GatewaySettings | None = None,
    clock: Callable[[], datetime] | None = None,
) -> LocalFederation:
    """A node for each state of ``engines``, on its engine (tables created), on the in-process
    network unless ``transport(state)`` is given; ``clock`` is the case operations' time (tests
    move it), by default the real one."""
    now = int(time.time())
    rings = {state: state_keyring(state, now) for state in engines}
    directory = directory_of(rings.values(), now)
    network = InProcessNetwork() if transport is None else None

    def choose(state: str, family: Family, at: int) -> RecipientKey:
        if state not in directory.encryption:
            raise DirectoryError(f"{state} is not a state of this federation")
        return directory.encryption[state][0]

    nodes = {}
    for state, ring in rings.items():
        engine = engines[state]
        await create_tables(engine)
        nodes[state] = build_node(
            state=state,
            engine=engine,
            keys=ring,
            directory=directory,
            choose_key=choose,
            transport=network.transport(state) if network else transport(state),  # type: ignore[misc]
            data_key=DataKey.generate(),
            gateway_settings=gateway_settings or GatewaySettings(relay_idle=0.05),
            clock=clock,
        )
    return LocalFederation(nodes=nodes, rings=rings, directory=directory, network=network)
