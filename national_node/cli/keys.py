"""``puente keys``: a node's key ring (and the directory's governance, delegation and online
keys), encrypted at rest.

The ring is unlocked with a passphrase or a key file, never with a command-line argument (which
``ps`` would show): the passphrase comes from the environment variable named by
``--passphrase-env`` (default ``PUENTE_KEYRING_PASSPHRASE``), or is asked for on the terminal;
``--key-file`` names a file of at least 32 random bytes readable by its owner only.

Exit codes: 0 done; 1 refused (wrong passphrase, unknown key, invalid request: the message says
what); 2 bad usage.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from crypto.errors import DirectoryError, KeyFormatError, KeyringError
from crypto.keys import (
    DAY,
    DEFAULT_GRACE,
    KeyFile,
    Keyring,
    Passphrase,
    Purpose,
    Secret,
    read_keyring,
    unix_time,
    write_keyring,
)
from crypto.suites import Suite

PASSPHRASE_ENV = "PUENTE_KEYRING_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
EXIT_REFUSED = 1

keys_app = typer.Typer(
    help="A node's key ring: generate, rotate, revoke and export keys (encrypted at rest).",
    no_args_is_help=True,
)


class SuiteChoice(StrEnum):
    X25519 = "x25519"
    MLKEM768_X25519 = "mlkem768-x25519"

    @property
    def suite(self) -> Suite:
        return Suite.X25519 if self is SuiteChoice.X25519 else Suite.MLKEM768_X25519


# --- shared with ``puente directory`` ----------------------------------------------------------


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_REFUSED)


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the crypto layer's refusals into a message on stderr and exit code 1."""
    try:
        yield
    except (KeyringError, DirectoryError, KeyFormatError) as error:
        fail(str(error))


def parse_time(value: str | None) -> int:
    """``--now`` and other times: Unix seconds or ISO 8601 with a UTC offset; the clock if absent
    (the command line is where the clock is read).
    """
    if value is None:
        return int(datetime.now(UTC).timestamp())
    if value.isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{value!r} is neither Unix seconds nor ISO 8601") from None
    if moment.tzinfo is None:
        raise typer.BadParameter(f"{value!r} has no UTC offset (add Z)")
    return unix_time(moment)


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def get_secret(key_file: Path | None, passphrase_env: str, *, confirm: bool = False) -> Secret:
    """The secret that unlocks a ring: the key file, else the environment, else a prompt."""
    if key_file is not None:
        with refusals():
            return KeyFile.read(key_file)
    from_env = os.environ.get(passphrase_env)
    if from_env:
        return Passphrase(from_env)
    text: str = typer.prompt(
        "Key ring passphrase", hide_input=True, confirmation_prompt=confirm, err=True
    )
    return Passphrase(text)


def open_ring(path: Path, key_file: Path | None, passphrase_env: str) -> tuple[Keyring, Secret]:
    if not path.exists():
        fail(f"{path} does not exist (create it with 'puente keys generate')")
    secret = get_secret(key_file, passphrase_env)
    with refusals():
        return read_keyring(path, secret), secret


NowOption = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="Act as of this time (Unix seconds or ISO 8601 UTC, e.g. 2026-03-01T00:00:00Z) "
        "instead of the clock.",
    ),
]
KeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="Unlock with this key file (32+ random bytes, mode 0600) instead of a passphrase.",
    ),
]
PassphraseEnvOption = Annotated[
    str,
    typer.Option(
        "--passphrase-env",
        help="Environment variable holding the passphrase (asked for on the terminal if unset).",
    ),
]
RingArgument = Annotated[Path, typer.Argument(help="The key ring file.")]


def _describe(ring: Keyring, kid: str, now: int) -> str:
    record = ring.get(kid)
    suite = f" {record.suite}" if record.suite else ""
    private = "" if record.private_key is not None else " (public only)"
    return (
        f"{record.kid}  {record.purpose}{suite}  {record.status(now)}  "
        f"{iso(record.not_before)} .. {iso(record.not_after)}"
        + (f"  revoked at {iso(record.revoked_at)}" if record.revoked_at is not None else "")
        + private
    )


# --- commands ---------------------------------------------------------------------------------


@keys_app.command()
def generate(
    ring_path: RingArgument,
    state: Annotated[
        str | None,
        typer.Option(help="The state whose keys these are (omit for the directory operator)."),
    ] = None,
    purpose: Annotated[
        list[Purpose] | None,
        typer.Option(help="Purpose of a key to add (repeatable). Default: signing, encryption."),
    ] = None,
    pq: Annotated[
        bool, typer.Option("--pq", help="Also add an MLKEM768-X25519 encryption key.")
    ] = False,
    not_before: Annotated[
        str | None, typer.Option(help="Start of validity (default: now).")
    ] = None,
    lifetime_days: Annotated[
        int | None, typer.Option(min=1, help="Validity in days (default per purpose).")
    ] = None,
    key_file: KeyFileOption = None,
    passphrase_env: PassphraseEnvOption = PASSPHRASE_ENV,
    now: NowOption = None,
) -> None:
    """Add new keys to a ring, creating it if needed.

    A new ring asks for its passphrase twice (or takes it from the environment). Without
    --purpose: a signing key and an X25519 encryption key.

    Example: puente keys generate fr-node.ring --state FR --pq
    """
    t = parse_time(now)
    if ring_path.exists():
        ring, secret = open_ring(ring_path, key_file, passphrase_env)
        if state is not None and state != ring.state:
            fail(f"{ring_path} belongs to {ring.state}, not {state}")
    else:
        secret = get_secret(key_file, passphrase_env, confirm=True)
        ring = Keyring(state)
    purposes = purpose or [Purpose.SIGNING, Purpose.ENCRYPTION]
    start = None if not_before is None else parse_time(not_before)
    lifetime = None if lifetime_days is None else lifetime_days * DAY
    with refusals():
        added = [ring.generate(p, now=t, not_before=start, lifetime=lifetime).kid for p in purposes]
        if pq:
            added.append(
                ring.generate(
                    Purpose.ENCRYPTION,
                    now=t,
                    not_before=start,
                    lifetime=lifetime,
                    suite=Suite.MLKEM768_X25519,
                ).kid
            )
        write_keyring(ring_path, ring, secret)
    for kid in added:
        typer.echo(f"added {_describe(ring, kid, t)}")


@keys_app.command()
def rotate(
    ring_path: RingArgument,
    purpose: Annotated[Purpose, typer.Option(help="Which keys to rotate.")],
    suite: Annotated[
        SuiteChoice, typer.Option(help="For encryption keys: the suite to rotate.")
    ] = SuiteChoice.X25519,
    start: Annotated[
        str | None,
        typer.Option(help="When the new key takes over (default: now + 2 days, time to publish)."),
    ] = None,
    grace_days: Annotated[
        float,
        typer.Option(
            min=0,
            help="How long an old non-signing key stays usable after START (encryption: so "
            "that envelopes in flight still open).",
        ),
    ] = DEFAULT_GRACE / DAY,
    lifetime_days: Annotated[
        int | None, typer.Option(min=1, help="Validity of the new key in days.")
    ] = None,
    key_file: KeyFileOption = None,
    passphrase_env: PassphraseEnvOption = PASSPHRASE_ENV,
    now: NowOption = None,
) -> None:
    """Rotate keys: add a successor that takes over at START, with overlap.

    The old signing key stops at START; an old encryption (or governance, delegation, online)
    key stays usable for the grace period after it and is then retired. Encryption keys past
    their window lose their private part; no key record is ever deleted. Publish the new key in
    the directory before START ('puente keys export', then 'puente directory entry').
    """
    t = parse_time(now)
    ring, secret = open_ring(ring_path, key_file, passphrase_env)
    with refusals():
        record = ring.rotate(
            purpose,
            now=t,
            start=None if start is None else parse_time(start),
            grace=int(grace_days * DAY),
            lifetime=None if lifetime_days is None else lifetime_days * DAY,
            suite=suite.suite if purpose is Purpose.ENCRYPTION else None,
        )
        write_keyring(ring_path, ring, secret)
    typer.echo(f"added {_describe(ring, record.kid, t)}")
    for other in ring.of(purpose, record.suite):
        if other.kid != record.kid:
            typer.echo(f"  now {_describe(ring, other.kid, t)}")


@keys_app.command()
def revoke(
    ring_path: RingArgument,
    kid: Annotated[str, typer.Argument(help="Key id (thumbprint) of the key to revoke.")],
    at: Annotated[
        str | None,
        typer.Option(help="Revoked from this time (default: now; earlier if compromised earlier)."),
    ] = None,
    key_file: KeyFileOption = None,
    passphrase_env: PassphraseEnvOption = PASSPHRASE_ENV,
    now: NowOption = None,
) -> None:
    """Revoke a key from a time, and destroy its private part.

    Signatures it made from AT on are refused, earlier ones still verify. Its private part is
    destroyed. Publish the revocation in the directory at once, and rotate if it was the current
    key.
    """
    t = parse_time(now)
    ring, secret = open_ring(ring_path, key_file, passphrase_env)
    with refusals():
        ring.revoke(kid, at=t if at is None else parse_time(at), now=t)
        write_keyring(ring_path, ring, secret)
    typer.echo(f"revoked {_describe(ring, kid, t)}")


@keys_app.command()
def export(
    ring_path: RingArgument,
    purpose: Annotated[
        list[Purpose] | None, typer.Option(help="Only keys of this purpose (repeatable).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write to this file instead of standard output.")
    ] = None,
    key_file: KeyFileOption = None,
    passphrase_env: PassphraseEnvOption = PASSPHRASE_ENV,
    now: NowOption = None,
) -> None:
    """Print the ring's public keys as JSON (for 'puente directory').

    Each a JWK with kid, use, purpose, suite, not_before, not_after, status (at --now) and
    revoked_at. This is what 'puente directory' reads. No private key is ever exported.
    """
    t = parse_time(now)
    ring, _ = open_ring(ring_path, key_file, passphrase_env)
    text = json.dumps(ring.export(t, purpose), indent=1) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {len(ring.export(t, purpose)['keys'])} public keys to {out}")


@keys_app.command("list")
def list_keys(
    ring_path: RingArgument,
    key_file: KeyFileOption = None,
    passphrase_env: PassphraseEnvOption = PASSPHRASE_ENV,
    now: NowOption = None,
) -> None:
    """List the ring's keys: key id, purpose, suite, status at --now, validity window."""
    t = parse_time(now)
    ring, _ = open_ring(ring_path, key_file, passphrase_env)
    typer.echo(f"{ring_path}: {ring.state or 'directory operator'}, {len(ring.records)} keys")
    for record in ring.records:
        typer.echo(f"  {_describe(ring, record.kid, t)}")


def load_public_keys(path: Path) -> dict[str, Any]:
    """Read a file written by 'puente keys export'."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")
    except ValueError:
        fail(f"{path} is not JSON")
    if not isinstance(data, dict) or data.get("format") != "puente-public-keys":
        fail(f"{path} is not a public key file written by 'puente keys export'")
    return data
