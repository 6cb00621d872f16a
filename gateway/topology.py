"""One state's topology on its broker: typed declarations, declared idempotently, drift an error.

Each state has its own broker (or a vhost of a shared one) holding these objects::

    puente.outbound    direct exchange; the gateway publishes here, routing key = recipient
      |                state; its alternate exchange takes what no binding routes
      +- (alternate) -> puente.unroutable (fanout) -> queue puente.unroutable
      '- <PEER> -> puente.to.<PEER>   one durable queue per peer, declared when the link to
                                      that peer is set up (:func:`link_declarations`); the
                                      peer's shovel takes it from there to the peer's broker

    puente.federation  direct exchange: what the peers' shovels bring in (alternate exchange
      |                puente.unroutable: nothing vanishes here either)
      '- <CC> -> puente.inbound.<CC>   quorum queue; x-delivery-limit; dead-letters
                                       (at-least-once) to puente.dead
    puente.dead        direct exchange
      '- <CC> -> puente.dead-letters.<CC>

Nothing of Puente's own forwards a message between brokers: RabbitMQ's dynamic shovels do
(see ``docs/deployment.md`` and :mod:`gateway.brokers`).

Every object is a frozen dataclass. :class:`Declarer` declares them on a channel; declaring a
name again with other settings, in this process or against what the broker already holds,
raises :class:`TopologyDrift` instead of silently keeping either version.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, TypedDict

import aio_pika.exceptions

from messages.countries import ISO_3166_ALPHA2
from messages.errors import PuenteError

if TYPE_CHECKING:
    import aio_pika.abc
    from pamqp.common import FieldTable

__all__ = [
    "DEAD_EXCHANGE",
    "DEFAULT_DELIVERY_LIMIT",
    "FEDERATION_EXCHANGE",
    "OUTBOUND_EXCHANGE",
    "REASON_HEADER",
    "UNROUTABLE_EXCHANGE",
    "UNROUTABLE_QUEUE",
    "Binding",
    "ClassicQueue",
    "Declarer",
    "Exchange",
    "ExchangeKind",
    "QuorumQueue",
    "Topology",
    "TopologyDrift",
    "dead_letter_queue_name",
    "inbound_queue_name",
    "link_declarations",
    "link_queue_name",
]

OUTBOUND_EXCHANGE = "puente.outbound"
"""Where a state's gateway publishes; the routing key is the recipient state."""
UNROUTABLE_EXCHANGE = "puente.unroutable"
"""The alternate exchange of :data:`OUTBOUND_EXCHANGE`: a message for no known peer."""
UNROUTABLE_QUEUE = "puente.unroutable"
FEDERATION_EXCHANGE = "puente.federation"
"""Where the peers' shovels deliver; routes to this state's inbound queue."""
DEAD_EXCHANGE = "puente.dead"
"""Takes what failed verification (published by the gateway) or passed the delivery limit."""
REASON_HEADER = "x-puente-reason"
"""The header of a dead letter the gateway publishes: why it was dead-lettered."""

DEFAULT_DELIVERY_LIMIT = 5
"""Redeliveries of an inbound message before RabbitMQ dead-letters it (``delivery_limit``)."""


def _check_state(state: str) -> str:
    if state not in ISO_3166_ALPHA2:
        raise ValueError(f"{state!r} is not an ISO 3166-1 alpha-2 state code")
    return state


def inbound_queue_name(state: str) -> str:
    """The inbound queue of ``state``'s node."""
    return f"puente.inbound.{_check_state(state)}"


def dead_letter_queue_name(state: str) -> str:
    """The dead-letter queue of ``state``'s node."""
    return f"puente.dead-letters.{_check_state(state)}"


def link_queue_name(peer: str) -> str:
    """The queue, on a sender's broker, of what waits for ``peer``'s shovel."""
    return f"puente.to.{_check_state(peer)}"


def link_declarations(peer: str) -> tuple[ClassicQueue, Binding]:
    """What a state's broker holds for one peer: the queue of what is addressed to ``peer``,
    bound to ``puente.outbound`` with the peer's state code (declared by the operator who
    sets up the link, not by the gateway)."""
    queue = ClassicQueue(link_queue_name(peer))
    return queue, Binding(OUTBOUND_EXCHANGE, queue.name, peer)


class TopologyDrift(PuenteError):
    """A name is already declared (here or on the broker) with other settings."""

    code = "topology-drift"
    retryable = False


class ExchangeKind(StrEnum):
    DIRECT = "direct"
    FANOUT = "fanout"


# The argument tables mirror what RabbitMQ reads (rabbit_exchange / rabbit_quorum_queue in
# rabbitmq-server 3.10); the keys are AMQP field names, hence the functional TypedDict form.
ExchangeArguments = TypedDict("ExchangeArguments", {"alternate-exchange": str}, total=False)

QuorumQueueArguments = TypedDict(
    "QuorumQueueArguments",
    {
        "x-queue-type": Literal["quorum"],
        "x-delivery-limit": int,
        "x-dead-letter-exchange": str,
        "x-dead-letter-routing-key": str,
        "x-dead-letter-strategy": Literal["at-most-once", "at-least-once"],
        "x-overflow": Literal["drop-head", "reject-publish"],
    },
    total=False,
)


@dataclass(frozen=True)
class Exchange:
    """A durable exchange."""

    name: str
    kind: ExchangeKind
    alternate_exchange: str | None = None

    @property
    def arguments(self) -> ExchangeArguments:
        arguments: ExchangeArguments = {}
        if self.alternate_exchange is not None:
            arguments["alternate-exchange"] = self.alternate_exchange
        return arguments


@dataclass(frozen=True)
class ClassicQueue:
    """A durable classic queue (messages published persistent are written to disk)."""

    name: str


@dataclass(frozen=True)
class QuorumQueue:
    """A quorum queue: always durable, replicated by Raft, confirms once the log is on disk."""

    name: str
    delivery_limit: int
    dead_letter_exchange: str
    dead_letter_routing_key: str
    dead_letter_strategy: Literal["at-most-once", "at-least-once"] = "at-least-once"
    overflow: Literal["drop-head", "reject-publish"] = "reject-publish"

    def __post_init__(self) -> None:
        if self.delivery_limit < 0:
            raise ValueError("a quorum queue's delivery limit must be >= 0")
        if self.dead_letter_strategy == "at-least-once" and self.overflow != "reject-publish":
            # RabbitMQ falls back to at-most-once otherwise, without saying so.
            raise ValueError("at-least-once dead-lettering requires x-overflow reject-publish")

    @property
    def arguments(self) -> QuorumQueueArguments:
        return {
            "x-queue-type": "quorum",
            "x-delivery-limit": self.delivery_limit,
            "x-dead-letter-exchange": self.dead_letter_exchange,
            "x-dead-letter-routing-key": self.dead_letter_routing_key,
            "x-dead-letter-strategy": self.dead_letter_strategy,
            "x-overflow": self.overflow,
        }


Queue = ClassicQueue | QuorumQueue


@dataclass(frozen=True)
class Binding:
    """``exchange`` routes ``routing_key`` to ``queue``."""

    exchange: str
    queue: str
    routing_key: str


@dataclass(frozen=True)
class Topology:
    """Every object one state's gateway declares on its broker."""

    state: str
    delivery_limit: int = DEFAULT_DELIVERY_LIMIT
    exchanges: tuple[Exchange, ...] = field(init=False)
    queues: tuple[Queue, ...] = field(init=False)
    bindings: tuple[Binding, ...] = field(init=False)

    def __post_init__(self) -> None:
        state = _check_state(self.state)
        inbound, dead = inbound_queue_name(state), dead_letter_queue_name(state)
        exchanges = (
            Exchange(UNROUTABLE_EXCHANGE, ExchangeKind.FANOUT),
            Exchange(
                OUTBOUND_EXCHANGE, ExchangeKind.DIRECT, alternate_exchange=UNROUTABLE_EXCHANGE
            ),
            Exchange(
                FEDERATION_EXCHANGE, ExchangeKind.DIRECT, alternate_exchange=UNROUTABLE_EXCHANGE
            ),
            Exchange(DEAD_EXCHANGE, ExchangeKind.DIRECT),
        )
        queues: tuple[Queue, ...] = (
            ClassicQueue(UNROUTABLE_QUEUE),
            ClassicQueue(dead),
            QuorumQueue(
                inbound,
                delivery_limit=self.delivery_limit,
                dead_letter_exchange=DEAD_EXCHANGE,
                dead_letter_routing_key=state,
            ),
        )
        bindings = (
            Binding(UNROUTABLE_EXCHANGE, UNROUTABLE_QUEUE, ""),
            Binding(DEAD_EXCHANGE, dead, state),
            Binding(FEDERATION_EXCHANGE, inbound, state),
        )
        object.__setattr__(self, "exchanges", exchanges)
        object.__setattr__(self, "queues", queues)
        object.__setattr__(self, "bindings", bindings)

    @property
    def inbound_queue(self) -> str:
        return inbound_queue_name(self.state)

    @property
    def dead_letter_queue(self) -> str:
        return dead_letter_queue_name(self.state)

    def __iter__(self) -> Iterator[Exchange | Queue | Binding]:
        """Every declaration, in an order that declares what an object refers to first."""
        yield from self.exchanges
        yield from self.queues
        yield from self.bindings


def _field_table(arguments: Mapping[str, object]) -> FieldTable:
    """AMQP arguments from a typed table (whose values are all strings and integers)."""
    return {key: value for key, value in arguments.items() if isinstance(value, str | int)}


class Declarer:
    """Declares topology objects on one channel, remembering what it declared.

    Declaring a name again with other settings raises :class:`TopologyDrift`, and so does a
    broker that already holds the name with other settings (RabbitMQ 3.10 answers
    ``PRECONDITION_FAILED`` for each argument used here, and closes the channel).
    :func:`gateway.brokers.topology_drift` also compares what a broker holds, through the
    management API.
    """

    def __init__(self, channel: aio_pika.abc.AbstractChannel) -> None:
        self._channel = channel
        self._exchanges: dict[str, tuple[Exchange, aio_pika.abc.AbstractExchange]] = {}
        self._queues: dict[str, tuple[Queue, aio_pika.abc.AbstractQueue]] = {}
        self._bindings: set[Binding] = set()

    @staticmethod
    def _check(kind: str, known: Exchange | Queue | None, declaration: Exchange | Queue) -> None:
        if known is not None and known != declaration:
            raise TopologyDrift(
                f"{kind} {declaration.name!r} declared as {known!r}, now as {declaration!r}"
            )

    async def declare(self, topology: Topology) -> None:
        """Declare every object of ``topology`` (idempotent)."""
        for declaration in topology:
            if isinstance(declaration, Exchange):
                await self.exchange(declaration)
            elif isinstance(declaration, ClassicQueue | QuorumQueue):
                await self.queue(declaration)
            else:
                await self.bind(declaration)

    async def exchange(self, declaration: Exchange) -> aio_pika.abc.AbstractExchange:
        """Declare an exchange (once); the channel's object for it."""
        known = self._exchanges.get(declaration.name)
        self._check("exchange", None if known is None else known[0], declaration)
        if known is not None:
            return known[1]
        with _drift(declaration):
            exchange = await self._channel.declare_exchange(
                declaration.name,
                declaration.kind.value,
                durable=True,
                arguments=_field_table(declaration.arguments),
            )
        self._exchanges[declaration.name] = (declaration, exchange)
        return exchange

    async def queue(self, declaration: Queue) -> aio_pika.abc.AbstractQueue:
        """Declare a queue (once); the channel's object for it."""
        known = self._queues.get(declaration.name)
        self._check("queue", None if known is None else known[0], declaration)
        if known is not None:
            return known[1]
        arguments = (
            _field_table(declaration.arguments) if isinstance(declaration, QuorumQueue) else None
        )
        with _drift(declaration):
            queue = await self._channel.declare_queue(
                declaration.name, durable=True, arguments=arguments
            )
        self._queues[declaration.name] = (declaration, queue)
        return queue

    async def bind(self, declaration: Binding) -> None:
        """Bind a queue to an exchange (once)."""
        if declaration in self._bindings:
            return
        known = self._queues.get(declaration.queue)
        queue = (
            known[1]
            if known is not None
            else await self._channel.get_queue(declaration.queue, ensure=False)
        )
        await queue.bind(declaration.exchange, declaration.routing_key)
        self._bindings.add(declaration)


@contextlib.contextmanager
def _drift(declaration: Exchange | Queue) -> Iterator[None]:
    """RabbitMQ's PRECONDITION_FAILED on a declaration, as :class:`TopologyDrift`."""
    try:
        yield
    except aio_pika.exceptions.ChannelPreconditionFailed as error:
        raise TopologyDrift(
            f"the broker holds {declaration.name!r} with other settings than {declaration!r}: "
            f"{error}"
        ) from error
