"""``puente node``: set up a national node, migrate its database, serve its API.

A node's settings come from the environment (``PUENTE_*``) and its TOML file (``--config`` or
``PUENTE_CONFIG``; ``puente node init`` writes one), the environment winning. Secrets are never
command-line arguments (``ps`` would show them): the key-ring passphrase is
``PUENTE_PASSPHRASE`` (or asked for on the terminal), the first admin's password
``PUENTE_ADMIN_PASSWORD`` (or asked for).

Exit codes: 0 done; 1 refused (the message says what); 2 bad usage.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel.ext.asyncio.session import AsyncSession

from crypto.at_rest import DataKey, write_data_key
from crypto.errors import KeyringError
from crypto.keys import MIN_PASSPHRASE_CHARS, Keyring, Passphrase, Purpose, write_keyring
from crypto.suites import Suite
from gateway.store import make_engine
from national_node.api.app import create_app
from national_node.cli.keys import fail, iso
from national_node.db import upgrade_database
from national_node.node import NodeConfigError, node_from_settings
from national_node.roles import Role
from national_node.serving import ServingError, bind, serving, stop_on_signals
from national_node.settings import NodeSettings, load_settings
from national_node.users import UserError, add_user, check_password_policy

PASSPHRASE_ENV = "PUENTE_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
ADMIN_PASSWORD_ENV = "PUENTE_ADMIN_PASSWORD"  # noqa: S105 - a variable name
CONFIG_FILE = "puente.toml"
PUBLIC_KEYS_FILE = "public-keys.json"

node_app = typer.Typer(
    help="A national node: set it up, migrate its database, serve its API.",
    no_args_is_help=True,
)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar="PUENTE_CONFIG",
        help="The node's TOML settings file (written by 'puente node init'); PUENTE_* "
        "environment variables override it.",
    ),
]


def settings_from(config: Path | None, **overrides: Any) -> NodeSettings:
    """The node's settings from ``config`` and the environment, with ``overrides`` on top; a
    missing file or an invalid setting is a refusal naming it."""
    if config is not None and not config.is_file():
        fail(f"{config}: no such settings file (write one with 'puente node init')")
    try:
        with _config_file(config):
            return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}"
            for e in error.errors()
        )
        fail(f"invalid node settings ({problems})")


@contextmanager
def _config_file(config: Path | None) -> Iterator[None]:
    """NodeSettings reads its file from PUENTE_CONFIG: name ``config`` there while loading."""
    if config is None:
        yield
        return
    before = os.environ.get("PUENTE_CONFIG")
    os.environ["PUENTE_CONFIG"] = str(config)
    try:
        yield
    finally:
        if before is None:
            del os.environ["PUENTE_CONFIG"]
        else:
            os.environ["PUENTE_CONFIG"] = before


@contextmanager
def database_refusals(url: str) -> Iterator[None]:
    """A database that cannot be reached or used: a refusal naming it (without its password)."""
    folder = sqlite_folder(url)
    if folder is not None and not folder.is_dir():
        # Said before connecting: aiosqlite's failed connect leaves its thread to post to a
        # loop that asyncio.run may already have closed.
        fail(f"database {url}: the folder {folder} does not exist")
    try:
        yield
    except SQLAlchemyError as error:
        cause = error.orig if isinstance(error, DBAPIError) else error
        fail(f"database {without_password(url)}: {str(cause).strip().splitlines()[0]}")


def sqlite_folder(url: str) -> Path | None:
    """The folder of a SQLite database file (None for another database, or in memory)."""
    scheme, _, path = url.partition(":///")
    if not scheme.startswith("sqlite") or not path or path.startswith(":memory:"):
        return None
    return Path(path.split("?", 1)[0]).parent


def _secret_from_env_or_prompt(variable: str, prompt: str) -> str:
    value = os.environ.get(variable)
    if value:
        return value
    text: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=True, err=True)
    return text


def _toml(values: dict[str, str | int]) -> str:
    # TOML basic strings take JSON's escapes, so json.dumps writes a valid TOML string.
    return "".join(
        f"{key} = {json.dumps(value) if isinstance(value, str) else value}\n"
        for key, value in values.items()
    )


async def _init_database(url: str, admin: str, password: str, authority: str) -> None:
    await upgrade_database(url)
    engine = make_engine(url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            await add_user(
                session,
                username=admin,
                password=password,
                role=Role.ADMIN,
                authority_id=authority,
                actor_id=None,
            )
            await session.commit()
    finally:
        await engine.dispose()


@node_app.command()
def init(
    state: Annotated[str, typer.Option(help="This node's state (ISO 3166-1 alpha-2), e.g. AR.")],
    data_dir: Annotated[
        Path,
        typer.Option(
            help="Where the key ring, the data key, the settings and (by default) "
            "the SQLite database go."
        ),
    ] = Path("var/puente"),
    database_url: Annotated[
        str | None,
        typer.Option(
            envvar="PUENTE_DATABASE_URL",
            help="postgresql://user:pw@host/db for PostgreSQL (default: SQLite in DATA_DIR).",
        ),
    ] = None,
    admin: Annotated[str, typer.Option(help="The first admin's username.")] = "admin",
    admin_authority: Annotated[
        str | None, typer.Option(help="The first admin's authority id (default: CC-NODE-ADMIN).")
    ] = None,
    host: Annotated[str, typer.Option(help="The address the API will listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="The API's port.")] = 8000,
    pq: Annotated[
        bool, typer.Option("--pq", help="Also make an MLKEM768-X25519 encryption key.")
    ] = False,
) -> None:
    """Set up a node: key ring, data key, database, first admin, settings file.

    Prints the public keys to register in the federation directory. Keys are never overwritten:
    a data directory that already holds a key ring or a data key is refused.

    Example: PUENTE_PASSPHRASE=... PUENTE_ADMIN_PASSWORD=... puente node init --state AR
    """
    data_dir = data_dir.resolve()
    try:
        given: dict[str, Any] = {"state": state.upper(), "data_dir": data_dir, "host": host}
        if database_url:
            given["database_url"] = database_url
        settings = load_settings(**given, port=port)
    except ValidationError as error:
        fail(f"invalid settings: {'; '.join(str(e['msg']) for e in error.errors())}")
    ring_path, key_path = settings.resolved_keyring_path, settings.resolved_data_key_path
    for path in (ring_path, key_path):
        if path.exists():
            fail(f"{path} exists: this node is already set up (keys are never overwritten)")
    passphrase = _secret_from_env_or_prompt(PASSPHRASE_ENV, "Key ring passphrase")
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        fail(f"a passphrase has at least {MIN_PASSPHRASE_CHARS} characters")
    password = _secret_from_env_or_prompt(ADMIN_PASSWORD_ENV, f"Password of {admin}")
    authority = admin_authority or f"{settings.state}-NODE-ADMIN"
    try:
        check_password_policy(password)
    except UserError as error:
        fail(str(error))

    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with database_refusals(settings.resolved_database_url):
            asyncio.run(_init_database(settings.resolved_database_url, admin, password, authority))
    except UserError as error:
        fail(f"cannot add the first admin: {error}")
    now = int(time.time())
    secret = Passphrase(passphrase)
    ring = Keyring(settings.state)
    ring.generate(Purpose.SIGNING, now=now)
    ring.generate(Purpose.ENCRYPTION, now=now)
    if pq:
        ring.generate(Purpose.ENCRYPTION, now=now, suite=Suite.MLKEM768_X25519)
    try:
        write_keyring(ring_path, ring, secret)
        write_data_key(key_path, DataKey.generate(), secret)
    except KeyringError as error:
        fail(str(error))
    config = data_dir / CONFIG_FILE
    if not config.exists():
        values: dict[str, str | int] = {
            "state": settings.state,
            "data_dir": str(data_dir),
            "host": host,
            "port": port,
        }
        if database_url and not has_password(database_url):
            values["database_url"] = database_url
        config.write_text(_toml(values), encoding="utf-8")
    public = data_dir / PUBLIC_KEYS_FILE
    exported = ring.export(now)
    public.write_text(json.dumps(exported, indent=1) + "\n", encoding="utf-8")

    typer.echo(f"node {settings.state} set up in {data_dir}:")
    typer.echo(f"  key ring      {ring_path} (encrypted with the passphrase)")
    typer.echo(f"  data key      {key_path} (encrypted with the passphrase)")
    typer.echo(f"  database      {without_password(settings.resolved_database_url)}")
    typer.echo(f"  first admin   {admin} ({authority})")
    typer.echo(f"  settings      {config}")
    typer.echo(f"  public keys   {public}")
    typer.echo("Register these public keys in the federation directory (docs/directory.md):")
    for key in exported["keys"]:
        suite = f" {key['suite']}" if key["suite"] else ""
        typer.echo(
            f"  {key['kid']}  {key['purpose']}{suite}  valid {iso(key['not_before'])} .. "
            f"{iso(key['not_after'])}"
        )
    if database_url and has_password(database_url):
        typer.echo(
            "The database URL holds a password: it is not in the settings file; give it to "
            "'puente node serve' as PUENTE_DATABASE_URL."
        )
    typer.echo(
        "Then put the directory's metadata in "
        f"{settings.resolved_directory_path}, set PUENTE_AMQP_URL (this state's broker) and "
        f"run: PUENTE_CONFIG={config} puente node serve"
    )


def has_password(url: str) -> bool:
    credentials, at, _ = url.partition("://")[2].rpartition("@")
    return bool(at) and ":" in credentials


def without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, location = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{location}"


@node_app.command()
def migrate(config: ConfigOption = None) -> None:
    """Bring the node's database to the newest schema (serve does it too; running it again
    changes nothing)."""
    settings = settings_from(config)
    with database_refusals(settings.resolved_database_url):
        asyncio.run(upgrade_database(settings.resolved_database_url))
    typer.echo(f"database {without_password(settings.resolved_database_url)} is up to date")


@node_app.command()
def serve(
    config: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="Listen on this address instead.")] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Listen on this port instead.")
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "info",
) -> None:
    """Serve the node's API (and run its gateway) until Ctrl-C or SIGTERM.

    Upgrades the database first. Needs the key ring and data key (unlocked with
    PUENTE_PASSPHRASE), the federation directory and PUENTE_AMQP_URL.
    """
    settings = settings_from(config, host=host, port=port)
    try:
        with database_refusals(settings.resolved_database_url):
            asyncio.run(_serve(settings, log_level))
    except (NodeConfigError, ServingError) as error:
        fail(str(error))
    typer.echo("stopped")


async def _serve(settings: NodeSettings, log_level: str) -> None:
    await upgrade_database(settings.resolved_database_url)
    node = node_from_settings(settings)
    try:
        sock = bind(settings.host, settings.port)
        stop = asyncio.Event()
        stop_on_signals(stop)
        async with serving([(create_app(node), sock)], log_level=log_level):
            typer.echo(
                f"node {settings.state} ready at http://{settings.host}:{settings.port} "
                "(OpenAPI document at /docs)"
            )
            await stop.wait()
    finally:
        await node.close()
