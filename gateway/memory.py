"""An in-process transport: the same interface as RabbitMQ, for the embedded demo and fast
unit tests. Several nodes in one process share an :class:`InProcessNetwork`.

It keeps the semantics the gateway relies on: a publish is "confirmed" once the message is in
the recipient's queue; a RETRY disposition redelivers with a growing delivery count, and past
the delivery limit the message is dead-lettered (``delivery-limit``); DEAD_LETTER moves it to
the dead-letter list with its reason; unroutable messages are kept, never dropped. Nothing is
durable: a process crash loses what is in the queues (the RabbitMQ transport is for that).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from gateway.errors import TransportError
from gateway.transport import Action, DeadLetter, Delivery, Handler

DEFAULT_DELIVERY_LIMIT = 5


@dataclass
class _Queued:
    body: bytes
    delivery_count: int = 0


@dataclass
class InProcessNetwork:
    """The queues of every node in this process, and what could not be routed."""

    delivery_limit: int = DEFAULT_DELIVERY_LIMIT
    queues: dict[str, asyncio.Queue[_Queued]] = field(default_factory=dict)
    dead: dict[str, list[DeadLetter]] = field(default_factory=dict)
    unroutable: list[tuple[str, bytes]] = field(default_factory=list)

    def transport(self, state: str) -> InProcessTransport:
        """The transport of ``state``'s node (its queue is created now)."""
        self.queues.setdefault(state, asyncio.Queue())
        self.dead.setdefault(state, [])
        return InProcessTransport(self, state)


class InProcessTransport:
    """A node's end of an :class:`InProcessNetwork`."""

    def __init__(self, network: InProcessNetwork, state: str) -> None:
        self._network = network
        self._state = state
        self._closed = asyncio.Event()
        self._consumer: asyncio.Task[None] | None = None

    @property
    def state(self) -> str:
        return self._state

    async def start(self) -> None:
        self._closed.clear()

    async def close(self) -> None:
        self._closed.set()
        if self._consumer is not None:
            self._consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._consumer

    async def publish(self, destination: str, envelope: bytes) -> None:
        if self._closed.is_set():
            raise TransportError("transport is closed")
        queue = self._network.queues.get(destination)
        if queue is None:
            self._network.unroutable.append((destination, envelope))
            return
        await queue.put(_Queued(envelope))

    async def consume(self, handler: Handler) -> None:
        self._consumer = asyncio.current_task()
        queue = self._network.queues[self._state]
        while not self._closed.is_set():
            item = await queue.get()
            delivery = Delivery(item.body, item.delivery_count > 0, item.delivery_count)
            try:
                disposition = await handler(delivery)
            except asyncio.CancelledError:
                queue.put_nowait(item)  # never acked: it stays for the next consumer
                raise
            except Exception:  # a crashing handler is a transient failure
                disposition = None
            if disposition is not None and disposition.action is Action.ACK:
                continue
            if disposition is not None and disposition.action is Action.DEAD_LETTER:
                self._dead_letter(item.body, disposition.reason or "rejected")
                continue
            item.delivery_count += 1
            if item.delivery_count > self._network.delivery_limit:
                self._dead_letter(item.body, "delivery-limit")
            else:
                queue.put_nowait(item)

    def _dead_letter(self, body: bytes, reason: str) -> None:
        self._network.dead[self._state].append(DeadLetter(body, reason))

    async def dead_letters(self) -> list[DeadLetter]:
        drained, self._network.dead[self._state] = self._network.dead[self._state], []
        return drained
