"""A receiving node killed with SIGKILL in the middle of a stream, then restarted: every message
stored exactly once, every receipt back at its sender, nothing left in flight."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from crypto.jwk import private_jwk, public_jwk
from gateway.service import Gateway, GatewaySettings
from gateway.store import OutboxMessage, TransportState
from tests.gateway.brokers import StateFederation
from tests.gateway.conftest_nodes import sqlite_engine
from tests.gateway.federation_kit import Federation, documents_between, federation
from tests.gateway.test_gateway_rabbit import rows, wait_until

pytestmark = [pytest.mark.asyncio, pytest.mark.rabbitmq]

ROOT = Path(__file__).resolve().parents[2]


def node_config(keys: Federation, brokers: StateFederation, state: str, database: Path) -> dict:
    node = keys.nodes[state]
    return {
        "state": state,
        "amqp_url": brokers.url(state),
        "database": str(database),
        "signing_jwk": private_jwk(node.signing),
        "encryption_jwk": private_jwk(node.encryption),
        "directory": {
            other: {
                "signing": public_jwk(keys.nodes[other].signing.public_key()),
                "encryption": public_jwk(keys.nodes[other].encryption.public_key()),
            }
            for other in keys.nodes
        },
    }


def start_node(config_path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(  # noqa: S603 - our own test node
        [sys.executable, "-m", "tests.gateway.node_process", str(config_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def stop_node(process: subprocess.Popen[str], how: signal.Signals) -> None:
    process.send_signal(how)
    process.wait(timeout=30)
    if process.stdout is not None:
        process.stdout.close()


def stored(database: Path) -> list[str]:
    """The envelope hashes PY stored (read while the node writes: SQLite WAL)."""
    if not database.exists():
        return []
    with sqlite3.connect(database) as connection:
        try:
            found = connection.execute(
                "SELECT envelope_sha256 FROM gateway_inbox WHERE message_type != 'DeliveryReceipt'"
            ).fetchall()
        except sqlite3.OperationalError:  # the tables are not there yet
            return []
    return [row[0] for row in found]


async def test_a_receiver_killed_mid_stream_and_restarted_stores_everything_once(
    states: Callable[..., StateFederation], tmp_path: Path
) -> None:
    brokers = states()
    await brokers.add("AR")
    await brokers.add("PY")
    await brokers.link_all()
    keys = federation(["AR", "PY"])
    config_path = tmp_path / "py.json"
    database = tmp_path / "py-node.db"
    config_path.write_text(json.dumps(node_config(keys, brokers, "PY", database)))
    n = 150
    examples = documents_between("AR", "PY")
    async with AsyncExitStack() as stack:
        engine = await stack.enter_async_context(sqlite_engine(tmp_path, "AR"))
        ar = Gateway(
            state="AR",
            keys=keys.nodes["AR"],
            directory=keys.directory,
            choose_key=keys.choose_key,
            engine=engine,
            transport=brokers.transport("AR"),
            settings=GatewaySettings(retry_initial=3, retry_max=10, relay_idle=0.05),
        )
        stop = asyncio.Event()
        running = asyncio.create_task(ar.run(stop))
        receiver = start_node(config_path)
        try:
            for i in range(n):
                await ar.send(examples[i % len(examples)])
            deadline = time.monotonic() + 60
            while len(stored(database)) < n // 5:
                assert time.monotonic() < deadline, "the receiver stored nothing"
                await asyncio.sleep(0.02)
            stop_node(receiver, signal.SIGKILL)  # in the middle of the stream
            killed_at = len(stored(database))
            assert killed_at < n, "the stream was over before the kill"
            receiver = start_node(config_path)

            async def delivered() -> bool:
                pending = await rows(
                    engine, OutboxMessage, OutboxMessage.state != TransportState.DELIVERED
                )
                return not pending

            try:
                await wait_until(delivered, timeout=120)
            except AssertionError:
                states = sorted(str(r.state) for r in await rows(engine, OutboxMessage))
                raise AssertionError(
                    f"after the restart: PY stored {len(stored(database))} of {n}; "
                    f"AR's outbox {dict((s, states.count(s)) for s in set(states))}"
                ) from None
        finally:
            stop_node(receiver, signal.SIGTERM)
            stop.set()
            await running
        sent = await rows(engine, OutboxMessage)
        assert len(sent) == n
        hashes = stored(database)
        assert len(hashes) == n  # none lost by the kill
        assert len(set(hashes)) == n  # none stored twice
        assert sorted(hashes) == sorted(row.envelope_sha256 for row in sent)
        assert all(row.receipt_envelope is not None for row in sent)
        assert await brokers.message_count("PY", brokers.states["PY"].topology.inbound_queue) == 0
