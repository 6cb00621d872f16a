"""``puente node serve``: a node set up with ``puente node init``, registered in a federation
directory, served by uvicorn in its own process over the real broker; it answers logins and
shows its keys, and stops cleanly on Ctrl-C. Without what it needs it refuses, saying what."""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner, Result

from gateway.brokers import Credentials, StateBroker, deprovision, provision
from national_node.cli import app
from tests.gateway.brokers import MAIN_NODE, free_port

runner = CliRunner()
PASSPHRASE = "correct horse battery staple"
ADMIN_PASSWORD = "admin password of AR"
HANG_GUARD = 120.0
"""Seconds after which a server that never says it is ready is a hung test, not a slow one."""
PUENTE = str(Path(sys.executable).with_name("puente"))


def puente(*args: object, env: dict[str, str | None] | None = None) -> Result:
    return runner.invoke(app, [str(a) for a in args], env=env)


def ok(*args: object) -> str:
    result = puente(*args)
    assert result.exit_code == 0, result.output
    return result.output


def set_up_node(data: Path) -> None:
    env: dict[str, str | None] = {
        "PUENTE_PASSPHRASE": PASSPHRASE,
        "PUENTE_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    result = puente("node", "init", "--state", "AR", "--data-dir", data, env=env)
    assert result.exit_code == 0, result.output


def found_directory(base: Path, data: Path) -> None:
    """A federation directory of one state (AR, threshold 1) holding the node's entry, where
    the node's settings expect it (DATA/directory): docs/directory.md's walk-through."""
    fed = data / "directory"
    key = base / "ar.key"
    key.write_bytes(os.urandom(32))
    key.chmod(0o600)
    authority, operator = base / "ar-authority.ring", base / "operator.ring"
    ok(
        "keys",
        "generate",
        authority,
        "--state",
        "AR",
        "--purpose",
        "governance",
        "--purpose",
        "delegation",
        "--key-file",
        key,
    )
    ok("keys", "export", authority, "--out", base / "ar-authority.json", "--key-file", key)
    ok("keys", "generate", operator, "--purpose", "online", "--key-file", key)
    ok("keys", "export", operator, "--out", base / "operator.json", "--key-file", key)
    ok(
        "directory",
        "init",
        fed,
        "--member",
        f"AR={base / 'ar-authority.json'}",
        "--online",
        base / "operator.json",
        "--threshold",
        "1",
    )
    ok("directory", "sign", fed, "--ring", authority, "--key-file", key)
    ok(
        "directory",
        "entry",
        fed,
        "--keys",
        data / "public-keys.json",
        "--node-id",
        "ar-node-1",
        "--broker",
        "puente-AR",
    )
    ok("directory", "sign", fed, "--ring", authority, "--key-file", key, "--role", "AR")
    ok("directory", "publish", fed, "--ring", operator, "--key-file", key)


@pytest.fixture
def node_dir(tmp_path: Path) -> Path:
    data = tmp_path / "ar"
    set_up_node(data)
    return data


@pytest.fixture
def broker() -> Iterator[StateBroker]:
    """AR's vhost on the main broker, its topology declared."""
    run = uuid.uuid4().hex[:8]
    made = StateBroker(
        "AR",
        MAIN_NODE,
        vhost=f"puente-serve-{run}-AR",
        gateway=Credentials.generate(f"puente-serve-{run}-gateway-AR"),
        user_prefix=f"puente-serve-{run}",
    )
    asyncio.run(provision(made))
    yield made
    deprovision(made)


class Served:
    """A ``puente`` command in its own process, its output read line by line."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [PUENTE, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **env},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(
                    f"no line with {text!r} in {timeout} s; output:\n{''.join(self.output)}"
                )
            self.output.append(line)
            if text in line:
                return line
            if self.process.poll() is not None and self.lines.empty():
                pytest.fail(f"exited {self.process.returncode}:\n{''.join(self.output)}")

    def interrupt(self) -> int:
        """Ctrl-C, then the exit code (the rest of the output read)."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=HANG_GUARD)
        time.sleep(0.1)
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return code

    def close(self) -> None:
        """Kill it if it still runs; read the rest of its output; release its pipe."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._reader.join()
        while not self.lines.empty():
            self.output.append(self.lines.get())
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.mark.rabbitmq
def test_serve_answers_logins_and_shows_its_keys_then_stops_on_ctrl_c(
    tmp_path: Path, node_dir: Path, broker: StateBroker
) -> None:
    found_directory(tmp_path, node_dir)
    port = free_port()
    served = Served(
        "node",
        "serve",
        "--config",
        str(node_dir / "puente.toml"),
        "--port",
        str(port),
        env={"PUENTE_PASSPHRASE": PASSPHRASE, "PUENTE_AMQP_URL": broker.gateway_url},
    )
    try:
        ready = served.wait_for("ready at", HANG_GUARD)
        assert f"node AR ready at http://127.0.0.1:{port}" in ready
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            assert client.get("/openapi.json").json()["info"]["title"] == (
                "Puente national node (AR)"
            )
            assert (
                client.post(
                    "/auth/login", json={"username": "admin", "password": "wrong password!"}
                ).status_code
                == 401
            )
            login = client.post(
                "/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            )
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            assert client.get("/auth/me", headers=headers).json()["role"] == "admin"
            keys = client.get("/admin/keys", headers=headers).json()
        registered = (node_dir / "public-keys.json").read_text(encoding="utf-8")
        assert keys["state"] == "AR"
        assert [k["status"] for k in keys["keys"]] == ["active", "active"]
        for key in keys["keys"]:
            assert key["kid"] in registered  # the keys init printed for the directory
        assert served.interrupt() == 0, "".join(served.output)
        assert "stopped" in "".join(served.output)
    finally:
        served.close()


def serve_in_process(node_dir: Path, env: dict[str, str | None]) -> Result:
    return puente("node", "serve", "--config", node_dir / "puente.toml", env=env)


def test_serve_refuses_without_the_passphrase(node_dir: Path) -> None:
    result = serve_in_process(node_dir, {"PUENTE_PASSPHRASE": None})
    assert result.exit_code == 1
    assert "PUENTE_PASSPHRASE is not set" in result.output


def test_serve_refuses_a_wrong_passphrase(node_dir: Path) -> None:
    result = serve_in_process(node_dir, {"PUENTE_PASSPHRASE": "not the passphrase at all"})
    assert result.exit_code == 1
    assert "cannot unlock this node's keys" in result.output


def test_serve_refuses_without_the_federation_directory(node_dir: Path) -> None:
    result = serve_in_process(node_dir, {"PUENTE_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 1
    assert f"cannot load the federation directory at {node_dir / 'directory'}" in result.output


def test_serve_refuses_without_a_broker(tmp_path: Path, node_dir: Path) -> None:
    found_directory(tmp_path, node_dir)
    result = serve_in_process(node_dir, {"PUENTE_PASSPHRASE": PASSPHRASE, "PUENTE_AMQP_URL": None})
    assert result.exit_code == 1
    assert "PUENTE_AMQP_URL is not set" in result.output


def test_serve_refuses_a_busy_port(tmp_path: Path, node_dir: Path) -> None:
    found_directory(tmp_path, node_dir)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = puente(
            "node",
            "serve",
            "--config",
            node_dir / "puente.toml",
            "--port",
            port,
            env={"PUENTE_PASSPHRASE": PASSPHRASE, "PUENTE_AMQP_URL": "amqp://u:p@127.0.0.1:1/x"},
        )
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
