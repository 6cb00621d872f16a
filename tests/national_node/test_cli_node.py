"""``puente node init``, ``puente node migrate`` and ``puente user add``: a node set up from
nothing, its keys encrypted at rest and never overwritten, its database migrated, its users
added from the command line; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from typer.testing import CliRunner, Result

from crypto.at_rest import read_data_key
from crypto.keys import Passphrase, Purpose, read_keyring
from gateway.store import make_engine
from national_node.auth import check_password
from national_node.cli import app
from national_node.db import current_revision
from national_node.store import NodeEvent, User

runner = CliRunner()
PASSPHRASE = "correct horse battery staple"
ADMIN_PASSWORD = "admin password of AR"
ENV = {"PUENTE_PASSPHRASE": PASSPHRASE, "PUENTE_ADMIN_PASSWORD": ADMIN_PASSWORD}


def puente(*args: object, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    return runner.invoke(app, [str(a) for a in args], env=ENV if env is None else env, input=input)


def init(data_dir: Path, *more: object, env: dict[str, str] | None = None) -> Result:
    return puente("node", "init", "--state", "AR", "--data-dir", data_dir, *more, env=env)


def rows(url: str, model: type, *where: object) -> list:  # type: ignore[type-arg]
    async def read() -> list:  # type: ignore[type-arg]
        engine = make_engine(url)
        try:
            async with AsyncSession(engine) as session:
                return list((await session.exec(select(model).where(*where))).all())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def revision(url: str) -> str | None:
    async def read() -> str | None:
        engine = make_engine(url)
        try:
            return await current_revision(engine)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{data_dir / 'node.db'}"


def test_init_makes_keys_data_key_database_admin_and_settings(tmp_path: Path) -> None:
    data = tmp_path / "ar"
    result = init(data)
    assert result.exit_code == 0, result.output

    ring_file, key_file = data / "keyring.json", data / "data-key.json"
    for secret_file in (ring_file, key_file):
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    ring = read_keyring(ring_file, Passphrase(PASSPHRASE))
    assert ring.state == "AR"
    assert [r.purpose for r in ring.records] == [Purpose.SIGNING, Purpose.ENCRYPTION]
    read_data_key(key_file, Passphrase(PASSPHRASE))  # opens with the same passphrase
    raw = ring_file.read_bytes()
    exported = json.loads((data / "public-keys.json").read_text(encoding="utf-8"))
    assert exported["format"] == "puente-public-keys"
    assert exported["state"] == "AR"
    for key in exported["keys"]:
        assert "d" not in key  # public halves only
        assert key["kid"] in result.output  # printed, to register in the directory
        assert key["kid"].encode() not in raw  # the ring is encrypted whole

    settings = (data / "puente.toml").read_text(encoding="utf-8")
    assert 'state = "AR"' in settings
    assert f'data_dir = "{data}"' in settings
    assert "PASSPHRASE" not in settings.upper()

    url = sqlite_url(data)
    assert revision(url) is not None
    [admin] = rows(url, User)
    assert (admin.username, admin.role, admin.authority_id) == ("admin", "admin", "AR-NODE-ADMIN")
    assert check_password(admin, ADMIN_PASSWORD)
    assert ADMIN_PASSWORD not in admin.password_hash
    assert "puente node serve" in result.output


def test_init_never_overwrites_a_node(tmp_path: Path) -> None:
    data = tmp_path / "ar"
    assert init(data).exit_code == 0
    ring_before = (data / "keyring.json").read_bytes()
    again = init(data)
    assert again.exit_code == 1
    assert "already set up (keys are never overwritten)" in again.output
    assert (data / "keyring.json").read_bytes() == ring_before
    assert len(rows(sqlite_url(data), User)) == 1


@pytest.mark.parametrize(
    ("env", "refusal"),
    [
        ({"PUENTE_PASSPHRASE": "short", "PUENTE_ADMIN_PASSWORD": ADMIN_PASSWORD}, "passphrase"),
        ({"PUENTE_PASSPHRASE": PASSPHRASE, "PUENTE_ADMIN_PASSWORD": "short"}, "12 characters"),
    ],
)
def test_init_refuses_weak_secrets_before_making_anything(
    tmp_path: Path, env: dict[str, str], refusal: str
) -> None:
    data = tmp_path / "ar"
    result = init(data, env=env)
    assert result.exit_code == 1
    assert refusal in result.output
    assert not data.exists()


def test_init_refuses_a_state_that_is_not_a_state(tmp_path: Path) -> None:
    result = puente("node", "init", "--state", "XX", "--data-dir", tmp_path / "x")
    assert result.exit_code == 1
    assert "invalid settings" in result.output
    assert not (tmp_path / "x").exists()


def test_init_asks_for_the_secrets_when_the_environment_has_none(tmp_path: Path) -> None:
    data = tmp_path / "ar"
    more = ("--admin", "root", "--admin-authority", "AR-MJ-SISTEMAS")
    no_secrets = {"PUENTE_PASSPHRASE": "", "PUENTE_ADMIN_PASSWORD": ""}
    aborted = init(data, *more, env=no_secrets)  # nothing typed: the prompt aborts
    assert aborted.exit_code == 1
    assert not (data / "keyring.json").exists()
    typed = f"{PASSPHRASE}\n{PASSPHRASE}\n{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n"
    result = puente(
        "node", "init", "--state", "AR", "--data-dir", data, *more, env=no_secrets, input=typed
    )
    assert result.exit_code == 0, result.output
    assert PASSPHRASE not in result.output  # typed, not echoed
    read_keyring(data / "keyring.json", Passphrase(PASSPHRASE))
    [admin] = rows(sqlite_url(data), User)
    assert (admin.username, admin.authority_id) == ("root", "AR-MJ-SISTEMAS")
    assert check_password(admin, ADMIN_PASSWORD)


@pytest.fixture
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """A URL of the test database whose connections use a fresh schema."""
    schema = f"cli_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{postgres_url}?options=-csearch_path%3D{schema}"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.mark.postgres
def test_init_on_postgresql(tmp_path: Path, postgres_schema_url: str) -> None:
    data = tmp_path / "ar"
    result = init(data, "--database-url", postgres_schema_url)
    assert result.exit_code == 0, result.output
    assert "puente:***@" in result.output  # the password is not printed
    assert "node.db" not in result.output
    assert not (data / "node.db").exists()
    assert "database_url" not in (data / "puente.toml").read_text()  # it holds a password
    assert "give it to 'puente node serve' as PUENTE_DATABASE_URL" in result.output
    url = postgres_schema_url.replace("postgresql://", "postgresql+psycopg://", 1)
    assert revision(url) is not None
    assert [u.username for u in rows(url, User)] == ["admin"]
    migrated = puente(
        "node",
        "migrate",
        "--config",
        data / "puente.toml",
        env={"PUENTE_DATABASE_URL": postgres_schema_url},
    )
    assert migrated.exit_code == 0, migrated.output
    assert "database postgresql://puente:***@" in migrated.output


def test_migrate_brings_the_database_up_to_date_and_again_changes_nothing(
    tmp_path: Path,
) -> None:
    config = tmp_path / "puente.toml"
    config.write_text(f'state = "PY"\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    url = sqlite_url(tmp_path)
    for _ in range(2):
        result = puente("node", "migrate", "--config", config)
        assert result.exit_code == 0, result.output
        assert "is up to date" in result.output
    assert revision(url) is not None


def test_commands_refuse_a_missing_or_invalid_settings_file(tmp_path: Path) -> None:
    missing = puente("node", "migrate", "--config", tmp_path / "nowhere.toml")
    assert missing.exit_code == 1
    assert "no such settings file" in missing.output
    bad = tmp_path / "bad.toml"
    bad.write_text('state = "AR"\nport = 70000\n', encoding="utf-8")
    invalid = puente("node", "migrate", "--config", bad)
    assert invalid.exit_code == 1
    assert "invalid node settings (port:" in invalid.output


def test_a_database_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    config = tmp_path / "puente.toml"
    config.write_text(
        f'state = "AR"\ndata_dir = "{tmp_path / "missing" / "dir"}"\n', encoding="utf-8"
    )
    result = puente("node", "migrate", "--config", config)
    assert result.exit_code == 1
    assert f"the folder {tmp_path / 'missing' / 'dir'} does not exist" in result.output
    unreachable = tmp_path / "pg.toml"
    unreachable.write_text(
        'state = "AR"\ndatabase_url = "postgresql://puente:secret@127.0.0.1:1/none"\n',
        encoding="utf-8",
    )
    result = puente("node", "migrate", "--config", unreachable)
    assert result.exit_code == 1
    assert "database postgresql://puente:***@127.0.0.1:1/none: " in result.output
    assert "secret" not in result.output


# --- puente user add ---------------------------------------------------------------------------


@pytest.fixture
def node_dir(tmp_path: Path) -> Path:
    data = tmp_path / "ar"
    assert init(data).exit_code == 0
    return data


def add_user(node_dir: Path, *args: object, input: str | None = None) -> Result:
    return puente("user", "add", *args, "--config", node_dir / "puente.toml", input=input)


def test_user_add_with_the_password_on_stdin(node_dir: Path) -> None:
    result = add_user(
        node_dir,
        "maria.gomez",
        "--role",
        "prosecutor",
        "--authority",
        "AR-MPF-PROTEX",
        "--password-stdin",
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "added maria.gomez as prosecutor for AR-MPF-PROTEX"
    url = sqlite_url(node_dir)
    [user] = rows(url, User, User.username == "maria.gomez")
    assert (user.role, user.authority_id, user.active) == ("prosecutor", "AR-MPF-PROTEX", True)
    assert check_password(user, "a long enough password")
    [event] = rows(
        url, NodeEvent, NodeEvent.kind == "user-added", NodeEvent.detail.startswith("maria")
    )  # type: ignore[attr-defined]
    assert event.detail == "maria.gomez as prosecutor"
    assert "a long enough password" not in event.detail


def test_user_add_asks_for_the_password_twice(node_dir: Path) -> None:
    result = add_user(
        node_dir,
        "auditor1",
        "--role",
        "auditor",
        "--authority",
        "AR-SIGEN",
        input="auditor's password\nauditor's password\n",
    )
    assert result.exit_code == 0, result.output
    [user] = rows(sqlite_url(node_dir), User, User.username == "auditor1")
    assert check_password(user, "auditor's password")


@pytest.mark.parametrize(
    ("args", "password", "refusal"),
    [
        (("admin", "--role", "admin", "--authority", "AR-X"), "a long enough password", "exists"),
        (("weak", "--role", "auditor", "--authority", "AR-X"), "short", "12 characters"),
        (
            ("Bad Name", "--role", "auditor", "--authority", "AR-X"),
            "a long enough password",
            "a username is",
        ),
        (
            ("ok.name", "--role", "auditor", "--authority", "has space"),
            "a long enough password",
            "an authority id is",
        ),
    ],
)
def test_user_add_refusals(
    node_dir: Path, args: tuple[str, ...], password: str, refusal: str
) -> None:
    result = add_user(node_dir, *args, "--password-stdin", input=password + "\n")
    assert result.exit_code == 1
    assert refusal in result.output
    assert len(rows(sqlite_url(node_dir), User)) == 1  # the first admin only


def test_user_add_refuses_an_unknown_role(node_dir: Path) -> None:
    result = add_user(
        node_dir,
        "x.y",
        "--role",
        "superuser",
        "--authority",
        "AR-X",
        "--password-stdin",
        input="a long enough password\n",
    )
    assert result.exit_code == 2
    assert "superuser" in result.output


def test_user_add_needs_a_node_that_was_set_up(tmp_path: Path) -> None:
    config = tmp_path / "puente.toml"
    config.write_text(f'state = "AR"\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    result = puente(
        "user",
        "add",
        "x.y",
        "--role",
        "auditor",
        "--authority",
        "AR-X",
        "--password-stdin",
        "--config",
        config,
        input="a long enough password\n",
    )
    assert result.exit_code == 1
    assert "run 'puente node init' first" in result.output
