"""A node's gateway: the transactional outbox and its relay, the idempotent inbox, signed
delivery receipts.

Sending: :meth:`Gateway.enqueue` seals a document and writes it to the outbox *in the caller's
transaction*, beside the business change that caused it; :meth:`Gateway.relay_once` publishes
due outbox rows with publisher confirms and marks them published. A published message is
re-published with exponential backoff and jitter until the recipient's signed receipt arrives
or the envelope expires; an expired message is reported (transport state EXPIRED and a log
event), never dropped silently. A crash at any point neither loses a message (it stays in the
outbox until confirmed) nor doubles its effect (the recipient is idempotent by envelope hash).

Receiving (:meth:`Gateway.handle`), for each delivery, in order:

1. the SHA-256 of the envelope is looked up in the inbox: a redelivery is acknowledged and the
   receipt already given is sent again; nothing is stored twice;
2. the envelope is opened (``crypto.envelope.open_envelope``, with a replay store backed by the
   database);
3. a failure before the outer signature verified (steps 1-5) gets no answer (no reflection):
   the envelope goes to the dead-letter queue with its reason code and an event is logged;
4. a failure after it (steps 6-11) is stored as rejected, answered with a signed REJECTED
   receipt (except a replay, which is a security alert), and dead-lettered with its reason;
5. an accepted envelope is stored, handed to the node's ``on_accept`` hook and answered with a
   signed ACCEPTED receipt (through the outbox), all in one transaction, committed before the
   broker is acknowledged. A receipt that arrives settles the outbox row it names.

A transient failure (the database unreachable, the hook failing) is retried through the broker,
up to the queue's delivery limit, after which the broker dead-letters the message.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from crypto.envelope import (
    DEFAULT_LIFETIME,
    DEFAULT_SKEW,
    MAX_ENVELOPE_BYTES,
    OpenedEnvelope,
    open_envelope,
    parse_header,
    seal_envelope,
)
from crypto.errors import EnvelopeError
from crypto.suites import Suite
from crypto.trust import DirectoryLookup, RecipientIdentity, RecipientKey, SenderIdentity
from gateway.errors import TransportError
from gateway.store import (
    ExchangeEvent,
    InboxEnvelope,
    OutboxMessage,
    ReplayEntry,
    TransportState,
)
from gateway.transport import Delivery, Disposition, Transport
from messages.document import Document, document_class
from messages.header import SCHEMA_VERSION, Handling, Header, NodeAuthority
from messages.transport import DeliveryReceipt, EnvelopeReason, Verdict
from messages.vocab import AuthorityRole, Classification, Family, UseLimitation

log = logging.getLogger(__name__)

_PENDING = (TransportState.QUEUED, TransportState.PUBLISHED)

RECEIPT_RETENTION = timedelta(days=3653)
"""How long a receipt's recipient keeps it: ten years, as evidence of delivery."""


class KeySource(Protocol):
    """This node's keys at a given time (``crypto.keys.Keyring`` is one)."""

    def sender(self, now: int) -> SenderIdentity: ...

    def recipient(self, now: int) -> RecipientIdentity: ...


RecipientChooser = Callable[[str, Family, int], RecipientKey]
"""The key to seal a message of a family to a state at a time (``crypto.directory``'s
``choose_recipient_key`` bound to a directory is one)."""

AcceptHook = Callable[[AsyncSession, OpenedEnvelope], Awaitable[None]]
"""The node's business effect of an accepted envelope, in the inbox's transaction."""


@dataclass(frozen=True)
class GatewaySettings:
    lifetime: int = DEFAULT_LIFETIME
    """Envelope lifetime (exp - iat): delivery is retried until exp."""
    skew: int = DEFAULT_SKEW
    max_envelope_bytes: int = MAX_ENVELOPE_BYTES
    relay_batch: int = 256
    """Outbox rows read per relay pass."""
    publish_concurrency: int = 64
    """Publishes awaiting their confirm at once."""
    retry_initial: int = 60
    """Seconds before a published message without a receipt is published again."""
    retry_max: int = 3600
    retry_on_error: int = 5
    """Seconds before retrying a publish the broker did not confirm."""
    inbox_batch: int = 100
    """Deliveries judged in one transaction at most (group commit)."""
    relay_idle: float = 0.2
    """Seconds the relay sleeps when nothing is due (it is also woken on each enqueue)."""


def now_unix() -> int:
    return int(time.time())


def backoff(attempts: int, settings: GatewaySettings, rng: random.Random) -> int:
    """Seconds until the next publish of an unanswered message: exponential, jittered
    (x0.8-1.2), capped."""
    base = min(settings.retry_max, settings.retry_initial * 2 ** max(0, attempts - 1))
    return max(1, int(base * rng.uniform(0.8, 1.2)))


class _RecordingReplay:
    """The replay store open_envelope consults: the database's answer for this envelope's
    (iss, jti), fetched before opening; the pair is recorded in the inbox's transaction."""

    def __init__(self, already_seen: bool) -> None:
        self.already_seen = already_seen
        self.recorded: tuple[str, str, int] | None = None

    def remember(self, iss: str, jti: str, keep_until: int, now: int) -> bool:
        if self.already_seen:
            return False
        self.recorded = (iss, jti, keep_until)
        return True


@dataclass
class _Known:
    """A batch's prefetched view of the inbox and the replay store."""

    senders: dict[str, tuple[str, str] | None]
    """Each envelope's (iss, jti) by its hash, parsed once for the batch."""
    stored: set[str]
    """Envelope hashes already in the inbox."""
    seen: set[tuple[str, str]]
    """(iss, jti) pairs already in the replay store and still kept."""
    judged: set[str] = field(default_factory=set)
    recorded: set[tuple[str, str]] = field(default_factory=set)


def _sender_of(envelope: bytes) -> tuple[str, str] | None:
    """(iss, jti) from an envelope's header, or None if the header does not parse (step 2
    will reject it)."""
    try:
        header = parse_header(envelope.split(b".", 1)[0], frozenset(Suite))
    except EnvelopeError:
        return None
    return header.iss, header.jti


def _accepted(
    opened: OpenedEnvelope, raw: bytes, now: int, log_index: int, receipt_sha256: str | None
) -> InboxEnvelope:
    """The inbox row of an accepted envelope."""
    return InboxEnvelope(
        envelope_sha256=opened.sha256,
        iss=opened.header.iss,
        jti=opened.header.jti,
        received_at=now,
        accepted=True,
        message_id=str(opened.document.header.message_id),
        message_type=str(opened.document.header.message_type),
        document=opened.document.to_json(),
        envelope=raw,
        receipt_sha256=receipt_sha256,
        log_index=log_index,
    )


async def create_tables(engine: AsyncEngine) -> None:
    """Create the gateway's tables if they do not exist (the node's migrations own this in
    production)."""
    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)


class Gateway:
    """One node's gateway."""

    def __init__(
        self,
        *,
        state: str,
        keys: KeySource,
        directory: DirectoryLookup,
        choose_key: RecipientChooser,
        engine: AsyncEngine,
        transport: Transport,
        on_accept: AcceptHook | None = None,
        settings: GatewaySettings | None = None,
        clock: Callable[[], int] = now_unix,
        rng: random.Random | None = None,
    ) -> None:
        self.state = state
        self.keys = keys
        self.directory = directory
        self.choose_key = choose_key
        self.engine = engine
        self.transport = transport
        self.on_accept = on_accept
        self.settings = settings or GatewaySettings()
        self.clock = clock
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self._wake = asyncio.Event()
        # SQLite has one writer at a time, and a waiting writer sleeps in steps of up to 100 ms:
        # this process takes turns itself instead (the relay, the inbox, send()).
        self._sqlite_turn = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._waiting: list[tuple[Delivery, asyncio.Future[Disposition]]] = []
        self._batcher: asyncio.Task[None] | None = None

    def session(self) -> AsyncSession:
        return AsyncSession(self.engine, expire_on_commit=False)

    def _turn(self) -> contextlib.AbstractAsyncContextManager[Any]:
        return self._sqlite_turn if self._sqlite_turn is not None else contextlib.nullcontext()

    # --- sending -------------------------------------------------------------------------

    async def enqueue(self, session: AsyncSession, document: Document[Any]) -> OutboxMessage:
        """Seal ``document`` and add it to the outbox in ``session``'s transaction (the caller
        commits it together with the business change that caused it)."""
        return self._outbox_row(session, document, is_receipt=False)

    async def send(self, document: Document[Any]) -> OutboxMessage:
        """Seal ``document`` and commit it to the outbox on its own."""
        async with self._turn(), self.session() as session:
            row = await self.enqueue(session, document)
            await session.commit()
        self._wake.set()
        return row

    def _outbox_row(
        self, session: AsyncSession, document: Document[Any], *, is_receipt: bool
    ) -> OutboxMessage:
        now = self.clock()
        destination = document.header.recipient.state
        sealed = seal_envelope(
            document,
            sender=self.keys.sender(now),
            recipient=self.choose_key(destination, document.header.family, now),
            directory_version=self.directory.version,
            now=now,
            lifetime=self.settings.lifetime,
        )
        row = OutboxMessage(
            message_id=str(document.header.message_id),
            destination=destination,
            envelope=sealed.token,
            envelope_sha256=sealed.sha256,
            jti=sealed.jti,
            expires_at=sealed.exp,
            is_receipt=is_receipt,
            next_attempt_at=now,
            created_at=now,
        )
        session.add(row)
        session.add(
            ExchangeEvent(at=now, kind="sent", envelope_sha256=sealed.sha256, peer=destination)
        )
        return row

    async def relay_once(self) -> int:
        """Publish the outbox rows that are due; expire those past their exp. Returns how many
        were published.

        The rows are read, published, then updated *conditionally* (only while still QUEUED or
        PUBLISHED), because a receipt may settle a row while its publish is in flight.
        """
        now = self.clock()
        async with self._turn(), self.session() as session:
            due = (
                await session.exec(
                    select(OutboxMessage)
                    .where(
                        col(OutboxMessage.state).in_(_PENDING),
                        col(OutboxMessage.next_attempt_at) <= now,
                    )
                    .order_by(col(OutboxMessage.id))
                    .limit(self.settings.relay_batch)
                )
            ).all()
        expired = [row for row in due if now >= row.expires_at]
        live = [row for row in due if now < row.expires_at]
        outcomes = await self._publish_all(live)
        async with self._turn(), self.session() as session:
            if expired:
                await self._update_pending(
                    session, expired, state=TransportState.EXPIRED, settled_at=now
                )
            for row in expired:
                session.add(
                    ExchangeEvent(
                        at=now,
                        kind="expired",
                        envelope_sha256=row.envelope_sha256,
                        peer=row.destination,
                        reason="no receipt before exp",
                    )
                )
                log.warning("envelope %s to %s expired", row.envelope_sha256, row.destination)
            # One UPDATE per group of rows that get the same values (not one per row).
            groups: dict[tuple[str, int, str | None], list[OutboxMessage]] = {}
            for row, error in zip(live, outcomes, strict=True):
                kind = "error" if error else "receipt" if row.is_receipt else "published"
                groups.setdefault((kind, row.attempts, error), []).append(row)
            for (kind, attempts, error), group in groups.items():
                if kind == "error":
                    values: dict[str, Any] = {
                        "last_error": error,
                        "next_attempt_at": now + self.settings.retry_on_error,
                    }
                elif kind == "receipt":
                    values = {"state": TransportState.SENT, "settled_at": now}
                else:
                    values = {
                        "state": TransportState.PUBLISHED,
                        "next_attempt_at": now + backoff(attempts + 1, self.settings, self.rng),
                    }
                if kind != "error":
                    values["attempts"] = attempts + 1
                    values["published_at"] = func.coalesce(OutboxMessage.published_at, now)
                await self._update_pending(session, group, **values)
            await session.commit()
        return sum(error is None for error in outcomes)

    @staticmethod
    async def _update_pending(
        session: AsyncSession, rows: list[OutboxMessage], **values: Any
    ) -> None:
        await session.exec(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id).in_([row.id for row in rows]),
                col(OutboxMessage.state).in_(_PENDING),
            )
            .values(**values)
        )

    async def _publish_all(self, rows: list[OutboxMessage]) -> list[str | None]:
        """Publish concurrently (bounded); for each row, None or the error."""
        limit = asyncio.Semaphore(self.settings.publish_concurrency)

        async def publish(row: OutboxMessage) -> str | None:
            async with limit:
                try:
                    await self.transport.publish(row.destination, row.envelope)
                except TransportError as error:
                    return str(error)
            return None

        return list(await asyncio.gather(*(publish(row) for row in rows)))

    async def run_relay(self, stop: asyncio.Event) -> None:
        """Relay until ``stop`` is set; a failing pass is logged and retried."""
        while not stop.is_set():
            try:
                published = await self.relay_once()
            except SQLAlchemyError:
                log.exception("outbox relay pass failed; retrying")
                published = 0
            if published:
                continue
            self._wake.clear()
            waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(
                waiters, timeout=self.settings.relay_idle, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in waiters:
                waiter.cancel()

    async def run(self, stop: asyncio.Event) -> None:
        """Consume inbound envelopes and relay the outbox until ``stop`` is set."""
        await self.transport.start()
        consumer = asyncio.create_task(self.transport.consume(self.handle))
        try:
            await self.run_relay(stop)
        finally:
            consumer.cancel()
            await self.transport.close()

    # --- receiving -----------------------------------------------------------------------

    async def handle(self, delivery: Delivery) -> Disposition:
        """Judge one delivery (module docstring); the transport applies the disposition.

        Deliveries that arrive together (a transport with concurrency > 1) are judged in one
        transaction, committed once (group commit); if anything in a batch fails, the batch is
        rolled back and its deliveries are judged one by one, so one bad item never sinks the
        others.
        """
        future: asyncio.Future[Disposition] = asyncio.get_running_loop().create_future()
        self._waiting.append((delivery, future))
        if self._batcher is None or self._batcher.done():
            self._batcher = asyncio.create_task(self._judge_waiting())
        return await future

    async def _judge_waiting(self) -> None:
        while self._waiting:
            batch = self._waiting[: self.settings.inbox_batch]
            del self._waiting[: len(batch)]
            async with self._turn():
                results = await self._judge_batch([delivery for delivery, _ in batch])
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)

    async def _judge_batch(self, batch: list[Delivery]) -> list[Disposition | BaseException]:
        if len(batch) > 1:
            now = self.clock()
            try:
                shas = [hashlib.sha256(delivery.body).hexdigest() for delivery in batch]
                async with self.session() as session:
                    known = await self._known(session, batch, shas, now)
                    results: list[Disposition | BaseException] = [
                        await self._judge(session, delivery.body, sha, now, known)
                        for delivery, sha in zip(batch, shas, strict=True)
                    ]
                    await session.commit()
            except Exception:
                log.info("a batch of %d deliveries failed; judging them one by one", len(batch))
            else:
                self._wake.set()
                return results
        singles: list[Disposition | BaseException] = []
        for delivery in batch:
            try:
                singles.append(await self._handle(delivery))
            except Exception as error:
                singles.append(error)
        return singles

    async def _handle(self, delivery: Delivery) -> Disposition:
        raw = delivery.body
        sha = hashlib.sha256(raw).hexdigest()
        now = self.clock()
        try:
            async with self.session() as session:
                disposition = await self._judge(session, raw, sha, now)
                await session.commit()
        except IntegrityError:
            # A concurrent consumer stored the same envelope (or jti) first: judge it again.
            return Disposition.retry("concurrent duplicate")
        except SQLAlchemyError as error:
            log.warning("inbox unavailable for %s: %s", sha, error)
            return Disposition.retry("storage-unavailable")
        self._wake.set()
        return disposition

    async def _known(
        self, session: AsyncSession, batch: list[Delivery], shas: list[str], now: int
    ) -> _Known:
        """What the database already holds for a batch, in two queries instead of two per
        delivery."""
        senders = {sha: _sender_of(d.body) for sha, d in zip(shas, batch, strict=True)}
        stored = await session.exec(
            select(InboxEnvelope.envelope_sha256).where(
                col(InboxEnvelope.envelope_sha256).in_(shas)
            )
        )
        jtis = [pair[1] for pair in senders.values() if pair is not None]
        seen = await session.exec(
            select(ReplayEntry.iss, ReplayEntry.jti).where(
                col(ReplayEntry.jti).in_(jtis), col(ReplayEntry.keep_until) >= now
            )
        )
        return _Known(
            senders=senders,
            stored=set(stored.all()),
            seen={(iss, jti) for iss, jti in seen.all()},
        )

    async def _judge(
        self, session: AsyncSession, raw: bytes, sha: str, now: int, known: _Known | None = None
    ) -> Disposition:
        # With a batch's prefetch, only an envelope stored earlier (or earlier in this batch)
        # is looked up; otherwise one lookup each.
        if known is None or sha in known.stored or sha in known.judged:
            stored = await session.get(InboxEnvelope, sha)
            if stored is not None:
                return await self._redelivered(session, stored, now)
        if known is not None:
            known.judged.add(sha)
            pair = known.senders[sha]
            replay = _RecordingReplay(pair in known.seen or pair in known.recorded)
        else:
            replay = _RecordingReplay(await self._jti_seen(session, raw, now))
        try:
            opened = open_envelope(
                raw,
                recipient=self.keys.recipient(now),
                directory=self.directory,
                replay=replay,
                now=now,
                skew=self.settings.skew,
                max_bytes=self.settings.max_envelope_bytes,
            )
        except EnvelopeError as error:
            self._record_jti(session, replay, known)
            return await self._rejected(session, raw, sha, error, now)
        self._record_jti(session, replay, known)
        if isinstance(opened.document.body, DeliveryReceipt):
            await self._settle(session, opened, raw, now)
            return Disposition.ack()
        event = await self._log(session, now, "received-accepted", sha, opened.header.iss)
        if self.on_accept is not None:
            await self.on_accept(session, opened)
        receipt = self._receipt(
            session,
            opened.header.iss,
            sha,
            opened.header.jti,
            Verdict.ACCEPTED,
            None,
            event,
            now,
            opened.document,
        )
        session.add(_accepted(opened, raw, now, event, receipt.envelope_sha256))
        return Disposition.ack()

    @staticmethod
    def _record_jti(session: AsyncSession, replay: _RecordingReplay, known: _Known | None) -> None:
        """Keep the (iss, jti) an envelope used, once it passed step 7 (even if a later step
        failed): the specification records it there."""
        if replay.recorded is None:
            return
        iss, jti, keep_until = replay.recorded
        session.add(ReplayEntry(iss=iss, jti=jti, keep_until=keep_until))
        if known is not None:
            known.recorded.add((iss, jti))

    async def _jti_seen(self, session: AsyncSession, raw: bytes, now: int) -> bool:
        pair = _sender_of(raw)
        if pair is None:
            return False  # open_envelope will reject it at step 2
        entry = (
            await session.exec(
                select(ReplayEntry).where(
                    ReplayEntry.iss == pair[0],
                    ReplayEntry.jti == pair[1],
                    col(ReplayEntry.keep_until) >= now,
                )
            )
        ).first()
        return entry is not None

    async def _redelivered(
        self, session: AsyncSession, stored: InboxEnvelope, now: int
    ) -> Disposition:
        if stored.receipt_sha256 is not None:
            receipt = (
                await session.exec(
                    select(OutboxMessage).where(
                        OutboxMessage.envelope_sha256 == stored.receipt_sha256
                    )
                )
            ).first()
            if receipt is not None and now < receipt.expires_at:
                # Send the same receipt again: the sender may have missed it.
                receipt.state = TransportState.QUEUED
                receipt.next_attempt_at = now
        if stored.accepted:
            return Disposition.ack()
        return Disposition.dead_letter(stored.reason or "rejected")

    async def _rejected(
        self, session: AsyncSession, raw: bytes, sha: str, error: EnvelopeError, now: int
    ) -> Disposition:
        reason = error.reason
        if error.authenticated_as is None:
            # Steps 1-5: not authenticated. No receipt (no reflection), no inbox row.
            await self._log(session, now, "dead-lettered", sha, None, reason.value)
            log.info("dead-lettered unauthenticated envelope %s: %s", sha, error)
            return Disposition.dead_letter(reason.value)
        iss, jti = error.authenticated_as
        if reason is EnvelopeReason.REPLAY:
            await self._log(session, now, "alert", sha, iss, reason.value)
            log.warning("SECURITY: replayed jti from %s in envelope %s", iss, sha)
            return Disposition.dead_letter(reason.value)
        event = await self._log(session, now, "received-rejected", sha, iss, reason.value)
        receipt = self._receipt(session, iss, sha, jti, Verdict.REJECTED, reason, event, now, None)
        session.add(
            InboxEnvelope(
                envelope_sha256=sha,
                iss=iss,
                jti=jti,
                received_at=now,
                accepted=False,
                reason=reason.value,
                envelope=raw,
                receipt_sha256=receipt.envelope_sha256,
                log_index=event,
            )
        )
        log.info("rejected envelope %s from %s: %s", sha, iss, error)
        return Disposition.dead_letter(reason.value)

    async def _settle(
        self, session: AsyncSession, opened: OpenedEnvelope, raw: bytes, now: int
    ) -> None:
        body = opened.document.body
        assert isinstance(body, DeliveryReceipt)  # noqa: S101 - checked by the caller
        event = await self._log(session, now, "receipt", body.envelope_sha256, opened.header.iss)
        session.add(_accepted(opened, raw, now, event, None))
        row = (
            await session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.envelope_sha256 == body.envelope_sha256,
                    OutboxMessage.destination == opened.header.iss,
                )
            )
        ).first()
        if row is None or row.state not in (TransportState.QUEUED, TransportState.PUBLISHED):
            return  # a receipt for nothing pending: kept in the inbox, changes nothing
        row.state = (
            TransportState.DELIVERED
            if body.verdict is Verdict.ACCEPTED
            else TransportState.REJECTED
        )
        row.settled_at = now
        row.receipt_reason = body.reason.value if body.reason else None
        row.receipt_log_index = body.log_index
        row.receipt_envelope = raw

    async def _log(
        self,
        session: AsyncSession,
        now: int,
        kind: str,
        sha: str | None,
        peer: str | None,
        reason: str | None = None,
    ) -> int:
        event = ExchangeEvent(at=now, kind=kind, envelope_sha256=sha, peer=peer, reason=reason)
        session.add(event)
        await session.flush()
        assert event.id is not None  # noqa: S101 - assigned by the flush
        return event.id

    def _receipt(
        self,
        session: AsyncSession,
        iss: str,
        sha: str,
        jti: str,
        verdict: Verdict,
        reason: EnvelopeReason | None,
        log_index: int,
        now: int,
        answered: Document[Any] | None,
    ) -> OutboxMessage:
        at = datetime.fromtimestamp(now, UTC)
        header = Header(
            message_id=uuid.uuid4(),
            family=Family.TRANSPORT,
            message_type=DeliveryReceipt.MESSAGE_TYPE,
            schema_version=SCHEMA_VERSION,
            conversation_id=(
                answered.header.conversation_id if answered else uuid.uuid5(uuid.NAMESPACE_URL, sha)
            ),
            in_reply_to=answered.header.message_id if answered else None,
            case_ref=f"RCPT-{sha[:24].upper()}",
            sent_at=at,
            sender=NodeAuthority(
                state=self.state,
                authority_id=f"{self.state}-GATEWAY",
                role=AuthorityRole.CENTRAL_AUTHORITY,
            ),
            recipient=NodeAuthority(
                state=iss, authority_id=f"{iss}-GATEWAY", role=AuthorityRole.CENTRAL_AUTHORITY
            ),
            classification=Classification.RESTRICTED,
            handling=Handling(
                use_limitation=UseLimitation.NO_RESTRICTION,
                no_onward_transmission=False,
                need_to_know_roles=[AuthorityRole.CENTRAL_AUTHORITY],
                retention_until=(at + RECEIPT_RETENTION).date(),
            ),
            language="en",
        )
        body = DeliveryReceipt(
            envelope_sha256=sha,
            envelope_jti=uuid.UUID(jti) if _is_uuid(jti) else uuid.uuid5(uuid.NAMESPACE_URL, jti),
            received_at=at,
            verdict=verdict,
            reason=reason,
            log_index=log_index,
        )
        document = document_class(DeliveryReceipt)(header=header, body=body)
        return self._outbox_row(session, document, is_receipt=True)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
