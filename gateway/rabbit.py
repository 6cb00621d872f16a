"""The RabbitMQ transport: :class:`RabbitTransport`, the :class:`gateway.transport.Transport`
of a node whose state has its own broker (or vhost), linked to its peers' brokers by dynamic
shovels (:mod:`gateway.brokers`, ``docs/deployment.md``).

Guarantees, and where each comes from:

- **publish**: persistent message, ``mandatory``, on a channel with publisher confirms; it
  returns only once the broker confirmed the message (stored on disk in ``puente.to.<PEER>``,
  the queue the recipient's link takes it from, or in ``puente.unroutable`` for a state with
  no link). A nack, a returned message, a lost connection or channel, or
  no confirm within ``confirm_timeout`` raises :class:`gateway.errors.TransportError`: the
  caller's outbox publishes it again later (receivers are idempotent by envelope hash). At
  most ``max_in_flight`` publishes await their confirms at once; more wait for a slot, so
  under flow control or a slow broker ``publish`` waits instead of buffering without limit,
  and ``confirm_timeout`` bounds the whole wait.
- **consume**: manual acks, prefetch ``prefetch``; the handler's :class:`Disposition` is
  applied in one place (:meth:`RabbitTransport._settle`): ACK acks (the acks of deliveries
  settled together go out as one ``basic.ack`` with ``multiple``, never covering a delivery
  still being handled: :meth:`RabbitTransport._ack`); DEAD_LETTER publishes the
  body to ``puente.dead`` with the ``x-puente-reason`` header, awaits its confirm, then acks;
  RETRY (or a handler that raises) nacks with requeue, and the quorum queue's
  ``x-delivery-limit`` dead-letters a message after ``delivery_limit`` redeliveries (reason
  ``delivery-limit``); a cancelled handler settles nothing, so the broker redelivers.
- **the wire** carries only routing: the routing key is the recipient state, the only
  property is the delivery mode (persistent); everything else is inside the envelope.

Connections are aio-pika's robust connections (one for publishing, one for consuming): a lost
connection or closed channel is reopened, the topology and the consumer restored. A publish
in flight when the connection drops raises; it is never reported as confirmed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aio_pika
import aio_pika.abc
import aiormq.exceptions

from gateway.errors import TransportError
from gateway.topology import (
    DEAD_EXCHANGE,
    DEFAULT_DELIVERY_LIMIT,
    OUTBOUND_EXCHANGE,
    REASON_HEADER,
    Declarer,
    Topology,
)
from gateway.transport import Action, DeadLetter, Delivery, Disposition, Handler
from messages.countries import ISO_3166_ALPHA2

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["RabbitTransport"]

log = logging.getLogger(__name__)

DEFAULT_PREFETCH = 200
DEFAULT_MAX_IN_FLIGHT = 256
DEFAULT_CONFIRM_TIMEOUT = 30.0
HANDLER_ERROR = "handler-error"
"""The RETRY reason recorded (in the log) for a handler that raised."""

# What a lost connection, a closed channel or a refusal raises in aio-pika and aiormq.
_BROKER_ERRORS: tuple[type[BaseException], ...] = (
    aiormq.exceptions.AMQPError,
    aiormq.exceptions.ChannelInvalidStateError,
    ConnectionError,
    OSError,
    RuntimeError,
)


def _delivery_count(headers: Mapping[str, Any]) -> int:
    """The quorum queue's count of earlier deliveries (``x-delivery-count``; 0 if absent)."""
    count = headers.get("x-delivery-count", 0)
    return count if isinstance(count, int) and count >= 0 else 0


def _dead_letter_reason(headers: Mapping[str, Any]) -> str:
    """Why a message is in the dead-letter queue: the gateway's header, or RabbitMQ's reason
    (``delivery_limit`` -> ``delivery-limit``)."""
    reason = headers.get(REASON_HEADER)
    if isinstance(reason, bytes):
        reason = reason.decode(errors="replace")
    if isinstance(reason, str) and reason:
        return reason
    first = headers.get("x-first-death-reason")
    if isinstance(first, bytes):
        first = first.decode(errors="replace")
    if not isinstance(first, str):
        deaths = headers.get("x-death")
        death = deaths[0] if isinstance(deaths, list) and deaths else None
        first = death.get("reason") if isinstance(death, dict) else None
        if isinstance(first, bytes):
            first = first.decode(errors="replace")
    return first.replace("_", "-") if isinstance(first, str) and first else "unknown"


def _tag(message: aio_pika.abc.AbstractIncomingMessage) -> int:
    tag = message.delivery_tag
    if tag is None:  # only a message consumed with no_ack, never here
        raise TypeError("a delivery without a delivery tag")
    return tag


@dataclass
class _Acks:
    """The settling of one consuming channel's deliveries, for coalesced acks."""

    channel: object
    """The channel the deliveries came on (delivery tags count per channel)."""
    floor: int = 0
    """Every delivery tag up to this one is settled."""
    settled: set[int] = field(default_factory=set)
    """Tags above ``floor`` settled one by one (acked, dead-lettered, requeued)."""
    ready: dict[int, aio_pika.abc.AbstractIncomingMessage] = field(default_factory=dict)
    """Deliveries to ack, by tag."""
    flushing: bool = False

    def take(
        self,
    ) -> tuple[
        aio_pika.abc.AbstractIncomingMessage | None, list[aio_pika.abc.AbstractIncomingMessage]
    ]:
        """The delivery to ack with ``multiple`` (the end of the run of settled or ready tags
        just above ``floor``), and the ready deliveries past that run, to ack one by one."""
        tag, last = self.floor + 1, None
        while True:
            if tag in self.ready:
                last = self.ready.pop(tag)
            elif tag in self.settled:
                self.settled.discard(tag)
            else:
                break
            tag += 1
        self.floor = tag - 1
        singles = list(self.ready.values())
        self.ready.clear()
        self.settled.update(_tag(single) for single in singles)
        return last, singles


class RabbitTransport:
    """A node's connection to its state's broker (see the module docstring)."""

    def __init__(
        self,
        url: str,
        state: str,
        *,
        delivery_limit: int = DEFAULT_DELIVERY_LIMIT,
        prefetch: int = DEFAULT_PREFETCH,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        confirm_timeout: float = DEFAULT_CONFIRM_TIMEOUT,
        concurrency: int = 1,
        reconnect_interval: float = 1.0,
        close_grace: float = 10.0,
    ) -> None:
        """``url``: the AMQP URL of the state's broker (vhost and the gateway's credentials).
        ``concurrency``: how many deliveries the handler sees at once (1: one after another,
        as the in-process transport; at most ``prefetch``). ``close_grace``: how long
        :meth:`close` lets running handlers finish before it cancels them (a cancelled
        handler's delivery is not settled: the broker delivers it again)."""
        if prefetch < 1 or max_in_flight < 1 or not 1 <= concurrency <= prefetch:
            raise ValueError("prefetch, max_in_flight >= 1 and 1 <= concurrency <= prefetch")
        self._url = url
        self._topology = Topology(state, delivery_limit=delivery_limit)
        self._prefetch = prefetch
        self._confirm_timeout = confirm_timeout
        self._reconnect_interval = reconnect_interval
        self._close_grace = close_grace
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._max_in_flight = max_in_flight
        self._handler_slots = asyncio.Semaphore(concurrency)
        self._publisher: aio_pika.abc.AbstractRobustConnection | None = None
        self._consumer: aio_pika.abc.AbstractRobustConnection | None = None
        self._outbound: aio_pika.abc.AbstractExchange | None = None
        self._dead: aio_pika.abc.AbstractExchange | None = None
        self._inbound: aio_pika.abc.AbstractQueue | None = None
        self._dead_letters: aio_pika.abc.AbstractQueue | None = None
        self._closing = asyncio.Event()
        self._handlers: set[asyncio.Task[Any]] = set()
        self._acks: _Acks | None = None
        self._ack_turn = asyncio.Lock()
        self.reconnects = 0
        """How many times a lost connection (either) was opened again (for metrics, tests)."""
        self.in_flight = 0
        """How many publishes await their confirm now (at most ``max_in_flight``)."""

    @property
    def state(self) -> str:
        return self._topology.state

    @property
    def topology(self) -> Topology:
        return self._topology

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect (a connection to publish, one to consume) and declare the topology."""
        if self._publisher is not None:
            return
        self._closing.clear()
        try:
            self._publisher = await self._connect("publisher")
            channel = await self._publisher.channel(publisher_confirms=True)
            declarer = Declarer(channel)
            await declarer.declare(self._topology)
            exchanges = {e.name: e for e in self._topology.exchanges}
            queues = {q.name: q for q in self._topology.queues}
            self._outbound = await declarer.exchange(exchanges[OUTBOUND_EXCHANGE])
            self._dead = await declarer.exchange(exchanges[DEAD_EXCHANGE])
            self._dead_letters = await declarer.queue(queues[self._topology.dead_letter_queue])

            self._consumer = await self._connect("consumer")
            consuming = await self._consumer.channel(publisher_confirms=False)
            await consuming.set_qos(prefetch_count=self._prefetch)
            self._inbound = await Declarer(consuming).queue(queues[self._topology.inbound_queue])
        except BaseException:
            await self._disconnect()
            raise

    async def _connect(self, role: str) -> aio_pika.abc.AbstractRobustConnection:
        try:
            connection = await aio_pika.connect_robust(
                self._url,
                reconnect_interval=self._reconnect_interval,
                client_properties={"connection_name": f"puente gateway {self.state} {role}"},
            )
        except _BROKER_ERRORS as error:
            raise TransportError(
                f"cannot connect to the broker of {self.state}: {error}"
            ) from error
        connection.reconnect_callbacks.add(self._reconnected)
        return connection

    def _reconnected(self, connection: aio_pika.abc.AbstractRobustConnection | None, /) -> None:
        self.reconnects += 1
        log.warning("%s: reconnected to its broker", self.state)

    async def close(self) -> None:
        """Stop consuming, let running handlers settle (``close_grace``, then cancel them),
        await pending confirms, disconnect."""
        self._closing.set()
        if self._inbound is not None and self._consumer_tag is not None:
            with contextlib.suppress(*_BROKER_ERRORS, TimeoutError):
                await self._inbound.cancel(self._consumer_tag, timeout=5)
        if self._handlers:
            _, late = await asyncio.wait(self._handlers, timeout=self._close_grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        for _ in range(self._max_in_flight):  # every publish slot back: no confirm pending
            await self._in_flight.acquire()
        for _ in range(self._max_in_flight):
            self._in_flight.release()
        await self._disconnect()

    async def _disconnect(self) -> None:
        for connection in (self._consumer, self._publisher):
            if connection is not None:
                with contextlib.suppress(*_BROKER_ERRORS):
                    await connection.close()
        self._publisher = self._consumer = None
        self._outbound = self._dead = self._inbound = self._dead_letters = None

    # --- publishing -------------------------------------------------------------------------

    async def publish(self, destination: str, envelope: bytes) -> None:
        if destination not in ISO_3166_ALPHA2:
            raise ValueError(f"{destination!r} is not a state code")
        if self._outbound is None or self._closing.is_set():
            raise TransportError("the transport is not started")
        await self._confirmed(
            self._outbound,
            destination,
            aio_pika.Message(envelope, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
        )

    async def _confirmed(
        self, exchange: aio_pika.abc.AbstractExchange, key: str, message: aio_pika.Message
    ) -> None:
        """Publish and wait for the broker's confirm, ``confirm_timeout`` at most (waiting for a
        slot among the ``max_in_flight`` included); TransportError if it does not come."""
        try:
            async with asyncio.timeout(self._confirm_timeout), self._in_flight:
                self.in_flight += 1
                try:
                    confirmation = await exchange.publish(message, key, mandatory=True)
                finally:
                    self.in_flight -= 1
        except TimeoutError as error:
            raise TransportError(
                f"no confirm within {self._confirm_timeout} s for {exchange.name}/{key}"
            ) from error
        except _BROKER_ERRORS as error:
            raise TransportError(f"not confirmed ({exchange.name}/{key}): {error!r}") from error
        if not isinstance(confirmation, aiormq.spec.Basic.Ack):
            raise TransportError(f"not confirmed ({exchange.name}/{key}): {confirmation!r}")

    # --- consuming --------------------------------------------------------------------------

    _consumer_tag: str | None = None

    async def consume(self, handler: Handler) -> None:
        if self._inbound is None:
            raise TransportError("the transport is not started")
        if self._consumer_tag is not None:
            raise RuntimeError("already consuming")

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            if self._closing.is_set():
                return  # not settled: the broker delivers it again once this channel closes
            task = asyncio.current_task()
            if task is not None:
                self._handlers.add(task)
            try:
                async with self._handler_slots:
                    await self._deliver(handler, message)
            finally:
                if task is not None:
                    self._handlers.discard(task)

        self._consumer_tag = await self._inbound.consume(on_message, no_ack=False)
        try:
            await self._closing.wait()
        finally:
            self._consumer_tag = None

    async def _deliver(
        self, handler: Handler, message: aio_pika.abc.AbstractIncomingMessage
    ) -> None:
        delivery = Delivery(
            body=message.body,
            redelivered=bool(message.redelivered),
            delivery_count=_delivery_count(message.headers),
        )
        try:
            disposition = await handler(delivery)
        except asyncio.CancelledError:
            raise  # never acked: the broker redelivers it once this channel closes
        except Exception:
            log.exception("the handler of %s failed: the delivery is retried", self.state)
            disposition = Disposition.retry(HANDLER_ERROR)
        await self._settle(message, disposition)

    async def _settle(
        self, message: aio_pika.abc.AbstractIncomingMessage, disposition: Disposition
    ) -> None:
        """The one place that acks, dead-letters or requeues a delivery."""
        try:
            if disposition.action is Action.ACK:
                await self._ack(message)
                return
            if disposition.action is Action.DEAD_LETTER:
                reason = disposition.reason or "unspecified"
                try:
                    await self._publish_dead_letter(message.body, reason)
                except TransportError:
                    log.warning("dead-lettering failed (%s): the delivery is retried", reason)
                    await message.nack(requeue=True)
                else:
                    await message.ack()
            else:
                await message.nack(requeue=True)
            self._acks_of(message).settled.add(_tag(message))
        except _BROKER_ERRORS:
            # The channel is gone: the broker redelivers the message (a duplicate the inbox
            # recognises by its hash); nothing to do here but say so.
            log.critical(
                "could not settle a delivery of %s (%s): the broker will redeliver it",
                self.state,
                disposition.action.value,
                exc_info=True,
            )

    def _acks_of(self, message: aio_pika.abc.AbstractIncomingMessage) -> _Acks:
        channel = message.channel
        if self._acks is None or self._acks.channel is not channel:
            self._acks = _Acks(channel)  # a new channel (reconnected): its tags start at 1
        return self._acks

    async def _ack(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        """Ack, coalesced with the acks of the deliveries settled in the same turn of the
        event loop (a judged batch): one ``basic.ack`` with ``multiple`` for the run of
        delivery tags, from the lowest one not yet settled, that are all settled or ready to
        ack; any other ready delivery is acked on its own. A multiple ack never covers a
        delivery still being handled, nor one this consumer did not see; acks go out one
        flush at a time (``_ack_turn``), so a multiple ack never overtakes one it covers."""
        acks = self._acks_of(message)
        acks.ready[_tag(message)] = message
        if acks.flushing:
            return  # the first delivery of this turn sends the acks
        acks.flushing = True
        try:
            await asyncio.sleep(0)  # the rest of the batch's deliveries become ready
        finally:
            acks.flushing = False
        async with self._ack_turn:
            last, singles = acks.take()
            if last is not None:
                await last.ack(multiple=True)
            for single in singles:
                await single.ack()

    async def _publish_dead_letter(self, body: bytes, reason: str) -> None:
        if self._dead is None:
            raise TransportError("the transport is not started")
        message = aio_pika.Message(
            body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT, headers={REASON_HEADER: reason}
        )
        await self._confirmed(self._dead, self.state, message)

    async def dead_letters(self) -> list[DeadLetter]:
        if self._dead_letters is None:
            raise TransportError("the transport is not started")
        drained: list[DeadLetter] = []
        try:
            while (message := await self._dead_letters.get(fail=False, no_ack=False)) is not None:
                drained.append(DeadLetter(message.body, _dead_letter_reason(message.headers)))
                await message.ack()
        except _BROKER_ERRORS as error:
            raise TransportError(f"draining the dead letters of {self.state}: {error}") from error
        return drained
