"""``puente audit``: export the node's transparency log as an offline bundle, and verify one.

``puente audit export --out FILE`` reads the node's database (its settings, as ``puente node``),
signs a checkpoint of the log's current size with the log key, keeps it with the checkpoints the
node issued before, and writes a bundle (``crypto.transparency.bundle``): every entry with the
leaf hash the log's tree holds for it, every checkpoint, the consistency proofs between them,
the log's public key. The log key is, for now, the node's current signing key, under the origin
``puente.log/<STATE>/v1``; the key ring is unlocked with ``PUENTE_PASSPHRASE``.

``puente audit verify FILE [--trusted EARLIER]`` checks a bundle with no database and no network;
``EARLIER`` is an earlier bundle (all its checkpoints) or a signed checkpoint that the auditor
already holds: the bundle must show the same history. Exit codes: 0 verified (a summary on
stdout); 1 refused (what fails, named, on stderr); 2 bad usage.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from crypto.errors import KeyringError
from crypto.keys import Passphrase, Purpose, read_keyring
from crypto.transparency import (
    ConsistencyProof,
    LogSigner,
    NoteFormatError,
    SignedCheckpoint,
    parse_signed_checkpoint,
    sign_checkpoint,
)
from crypto.transparency.bundle import BundleEntry, BundleError, build_bundle, verify_bundle
from crypto.transparency.checkpoint import Checkpoint
from gateway import tlog
from gateway.store import make_engine
from national_node.cli.keys import fail
from national_node.cli.node import ConfigOption, database_refusals, settings_from

audit_app = typer.Typer(
    help="The node's transparency log: export an offline audit bundle, verify one.",
    no_args_is_help=True,
)


def log_origin(state: str) -> str:
    """The origin (and log key name) of a state's transparency log."""
    return f"puente.log/{state}/v1"


async def export_bundle(database_url: str, signer: LogSigner, *, now: int) -> dict[str, Any]:
    """Sign a checkpoint of the log's current size, keep it, and build the bundle of the whole
    log from the database (one transaction: the head is read under the append lock)."""
    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            size = await tlog.log_size(connection)
            root = await tlog.root_at(connection, size)
            latest = sign_checkpoint(Checkpoint(signer.name, size, root), signer)
            await tlog.record_checkpoint(connection, size, now, latest.to_bytes())
            signed: list[SignedCheckpoint] = [
                parse_signed_checkpoint(note) for note in await tlog.checkpoints(connection)
            ]
            proofs = [
                ConsistencyProof(
                    old.checkpoint.size,
                    new.checkpoint.size,
                    tuple(
                        await tlog.consistency_proof(
                            connection, old.checkpoint.size, new.checkpoint.size
                        )
                    ),
                )
                for old, new in itertools.pairwise(signed)
            ]
            rows = await tlog.read_entries(connection, stop=size)
            hashes = await tlog.leaf_hashes(connection, 0, size)
    finally:
        await engine.dispose()
    entries = [BundleEntry(row.index, row.data, hashes[row.index]) for row in rows]
    return build_bundle(
        log_key=signer.public, checkpoints=signed, consistency_proofs=proofs, entries=entries
    )


@audit_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="Where to write the bundle (JSON).")],
    config: ConfigOption = None,
) -> None:
    """Export the whole log, with a newly signed checkpoint, as an offline audit bundle."""
    settings = settings_from(config)
    if settings.passphrase is None or not settings.passphrase.get_secret_value():
        fail("PUENTE_PASSPHRASE is not set: it unlocks the key ring")
    now = int(time.time())
    try:
        ring = read_keyring(
            settings.resolved_keyring_path, Passphrase(settings.passphrase.get_secret_value())
        )
        key = ring.current(Purpose.SIGNING, now)
        signer = LogSigner(log_origin(settings.state), ring.signing_private_key(key.kid))
    except KeyringError as error:
        fail(f"cannot unlock the log key: {error}")
    with database_refusals(settings.resolved_database_url):
        bundle = asyncio.run(export_bundle(settings.resolved_database_url, signer, now=now))
    out.write_text(json.dumps(bundle, indent=1) + "\n", encoding="utf-8")
    typer.echo(
        f"{out}: {len(bundle['entries'])} entries, {len(bundle['checkpoints'])} checkpoint(s) "
        f"of {signer.name}"
    )


def _trusted(path: Path) -> list[str]:
    """The checkpoints of an earlier bundle, or the one signed checkpoint in a file."""
    text = path.read_text(encoding="utf-8")
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return [text]
    if isinstance(value, dict) and isinstance(value.get("checkpoints"), list):
        return [str(item) for item in value["checkpoints"]]
    fail(f"{path}: neither an audit bundle nor a signed checkpoint")


@audit_app.command("verify")
def verify(
    bundle_file: Annotated[Path, typer.Argument(help="The bundle to check.", metavar="BUNDLE")],
    trusted: Annotated[
        list[Path] | None,
        typer.Option(
            "--trusted",
            help="An earlier bundle or signed checkpoint of the same log, already trusted: "
            "the bundle must show the same history.",
        ),
    ] = None,
) -> None:
    """Check a bundle offline: leaf hashes, tree roots, checkpoints, proofs, signatures."""
    try:
        bundle = json.loads(bundle_file.read_text(encoding="utf-8"))
        earlier = [text for path in trusted or [] for text in _trusted(path)]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"cannot read the bundle: {error}")
    try:
        summary = verify_bundle(bundle, trusted_checkpoints=earlier)
    except (BundleError, NoteFormatError) as error:
        fail(f"{bundle_file}: {error}")
    sizes = ", ".join(str(size) for size in summary.checkpoint_sizes) or "none"
    typer.echo(f"{bundle_file}: verified, log {summary.origin}")
    typer.echo(
        f"  {summary.entries} entries ({'the whole log' if summary.whole_prefix else 'partial'})"
    )
    typer.echo(f"  checkpoints at sizes {sizes}, consistent with each other")
    witnessed = {size: names for size, names in summary.cosigners.items() if names}
    for size, names in witnessed.items():
        typer.echo(f"  checkpoint {size} cosigned by {', '.join(names)}")
    if summary.trusted_checked:
        checked = ", ".join(str(size) for size in summary.trusted_checked)
        typer.echo(f"  consistent with the trusted checkpoints at sizes {checked}")
