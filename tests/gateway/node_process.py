"""A gateway node in its own process, for the crash tests:

    python -m tests.gateway.node_process CONFIG.json

CONFIG holds the state, its broker URL, its SQLite database, its private keys (JWK) and every
state's public keys. The node consumes and relays until SIGTERM (or until it is killed).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from crypto.jwk import load_private_jwk, load_public_jwk
from gateway.rabbit import RabbitTransport
from gateway.service import Gateway, GatewaySettings, create_tables
from gateway.store import make_engine
from tests.gateway.federation_kit import Federation, NodeKeys, federation_from_public


async def run(config: dict[str, Any]) -> None:
    signing = load_private_jwk(config["signing_jwk"])
    encryption = load_private_jwk(config["encryption_jwk"])
    assert isinstance(signing, ed25519.Ed25519PrivateKey)
    assert isinstance(encryption, x25519.X25519PrivateKey)
    keys = NodeKeys(config["state"], signing, encryption)
    peers: Federation = federation_from_public(
        {
            state: (load_public_jwk(entry["signing"]), load_public_jwk(entry["encryption"]))
            for state, entry in config["directory"].items()
        }
    )
    engine = make_engine(f"sqlite+aiosqlite:///{config['database']}")
    await create_tables(engine)
    gateway = Gateway(
        state=keys.state,
        keys=keys,
        directory=peers.directory,
        choose_key=peers.choose_key,
        engine=engine,
        transport=RabbitTransport(config["amqp_url"], keys.state, concurrency=50),
        settings=GatewaySettings(retry_initial=3, retry_max=10, relay_idle=0.05),
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)  # noqa: T201 - the parent waits for this line
    await gateway.run(stop)
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(run(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
