"""Writing the directory: proposals are staged, signed by their holders, then published.

Every change goes the same way (docs/directory.md §5):

1. **stage** a new version of a file in ``DIR/staged/``: the root and targets for founding
   (:meth:`Repository.found`), admitting a state (:meth:`Repository.add_state`) or changing
   the governance (:meth:`Repository.rotate_root`); a state's own entry
   (:meth:`Repository.stage_entry`);
2. **sign** it: each holder adds the signatures of the keys its ring holds that the file needs
   (:meth:`Repository.sign`) — a root needs a threshold of the previous root's governance keys
   and a threshold of its own, the targets file a threshold of the governance keys, a state's
   entry the threshold of that state's delegation keys;
3. **publish** (the operator, with the online key): every staged file that meets its thresholds
   joins the history, then a new snapshot (if anything it pins changed) and a new timestamp are
   issued. The result is verified in full before anything is written (:meth:`Repository.publish`).
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric import ed25519
from tuf.api.metadata import (
    DelegatedRole,
    Delegations,
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)

from crypto.directory.entry import ENTRY_TARGET, NodeEntry, check_succession
from crypto.directory.keycheck import check_signing_key
from crypto.directory.layout import (
    History,
    Stored,
    read_history,
    read_staged,
    staged_path,
    to_bytes,
    tuf_key,
    tuf_signer,
    unix,
    utc,
    write_published,
    write_staged,
)
from crypto.directory.verify import (
    MEMBERS_FIELD,
    TARGETS_META,
    check_targets,
    parse_entry_role,
    threshold_failure,
    verify_history,
    verify_roots,
)
from crypto.errors import DirectoryError, KeyFormatError
from crypto.jwk import kid_of
from crypto.keys import DAY, Instant, Purpose, unix_time
from messages.countries import ISO_3166_ALPHA2

_HASHES: Final = ["sha256"]


@dataclass(frozen=True)
class Lifetimes:
    """How long each new version of a file is valid, in seconds."""

    root: int = 365 * DAY
    targets: int = 365 * DAY
    entry: int = 365 * DAY
    snapshot: int = 365 * DAY
    timestamp: int = DAY
    """Short: the operator re-issues the timestamp daily, and a node whose copy is older than
    this stops sending (freeze protection)."""


@dataclass(frozen=True)
class MemberKeys:
    """A state's keys in the directory: its vote on the root, and the key of its own entry."""

    governance: ed25519.Ed25519PublicKey
    delegation: ed25519.Ed25519PublicKey


@dataclass(frozen=True)
class Requirement:
    """One threshold a staged file must meet."""

    what: str
    signed: int
    threshold: int

    @property
    def met(self) -> bool:
        return self.signed >= self.threshold

    def __str__(self) -> str:
        return f"{self.signed}/{self.threshold} {self.what}"


@dataclass(frozen=True)
class StagedStatus:
    role: str
    version: int
    requirements: tuple[Requirement, ...]

    @property
    def ready(self) -> bool:
        return all(r.met for r in self.requirements)


@dataclass(frozen=True)
class PublishReport:
    published: tuple[str, ...]
    """What joined the history, e.g. ``("root v2", "snapshot v3", "timestamp v7")``."""
    waiting: tuple[str, ...]
    """Staged files left staged, each with why."""


def default_threshold(members: int) -> int:
    """Two thirds of the member states, rounded up."""
    return (2 * members + 2) // 3


def _copy_root(root: Root) -> Root:
    return Root.from_dict(copy.deepcopy(root.to_dict()))


def _copy_targets(targets: Targets) -> Targets:
    return Targets.from_dict(copy.deepcopy(targets.to_dict()))


def _check_new_keys(keys: Sequence[ed25519.Ed25519PublicKey], taken: Collection[str]) -> None:
    seen = set(taken)
    for key in keys:
        try:
            check_signing_key(key)
        except KeyFormatError as error:
            raise DirectoryError(f"key {kid_of(key)} refused: {error}") from None
        if kid_of(key) in seen:
            raise DirectoryError(f"key {kid_of(key)} is already used in the directory")
        seen.add(kid_of(key))


def _check_state(state: str) -> None:
    if state not in ISO_3166_ALPHA2:
        raise DirectoryError(f"{state} is not an ISO 3166-1 alpha-2 state code")


class Repository:
    """The directory at ``path``, for writing."""

    def __init__(self, path: Path) -> None:
        self.path = path

    # --- reading -----------------------------------------------------------------------------

    def _history(self) -> History:
        if not self.path.exists():
            return History()
        return read_history(self.path)

    def _staged(self) -> dict[str, Stored[Any]]:
        return read_staged(self.path) if self.path.exists() else {}

    def _next_root(self, history: History, staged: Mapping[str, Stored[Any]]) -> Root:
        """The root to change: the staged proposal (its signatures are dropped) or a copy of
        the newest published root with the next version."""
        if "root" in staged:
            return _copy_root(staged["root"].md.signed)
        if not history.roots:
            raise DirectoryError("the directory has not been founded (puente directory init)")
        root = _copy_root(history.roots[max(history.roots)].md.signed)
        root.version += 1
        return root

    def _next_targets(self, history: History, staged: Mapping[str, Stored[Any]]) -> Targets:
        if "targets" in staged:
            return _copy_targets(staged["targets"].md.signed)
        if not history.targets:
            raise DirectoryError("no targets file is published yet")
        targets = _copy_targets(history.targets[max(history.targets)].md.signed)
        targets.version += 1
        return targets

    def _delegator_root(self, history: History, staged: Mapping[str, Stored[Any]]) -> Root:
        if "root" in staged:
            root: Root = staged["root"].md.signed
            return root
        if not history.roots:
            raise DirectoryError("no root is published or staged")
        return history.roots[max(history.roots)].md.signed

    def _delegator_targets(self, history: History, staged: Mapping[str, Stored[Any]]) -> Targets:
        if "targets" in staged:
            targets: Targets = staged["targets"].md.signed
            return targets
        if not history.targets:
            raise DirectoryError("no targets file is published or staged")
        return history.targets[max(history.targets)].md.signed

    def _used_keys(self, root: Root, targets: Targets | None) -> set[str]:
        used = set(root.keys)
        if targets is not None and targets.delegations is not None:
            used |= set(targets.delegations.keys)
        return used

    # --- staging -----------------------------------------------------------------------------

    def found(
        self,
        members: Mapping[str, MemberKeys],
        online: Sequence[ed25519.Ed25519PublicKey],
        *,
        threshold: int | None,
        now: Instant,
        lifetimes: Lifetimes = Lifetimes(),
    ) -> None:
        """Stage root v1 and targets v1 of a new federation (threshold default: two thirds)."""
        t = unix_time(now)
        if self._history().roots or "root" in self._staged():
            raise DirectoryError(f"{self.path} already holds a directory")
        if not members or not online:
            raise DirectoryError("a federation needs member states and an online key")
        for state in members:
            _check_state(state)
        _check_new_keys(
            [k.governance for k in members.values()]
            + [k.delegation for k in members.values()]
            + list(online),
            (),
        )
        root = Root(version=1, expires=utc(t + lifetimes.root), consistent_snapshot=True)
        targets = Targets(version=1, expires=utc(t + lifetimes.targets))
        targets.delegations = Delegations(keys={}, roles={})
        for state in sorted(members):
            self._add_member(root, targets, state, members[state])
        for key in online:
            root.add_key(tuf_key(key), "snapshot")
            root.add_key(tuf_key(key), "timestamp")
        self._set_threshold(root, threshold or default_threshold(len(members)))
        write_staged(self.path, "root", Metadata(root))
        write_staged(self.path, "targets", Metadata(targets))

    @staticmethod
    def _add_member(root: Root, targets: Targets, state: str, keys: MemberKeys) -> None:
        governance = tuf_key(keys.governance)
        root.add_key(governance, "root")
        root.add_key(governance, "targets")
        members = root.unrecognized_fields.setdefault(MEMBERS_FIELD, {})
        members[state] = governance.keyid
        delegation = tuf_key(keys.delegation)
        role = DelegatedRole(state, [delegation.keyid], 1, True, [f"{state}/*"])
        assert targets.delegations is not None  # noqa: S101 - callers set it
        targets.delegations.keys[delegation.keyid] = delegation
        assert targets.delegations.roles is not None  # noqa: S101
        targets.delegations.roles[state] = role

    @staticmethod
    def _set_threshold(root: Root, threshold: int) -> None:
        count = len(root.roles["root"].keyids)
        if not 1 <= threshold <= count:
            raise DirectoryError(f"threshold {threshold} is not between 1 and {count}")
        root.roles["root"].threshold = threshold
        root.roles["targets"].threshold = threshold

    def add_state(
        self,
        state: str,
        keys: MemberKeys,
        *,
        threshold: int | None,
        now: Instant,
        lifetimes: Lifetimes = Lifetimes(),
    ) -> int:
        """Stage a root and targets that admit ``state``; returns the new threshold (default:
        two thirds of the new membership)."""
        t = unix_time(now)
        _check_state(state)
        history, staged = self._history(), self._staged()
        root, targets = self._next_root(history, staged), self._next_targets(history, staged)
        if state in root.unrecognized_fields.get(MEMBERS_FIELD, {}):
            raise DirectoryError(f"{state} is already a member")
        _check_new_keys([keys.governance, keys.delegation], self._used_keys(root, targets))
        self._add_member(root, targets, state, keys)
        count = len(root.roles["root"].keyids)
        self._set_threshold(root, threshold or default_threshold(count))
        root.expires = utc(t + lifetimes.root)
        targets.expires = utc(t + lifetimes.targets)
        write_staged(self.path, "root", Metadata(root))
        write_staged(self.path, "targets", Metadata(targets))
        return root.roles["root"].threshold

    def rotate_root(
        self,
        *,
        now: Instant,
        governance: Mapping[str, ed25519.Ed25519PublicKey] | None = None,
        delegation: Mapping[str, ed25519.Ed25519PublicKey] | None = None,
        threshold: int | None = None,
        online: Sequence[ed25519.Ed25519PublicKey] | None = None,
        lifetimes: Lifetimes = Lifetimes(),
    ) -> None:
        """Stage a new root version: replace member states' governance keys, change the
        threshold or the online keys, or only renew its expiry. A new targets version is staged
        with it (the ``targets`` role has the root's keys and threshold, so the new keys must
        sign it), with new delegation keys if any: the states concerned then re-sign their
        entries with them."""
        t = unix_time(now)
        history, staged = self._history(), self._staged()
        root, targets = self._next_root(history, staged), self._next_targets(history, staged)
        members: dict[str, str] = root.unrecognized_fields[MEMBERS_FIELD]
        new_keys = [*(governance or {}).values(), *(delegation or {}).values(), *(online or [])]
        _check_new_keys(new_keys, self._used_keys(root, targets))
        for state, key in (governance or {}).items():
            if state not in members:
                raise DirectoryError(f"{state} is not a member")
            new = tuf_key(key)
            for role in ("root", "targets"):
                root.revoke_key(members[state], role)
                root.add_key(new, role)
            members[state] = new.keyid
        if online:
            for role in ("snapshot", "timestamp"):
                for kid in list(root.roles[role].keyids):
                    root.revoke_key(kid, role)
                for key in online:
                    root.add_key(tuf_key(key), role)
        self._set_threshold(root, threshold or root.roles["root"].threshold)
        root.expires = utc(t + lifetimes.root)
        assert targets.delegations is not None  # noqa: S101 - checked when published
        assert targets.delegations.roles is not None  # noqa: S101
        for state, key in (delegation or {}).items():
            delegated = targets.delegations.roles.get(state)
            if delegated is None:
                raise DirectoryError(f"{state} is not a member")
            new = tuf_key(key)
            for old in delegated.keyids:
                targets.delegations.keys.pop(old, None)
            targets.delegations.keys[new.keyid] = new
            delegated.keyids = [new.keyid]
        targets.expires = utc(t + lifetimes.targets)
        write_staged(self.path, "root", Metadata(root))
        write_staged(self.path, "targets", Metadata(targets))

    def stage_entry(
        self, entry: NodeEntry, *, now: Instant, lifetimes: Lifetimes = Lifetimes()
    ) -> int:
        """Stage a new version of ``entry.state``'s node entry; returns its version."""
        t = unix_time(now)
        history, staged = self._history(), self._staged()
        delegator = self._delegator_targets(history, staged)
        roles = delegator.delegations.roles if delegator.delegations else None
        if not roles or entry.state not in roles:
            raise DirectoryError(f"{entry.state} is not delegated an entry in the directory")
        version = history.latest_version(entry.state) + 1
        path = f"{entry.state}/{ENTRY_TARGET}"
        target = TargetFile.from_data(path, entry.canonical_bytes(), _HASHES)
        target.unrecognized_fields["custom"] = entry.to_data()
        role = Targets(version=version, expires=utc(t + lifetimes.entry), targets={path: target})
        write_staged(self.path, entry.state, Metadata(role))
        return version

    # --- signing -----------------------------------------------------------------------------

    def _needs(
        self, role: str, md: Metadata[Any], history: History, staged: Mapping[str, Stored[Any]]
    ) -> tuple[Purpose, set[str]]:
        """Which purpose of key signs ``role``, and the key ids whose signatures count."""
        if role == "root":
            needed = set(md.signed.roles["root"].keyids)
            previous = history.roots.get(md.signed.version - 1)
            if previous is not None:
                needed |= set(previous.md.signed.roles["root"].keyids)
            return Purpose.GOVERNANCE, needed
        if role == "targets":
            root = self._delegator_root(history, staged)
            return Purpose.GOVERNANCE, set(root.roles["targets"].keyids)
        targets = self._delegator_targets(history, staged)
        roles = targets.delegations.roles if targets.delegations else None
        if not roles or role not in roles:
            return Purpose.DELEGATION, set()
        return Purpose.DELEGATION, set(roles[role].keyids)

    def sign(
        self,
        keys: Sequence[tuple[Purpose, ed25519.Ed25519PrivateKey]],
        roles: Collection[str] | None = None,
    ) -> list[tuple[str, str]]:
        """Add the signatures of ``keys`` to every staged file (or those of ``roles``) that
        needs them: governance keys sign roots and targets, delegation keys a state's entry.
        Returns ``(role, key id)`` for each signature added."""
        history, staged = self._history(), self._staged()
        if not staged:
            raise DirectoryError("nothing is staged")
        added: list[tuple[str, str]] = []
        for role, stored in staged.items():
            if roles is not None and role not in roles:
                continue
            purpose, needed = self._needs(role, stored.md, history, staged)
            signed_here = False
            for key_purpose, private in keys:
                kid = kid_of(private.public_key())
                if key_purpose is purpose and kid in needed and kid not in stored.md.signatures:
                    stored.md.sign(tuf_signer(private), append=True)
                    added.append((role, kid))
                    signed_here = True
            if signed_here:
                write_staged(self.path, role, stored.md)
        return added

    def status(self) -> list[StagedStatus]:
        """Each staged file and how far it is from each of its thresholds."""
        history, staged = self._history(), self._staged()
        result = []
        for role, stored in staged.items():
            md = stored.md
            payload, signatures = md.signed_bytes, md.signatures
            requirements: list[Requirement] = []
            if role == "root":
                previous = history.roots.get(md.signed.version - 1)
                previous_root = previous.md.signed if previous else None
                both = md.signed.get_root_verification_result(previous_root, payload, signatures)
                if previous_root is not None:
                    requirements.append(
                        Requirement(
                            f"keys of root v{previous_root.version}",
                            len(both.first.signed),
                            both.first.threshold,
                        )
                    )
                requirements.append(
                    Requirement("of its own keys", len(both.second.signed), both.second.threshold)
                )
            else:
                delegator: Root | Targets = (
                    self._delegator_root(history, staged)
                    if role == "targets"
                    else self._delegator_targets(history, staged)
                )
                try:
                    one = delegator.get_verification_result(role, payload, signatures)
                except ValueError:
                    requirements.append(Requirement(f"keys ({role} is not delegated)", 0, 1))
                else:
                    what = "governance keys" if role == "targets" else f"{role} delegation keys"
                    requirements.append(Requirement(what, len(one.signed), one.threshold))
            result.append(StagedStatus(role, md.signed.version, tuple(requirements)))
        return result

    # --- publishing --------------------------------------------------------------------------

    def publish(
        self,
        online: Sequence[ed25519.Ed25519PrivateKey],
        *,
        now: Instant,
        lifetimes: Lifetimes = Lifetimes(),
    ) -> PublishReport:
        """Publish every staged file that meets its thresholds, then a new snapshot (when what
        it pins changed, or it would expire first) and a new timestamp, signed with the
        ``online`` keys. The whole resulting history is verified before anything is written;
        on failure nothing is written and DirectoryError says why."""
        t = unix_time(now)
        history, staged = self._history(), self._staged()
        new = history.copy()
        published: list[tuple[str, Metadata[Any]]] = []
        waiting: list[str] = []

        def accept(role: str, stored: Stored[Any], versions: dict[int, Any]) -> None:
            versions[stored.version] = Stored(to_bytes(stored.md), stored.md)
            published.append((role, stored.md))

        if "root" in staged:
            stored = staged["root"]
            try:
                if stored.version != new.latest_version("root") + 1:
                    raise DirectoryError(f"staged root v{stored.version} is not the next version")
                verify_roots({**new.roots, stored.version: stored})
            except DirectoryError as error:
                waiting.append(f"root: {error}")
            else:
                accept("root", stored, new.roots)
        if not new.roots:
            raise DirectoryError(
                "nothing can be published yet: " + ("; ".join(waiting) or "no root is staged")
            )
        chain = verify_roots(new.roots)
        if "targets" in staged:
            stored = staged["targets"]
            where = f"targets v{stored.version}"
            try:
                if "root" in staged and not any(role == "root" for role, _ in published):
                    raise DirectoryError("it waits for the staged root")
                if stored.version != new.latest_version("targets") + 1:
                    raise DirectoryError(f"staged {where} is not the next version")
                failure = threshold_failure(chain[-1], "targets", stored, where)
                if failure is not None:
                    raise failure
                check_targets(stored.md.signed, where)
            except DirectoryError as error:
                waiting.append(f"targets: {error}")
            else:
                accept("targets", stored, new.targets)
        for role, stored in sorted(staged.items()):
            if role in ("root", "targets"):
                continue
            waiting_reason = self._entry_problem(role, stored, new)
            if waiting_reason:
                waiting.append(f"{role}: {waiting_reason}")
                continue
            new.entries.setdefault(role, {})
            accept(role, stored, new.entries[role])

        changed = any(role != "root" for role, _ in published)
        if not new.targets:
            raise DirectoryError(
                "nothing can be published yet: " + ("; ".join(waiting) or "no targets is staged")
            )
        newest_root = chain[-1]
        signers = [
            tuf_signer(key)
            for key in online
            if kid_of(key.public_key()) in newest_root.roles["timestamp"].keyids
        ]
        if not signers:
            raise DirectoryError(
                f"none of the keys given is an online key of root v{newest_root.version}"
            )
        last = new.snapshots.get(new.latest_version("snapshot"))
        if last is None or changed or unix(last.md.signed.expires) <= t + lifetimes.timestamp:
            snapshot = Snapshot(
                version=new.latest_version("snapshot") + 1,
                expires=utc(t + lifetimes.snapshot),
                meta=self._snapshot_meta(new),
            )
            snapshot_md = Metadata(snapshot)
            for signer in signers:
                snapshot_md.sign(signer, append=True)
            accept("snapshot", Stored(to_bytes(snapshot_md), snapshot_md), new.snapshots)
        snapshot_stored = new.snapshots[new.latest_version("snapshot")]
        timestamp_md = Metadata(
            Timestamp(
                version=new.latest_version("timestamp") + 1,
                expires=utc(t + lifetimes.timestamp),
                snapshot_meta=MetaFile.from_data(
                    snapshot_stored.version, snapshot_stored.raw, _HASHES
                ),
            )
        )
        for signer in signers:
            timestamp_md.sign(signer, append=True)
        accept("timestamp", Stored(to_bytes(timestamp_md), timestamp_md), new.timestamps)

        try:
            verify_history(new)
        except DirectoryError as error:
            raise DirectoryError(f"publishing would leave an invalid directory: {error}") from None
        for role, md in published:
            write_published(self.path, role, md)
        for role, md in published:
            if role in staged and staged[role].md is md:
                staged_path(self.path, role).unlink()
        return PublishReport(
            tuple(f"{_label(role)} v{md.signed.version}" for role, md in published),
            tuple(waiting),
        )

    @staticmethod
    def _entry_problem(state: str, stored: Stored[Any], new: History) -> str | None:
        where = f"entry {state} v{stored.version}"
        if stored.version != new.latest_version(state) + 1:
            return f"staged v{stored.version} is not the next version"
        if not new.targets:
            return "no targets file is published"
        targets = new.targets[max(new.targets)].md.signed
        failure = threshold_failure(targets, state, stored, where)
        if failure is not None:
            return str(failure)
        try:
            entry = parse_entry_role(state, stored, targets, where)
            previous = new.entries.get(state, {}).get(stored.version - 1)
            if previous is not None:
                before = parse_entry_role(state, previous, targets, where)
                check_succession(before, entry, where)
        except DirectoryError as error:
            return str(error)
        return None

    @staticmethod
    def _snapshot_meta(history: History) -> dict[str, MetaFile]:
        targets = history.targets[max(history.targets)]
        meta = {TARGETS_META: MetaFile.from_data(targets.version, targets.raw, _HASHES)}
        delegations = targets.md.signed.delegations
        states = set(delegations.roles or {}) if delegations else set()
        for state in sorted(states):
            versions = history.entries.get(state)
            if versions:
                stored = versions[max(versions)]
                meta[f"{state}.json"] = MetaFile.from_data(stored.version, stored.raw, _HASHES)
        return meta


def _label(role: str) -> str:
    return role if role in ("root", "targets", "snapshot", "timestamp") else f"entry {role}"
