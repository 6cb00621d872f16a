"""Fixtures of the RabbitMQ gateway tests (see tests/gateway/brokers.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from gateway.brokers import ManagementError, Node
from tests.gateway.brokers import MAIN_NODE, LocalNode, StateFederation, wait_for_management


@pytest.fixture(scope="session")
def main_node() -> Node:
    """The broker scripts/bootstrap starts, with the shovel and management plugins."""
    try:
        wait_for_management(MAIN_NODE, timeout=10)
    except (OSError, ManagementError) as error:
        pytest.fail(
            f"the main RabbitMQ's management API does not answer (scripts/bootstrap): {error}"
        )
    return MAIN_NODE


@pytest.fixture(scope="session")
def local_node() -> Iterator[LocalNode]:
    """A second RabbitMQ node, started once per session and stopped at its end."""
    node = LocalNode.allocate()
    try:
        node.start()
        yield node
    finally:
        node.remove()


@pytest.fixture(scope="session")
def second_node(local_node: LocalNode) -> Node:
    return local_node.node


@pytest.fixture
def states(main_node: Node) -> Iterator[Callable[..., StateFederation]]:
    """Make a :class:`StateFederation` (``states(delivery_limit=2)``); removed afterwards."""
    made: list[StateFederation] = []

    def make(*, delivery_limit: int | None = None) -> StateFederation:
        federation = StateFederation(delivery_limit=delivery_limit)
        made.append(federation)
        return federation

    yield make
    for federation in made:
        federation.remove()
