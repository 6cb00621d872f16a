"""The transport interface between a node's gateway and its broker.

A transport moves opaque envelope bytes between states. It knows the recipient state (the only
routing information on the wire, the AMQP routing key) and nothing else of a message. Two
implementations share this interface: :class:`gateway.rabbit.RabbitTransport` over RabbitMQ
(durable quorum queues, publisher confirms, a dead-letter queue, federation between the
states' brokers) and :class:`gateway.memory.InProcessTransport` for the embedded demo and fast
unit tests.

One place decides what happens to a delivery: the handler returns a :class:`Disposition`, and
the transport applies it (ack; dead-letter with a reason code; or requeue for a transient
failure, bounded by the queue's delivery limit). A handler that raises is treated as a
transient failure; ``asyncio.CancelledError`` is never acked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Action(StrEnum):
    ACK = "ack"
    """Done: durably stored (or a redelivery already stored). Remove it from the queue."""
    DEAD_LETTER = "dead-letter"
    """Poison: move it to the dead-letter queue with ``reason``, never redeliver it."""
    RETRY = "retry"
    """A transient failure (database down, ...): redeliver, up to the delivery limit."""


@dataclass(frozen=True)
class Disposition:
    """What to do with a delivery, and why."""

    action: Action
    reason: str | None = None
    """For DEAD_LETTER: a puente/1 reason code or another short code (``delivery-limit``)."""

    @classmethod
    def ack(cls) -> Disposition:
        return cls(Action.ACK)

    @classmethod
    def dead_letter(cls, reason: str) -> Disposition:
        return cls(Action.DEAD_LETTER, reason)

    @classmethod
    def retry(cls, reason: str) -> Disposition:
        return cls(Action.RETRY, reason)


@dataclass(frozen=True)
class Delivery:
    """One envelope taken from this node's inbound queue."""

    body: bytes
    redelivered: bool
    """The broker says this delivery was attempted before (not proof of a duplicate)."""
    delivery_count: int
    """How many times the broker has delivered it before (0 on the first delivery)."""


@dataclass(frozen=True)
class DeadLetter:
    """A message in this node's dead-letter queue, with the reason it was put there."""

    body: bytes
    reason: str


Handler = Callable[[Delivery], Awaitable[Disposition]]


class Transport(Protocol):
    """A node's connection to the federation."""

    @property
    def state(self) -> str:
        """The state this transport serves (its inbound queue)."""
        ...

    async def start(self) -> None:
        """Connect and declare this node's topology (idempotent)."""
        ...

    async def close(self) -> None:
        """Stop consuming and disconnect; pending confirms are awaited first."""
        ...

    async def publish(self, destination: str, envelope: bytes) -> None:
        """Publish an envelope to ``destination``'s node; returns once the broker has
        confirmed it durably (publisher confirm). Raises
        :class:`gateway.errors.TransportError` otherwise.

        Waits (bounded) under broker flow control instead of buffering without limit.
        """
        ...

    async def consume(self, handler: Handler) -> None:
        """Deliver this node's inbound envelopes to ``handler`` until :meth:`close`; apply the
        handler's disposition to each (see the module docstring)."""
        ...

    async def dead_letters(self) -> list[DeadLetter]:
        """Drain and return this node's dead-letter queue (for operators and tests)."""
        ...
