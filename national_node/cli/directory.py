"""``puente directory``: found, change, sign, publish, verify and show the federation directory.

Changes are staged in DIR/staged/, signed by the holders of the keys they need (each with
'puente directory sign' and their own key ring), then published by the operator with the online
key ('puente directory publish'), which also refreshes the timestamp: run it daily. Public keys
are read from files written by 'puente keys export'. docs/directory.md walks through founding a
federation, admitting a state, rotating and revoking node keys and rotating the root.

Exit codes: 0 done (verify: the directory is valid and fresh); 1 refused or verification failed
(the message names the file and the check); 2 bad usage.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from cryptography.hazmat.primitives.asymmetric import ed25519

from crypto.directory import Directory, Lifetimes, MemberKeys, Repository, entry_from_keys
from crypto.directory.entry import PublishedKey
from crypto.jwk import kid_of
from crypto.keys import DAY, KeyStatus, Purpose
from messages.header import SCHEMA_VERSION
from national_node.cli.keys import (
    PASSPHRASE_ENV,
    KeyFileOption,
    NowOption,
    PassphraseEnvOption,
    fail,
    iso,
    load_public_keys,
    open_ring,
    parse_time,
    refusals,
)

directory_app = typer.Typer(
    help="The federation directory: member states, their node entries and keys (TUF format).",
    no_args_is_help=True,
)

DirArgument = Annotated[Path, typer.Argument(help="The directory's metadata folder.")]
MemberOption = Annotated[
    list[str],
    typer.Option(
        "--member",
        help="CC=FILE[,FILE...]: a state and its public key files from 'puente keys export' "
        "(its newest active governance and delegation keys are used). Repeatable.",
    ),
]
ThresholdOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Governance signatures a root or targets change needs (default: two thirds of "
        "the member states, rounded up).",
    ),
]
RootDaysOption = Annotated[
    int, typer.Option(min=1, help="Days until the new root and targets expire.")
]
RingOption = Annotated[Path, typer.Option("--ring", help="Key ring holding the signing keys.")]


def _active_keys(files: list[Path], purpose: Purpose, now: int, state: str | None) -> list[Any]:
    """The public keys of ``purpose`` active at ``now`` in export files, newest first."""
    found: list[PublishedKey] = []
    for path in files:
        data = load_public_keys(path)
        if state is not None and data.get("state") not in (state, None):
            fail(f"{path} holds the keys of {data.get('state')}, not {state}")
        for item in data.get("keys", []):
            if item.get("purpose") != str(purpose):
                continue
            if item.get("suite") is not None or item.get("crv") != "Ed25519":
                fail(f"{path}: a {purpose} key is an Ed25519 key")
            record = PublishedKey.model_validate({**item, "purpose": "signing"})
            if record.status_at(now) is KeyStatus.ACTIVE:
                found.append(record)
    return [k.public_key for k in sorted(found, key=lambda k: k.not_before, reverse=True)]


def _newest(files: list[Path], purpose: Purpose, now: int, state: str) -> ed25519.Ed25519PublicKey:
    keys = _active_keys(files, purpose, now, state)
    if not keys:
        fail(f"no active {purpose} key of {state} in {', '.join(map(str, files))}")
    key = keys[0]
    assert isinstance(key, ed25519.Ed25519PublicKey)  # noqa: S101 - checked above
    return key


def _members(specs: list[str]) -> dict[str, list[Path]]:
    members: dict[str, list[Path]] = {}
    for spec in specs:
        state, _, files = spec.partition("=")
        if not state or not files or state in members:
            raise typer.BadParameter(f"--member {spec!r}: expected CC=FILE[,FILE...], once each")
        members[state] = [Path(f) for f in files.split(",")]
    return members


def _echo_status(repository: Repository) -> None:
    with refusals():
        statuses = repository.status()
    for status in statuses:
        mark = "ready" if status.ready else "needs signatures"
        needs = ", ".join(str(r) for r in status.requirements)
        typer.echo(f"  staged {status.role} v{status.version}: {needs} ({mark})")


@directory_app.command()
def init(
    directory: DirArgument,
    member: MemberOption,
    online: Annotated[
        list[Path],
        typer.Option(help="Public key file of the operator's online key (snapshot, timestamp)."),
    ],
    threshold: ThresholdOption = None,
    root_days: RootDaysOption = 365,
    now: NowOption = None,
) -> None:
    """Found a federation: stage root v1 and targets v1 for the founders to sign.

    Root v1 holds one governance key per member state, the threshold and the online key; targets
    v1 delegates CC/* to each state. Then each founding state runs 'puente directory sign', and
    the operator 'puente directory publish'.

    Example: puente directory init fed/ --member FR=fr-authority.json --member
    DE=de-authority.json --member IT=it-authority.json --online op.json
    """
    t = parse_time(now)
    members = {
        state: MemberKeys(
            _newest(files, Purpose.GOVERNANCE, t, state),
            _newest(files, Purpose.DELEGATION, t, state),
        )
        for state, files in _members(member).items()
    }
    online_keys = _active_keys(online, Purpose.ONLINE, t, None)
    if not online_keys:
        fail("no active online key in the --online files")
    repository = Repository(directory)
    lifetimes = Lifetimes(root=root_days * DAY, targets=root_days * DAY)
    with refusals():
        repository.found(members, online_keys, threshold=threshold, now=t, lifetimes=lifetimes)
    typer.echo(f"staged a federation of {', '.join(sorted(members))} in {directory}")
    _echo_status(repository)


@directory_app.command("add-state")
def add_state(
    directory: DirArgument,
    member: MemberOption,
    threshold: ThresholdOption = None,
    root_days: RootDaysOption = 365,
    now: NowOption = None,
) -> None:
    """Admit a state: stage a new root and targets for the governance keys to sign.

    The new root adds the state's governance key (and the threshold, by default two thirds of
    the new membership); the new targets file delegates CC/* to it. A threshold of the current
    governance keys and of the new root's keys must sign.
    """
    t = parse_time(now)
    repository = Repository(directory)
    for state, files in _members(member).items():
        keys = MemberKeys(
            _newest(files, Purpose.GOVERNANCE, t, state),
            _newest(files, Purpose.DELEGATION, t, state),
        )
        lifetimes = Lifetimes(root=root_days * DAY, targets=root_days * DAY)
        with refusals():
            new_threshold = repository.add_state(
                state, keys, threshold=threshold, now=t, lifetimes=lifetimes
            )
        typer.echo(f"staged the admission of {state} (threshold {new_threshold})")
    _echo_status(repository)


@directory_app.command("rotate-root")
def rotate_root(
    directory: DirArgument,
    member: Annotated[
        list[str] | None,
        typer.Option(
            "--member",
            help="CC=FILE[,FILE...]: use this state's newest active governance (and delegation) "
            "keys from these files where they differ from the directory's. Repeatable.",
        ),
    ] = None,
    threshold: ThresholdOption = None,
    online: Annotated[
        list[Path] | None, typer.Option(help="Replace the online key with the one in this file.")
    ] = None,
    root_days: RootDaysOption = 365,
    now: NowOption = None,
) -> None:
    """Rotate the root: stage a new root version (and targets) for the governance keys to sign.

    Replace governance keys (a lost or compromised governance key is removed this way), change
    the threshold or the online key, or just renew the expiry. It needs a threshold of the
    current root's keys AND a threshold of its own. A new delegation key also stages a new
    targets file; the state concerned must then re-sign its entry.
    """
    t = parse_time(now)
    repository = Repository(directory)
    with refusals():
        verified = Directory.load(directory, now=t).verified
    governance: dict[str, ed25519.Ed25519PublicKey] = {}
    delegation: dict[str, ed25519.Ed25519PublicKey] = {}
    for state, files in _members(member or []).items():
        new_governance = _newest(files, Purpose.GOVERNANCE, t, state)
        if kid_of(new_governance) != verified.members.get(state):
            governance[state] = new_governance
        keys = _active_keys(files, Purpose.DELEGATION, t, state)
        if keys and kid_of(keys[0]) not in verified.delegations.get(state, ()):
            delegation[state] = keys[0]
    online_keys = _active_keys(online, Purpose.ONLINE, t, None) if online else None
    lifetimes = Lifetimes(root=root_days * DAY, targets=root_days * DAY)
    with refusals():
        repository.rotate_root(
            now=t,
            governance=governance,
            delegation=delegation,
            threshold=threshold,
            online=online_keys,
            lifetimes=lifetimes,
        )
    changes = [f"governance key of {s}" for s in governance]
    changes += [f"delegation key of {s}" for s in delegation]
    changes += ["online key"] if online_keys else []
    changes += [f"threshold {threshold}"] if threshold else []
    typer.echo(f"staged a new root: {', '.join(changes) or 'renewed expiry'}")
    _echo_status(repository)


@directory_app.command()
def entry(
    directory: DirArgument,
    keys: Annotated[
        Path, typer.Option(help="The node's public keys ('puente keys export NODE_RING').")
    ],
    node_id: Annotated[str, typer.Option(help="The node's identifier, e.g. fr-node-1.")],
    broker: Annotated[
        str, typer.Option(help="The node's AMQP URL (no credentials) or vhost name.")
    ],
    schema_version: Annotated[
        list[str] | None,
        typer.Option(help=f"Schema versions the node accepts (default {SCHEMA_VERSION})."),
    ] = None,
    days: Annotated[int, typer.Option(min=1, help="Days until this entry expires.")] = 365,
    now: NowOption = None,
) -> None:
    """Stage a new version of a state's node entry, for its delegation key to sign.

    The entry is made from the node's exported public keys: every signing key (never removed:
    history), every encryption key, with validity and status; the suites are those of its
    encryption keys. The state then signs it with its delegation key ('puente directory sign
    --ring STATE_AUTHORITY_RING').
    """
    t = parse_time(now)
    data = load_public_keys(keys)
    state = data.get("state")
    if not isinstance(state, str):
        fail(f"{keys} does not name a state")
    with refusals():
        node_entry = entry_from_keys(
            state=state,
            node_id=node_id,
            broker=broker,
            published=list(data.get("keys", [])),
            issued_at=int(data["issued_at"]),
            schema_versions=schema_version or [SCHEMA_VERSION],
        )
        version = Repository(directory).stage_entry(
            node_entry, now=t, lifetimes=Lifetimes(entry=days * DAY)
        )
    typer.echo(
        f"staged entry {state} v{version}: {len(node_entry.signing_keys)} signing keys, "
        f"{len(node_entry.encryption_keys)} encryption keys, suites "
        f"{', '.join(node_entry.suites)}"
    )
    _echo_status(Repository(directory))


@directory_app.command()
def sign(
    directory: DirArgument,
    ring: RingOption,
    role: Annotated[
        list[str] | None, typer.Option(help="Only sign this staged file (root, targets, CC).")
    ] = None,
    key_file: KeyFileOption = None,
    passphrase_env: PassphraseEnvOption = PASSPHRASE_ENV,
) -> None:
    """Sign the staged files that need this ring's keys.

    Governance keys sign roots and targets, a delegation key its own state's entry. A key that a
    file does not list (another state's delegation, say) signs nothing.
    """
    keyring, _ = open_ring(ring, key_file, passphrase_env)
    keys = [
        (record.purpose, private)
        for record in keyring.records
        if record.purpose in (Purpose.GOVERNANCE, Purpose.DELEGATION)
        and isinstance(private := record.private_key, ed25519.Ed25519PrivateKey)
    ]
    repository = Repository(directory)
    with refusals():
        added = repository.sign(keys, role)
    if not added:
        fail(f"no staged file needs a signature from the keys in {ring}")
    for signed_role, kid in added:
        typer.echo(f"signed {signed_role} with {kid}")
    _echo_status(repository)


@directory_app.command()
def publish(
    directory: DirArgument,
    ring: RingOption,
    timestamp_days: Annotated[
        float, typer.Option(min=0.01, help="Days until the new timestamp expires.")
    ] = 1.0,
    key_file: KeyFileOption = None,
    passphrase_env: PassphraseEnvOption = PASSPHRASE_ENV,
    now: NowOption = None,
) -> None:
    """(Operator, daily.) Publish what is ready and issue a new timestamp.

    Every staged file that meets its thresholds joins the history, then a new snapshot if
    anything changed and a new timestamp, signed with the ring's online key. The whole resulting
    history is verified first; on failure nothing is written.
    """
    t = parse_time(now)
    keyring, _ = open_ring(ring, key_file, passphrase_env)
    online = [
        private
        for record in keyring.of(Purpose.ONLINE)
        if isinstance(private := record.private_key, ed25519.Ed25519PrivateKey)
    ]
    with refusals():
        report = Repository(directory).publish(
            online, now=t, lifetimes=Lifetimes(timestamp=int(timestamp_days * DAY))
        )
    typer.echo(f"published {', '.join(report.published)}")
    for reason in report.waiting:
        typer.echo(f"  still staged: {reason}")


@directory_app.command()
def verify(
    directory: DirArgument,
    anchor: Annotated[
        Path | None,
        typer.Option(help="The root metadata file this node pinned out of band (trust anchor)."),
    ] = None,
    now: NowOption = None,
) -> None:
    """Verify the whole history and that the directory has not expired.

    Every version of every file is checked (root chain with both thresholds, snapshots,
    timestamps, targets, each state's entry under its own delegation, no rollback, nothing
    unpublished). Exit 0 if valid and fresh, 1 naming what failed.
    """
    t = parse_time(now)
    anchor_bytes = None
    if anchor is not None:
        try:
            anchor_bytes = anchor.read_bytes()
        except OSError as error:
            fail(f"cannot read {anchor}: {error.strerror}")
    with refusals():
        loaded = Directory.load(directory, now=t, anchor=anchor_bytes)
        loaded.check_fresh()
    v = loaded.verified
    typer.echo(
        f"ok: directory version {v.snapshot_version} (root v{v.root_version}, threshold "
        f"{v.threshold} of {len(v.members)}, targets v{v.targets_version}), expires "
        f"{iso(v.expires)}; states {', '.join(loaded.states())}"
    )


def _key_line(key: PublishedKey, now: int) -> str:
    what = key.suite or "Ed25519 signing"
    revoked = f", revoked at {iso(key.revoked_at)}" if key.revoked_at is not None else ""
    return (
        f"    {key.kid}  {what}  {key.status_at(now)}  "
        f"{iso(key.not_before)} .. {iso(key.not_after)}{revoked}"
    )


@directory_app.command()
def show(
    directory: DirArgument,
    state: Annotated[str | None, typer.Option(help="Only this state's entry.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    now: NowOption = None,
) -> None:
    """Show the verified directory: governance, entries, key statuses, staged proposals.

    Evaluated at --now: version, expiry, root and threshold, each state's entry with the status
    of its keys, and the staged proposals with their signature counts.
    """
    t = parse_time(now)
    repository = Repository(directory)
    with refusals():
        loaded = Directory.load(directory, now=t)
        staged = repository.status()
    v = loaded.verified
    states = [state] if state else list(loaded.states())
    if as_json:
        document: dict[str, Any] = {
            "version": v.snapshot_version,
            "expires": v.expires,
            "expired": t >= v.expires,
            "root_version": v.root_version,
            "threshold": v.threshold,
            "members": dict(v.members),
            "entries": {s: v.entries[s].entry.to_data() for s in states if s in v.entries},
            "staged": [
                {
                    "role": s.role,
                    "version": s.version,
                    "ready": s.ready,
                    "requirements": [str(r) for r in s.requirements],
                }
                for s in staged
            ],
        }
        typer.echo(json.dumps(document, indent=1))
        return
    expired = "  EXPIRED: nodes must not send with it" if t >= v.expires else ""
    typer.echo(f"directory version {v.snapshot_version}, expires {iso(v.expires)}{expired}")
    typer.echo(
        f"root v{v.root_version}: threshold {v.threshold} of {len(v.members)} governance keys; "
        f"targets v{v.targets_version}; timestamp v{v.timestamp_version}"
    )
    for name in states:
        if name not in v.members:
            fail(f"{name} is not a member")
        current = v.entries.get(name)
        if current is None:
            typer.echo(f"{name}: member, no node entry published yet")
            continue
        e = current.entry
        typer.echo(
            f"{name}: entry v{current.version} (expires {iso(current.expires)}), node "
            f"{e.node_id} at {e.broker}; protocols {e.protocols}; suites {', '.join(e.suites)}; "
            f"schema {', '.join(e.schema_versions)}"
        )
        for key in (*e.signing_keys, *e.encryption_keys):
            typer.echo(_key_line(key, t))
    for status in staged:
        needs = ", ".join(str(r) for r in status.requirements)
        typer.echo(f"staged {status.role} v{status.version}: {needs}")
