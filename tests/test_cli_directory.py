"""``puente keys`` and ``puente directory``: the operators' walk-through of docs/directory.md."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from crypto.directory import Directory
from national_node.cli import app

runner = CliRunner()
PASSPHRASE = "correct horse battery staple"
ENV = {"PUENTE_KEYRING_PASSPHRASE": PASSPHRASE}
T0 = "2026-01-01T00:00:00Z"
T0_UNIX = 1_767_225_600
STATES = ("AR", "CO", "PY")


def puente(*args: object, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    return runner.invoke(app, [str(a) for a in args], env=ENV if env is None else env, input=input)


def ok(*args: object) -> str:
    result = puente(*args)
    assert result.exit_code == 0, result.output
    return result.output


@dataclass
class Walkthrough:
    """The files of a federation founded by AR, CO and PY (docs/directory.md, step 1)."""

    base: Path

    @property
    def fed(self) -> Path:
        return self.base / "fed"

    def key_file(self, state: str) -> Path:
        return self.base / f"{state}.key"

    def ring(self, state: str, kind: str) -> Path:
        return self.base / f"{state}-{kind}.ring"

    def public(self, state: str, kind: str) -> Path:
        return self.base / f"{state}-{kind}.json"

    def keys(self, state: str, *args: object) -> str:
        """A 'puente keys' command on one of the state's rings, unlocked with its key file."""
        return ok("keys", *args, "--key-file", self.key_file(state))

    def export(self, state: str, kind: str, now: str) -> None:
        self.keys(
            state, "export", self.ring(state, kind), "--out", self.public(state, kind), "--now", now
        )

    def sign(self, state: str, *args: object) -> Result:
        return puente(
            "directory",
            "sign",
            self.fed,
            "--ring",
            self.ring(state, "authority"),
            "--key-file",
            self.key_file(state),
            *args,
        )

    def entry(self, state: str, now: str) -> str:
        self.export(state, "node", now)
        return ok(
            "directory",
            "entry",
            self.fed,
            "--keys",
            self.public(state, "node"),
            "--node-id",
            f"{state.lower()}-node-1",
            "--broker",
            f"amqps://broker.puente.example/{state.lower()}",
            "--now",
            now,
        )

    def publish(self, now: str) -> str:
        return ok(
            "directory", "publish", self.fed, "--ring", self.base / "operator.ring", "--now", now
        )


def found(base: Path) -> Walkthrough:
    w = Walkthrough(base)
    for state in STATES:
        w.key_file(state).write_bytes(os.urandom(32))
        w.key_file(state).chmod(0o600)
        authority, node = w.ring(state, "authority"), w.ring(state, "node")
        w.keys(
            state,
            "generate",
            authority,
            "--state",
            state,
            "--purpose",
            "governance",
            "--purpose",
            "delegation",
            "--now",
            T0,
        )
        w.export(state, "authority", T0)
        w.keys(
            state,
            "generate",
            node,
            "--state",
            state,
            *(["--pq"] if state == "PY" else []),
            "--now",
            T0,
        )
    ok("keys", "generate", base / "operator.ring", "--purpose", "online", "--now", T0)
    ok("keys", "export", base / "operator.ring", "--out", base / "operator.json", "--now", T0)
    out = ok(
        "directory",
        "init",
        w.fed,
        "--online",
        base / "operator.json",
        "--now",
        T0,
        *[a for s in STATES for a in ("--member", f"{s}={w.public(s, 'authority')}")],
    )
    assert "staged root v1: 0/2 of its own keys (needs signatures)" in out
    for state in ("AR", "CO"):
        assert w.sign(state).exit_code == 0
    for state in STATES:
        w.entry(state, T0)
        assert w.sign(state, "--role", state).exit_code == 0
    out = w.publish(T0)
    assert "published root v1, targets v1, entry AR v1, entry CO v1, entry PY v1, " in out
    return w


@pytest.fixture
def walk(tmp_path: Path) -> Walkthrough:
    return found(tmp_path)


def test_founding_three_states_then_verify_and_show(walk: Walkthrough) -> None:
    out = ok("directory", "verify", walk.fed, "--now", "2026-01-01T12:00:00Z")
    assert out.startswith("ok: directory version 1 (root v1, threshold 2 of 3, targets v1)")
    assert "states AR, CO, PY" in out
    out = ok("directory", "show", walk.fed, "--now", "2026-01-01T12:00:00Z")
    assert "PY: entry v1" in out
    assert "HPKE-MLKEM768X25519-SHA256-A256GCM" in out
    assert "EXPIRED" not in out
    shown = json.loads(ok("directory", "show", walk.fed, "--json", "--state", "PY", "--now", T0))
    assert shown["version"] == 1
    assert set(shown["entries"]) == {"PY"}
    assert shown["entries"]["PY"]["node_id"] == "py-node-1"
    assert Directory.load(walk.fed, now=T0_UNIX).states() == STATES


def test_an_expired_directory_fails_verification_until_refreshed(walk: Walkthrough) -> None:
    later = "2026-01-02T00:00:00Z"
    result = puente("directory", "verify", walk.fed, "--now", later)
    assert result.exit_code == 1
    assert "expired at 2026-01-02T00:00:00Z; refresh it before sending" in result.output
    assert "EXPIRED" in ok("directory", "show", walk.fed, "--now", later)
    assert "published timestamp v2" in walk.publish(later)
    assert ok("directory", "verify", walk.fed, "--now", later).startswith("ok: directory version 1")


def test_keys_are_encrypted_at_rest_and_never_take_a_passphrase_argument(tmp_path: Path) -> None:
    ring = tmp_path / "ar-node.ring"
    out = ok("keys", "generate", ring, "--state", "AR", "--pq", "--now", T0)
    assert out.count("added ") == 3
    assert stat.S_IMODE(ring.stat().st_mode) == 0o600
    exported = json.loads(ok("keys", "export", ring, "--now", T0))
    assert exported["state"] == "AR"
    assert {k["purpose"] for k in exported["keys"]} == {"signing", "encryption"}
    raw = ring.read_bytes()
    for key in exported["keys"]:
        assert "d" not in key
        assert key["x"][:24].encode() not in raw
        assert key["kid"].encode() not in raw
    wrong = puente("keys", "list", ring, env={"PUENTE_KEYRING_PASSPHRASE": "not the passphrase"})
    assert wrong.exit_code == 1
    assert "wrong passphrase or key file" in wrong.output
    assert puente("keys", "list", ring, "--passphrase", PASSPHRASE).exit_code == 2
    # from another variable, or from the terminal (asked twice for a new ring)
    other = {"OTHER_VARIABLE": PASSPHRASE}
    assert "3 keys" in ok_env(("keys", "list", ring, "--passphrase-env", "OTHER_VARIABLE"), other)
    prompted = puente(
        "keys",
        "generate",
        tmp_path / "co.ring",
        "--state",
        "CO",
        env={},
        input=f"{PASSPHRASE}\n{PASSPHRASE}\n",
    )
    assert prompted.exit_code == 0, prompted.output
    short = puente(
        "keys",
        "generate",
        tmp_path / "py.ring",
        "--state",
        "PY",
        env={"PUENTE_KEYRING_PASSPHRASE": "short"},
    )
    assert short.exit_code == 1
    assert "at least 12 characters" in short.output


def ok_env(args: tuple[object, ...], env: dict[str, str]) -> str:
    result = puente(*args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_rotating_then_revoking_a_node_key(walk: Walkthrough) -> None:
    now, start = "2026-02-01T00:00:00Z", "2026-02-03T00:00:00Z"
    node = walk.ring("AR", "node")
    walk.publish(now)
    old_kid = json.loads(walk.keys("AR", "export", node, "--now", now))["keys"][0]["kid"]
    out = walk.keys("AR", "rotate", node, "--purpose", "signing", "--start", start, "--now", now)
    assert "pending" in out
    assert f"now {old_kid}  signing  active  2026-01-01T00:00:00Z .. {start}" in out
    assert "staged entry AR v2: 2 signing keys" in walk.entry("AR", now)
    assert walk.sign("AR").exit_code == 0
    assert "published entry AR v2, snapshot v2, timestamp v3" in walk.publish(now)
    directory = Directory.load(walk.fed, now=T0_UNIX + 31 * 86400)
    assert [k.status for k in directory.entry("AR").signing_keys] == ["active", "pending"]

    compromised = "2026-02-02T00:00:00Z"
    out = walk.keys("AR", "revoke", node, old_kid, "--at", compromised, "--now", start)
    assert f"revoked {old_kid}" in out
    assert "revoked at 2026-02-02T00:00:00Z (public only)" in out
    walk.entry("AR", start)
    assert walk.sign("AR").exit_code == 0
    walk.publish(start)
    out = ok("directory", "show", walk.fed, "--state", "AR", "--now", start)
    assert f"{old_kid}  Ed25519 signing  revoked" in out
    assert "revoked at 2026-02-02T00:00:00Z" in out
    directory = Directory.load(walk.fed, now=T0_UNIX + 33 * 86400)
    assert directory.signing_key("AR", old_kid, T0_UNIX + 31 * 86400) is not None
    assert directory.signing_key("AR", old_kid, T0_UNIX + 32 * 86400) is None


def test_a_state_cannot_sign_another_states_entry(walk: Walkthrough) -> None:
    walk.entry("AR", T0)
    refused = walk.sign("CO", "--role", "AR")
    assert refused.exit_code == 1
    assert "no staged file needs a signature" in refused.output
    assert "still staged: AR: entry AR v2: signed by 0 of the 1 keys" in walk.publish(T0)


def test_adding_a_state_then_rotating_the_root(walk: Walkthrough) -> None:
    now = "2026-03-01T00:00:00Z"
    walk.key_file("BR").write_bytes(os.urandom(32))
    walk.key_file("BR").chmod(0o600)
    walk.keys(
        "BR",
        "generate",
        walk.ring("BR", "authority"),
        "--state",
        "BR",
        "--purpose",
        "governance",
        "--purpose",
        "delegation",
        "--now",
        now,
    )
    walk.export("BR", "authority", now)
    out = ok(
        "directory",
        "add-state",
        walk.fed,
        "--member",
        f"BR={walk.public('BR', 'authority')}",
        "--now",
        now,
    )
    assert "staged the admission of BR (threshold 3)" in out
    for state in ("AR", "CO"):
        assert walk.sign(state).exit_code == 0
    out = walk.publish(now)
    assert "still staged: root: root v2: signed by 2 of the 3 of its own keys required" in out
    assert walk.sign("BR").exit_code == 0
    assert "published root v2, targets v2, snapshot v2" in walk.publish(now)

    # CO replaces its governance key: the new root needs 3 of the 4 old keys and 3 of its own
    walk.keys(
        "CO",
        "rotate",
        walk.ring("CO", "authority"),
        "--purpose",
        "governance",
        "--start",
        now,
        "--now",
        now,
    )
    walk.export("CO", "authority", now)
    out = ok(
        "directory",
        "rotate-root",
        walk.fed,
        "--member",
        f"CO={walk.public('CO', 'authority')}",
        "--now",
        now,
    )
    assert "staged a new root: governance key of CO" in out
    for state in ("CO", "AR"):
        assert walk.sign(state).exit_code == 0
    out = walk.publish(now)
    assert "still staged: root: root v3: signed by 2 of the 3 keys of root v2 required" in out
    assert walk.sign("PY").exit_code == 0
    assert "published root v3, targets v3" in walk.publish(now)
    out = ok("directory", "verify", walk.fed, "--now", now)
    assert "root v3, threshold 3 of 4" in out


def test_verify_names_an_edited_file_and_a_wrong_anchor(walk: Walkthrough, tmp_path: Path) -> None:
    anchor = walk.fed / "1.root.json"
    assert ok("directory", "verify", walk.fed, "--anchor", anchor, "--now", T0).startswith("ok")
    other = tmp_path / "other-root.json"
    other.write_bytes(anchor.read_bytes().replace(b'"expires": "2027', b'"expires": "2028'))
    result = puente("directory", "verify", walk.fed, "--anchor", other, "--now", T0)
    assert result.exit_code == 1
    assert "the history's root v1 is not the pinned anchor" in result.output
    entry = walk.fed / "PY" / "1.PY.json"
    entry.write_bytes(entry.read_bytes().replace(b"py-node-1", b"py-node-9"))
    result = puente("directory", "verify", walk.fed, "--now", T0)
    assert result.exit_code == 1
    assert "snapshot v1: entry PY v1 does not match its hash" in result.output


def test_help_documents_every_command() -> None:
    directory_help = " ".join(ok("directory", "--help").split())
    for command in (
        "init",
        "add-state",
        "rotate-root",
        "entry",
        "sign",
        "publish",
        "verify",
        "show",
    ):
        assert command in directory_help
    keys_help = " ".join(ok("keys", "--help").split())
    for command in ("generate", "rotate", "revoke", "export", "list"):
        assert command in keys_help
    assert "encrypted at rest" in keys_help
    assert "threshold" in ok("directory", "rotate-root", "--help")
