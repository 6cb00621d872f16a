"""National nodes over the real RabbitMQ: each state on a vhost of its own on the local broker,
the vhosts linked by shovels as in a deployment (gateway.brokers: provision, link,
wait_for_links, deprovision, through the gateway tests' harness), each node's gateway on a
RabbitTransport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.brokers import ManagementError
from tests.gateway.brokers import MAIN_NODE, StateFederation, wait_for_management
from tests.national_node.conftest import NodesUnderTest
from tests.national_node.mla_kit import Clock, clocked_nodes


@asynccontextmanager
async def state_brokers(states: Iterable[str]) -> AsyncIterator[StateFederation]:
    """A vhost per state on the local RabbitMQ, linked every way by shovels; the vhosts and
    their users are deleted afterwards."""
    try:
        wait_for_management(MAIN_NODE, timeout=10)
    except (OSError, ManagementError) as error:
        pytest.fail(f"the local RabbitMQ's management API does not answer: {error}")
    brokers = StateFederation()
    try:
        for state in states:
            await brokers.add(state)
        await brokers.link_all()
        yield brokers
    finally:
        brokers.remove()


@asynccontextmanager
async def rabbit_nodes(
    engines: dict[str, AsyncEngine], clock: Clock
) -> AsyncIterator[tuple[NodesUnderTest, StateFederation]]:
    """Nodes of ``engines``' states on the real broker, linked every way, gateways running;
    the vhosts and their users are deleted afterwards."""
    async with (
        state_brokers(engines) as brokers,
        clocked_nodes(engines, clock, transport=brokers.transport) as nodes,
    ):
        yield nodes, brokers
