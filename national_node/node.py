"""A running node: its database, keys, gateway and case context, started and stopped together.

:func:`node_from_settings` builds a node from its settings and files (``puente node serve``);
:func:`build_node` from parts already in memory (the demo and the tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from crypto.at_rest import DataKey, read_data_key
from crypto.directory import Directory, choose_recipient_key
from crypto.envelope import OpenedEnvelope
from crypto.keys import Passphrase, read_keyring
from crypto.trust import DirectoryLookup
from gateway.rabbit import RabbitTransport
from gateway.service import Gateway, GatewaySettings, KeySource, RecipientChooser
from gateway.store import make_engine
from gateway.transport import Transport
from messages.vocab import Family
from national_node.cases import CaseContext, FamilyRules, receive
from national_node.settings import NodeSettings
from national_node.workflows.repatriation import RULES as REPATRIATION_RULES
from national_node.workflows.witness_protection import COUNTERPART_TOKENS
from national_node.workflows.witness_protection import RULES as WITNESS_PROTECTION_RULES

log = logging.getLogger(__name__)

FAMILY_RULES: dict[Family, FamilyRules] = {
    Family.MLA: COUNTERPART_TOKENS,
    Family.REPATRIATION: REPATRIATION_RULES,
    Family.WITNESS_PROTECTION: WITNESS_PROTECTION_RULES,
}
"""What each family's workflow adds to the generic case operations (national_node.workflows)."""


class NodeConfigError(Exception):
    """A node cannot start: what is missing or wrong, said plainly."""


@dataclass
class Node:
    state: str
    engine: AsyncEngine
    gateway: Gateway
    cases: CaseContext
    session_lifetime: int = 8 * 3600
    token_lifetime: int = 90 * 86400
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    def session(self) -> AsyncSession:
        return AsyncSession(self.engine, expire_on_commit=False)

    async def start(self) -> None:
        """Start the gateway (consumer and relay) in the background."""
        if self._task is None:
            self._stop = asyncio.Event()
            self._task = asyncio.create_task(self.gateway.run(self._stop))

    async def stop(self) -> None:
        if self._task is not None:
            self._stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def close(self) -> None:
        await self.stop()
        await self.engine.dispose()


def build_node(
    *,
    state: str,
    engine: AsyncEngine,
    keys: KeySource,
    directory: DirectoryLookup,
    choose_key: RecipientChooser,
    transport: Transport,
    data_key: DataKey,
    gateway_settings: GatewaySettings | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Node:
    """A node from parts in memory; ``clock`` is the case operations' time (tests move it)."""
    holder: dict[str, CaseContext] = {}

    async def on_accept(session: AsyncSession, opened: OpenedEnvelope) -> None:
        await receive(session, holder["ctx"], opened)

    gateway = Gateway(
        state=state,
        keys=keys,
        directory=directory,
        choose_key=choose_key,
        engine=engine,
        transport=transport,
        on_accept=on_accept,
        settings=gateway_settings,
    )
    ctx = CaseContext(state=state, data_key=data_key, gateway=gateway, rules=FAMILY_RULES)
    if clock is not None:
        ctx = replace(ctx, clock=clock)
    holder["ctx"] = ctx
    return Node(state=state, engine=engine, gateway=gateway, cases=ctx)


def node_from_settings(settings: NodeSettings, transport: Transport | None = None) -> Node:
    """A node from its settings and files (key ring, data key, directory)."""
    if settings.passphrase is None or not settings.passphrase.get_secret_value():
        raise NodeConfigError("PUENTE_PASSPHRASE is not set: it unlocks the key ring")
    secret = Passphrase(settings.passphrase.get_secret_value())
    try:
        ring = read_keyring(settings.resolved_keyring_path, secret)
        data_key = read_data_key(settings.resolved_data_key_path, secret)
    except Exception as error:  # KeyringError and its kin: say which file failed
        raise NodeConfigError(f"cannot unlock this node's keys: {error}") from None
    now = int(time.time())
    try:
        directory = Directory.load(settings.resolved_directory_path, now=now)
    except Exception as error:
        raise NodeConfigError(
            f"cannot load the federation directory at {settings.resolved_directory_path}: {error}"
        ) from None

    def choose(state: str, family: Any, at: int) -> Any:
        return choose_recipient_key(directory.at(at), state, family, at)

    if transport is None:
        if settings.amqp_url is None:
            raise NodeConfigError("PUENTE_AMQP_URL is not set: a served node needs its broker")
        transport = RabbitTransport(settings.amqp_url, settings.state)
    node = build_node(
        state=settings.state,
        engine=make_engine(settings.resolved_database_url),
        keys=ring,
        directory=directory,
        choose_key=choose,
        transport=transport,
        data_key=data_key,
    )
    node.session_lifetime = settings.session_lifetime_minutes * 60
    node.token_lifetime = settings.token_lifetime_days * 86400
    return node
