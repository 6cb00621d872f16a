"""Verify a directory's whole history; the first failure raises :class:`DirectoryError` naming
the file and what failed.

Every published file is checked, not only the newest, so that a signature made years ago can be
checked against the keys that were valid then (docs/directory.md §6):

1. **Root chain.** Versions 1..N, none missing. Version 1 is signed by a threshold of its own
   keys (or equals the pinned anchor); every later version by a threshold of the previous
   version's keys **and** a threshold of its own (python-tuf's
   ``Root.get_root_verification_result``). Each root has one governance key per member state
   (``x-puente-members``), the same keys and threshold for the ``root`` and ``targets`` roles,
   and online keys (``snapshot``, ``timestamp``) that are not governance keys.
2. **Snapshots and timestamps.** Versions 1..N. The newest is signed under the newest root;
   older ones under some root of the chain. Each timestamp names a snapshot by version and
   hash, each snapshot names the targets file and every state's entry by version and hash; no
   version ever goes down from one snapshot (or timestamp) to the next, nor does an entry drop
   out while its state is a member; the newest timestamp names the newest snapshot.
3. **Targets and entries, as each snapshot pinned them.** The targets file is signed by the
   ``targets`` threshold of the newest root (for the newest snapshot) or of some root; it
   delegates exactly ``CC/*`` to a role ``CC`` per member state. Each state's entry is signed
   by the threshold of *that state's* delegation keys in the targets file the same snapshot
   pinned, holds exactly the target ``CC/node.json`` whose custom data is a valid node entry of
   state ``CC`` with matching length and hash.
4. **Nothing unpublished, nothing rewritten.** Every file on disk is pinned by some snapshot;
   a new entry version never drops a signing key nor undoes a revocation.
5. The newest targets file delegates to exactly the newest root's member states.

Expiry is not checked here (an expired directory still verifies, for audits); the
:class:`~crypto.directory.directory.Directory` refuses to serve a sender from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric import ed25519
from securesystemslib.signer import Key
from tuf.api.exceptions import LengthOrHashMismatchError
from tuf.api.metadata import DelegatedRole, MetaFile, Root, Targets
from tuf.api.serialization import SerializationError

from crypto.directory.entry import ENTRY_TARGET, NodeEntry, canonical_bytes, check_succession
from crypto.directory.entry import parse_entry as _parse_entry
from crypto.directory.keycheck import check_signing_key
from crypto.directory.layout import History, Stored, parse_metadata, unix
from crypto.errors import DirectoryError, KeyFormatError
from crypto.jwk import kid_of
from messages.countries import ISO_3166_ALPHA2

MEMBERS_FIELD: Final = "x-puente-members"
"""Root member: ``{state: governance key id}``, one governance key per member state."""
TARGETS_META: Final = "targets.json"


@dataclass(frozen=True)
class EntryVersion:
    """One published version of a state's node entry."""

    version: int
    entry: NodeEntry
    expires: int


@dataclass(frozen=True)
class VerifiedDirectory:
    """What a verified history says now (its newest versions) and what it said before."""

    root_version: int
    members: Mapping[str, str]
    """Member state -> its governance key id (newest root)."""
    threshold: int
    online_keys: tuple[str, ...]
    targets_version: int
    delegations: Mapping[str, tuple[str, ...]]
    """Member state -> the key ids that sign its entry (newest targets)."""
    snapshot_version: int
    timestamp_version: int
    expires: int
    """When the directory expires: the earliest expiry of the newest root, targets, snapshot
    and timestamp (Unix seconds)."""
    entries: Mapping[str, EntryVersion]
    """The current entry of each member state that has published one."""
    history: Mapping[str, tuple[EntryVersion, ...]]
    """Every published version of every current member's entry, oldest first."""


def _where(role: str, version: int) -> str:
    return f"{role} v{version}"


def _contiguous(role: str, versions: Mapping[int, Any]) -> None:
    missing = sorted(set(range(1, max(versions, default=0) + 1)) - set(versions))
    if missing:
        raise DirectoryError(f"{_where(role, missing[0])} is missing from the history")


def _ed25519(key: Key, where: str) -> ed25519.Ed25519PublicKey:
    """Check a TUF key: Ed25519, key id = thumbprint, not weak."""
    if key.keytype != "ed25519" or key.scheme != "ed25519":
        raise DirectoryError(f"{where}: key {key.keyid} is not an Ed25519 key")
    try:
        public = ed25519.Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.keyval["public"]))
        check_signing_key(public)
    except (ValueError, KeyError, TypeError, KeyFormatError) as error:
        raise DirectoryError(f"{where}: key {key.keyid} is refused: {error}") from None
    if kid_of(public) != key.keyid:
        raise DirectoryError(f"{where}: key id {key.keyid} is not the key's thumbprint")
    return public


def _check_root(root: Root, where: str) -> None:
    for key in root.keys.values():
        _ed25519(key, where)
    governance, targets = root.roles["root"], root.roles["targets"]
    if set(governance.keyids) != set(targets.keyids) or governance.threshold != targets.threshold:
        raise DirectoryError(f"{where}: root and targets must have the same keys and threshold")
    if not 1 <= governance.threshold <= len(governance.keyids):
        raise DirectoryError(f"{where}: threshold {governance.threshold} is not achievable")
    members = root.unrecognized_fields.get(MEMBERS_FIELD)
    if not isinstance(members, dict) or not all(
        isinstance(state, str) and state in ISO_3166_ALPHA2 and isinstance(kid, str)
        for state, kid in members.items()
    ):
        raise DirectoryError(f"{where}: {MEMBERS_FIELD} must map state codes to key ids")
    kids = list(members.values())
    if len(set(kids)) != len(kids) or set(kids) != set(governance.keyids):
        raise DirectoryError(f"{where}: the governance keys must be one per member state")
    snapshot, timestamp = root.roles["snapshot"], root.roles["timestamp"]
    if set(snapshot.keyids) != set(timestamp.keyids) or not snapshot.keyids:
        raise DirectoryError(f"{where}: snapshot and timestamp must have the same online keys")
    if set(snapshot.keyids) & set(governance.keyids):
        raise DirectoryError(f"{where}: an online key cannot be a governance key")
    if not 1 <= snapshot.threshold <= len(snapshot.keyids) or timestamp.threshold < 1:
        raise DirectoryError(f"{where}: online threshold is not achievable")


def check_targets(targets: Targets, where: str) -> dict[str, DelegatedRole]:
    if targets.targets:
        raise DirectoryError(f"{where}: the targets role lists no target itself")
    delegations = targets.delegations
    if delegations is None or delegations.roles is None:
        raise DirectoryError(f"{where}: no delegations to member states")
    for key in delegations.keys.values():
        _ed25519(key, where)
    for name, role in delegations.roles.items():
        if name not in ISO_3166_ALPHA2:
            raise DirectoryError(f"{where}: delegated role {name} is not a state code")
        if role.paths != [f"{name}/*"] or role.path_hash_prefixes or not role.terminating:
            raise DirectoryError(f"{where}: role {name} must be delegated exactly {name}/*")
        if not 1 <= role.threshold <= len(role.keyids):
            raise DirectoryError(f"{where}: role {name}: threshold is not achievable")
    return dict(delegations.roles)


def threshold_failure(
    delegator: Root | Targets, role: str, stored: Stored[Any], where: str
) -> DirectoryError | None:
    """None if ``stored`` carries a threshold of ``delegator``'s keys for ``role``."""
    try:
        result = delegator.get_verification_result(
            role, stored.md.signed_bytes, stored.md.signatures
        )
    except ValueError:
        return DirectoryError(f"{where}: {role} is not delegated by its delegator")
    except SerializationError:
        return DirectoryError(f"{where}: cannot be serialized canonically")
    if not result.verified:
        return DirectoryError(
            f"{where}: signed by {len(result.signed)} of the {result.threshold} keys required "
            f"for {role}"
        )
    return None


def verify_roots(roots: Mapping[int, Stored[Root]], anchor: bytes | None = None) -> list[Root]:
    """Step 1: the root chain, oldest first."""
    if not roots:
        raise DirectoryError("no root metadata: the directory was never founded")
    _contiguous("root", roots)
    chain: list[Root] = []
    for version in sorted(roots):
        stored, where = roots[version], _where("root", version)
        root = stored.md.signed
        _check_root(root, where)
        if not chain:
            failure = threshold_failure(root, "root", stored, where)
            if failure:
                raise failure
        else:
            previous = chain[-1]
            result = root.get_root_verification_result(
                previous, stored.md.signed_bytes, stored.md.signatures
            )
            old, new = result.first, result.second
            if not old.verified:
                raise DirectoryError(
                    f"{where}: signed by {len(old.signed)} of the {old.threshold} keys of root "
                    f"v{previous.version} required (a new root needs the old root's threshold)"
                )
            if not new.verified:
                raise DirectoryError(
                    f"{where}: signed by {len(new.signed)} of the {new.threshold} of its own "
                    "keys required (a new root needs its own threshold too)"
                )
        chain.append(root)
    if anchor is not None:
        pinned = parse_metadata(anchor, "root", "the anchor").md
        stored_anchor = roots.get(pinned.signed.version)
        if stored_anchor is None or stored_anchor.md.signed_bytes != pinned.signed_bytes:
            raise DirectoryError(
                f"the history's root v{pinned.signed.version} is not the pinned anchor"
            )
    return chain


class _Verifier:
    """Signature checks with memory: each (file, delegator) pair is verified once."""

    def __init__(self, chain: Sequence[Root], history: History) -> None:
        self.chain = chain
        self.history = history
        self._targets: dict[int, dict[str, DelegatedRole]] = {}
        self._entries: dict[tuple[str, int], NodeEntry] = {}
        self._signed: set[tuple[str, int, int]] = set()

    def under_roots(self, role: str, stored: Stored[Any], where: str, newest_only: bool) -> None:
        """``stored`` is signed by the threshold for ``role`` of the newest root, or (for a
        historical file) of some root of the chain."""
        candidates = self.chain[-1:] if newest_only else list(reversed(self.chain))
        for root in candidates:
            key = (where, id(stored), root.version)
            if key in self._signed or threshold_failure(root, role, stored, where) is None:
                self._signed.add(key)
                return
        scope = "the newest root" if newest_only else "any root version"
        failure = threshold_failure(self.chain[-1], role, stored, where)
        raise DirectoryError(f"{failure} (checked against {scope})")

    def targets(self, version: int, newest: bool) -> dict[str, DelegatedRole]:
        where = _where("targets", version)
        stored = self.history.targets.get(version)
        if stored is None:
            raise DirectoryError(f"{where} is named by a snapshot but missing")
        self.under_roots("targets", stored, where, newest)
        if version not in self._targets:
            self._targets[version] = check_targets(stored.md.signed, where)
        return self._targets[version]

    def entry(self, state: str, version: int, targets_version: int) -> NodeEntry:
        where = f"entry {state} v{version}"
        stored = self.history.entries.get(state, {}).get(version)
        if stored is None:
            raise DirectoryError(f"{where} is named by a snapshot but missing")
        delegator = self.history.targets[targets_version].md.signed
        key = (where, id(stored), targets_version)
        if key not in self._signed:
            failure = threshold_failure(delegator, state, stored, where)
            if failure:
                raise DirectoryError(
                    f"{failure} (the keys targets v{targets_version} delegates {state}/* to)"
                )
            self._signed.add(key)
        if (state, version) not in self._entries:
            self._entries[(state, version)] = parse_entry_role(state, stored, delegator, where)
        return self._entries[(state, version)]


def parse_entry_role(
    state: str, stored: Stored[Targets], delegator: Targets, where: str
) -> NodeEntry:
    role = stored.md.signed
    if role.delegations is not None:
        raise DirectoryError(f"{where}: a state's role delegates nothing further")
    path = f"{state}/{ENTRY_TARGET}"
    delegated = delegator.get_delegated_role(state)
    if set(role.targets) != {path}:
        raise DirectoryError(f"{where}: must hold exactly the target {path}")
    assert isinstance(delegated, DelegatedRole)  # noqa: S101 - checked in check_targets
    if not delegated.is_delegated_path(path):
        raise DirectoryError(f"{where}: {path} is not delegated to {state}")
    target = role.targets[path]
    custom = target.unrecognized_fields.get("custom")
    try:
        target.verify_length_and_hashes(canonical_bytes(custom))
    except LengthOrHashMismatchError:
        raise DirectoryError(f"{where}: the entry does not match its length and hash") from None
    entry = _parse_entry(custom, where)
    if entry.state != state:
        raise DirectoryError(f"{where}: the entry of {entry.state} is published in role {state}")
    return entry


def _meta_version(meta: MetaFile, stored: Stored[Any] | None, what: str, where: str) -> int:
    if stored is None:
        raise DirectoryError(f"{where}: names {what} v{meta.version}, which is missing")
    if not meta.hashes:
        raise DirectoryError(f"{where}: names {what} without a hash")
    try:
        meta.verify_length_and_hashes(stored.raw)
    except LengthOrHashMismatchError:
        raise DirectoryError(f"{where}: {what} v{meta.version} does not match its hash") from None
    return meta.version


def _never_down(previous: Mapping[str, int], current: Mapping[str, int], where: str) -> None:
    for name, version in current.items():
        if version < previous.get(name, 0):
            raise DirectoryError(f"{where}: {name} goes back to v{version} (rollback)")


def verify_history(history: History, anchor: bytes | None = None) -> VerifiedDirectory:
    """Verify everything (steps 1 to 5 above)."""
    chain = verify_roots(history.roots, anchor)
    newest_root = chain[-1]
    if not history.snapshots or not history.timestamps:
        raise DirectoryError("no snapshot or timestamp: the directory was never published")
    _contiguous("targets", history.targets)
    _contiguous("snapshot", history.snapshots)
    _contiguous("timestamp", history.timestamps)
    for state, entry_versions in history.entries.items():
        _contiguous(f"entry {state}", entry_versions)
    verifier = _Verifier(chain, history)
    last_snapshot = max(history.snapshots)

    # (2) timestamps
    previous_snapshot = 0
    for version in sorted(history.timestamps):
        stored, where = history.timestamps[version], _where("timestamp", version)
        verifier.under_roots("timestamp", stored, where, version == max(history.timestamps))
        meta = stored.md.signed.snapshot_meta
        named = _meta_version(meta, history.snapshots.get(meta.version), "snapshot", where)
        _never_down({"snapshot": previous_snapshot}, {"snapshot": named}, where)
        previous_snapshot = named
    if previous_snapshot != last_snapshot:
        raise DirectoryError(f"snapshot v{last_snapshot} was published without a timestamp")

    # (2, 3) snapshots, and what each pinned
    pinned: dict[str, int] = {}
    referenced: set[tuple[str, int]] = set()
    current: dict[str, tuple[int, NodeEntry]] = {}
    targets_version = 0
    for version in sorted(history.snapshots):
        snapshot, at = history.snapshots[version], _where("snapshot", version)
        newest = version == last_snapshot
        verifier.under_roots("snapshot", snapshot, at, newest)
        listed = dict(snapshot.md.signed.meta)
        if TARGETS_META not in listed:
            raise DirectoryError(f"{at}: names no targets file")
        targets_meta = listed.pop(TARGETS_META)
        targets_version = _meta_version(
            targets_meta, history.targets.get(targets_meta.version), "targets", at
        )
        delegated = verifier.targets(targets_version, newest)
        now_pinned = {"targets": targets_version}
        referenced.add(("targets", targets_version))
        current = {}
        for name, entry_meta in listed.items():
            state = name.removesuffix(".json")
            if not name.endswith(".json") or state not in delegated:
                raise DirectoryError(f"{at}: names {name}, which targets does not delegate")
            entry_stored = history.entries.get(state, {}).get(entry_meta.version)
            entry_version = _meta_version(entry_meta, entry_stored, f"entry {state}", at)
            current[state] = (entry_version, verifier.entry(state, entry_version, targets_version))
            now_pinned[state] = entry_version
            referenced.add((state, entry_version))
        _never_down(pinned, now_pinned, at)
        dropped = sorted((set(pinned) - set(now_pinned)) & set(delegated))
        if dropped:
            raise DirectoryError(f"{at}: drops the entry of {dropped[0]}, still a member")
        pinned = now_pinned

    # (4) nothing unpublished, nothing rewritten
    for role, stored_file in history.files():
        if role in ("root", "snapshot", "timestamp"):
            continue
        if (role, stored_file.version) not in referenced:
            name = "targets" if role == "targets" else f"entry {role}"
            raise DirectoryError(f"{name} v{stored_file.version} is not named by any snapshot")
    histories: dict[str, tuple[EntryVersion, ...]] = {}
    for state, entry_versions in history.entries.items():
        ordered = []
        previous: NodeEntry | None = None
        for version in sorted(entry_versions):
            entry = verifier._entries[(state, version)]
            if previous is not None:
                check_succession(previous, entry, f"entry {state} v{version}")
            previous = entry
            ordered.append(
                EntryVersion(version, entry, unix(entry_versions[version].md.signed.expires))
            )
        histories[state] = tuple(ordered)

    # (5) the newest targets delegates to exactly the member states
    members: dict[str, str] = dict(newest_root.unrecognized_fields[MEMBERS_FIELD])
    newest_targets = history.targets[targets_version].md.signed
    delegations = check_targets(newest_targets, _where("targets", targets_version))
    if set(delegations) != set(members):
        raise DirectoryError(
            f"targets v{targets_version} must delegate to exactly the member states of "
            f"root v{newest_root.version}"
        )
    expires = min(
        unix(newest_root.expires),
        unix(newest_targets.expires),
        unix(history.snapshots[last_snapshot].md.signed.expires),
        unix(history.timestamps[max(history.timestamps)].md.signed.expires),
    )
    return VerifiedDirectory(
        root_version=newest_root.version,
        members=members,
        threshold=newest_root.roles["root"].threshold,
        online_keys=tuple(newest_root.roles["timestamp"].keyids),
        targets_version=targets_version,
        delegations={name: tuple(role.keyids) for name, role in delegations.items()},
        snapshot_version=last_snapshot,
        timestamp_version=max(history.timestamps),
        expires=expires,
        entries={
            state: next(e for e in histories[state] if e.version == version)
            for state, (version, _) in current.items()
        },
        history={state: histories[state] for state in members if state in histories},
    )
