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
import math
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Table, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import SQLModel
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
    """Seconds the relay sleeps when nothing is due (it is woken sooner by send, send_many,
    an inbox commit that issued receipts, and wake())."""
    retry_scan: float = 1.0
    """Seconds between the relay's looks for published messages due again, or expired (new
    messages are looked for on every pass)."""


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


_OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
_INBOX: Table = InboxEnvelope.__table__  # type: ignore[attr-defined]
_REPLAY: Table = ReplayEntry.__table__  # type: ignore[attr-defined]
_LOG: Table = ExchangeEvent.__table__  # type: ignore[attr-defined]

_SETTLE = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.envelope_sha256 == bindparam("b_sha256"),
        _OUTBOX.c.destination == bindparam("b_destination"),
        or_(*(_OUTBOX.c.state == state for state in _PENDING)),
    )
    .values(
        state=bindparam("b_state"),
        settled_at=bindparam("b_settled_at"),
        receipt_reason=bindparam("b_reason"),
        receipt_log_index=bindparam("b_log_index"),
        receipt_envelope=bindparam("b_envelope"),
    )
)
"""A receipt settles the outbox row it names, only while that row is pending (executemany)."""


class _Stored(NamedTuple):
    """An inbox row, as a redelivery needs it."""

    accepted: bool
    reason: str | None
    receipt_sha256: str | None


@dataclass
class _Answer:
    """A receipt to issue once the batch's log events have their ids."""

    event: int
    """The index, in the batch's events, of the event whose id the receipt names."""
    iss: str
    sha256: str
    jti: str
    verdict: Verdict
    reason: EnvelopeReason | None
    answered: Document[Any] | None
    inbox: dict[str, Any]
    """The inbox row of the answered envelope (it names the receipt)."""


@dataclass
class _Batch:
    """A batch being judged: what the database held at its start, and what it will write."""

    now: int
    senders: dict[str, tuple[str, str] | None]
    """Each envelope's (iss, jti) by its hash, parsed once for the batch."""
    stored: dict[str, _Stored]
    """Inbox rows by envelope hash: already in the database, or stored earlier in this batch."""
    seen: set[tuple[str, str]]
    """(iss, jti) pairs in the replay store and still kept, or recorded earlier in this batch."""
    events: list[dict[str, Any]] = field(default_factory=list)
    inbox: list[dict[str, Any]] = field(default_factory=list)
    replays: list[dict[str, Any]] = field(default_factory=list)
    hooks: list[OpenedEnvelope] = field(default_factory=list)
    """Accepted envelopes, for the business hook (in order)."""
    answers: list[_Answer] = field(default_factory=list)
    settles: list[dict[str, Any]] = field(default_factory=list)
    """Parameters of _SETTLE, one set per receipt received."""
    resend: list[str] = field(default_factory=list)
    """Receipts (outbox hashes) to send again, for redelivered envelopes."""

    def log(self, kind: str, sha: str | None, peer: str | None, reason: str | None = None) -> int:
        """Add a log event; its index in ``events``."""
        self.events.append(
            {"at": self.now, "kind": kind, "envelope_sha256": sha, "peer": peer, "reason": reason}
        )
        return len(self.events) - 1

    def store(self, row: dict[str, Any]) -> dict[str, Any]:
        """Add an inbox row (its ``event`` is replaced by the event's id before the insert)."""
        self.inbox.append(row)
        self.stored[row["envelope_sha256"]] = _Stored(row["accepted"], row["reason"], None)
        return row

    def record_jti(self, replay: _RecordingReplay) -> None:
        """Keep the (iss, jti) an envelope used, once it passed step 7 (even if a later step
        failed): the specification records it there."""
        if replay.recorded is None:
            return
        iss, jti, keep_until = replay.recorded
        self.replays.append({"iss": iss, "jti": jti, "keep_until": keep_until})
        self.seen.add((iss, jti))


def _sender_of(envelope: bytes) -> tuple[str, str] | None:
    """(iss, jti) from an envelope's header, or None if the header does not parse (step 2
    will reject it)."""
    try:
        header = parse_header(envelope.split(b".", 1)[0], frozenset(Suite))
    except EnvelopeError:
        return None
    return header.iss, header.jti


def _accepted(opened: OpenedEnvelope, raw: bytes, now: int, event: int) -> dict[str, Any]:
    """The inbox row of an accepted envelope (``event``: the index of its log event)."""
    return {
        "envelope_sha256": opened.sha256,
        "iss": opened.header.iss,
        "jti": opened.header.jti,
        "received_at": now,
        "accepted": True,
        "reason": None,
        "message_id": str(opened.document.header.message_id),
        "message_type": str(opened.document.header.message_type),
        "envelope": raw,
        "receipt_sha256": None,
        "event": event,
    }


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
        # this process takes turns itself instead (the relay, the inbox, send(), send_many()).
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
        commits it together with the business change that caused it, then may :meth:`wake`
        the relay)."""
        return self._add(session, *self._sealed(document, self.clock(), is_receipt=False))

    async def send(self, document: Document[Any]) -> OutboxMessage:
        """Seal ``document`` and commit it to the outbox on its own (sealed before this process
        takes its turn to write)."""
        sealed = self._sealed(document, self.clock(), is_receipt=False)
        async with self._turn(), self.session() as session:
            message = self._add(session, *sealed)
            await session.commit()
        self._wake.set()
        return message

    @staticmethod
    def _add(session: AsyncSession, row: dict[str, Any], event: dict[str, Any]) -> OutboxMessage:
        message = OutboxMessage(**row)
        session.add(message)
        session.add(ExchangeEvent(**event))
        return message

    async def send_many(self, documents: Iterable[Document[Any]]) -> list[str]:
        """Seal ``documents`` and commit them to the outbox together, in one transaction;
        the SHA-256 of their envelopes, in order. Sealing happens before this process takes
        its turn to write (SQLite)."""
        now = self.clock()
        sender = self.keys.sender(now)
        sealed = [self._sealed(d, now, is_receipt=False, sender=sender) for d in documents]
        if sealed:
            async with self._turn(), self.engine.begin() as db:
                await self._insert(db, _OUTBOX, [row for row, _ in sealed])
                await self._insert(db, _LOG, [event for _, event in sealed])
            self._wake.set()
        return [row["envelope_sha256"] for row, _ in sealed]

    def wake(self) -> None:
        """Tell the relay that outbox rows were committed (by a business transaction that
        called :meth:`enqueue`): it publishes them now, not at its next idle tick."""
        self._wake.set()

    def _sealed(
        self,
        document: Document[Any],
        now: int,
        *,
        is_receipt: bool,
        sender: SenderIdentity | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Seal ``document``: its outbox row and its "sent" log event, as column values."""
        destination = document.header.recipient.state
        sealed = seal_envelope(
            document,
            sender=sender or self.keys.sender(now),
            recipient=self.choose_key(destination, document.header.family, now),
            directory_version=self.directory.version,
            now=now,
            lifetime=self.settings.lifetime,
        )
        sha = sealed.sha256
        row = {
            "message_id": str(document.header.message_id),
            "destination": destination,
            "envelope": sealed.token,
            "envelope_sha256": sha,
            "jti": sealed.jti,
            "expires_at": sealed.exp,
            "is_receipt": is_receipt,
            "state": TransportState.QUEUED,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        event = {
            "at": now,
            "kind": "sent",
            "envelope_sha256": sha,
            "peer": destination,
            "reason": None,
        }
        return row, event

    async def relay_once(self) -> int:
        """Publish the outbox rows that are due; expire those past their exp. Returns how many
        were published.

        The rows are read, published, then updated *conditionally* (only while still QUEUED or
        PUBLISHED), because a receipt may settle a row while its publish is in flight.
        """
        return await self._relay_pass(retries=True)

    async def _relay_pass(self, *, retries: bool) -> int:
        """A relay pass: the due QUEUED rows, and with ``retries`` the due PUBLISHED ones
        (published again for want of a receipt), the lowest ids first.

        Each state is read on its own (``state = ?``): the state index then yields the rows in
        id order, and a read stops after ``relay_batch`` due rows. Finding no PUBLISHED row due
        still walks every one awaiting its receipt, so run_relay looks for retries only every
        ``retry_scan`` seconds."""
        now = self.clock()
        limit = self.settings.relay_batch
        states = _PENDING if retries else (TransportState.QUEUED,)
        due: list[Any] = []
        async with self._turn(), self.engine.connect() as db:
            for state in states:
                due += (
                    await db.execute(
                        select(
                            _OUTBOX.c.id,
                            _OUTBOX.c.destination,
                            _OUTBOX.c.envelope,
                            _OUTBOX.c.envelope_sha256,
                            _OUTBOX.c.expires_at,
                            _OUTBOX.c.is_receipt,
                            _OUTBOX.c.attempts,
                        )
                        .where(_OUTBOX.c.state == state, _OUTBOX.c.next_attempt_at <= now)
                        .order_by(_OUTBOX.c.id)
                        .limit(limit)
                    )
                ).all()
        due = sorted(due, key=lambda row: row.id)[:limit]
        expired = [row for row in due if now >= row.expires_at]
        live = [row for row in due if now < row.expires_at]
        outcomes = await self._publish_all([(row.destination, row.envelope) for row in live])
        async with self._turn(), self.engine.begin() as db:
            if expired:
                await self._update_pending(
                    db,
                    [row.id for row in expired],
                    state=TransportState.EXPIRED,
                    settled_at=now,
                )
                events = []
                for row in expired:
                    events.append(
                        {
                            "at": now,
                            "kind": "expired",
                            "envelope_sha256": row.envelope_sha256,
                            "peer": row.destination,
                            "reason": "no receipt before exp",
                        }
                    )
                    log.warning("envelope %s to %s expired", row.envelope_sha256, row.destination)
                await self._insert(db, _LOG, events)
            # One UPDATE per group of rows that get the same values (not one per row).
            groups: dict[tuple[str, int, str | None], list[int]] = {}
            for row, error in zip(live, outcomes, strict=True):
                kind = "error" if error else "receipt" if row.is_receipt else "published"
                groups.setdefault((kind, row.attempts, error), []).append(row.id)
            for (kind, attempts, error), ids in groups.items():
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
                    values["published_at"] = func.coalesce(_OUTBOX.c.published_at, now)
                await self._update_pending(db, ids, **values)
        return sum(error is None for error in outcomes)

    @staticmethod
    async def _update_pending(db: AsyncConnection, ids: list[int], **values: Any) -> None:
        await db.execute(
            update(_OUTBOX)
            .where(_OUTBOX.c.id.in_(ids), _OUTBOX.c.state.in_(_PENDING))
            .values(**values)
        )

    async def _publish_all(self, envelopes: list[tuple[str, bytes]]) -> list[str | None]:
        """Publish (destination, envelope) pairs concurrently (bounded); for each, None or the
        error."""
        limit = asyncio.Semaphore(self.settings.publish_concurrency)

        async def publish(destination: str, envelope: bytes) -> str | None:
            async with limit:
                try:
                    await self.transport.publish(destination, envelope)
                except TransportError as error:
                    return str(error)
            return None

        return list(await asyncio.gather(*(publish(*pair) for pair in envelopes)))

    async def run_relay(self, stop: asyncio.Event) -> None:
        """Relay until ``stop`` is set; a failing pass is logged and retried. New messages are
        looked for on every pass (a commit wakes the relay), retries and expiries every
        ``retry_scan`` seconds."""
        scanned = -math.inf
        while not stop.is_set():
            # Cleared before the pass reads: a commit during the pass wakes the next one
            # (cleared after it, that wake-up was lost until the next idle tick).
            self._wake.clear()
            retries = time.monotonic() - scanned >= self.settings.retry_scan
            try:
                published = await self._relay_pass(retries=retries)
            except SQLAlchemyError:
                log.exception("outbox relay pass failed; retrying")
                await self._idle(stop, wakeable=False)
                continue
            if retries:
                scanned = time.monotonic()
            if not published:
                await self._idle(stop, wakeable=True)

    async def _idle(self, stop: asyncio.Event, *, wakeable: bool) -> None:
        """Wait ``relay_idle`` seconds, or until ``stop`` (or a wake-up, if ``wakeable``)."""
        waits = [stop.wait(), self._wake.wait()] if wakeable else [stop.wait()]
        waiters = [asyncio.ensure_future(wait) for wait in waits]
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
            await asyncio.gather(consumer, return_exceptions=True)
            await self._drain_batcher()
            await self.transport.close()

    async def _drain_batcher(self) -> None:
        """Let the judging of what was taken finish its transaction (at most 30 s) before the
        transport closes, so no transaction is left open. Deliveries whose handler was cancelled
        are not judged: never acknowledged, the broker delivers them again."""
        self._waiting = [(d, f) for d, f in self._waiting if not f.done()]
        batcher = self._batcher
        if batcher is not None and not batcher.done():
            try:
                await asyncio.wait_for(asyncio.shield(batcher), timeout=30)
            except TimeoutError:
                batcher.cancel()
                await asyncio.gather(batcher, return_exceptions=True)

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
            # A delivery whose handler was cancelled (the consumer stopping) is not judged now:
            # it was never acknowledged, so the broker delivers it again.
            batch = [(delivery, future) for delivery, future in batch if not future.done()]
            if not batch:
                continue
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
            try:
                results: list[Disposition | BaseException] = list(
                    await self._judge_together([delivery.body for delivery in batch])
                )
            except Exception:
                log.info("a batch of %d deliveries failed; judging them one by one", len(batch))
            else:
                return results
        singles: list[Disposition | BaseException] = []
        for delivery in batch:
            try:
                singles.append(await self._handle(delivery))
            except Exception as error:
                singles.append(error)
        return singles

    async def _handle(self, delivery: Delivery) -> Disposition:
        try:
            [disposition] = await self._judge_together([delivery.body])
        except IntegrityError:
            # A concurrent consumer stored the same envelope (or jti) first: judge it again.
            return Disposition.retry("concurrent duplicate")
        except SQLAlchemyError as error:
            sha = hashlib.sha256(delivery.body).hexdigest()
            log.warning("inbox unavailable for %s: %s", sha, error)
            return Disposition.retry("storage-unavailable")
        return disposition

    async def _judge_together(self, bodies: list[bytes]) -> list[Disposition]:
        """Judge envelopes in one transaction, in order, each as it would be alone.

        In phases, so that the database sees a few statements per batch, not a few per
        envelope: what the database already holds (two queries); each envelope judged and
        opened (CPU only); the batch's log events inserted (their ids are the log indexes the
        receipts name); the business hook for each accepted envelope; the receipts built and
        sealed; then one multi-row statement per table and one UPDATE for the receipts that
        settle outbox rows.
        """
        now = self.clock()
        shas = [hashlib.sha256(body).hexdigest() for body in bodies]
        async with self.session() as session:
            db = await session.connection()
            batch = await self._known(db, bodies, shas, now)
            recipient = self.keys.recipient(now)
            dispositions = [
                self._judge(batch, body, sha, recipient)
                for body, sha in zip(bodies, shas, strict=True)
            ]
            ids = await self._insert_events(db, batch.events)
            if self.on_accept is not None:
                for opened in batch.hooks:
                    await self.on_accept(session, opened)
            receipts: list[dict[str, Any]] = []
            sent: list[dict[str, Any]] = []
            if batch.answers:
                sender = self.keys.sender(now)
                for answer in batch.answers:
                    document = self._receipt(answer, ids[answer.event], now)
                    row, event = self._sealed(document, now, is_receipt=True, sender=sender)
                    receipts.append(row)
                    sent.append(event)
                    answer.inbox["receipt_sha256"] = row["envelope_sha256"]
            for row in batch.inbox:
                row["log_index"] = ids[row.pop("event")]
            await self._insert(db, _OUTBOX, receipts)
            await self._insert(db, _LOG, sent)
            await self._insert(db, _INBOX, batch.inbox)
            await self._insert(db, _REPLAY, batch.replays)
            if batch.settles:
                await db.execute(_SETTLE, batch.settles)
            if batch.resend:
                # Send the receipts already given again: the sender may have missed them.
                await db.execute(
                    update(_OUTBOX)
                    .where(_OUTBOX.c.envelope_sha256.in_(batch.resend), _OUTBOX.c.expires_at > now)
                    .values(state=TransportState.QUEUED, next_attempt_at=now)
                )
            # The relay is woken if this commit gives it something to send: receipts, receipts
            # to send again, or messages the business hook enqueued.
            wake = bool(receipts or batch.resend) or any(
                isinstance(added, OutboxMessage) for added in session.new
            )
            await session.commit()
        if wake:
            self._wake.set()
        return dispositions

    async def _known(
        self, db: AsyncConnection, bodies: list[bytes], shas: list[str], now: int
    ) -> _Batch:
        """What the database already holds for a batch: its inbox rows and its (iss, jti)
        pairs still kept in the replay store, in two queries."""
        senders = {sha: _sender_of(body) for sha, body in zip(shas, bodies, strict=True)}
        stored = await db.execute(
            select(
                _INBOX.c.envelope_sha256,
                _INBOX.c.accepted,
                _INBOX.c.reason,
                _INBOX.c.receipt_sha256,
            ).where(_INBOX.c.envelope_sha256.in_(shas))
        )
        jtis = [pair[1] for pair in senders.values() if pair is not None]
        seen = await db.execute(
            select(_REPLAY.c.iss, _REPLAY.c.jti).where(
                _REPLAY.c.jti.in_(jtis), _REPLAY.c.keep_until >= now
            )
        )
        return _Batch(
            now=now,
            senders=senders,
            stored={
                sha: _Stored(accepted, reason, receipt) for sha, accepted, reason, receipt in stored
            },
            seen={(iss, jti) for iss, jti in seen},
        )

    def _judge(
        self, batch: _Batch, raw: bytes, sha: str, recipient: RecipientIdentity
    ) -> Disposition:
        """One envelope's verdict; what it writes is added to ``batch``."""
        stored = batch.stored.get(sha)
        if stored is not None:
            # A redelivery (of an envelope stored earlier, or earlier in this batch).
            if stored.receipt_sha256 is not None:
                batch.resend.append(stored.receipt_sha256)
            if stored.accepted:
                return Disposition.ack()
            return Disposition.dead_letter(stored.reason or "rejected")
        replay = _RecordingReplay(batch.senders[sha] in batch.seen)
        try:
            opened = open_envelope(
                raw,
                recipient=recipient,
                directory=self.directory,
                replay=replay,
                now=batch.now,
                skew=self.settings.skew,
                max_bytes=self.settings.max_envelope_bytes,
            )
        except EnvelopeError as error:
            batch.record_jti(replay)
            return self._rejected(batch, raw, sha, error)
        batch.record_jti(replay)
        iss = opened.header.iss
        body = opened.document.body
        if isinstance(body, DeliveryReceipt):
            event = batch.log("receipt", body.envelope_sha256, iss)
            batch.store(_accepted(opened, raw, batch.now, event))
            batch.settles.append(
                {
                    "b_sha256": body.envelope_sha256,
                    "b_destination": iss,
                    "b_state": (
                        TransportState.DELIVERED
                        if body.verdict is Verdict.ACCEPTED
                        else TransportState.REJECTED
                    ),
                    "b_settled_at": batch.now,
                    "b_reason": body.reason.value if body.reason else None,
                    "b_log_index": body.log_index,
                    "b_envelope": raw,
                }
            )
            return Disposition.ack()
        event = batch.log("received-accepted", sha, iss)
        batch.hooks.append(opened)
        row = batch.store(_accepted(opened, raw, batch.now, event))
        batch.answers.append(
            _Answer(
                event, iss, sha, opened.header.jti, Verdict.ACCEPTED, None, opened.document, row
            )
        )
        return Disposition.ack()

    def _rejected(self, batch: _Batch, raw: bytes, sha: str, error: EnvelopeError) -> Disposition:
        reason = error.reason
        if error.authenticated_as is None:
            # Steps 1-5: not authenticated. No receipt (no reflection), no inbox row.
            batch.log("dead-lettered", sha, None, reason.value)
            log.info("dead-lettered unauthenticated envelope %s: %s", sha, error)
            return Disposition.dead_letter(reason.value)
        iss, jti = error.authenticated_as
        if reason is EnvelopeReason.REPLAY:
            batch.log("alert", sha, iss, reason.value)
            log.warning("SECURITY: replayed jti from %s in envelope %s", iss, sha)
            return Disposition.dead_letter(reason.value)
        event = batch.log("received-rejected", sha, iss, reason.value)
        row = batch.store(
            {
                "envelope_sha256": sha,
                "iss": iss,
                "jti": jti,
                "received_at": batch.now,
                "accepted": False,
                "reason": reason.value,
                "message_id": None,
                "message_type": None,
                "envelope": raw,
                "receipt_sha256": None,
                "event": event,
            }
        )
        batch.answers.append(_Answer(event, iss, sha, jti, Verdict.REJECTED, reason, None, row))
        log.info("rejected envelope %s from %s: %s", sha, iss, error)
        return Disposition.dead_letter(reason.value)

    async def _insert_events(self, db: AsyncConnection, events: list[dict[str, Any]]) -> list[int]:
        """Insert log events; their ids (log indexes), in order."""
        if not events:
            return []
        if self._sqlite_turn is not None:
            # SQLite promises no order for RETURNING rows, so SQLAlchemy would insert them one
            # statement each. A transaction of make_engine's holds SQLite's one write lock from
            # its start (BEGIN IMMEDIATE), so the ids are known: the next rowids, max(id) + 1
            # onwards, as SQLite would assign them. (Without that lock, a writer in between
            # makes this insert fail, on the primary key or the snapshot: never a wrong id.)
            top = (await db.execute(select(func.max(_LOG.c.id)))).one()[0] or 0
            ids = list(range(top + 1, top + 1 + len(events)))
            await db.execute(
                insert(_LOG), [{**e, "id": i} for e, i in zip(events, ids, strict=True)]
            )
            return ids
        result = await db.execute(
            insert(_LOG).returning(_LOG.c.id, sort_by_parameter_order=True), events
        )
        return [row[0] for row in result]

    @staticmethod
    async def _insert(db: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            await db.execute(insert(table), rows)

    def _receipt(self, answer: _Answer, log_index: int, now: int) -> Document[Any]:
        """The signed receipt document of a judged envelope."""
        at = datetime.fromtimestamp(now, UTC)
        iss, sha, answered = answer.iss, answer.sha256, answer.answered
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
        jti = answer.jti
        body = DeliveryReceipt(
            envelope_sha256=sha,
            envelope_jti=uuid.UUID(jti) if _is_uuid(jti) else uuid.uuid5(uuid.NAMESPACE_URL, jti),
            received_at=at,
            verdict=answer.verdict,
            reason=answer.reason,
            log_index=log_index,
        )
        return document_class(DeliveryReceipt)(header=header, body=body)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
