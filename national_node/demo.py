"""The demo federation: AR, BR and PY nodes on SQLite, each API served by uvicorn on its own
port, seeded with the shared schema's sample cases replayed through the API.

Each seeded case is one of the schema's realistic sample conversations (fictional people), sent
message by message by the sending state's user of the right role (``POST /{family}/cases``, then
``/draft/send`` and ``/messages``), delivered by the gateways and filed by the recipient's
lifecycle as any message is. Some conversations are replayed only in part, so that the demo has
cases at every stage to continue.

Dates: a sample conversation happened in 2026. It is moved in time as a whole (every date of
every message shifted by the same number of days) so that its last replayed message was sent
yesterday; while a message is replayed, the nodes' case clock (:class:`DemoClock`) reads the
moment the shifted sample says, so that the timeline, the due dates and the lifecycle's guards
are those of the sample. Statistics keep their dates (aggregates of 2025, published in 2026).
Envelopes and receipts carry the real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import httpx
from aio_pika.exceptions import AMQPError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from gateway.brokers import (
    Credentials,
    ManagementError,
    StateBroker,
    deprovision,
    link,
    provision,
    wait_for_links,
)
from gateway.brokers import Node as BrokerNode
from gateway.rabbit import RabbitTransport
from gateway.service import GatewaySettings
from gateway.store import OutboxMessage, TransportState, make_engine
from gateway.transport import Transport
from messages.document import Document
from messages.registry import FAMILY_SPECS
from messages.vocab import AuthorityRole, Family
from national_node.api.app import create_app
from national_node.api.routers.cases import PATHS
from national_node.federation import LocalFederation, local_federation
from national_node.roles import Role
from national_node.serving import bind, serving
from national_node.store import CaseEntry
from national_node.users import add_user

STATES: Final = ("AR", "BR", "PY")
DEFAULT_PORT_BASE: Final = 8001
DELIVERY_TIMEOUT: Final = 30.0
"""Seconds a seeded message may take to reach its recipient before the demo gives up."""


class DemoError(Exception):
    """The demo cannot start: what failed, said plainly."""


# --- accounts ----------------------------------------------------------------------------------

AUTHORITIES: Final[dict[str, dict[Role, str]]] = {
    "AR": {
        Role.PROSECUTOR: "AR-MPF-PROTEX",
        Role.CENTRAL_AUTHORITY: "AR-MRECIC-DAJIN",
        Role.CONSULAR_OFFICER: "AR-MRECIC-DIGAC",
        Role.VICTIM_SERVICES: "AR-MJ-PROGRAMA-RESCATE",
        Role.WP_OFFICER: "AR-MJ-PNPTI",
        Role.STATS_OFFICER: "AR-INDEC",
        Role.AUDITOR: "AR-SIGEN",
        Role.ADMIN: "AR-PUENTE-NODE",
    },
    "BR": {
        Role.PROSECUTOR: "BR-MPF-PRSP",
        Role.CENTRAL_AUTHORITY: "BR-MJSP-DRCI",
        Role.CONSULAR_OFFICER: "BR-MRE-DAC",
        Role.VICTIM_SERVICES: "BR-SP-NETP",
        Role.WP_OFFICER: "BR-MDHC-PROVITA",
        Role.STATS_OFFICER: "BR-IBGE",
        Role.AUDITOR: "BR-CGU",
        Role.ADMIN: "BR-PUENTE-NODE",
    },
    "PY": {
        Role.PROSECUTOR: "PY-MP-UETP",
        Role.CENTRAL_AUTHORITY: "PY-MJ-AUTORIDAD-CENTRAL",
        Role.CONSULAR_OFFICER: "PY-MRE-CONSULADO-SAO-PAULO",
        Role.VICTIM_SERVICES: "PY-MINMUJER-DG-TRATA",
        Role.WP_OFFICER: "PY-MP-PPTV",
        Role.STATS_OFFICER: "PY-INE",
        Role.AUDITOR: "PY-CGR",
        Role.ADMIN: "PY-PUENTE-NODE",
    },
}
"""Each demo user's authority, from the sample cases where they appear in them."""


@dataclass(frozen=True)
class Account:
    state: str
    username: str
    password: str
    role: Role
    authority_id: str


def accounts() -> list[Account]:
    """One user per role per state: the username is the role, the password says both."""
    return [
        Account(
            state=state,
            username=role.value,
            password=f"{state.lower()}-{role.value.replace('_', '-')}-demo",
            role=role,
            authority_id=AUTHORITIES[state][role],
        )
        for state in STATES
        for role in Role
    ]


# --- the case clock ----------------------------------------------------------------------------


@dataclass
class DemoClock:
    """The nodes' case clock: the real time, or the moment a replayed sample message was sent."""

    pinned: datetime | None = None

    def __call__(self) -> datetime:
        return self.pinned or datetime.now(UTC)

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        self.pinned = moment
        try:
            yield
        finally:
            self.pinned = None


# --- what is seeded ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Replay:
    """A sample conversation to replay: which, how far, and who sends for a state when not the
    user matching the sample's sender role."""

    family: Family
    sample_ref: str
    """The sample conversation's case reference (the seeded case gets its node's own)."""
    messages: int | None
    """How many of its messages, from the first (None: all)."""
    shows: str
    senders: dict[str, Role] = field(default_factory=dict)


PLAN: Final = (
    Replay(
        Family.MLA,
        "AR-PY-2026-000311",
        7,
        "a prosecutor's evidence request: acknowledged, clarified, accepted, in execution",
        {"AR": Role.PROSECUTOR},
    ),
    Replay(
        Family.MLA,
        "BR-AR-2026-004417",
        None,
        "consultation, partial refusal, execution, closure",
    ),
    Replay(
        Family.REPATRIATION,
        "REP-BR-PY-2026-0041",
        11,
        "identification to return and a first reintegration follow-up",
    ),
    Replay(
        Family.REPATRIATION,
        "REP-AR-PY-2026-0112",
        9,
        "a scheduled return on hold for the victim's health",
    ),
    Replay(
        Family.REPATRIATION,
        "REP-BR-PY-2026-0063",
        None,
        "cancelled: the risk of return is prohibitive",
    ),
    Replay(
        Family.WITNESS_PROTECTION,
        "PNPTI-2026-0042",
        10,
        "a relocated witness under active protection (dossier sealed for wp_officer)",
    ),
    Replay(Family.STATISTICS, "PY-INE-TIP-2025-ROD", None, "annual aggregates, then a revision"),
    Replay(Family.STATISTICS, "PY-INE-TIP-2025-VES", None, "annual aggregates, then retracted"),
    Replay(Family.STATISTICS, "PY-INE-TIP-2025Q4-ASR", None, "quarterly aggregates"),
)

ROLE_OF: Final[dict[AuthorityRole, Role]] = {
    AuthorityRole.CENTRAL_AUTHORITY: Role.CENTRAL_AUTHORITY,
    AuthorityRole.PROSECUTOR: Role.PROSECUTOR,
    AuthorityRole.JUDGE: Role.PROSECUTOR,
    AuthorityRole.CONSULAR_POST: Role.CONSULAR_OFFICER,
    AuthorityRole.MFA: Role.CONSULAR_OFFICER,
    AuthorityRole.VICTIM_SERVICES: Role.VICTIM_SERVICES,
    AuthorityRole.WP_UNIT: Role.WP_OFFICER,
    AuthorityRole.STATS_OFFICE: Role.STATS_OFFICER,
}
"""The demo user who sends what a sample's authority sent."""


@dataclass(frozen=True)
class SeededCase:
    family: Family
    case_ref: str
    route: str
    """``AR→PY``: who opened it, with whom."""
    messages: int
    state: str
    shows: str


def sample(replay: Replay) -> list[Document[Any]]:
    for conversation in FAMILY_SPECS[replay.family].example_conversations():
        if conversation[0].header.case_ref == replay.sample_ref:
            return conversation[: replay.messages]
    raise DemoError(f"the schema has no sample {replay.family} case {replay.sample_ref}")


def time_shift(replay: Replay, conversation: list[Document[Any]], today: date) -> timedelta:
    """Whole days that move the conversation's last message to yesterday (none for
    statistics, whose periods are calendar years and quarters)."""
    if replay.family is Family.STATISTICS:
        return timedelta(0)
    last = conversation[-1].header.sent_at.date()
    return timedelta(days=(today - last).days - 1)


CONFIRMATION: Final = "prosecutor_confirmation"
"""A repatriation message's confirmation by a prosecutor that a return may proceed."""

WP_PERSON_FIELD: Final = "wp_token"
"""How a witness-protection message names the protected person: the node fills it in."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def shifted(value: Any, delta: timedelta) -> Any:
    """``value`` (JSON data) with every date and UTC date-time moved by ``delta``."""
    if isinstance(value, dict):
        return {key: shifted(item, delta) for key, item in value.items()}
    if isinstance(value, list):
        return [shifted(item, delta) for item in value]
    if isinstance(value, str) and _DATE.match(value):
        return (date.fromisoformat(value) + delta).isoformat()
    if isinstance(value, str) and _DATETIME.match(value):
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ") + delta
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def sample_draft(document: Document[Any], *, first: bool, delta: timedelta) -> dict[str, Any]:
    """A sample message as its sender drafts it on the API (the node fills in ids, times,
    sender and conversation)."""
    data = json.loads(document.to_json())
    header = data["header"]
    body = data["body"]
    body.pop(WP_PERSON_FIELD, None)  # each node issues its own (workflows.witness_protection)
    draft: dict[str, Any] = {"message_type": header["message_type"], "body": body}
    if first:  # the node names the case itself (its own reference, not the sample's)
        draft["recipient"] = header["recipient"]
    for name in ("legal_basis", "classification", "handling", "language", "urgency"):
        if name in header:
            draft[name] = header[name]
    draft["attachments"] = header.get("attachments", [])
    return dict(shifted(draft, delta))


class Seeder:
    """Replays the plan through the nodes' APIs, one message at a time."""

    def __init__(
        self,
        federation: LocalFederation,
        urls: dict[str, str],
        clock: DemoClock,
        passwords: dict[tuple[str, Role], str],
    ) -> None:
        self.federation = federation
        self.clients = {
            state: httpx.AsyncClient(base_url=url, timeout=30) for state, url in urls.items()
        }
        self.clock = clock
        self.passwords = passwords
        self._tokens: dict[tuple[str, Role], str] = {}

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def _headers(self, state: str, role: Role) -> dict[str, str]:
        if (state, role) not in self._tokens:
            response = await self.clients[state].post(
                "/auth/login",
                json={"username": role.value, "password": self.passwords[(state, role)]},
            )
            _check(response, f"{state} login as {role}")
            self._tokens[(state, role)] = response.json()["token"]
        return {"Authorization": f"Bearer {self._tokens[(state, role)]}"}

    async def replay(self, replay: Replay, today: date) -> SeededCase:
        conversation = sample(replay)
        delta = time_shift(replay, conversation, today)
        path = f"/{PATHS[replay.family]}/cases"
        case_ids: dict[str, str] = {}
        conversation_id = case_ref = ""
        view: dict[str, Any] = {}
        for index, document in enumerate(conversation):
            header = document.header
            sender, recipient = header.sender.state, header.recipient.state
            role = replay.senders.get(sender, ROLE_OF[header.sender.role])
            headers = await self._headers(sender, role)
            client = self.clients[sender]
            what = f"sample {replay.sample_ref} message {index + 1} ({header.message_type})"
            draft = sample_draft(document, first=index == 0, delta=delta)
            with self.clock.at(header.sent_at + delta):
                if index == 0:
                    created = await client.post(path, json=draft, headers=headers)
                    _check(created, what)
                    case_ids[sender] = created.json()["id"]
                    conversation_id = created.json()["conversation_id"]
                    case_ref = created.json()["case_ref"]
                    response = await client.post(
                        f"{path}/{case_ids[sender]}/draft/send", headers=headers
                    )
                else:
                    if sender not in case_ids:
                        case_ids[sender] = await self._find(sender, path, conversation_id, headers)
                    if CONFIRMATION in draft["body"]:
                        await self._confirm(sender, case_ids[sender], draft["body"], what)
                    response = await client.post(
                        f"{path}/{case_ids[sender]}/messages", json=draft, headers=headers
                    )
                _check(response, what)
                self.federation.nodes[sender].gateway.wake()  # publish now, not at the next tick
                view = response.json()
                await self._filed(recipient, view["entries"][-1]["message_id"], what)
        first = conversation[0].header
        return SeededCase(
            family=replay.family,
            case_ref=case_ref,
            route=f"{first.sender.state}→{first.recipient.state}",
            messages=len(conversation),
            state=str(view["state"]),
            shows=replay.shows,
        )

    async def _confirm(self, state: str, case_id: str, body: dict[str, Any], what: str) -> None:
        """The sender's prosecutor records the confirmation the message carries (a return while
        proceedings are pending needs it on record: national_node.workflows.repatriation)."""
        given = body[CONFIRMATION]
        recorded = await self.clients[state].post(
            f"/repatriation/cases/{case_id}/prosecutor-confirmations",
            json={k: given[k] for k in ("decision_ref", "confirmed_on", "step")},
            headers=await self._headers(state, Role.PROSECUTOR),
        )
        _check(recorded, f"{what}: the prosecutor's confirmation")

    async def _find(
        self, state: str, path: str, conversation_id: str, headers: dict[str, str]
    ) -> str:
        listed = await self.clients[state].get(path, params={"limit": 500}, headers=headers)
        _check(listed, f"{state} {path}")
        for case in listed.json():
            if case["conversation_id"] == conversation_id:
                return str(case["id"])
        raise DemoError(f"{state} has no case for conversation {conversation_id}")

    async def _filed(self, state: str, message_id: str, what: str) -> None:
        """Wait until ``state``'s node has filed the message (its lifecycle ran on it)."""
        node = self.federation.nodes[state]
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while True:
            async with node.session() as session:
                entry = (
                    await session.exec(select(CaseEntry).where(CaseEntry.message_id == message_id))
                ).first()
            if entry is not None:
                if entry.refused:
                    raise DemoError(f"{what}: {state} refused it: {entry.refused}")
                return
            if time.monotonic() > deadline:
                raise DemoError(f"{what}: not delivered to {state} in {DELIVERY_TIMEOUT:.0f} s")
            await asyncio.sleep(0.01)

    async def all_delivered(self) -> None:
        """Wait until every message sent has its recipient's receipt."""
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        for node in self.federation.nodes.values():
            while True:
                async with node.session() as session:
                    waiting = (
                        await session.exec(
                            select(OutboxMessage.id).where(
                                col(OutboxMessage.is_receipt).is_(False),
                                col(OutboxMessage.state).in_(
                                    [TransportState.QUEUED, TransportState.PUBLISHED]
                                ),
                            )
                        )
                    ).all()
                if not waiting:
                    break
                if time.monotonic() > deadline:
                    raise DemoError(f"{node.state}: {len(waiting)} messages without a receipt")
                await asyncio.sleep(0.05)


def _check(response: httpx.Response, what: str) -> None:
    if response.status_code >= 300:
        raise DemoError(f"{what}: HTTP {response.status_code}: {response.text[:1000]}")


# --- the federation and its servers -----------------------------------------------------------


@dataclass(frozen=True)
class DemoOptions:
    directory: Path | None = None
    """Where the databases go (default: a temporary directory, deleted at the end)."""
    host: str = "127.0.0.1"
    port_base: int = DEFAULT_PORT_BASE
    amqp_url: str | None = None
    """A RabbitMQ administrator's URL: one vhost per state, linked by shovels."""
    management_port: int = 15672


@dataclass
class RunningDemo:
    urls: dict[str, str]
    directory: Path
    transport: str
    accounts: list[Account]
    cases: list[SeededCase]
    federation: LocalFederation


def broker_node(amqp_url: str, management_port: int) -> BrokerNode:
    parts = urllib.parse.urlsplit(amqp_url)
    if parts.scheme not in ("amqp", "amqps") or not parts.hostname:
        raise DemoError(f"--amqp-url: expected amqp://user:password@host:port/, not {amqp_url!r}")
    admin = Credentials(
        urllib.parse.unquote(parts.username or "guest"),
        urllib.parse.unquote(parts.password or "guest"),
    )
    return BrokerNode(
        f"rabbit@{parts.hostname}",
        host=parts.hostname,
        amqp_port=parts.port or 5672,
        management_port=management_port,
        admin=admin,
    )


@asynccontextmanager
async def rabbit_transports(
    amqp_url: str, management_port: int
) -> AsyncIterator[Callable[[str], Transport]]:
    """A vhost per state on the broker, every pair linked by shovels; deleted on exit."""
    node = broker_node(amqp_url, management_port)
    run = uuid.uuid4().hex[:8]
    brokers = {
        state: StateBroker(
            state,
            node,
            vhost=f"puente-demo-{run}-{state}",
            gateway=Credentials.generate(f"puente-demo-{run}-gateway-{state}"),
            user_prefix=f"puente-demo-{run}",
        )
        for state in STATES
    }
    try:
        try:
            for broker in brokers.values():
                await provision(broker)
            for upstream in brokers.values():
                for downstream in brokers.values():
                    if upstream is not downstream:
                        await asyncio.to_thread(link, upstream, downstream, reconnect_delay=1)
            for broker in brokers.values():
                await wait_for_links(broker, [s for s in STATES if s != broker.state])
        except (ManagementError, AMQPError, OSError, TimeoutError) as error:
            raise DemoError(
                f"cannot set up the demo's vhosts on RabbitMQ at {node.host}:{node.amqp_port} "
                f"(management API on port {node.management_port}): {error}"
            ) from None
        yield lambda state: RabbitTransport(brokers[state].gateway_url, state)
    finally:
        for broker in brokers.values():
            peers = [b for b in brokers.values() if b is not broker]
            # Best effort: a broker that cannot be reached has nothing of the demo to remove.
            with contextlib.suppress(ManagementError, OSError):
                await asyncio.to_thread(deprovision, broker, peers)


def _engines(directory: Path) -> dict[str, AsyncEngine]:
    engines = {}
    for state in STATES:
        database = directory / f"{state}.db"
        for stale in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            stale.unlink(missing_ok=True)  # a demo starts afresh
        engines[state] = make_engine(f"sqlite+aiosqlite:///{database}")
    return engines


async def _add_accounts(federation: LocalFederation, made: list[Account]) -> None:
    for state, node in federation.nodes.items():
        async with node.session() as session:
            for account in made:
                if account.state == state:
                    await add_user(
                        session,
                        username=account.username,
                        password=account.password,
                        role=account.role,
                        authority_id=account.authority_id,
                        actor_id=None,
                    )
            await session.commit()


@asynccontextmanager
async def running_demo(
    options: DemoOptions, progress: Callable[[str], None] = lambda _: None
) -> AsyncIterator[RunningDemo]:
    """The demo federation, served and seeded; stopped and cleaned up on exit."""
    async with AsyncExitStack() as stack:
        sockets = {}
        for offset, state in enumerate(STATES):
            sockets[state] = bind(options.host, options.port_base + offset)
            stack.callback(sockets[state].close)
        if options.directory is None:
            directory = Path(tempfile.mkdtemp(prefix="puente-demo-"))
            stack.callback(shutil.rmtree, directory, ignore_errors=True)
        else:
            directory = options.directory.resolve()
            directory.mkdir(parents=True, exist_ok=True)
        transport: Callable[[str], Transport] | None = None
        described = "the in-process transport"
        if options.amqp_url is not None:
            transport = await stack.enter_async_context(
                rabbit_transports(options.amqp_url, options.management_port)
            )
            described = "RabbitMQ (a vhost per state, linked by shovels)"
        clock = DemoClock()
        federation = await local_federation(
            _engines(directory),
            transport=transport,
            gateway_settings=GatewaySettings(relay_idle=0.05, retry_initial=5),
            clock=clock,
        )
        stack.push_async_callback(federation.close)
        made = accounts()
        await _add_accounts(federation, made)
        apps = [(create_app(federation.nodes[state]), sockets[state]) for state in STATES]
        await stack.enter_async_context(serving(apps))
        host = f"[{options.host}]" if ":" in options.host else options.host
        urls = {
            state: f"http://{host}:{options.port_base + offset}"
            for offset, state in enumerate(STATES)
        }
        seeder = Seeder(federation, urls, clock, {(a.state, a.role): a.password for a in made})
        stack.push_async_callback(seeder.close)
        today = datetime.now(UTC).date()
        cases = []
        for replay in PLAN:
            case = await seeder.replay(replay, today)
            progress(
                f"  {case.family:<18} {case.case_ref:<22} {case.route}  "
                f"{case.messages:>2} messages  {case.state:<24} {case.shows}"
            )
            cases.append(case)
        await seeder.all_delivered()
        yield RunningDemo(urls, directory, described, made, cases, federation)
