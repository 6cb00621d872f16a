"""The directory on disk: every version of every metadata file, and the staged proposals.

::

    DIR/1.root.json  2.root.json  ...           root, one file per version (never deleted)
    DIR/1.targets.json  ...                     targets: the delegations to the states
    DIR/1.snapshot.json  ...                    snapshot: which version of each file is current
    DIR/1.timestamp.json ...                    timestamp: the current snapshot, short expiry
    DIR/FR/1.FR.json  2.FR.json  ...            state FR's delegated role: its node entry
    DIR/staged/root.json, targets.json, FR.json proposals collecting signatures

Published files are written once (``O_EXCL``) and never changed; staged files are replaced as
signatures are added. Names starting with a dot are ignored (e.g. ``.git``); any other file
that does not fit this layout is an error, so nothing can hide in the directory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

from cryptography.hazmat.primitives.asymmetric import ed25519
from securesystemslib.signer import CryptoSigner, SSlibKey
from tuf.api.metadata import Metadata, Root, Snapshot, Targets, Timestamp
from tuf.api.serialization import DeserializationError, SerializationError
from tuf.api.serialization.json import JSONSerializer

from crypto._hazmat.strict_json import StrictJsonError, loads_strict
from crypto.errors import DirectoryError
from crypto.jwk import kid_of
from crypto.keys import write_atomically

MAX_METADATA_BYTES: Final = 1024 * 1024
"""Largest metadata file read (a root of 35 Ed25519 keys is about 14 KB; an entry with a few
dozen hybrid keys stays under 200 KB)."""
STAGED: Final = "staged"
TOP_ROLES: Final = ("root", "targets", "snapshot", "timestamp")

_TOP_FILE: Final = re.compile(r"^([1-9][0-9]{0,9})\.(root|targets|snapshot|timestamp)\.json$")
_STATE_DIR: Final = re.compile(r"^[A-Z]{2}$")
_STATE_FILE: Final = re.compile(r"^([1-9][0-9]{0,9})\.([A-Z]{2})\.json$")

S = TypeVar("S", Root, Targets, Snapshot, Timestamp)


@dataclass(frozen=True)
class Stored(Generic[S]):
    """One metadata file: its bytes as stored and the metadata parsed from them."""

    raw: bytes
    md: Metadata[S]

    @property
    def version(self) -> int:
        return self.md.signed.version


@dataclass
class History:
    """Every published version of every metadata file, by role and version."""

    roots: dict[int, Stored[Root]] = field(default_factory=dict)
    targets: dict[int, Stored[Targets]] = field(default_factory=dict)
    snapshots: dict[int, Stored[Snapshot]] = field(default_factory=dict)
    timestamps: dict[int, Stored[Timestamp]] = field(default_factory=dict)
    entries: dict[str, dict[int, Stored[Targets]]] = field(default_factory=dict)

    def copy(self) -> History:
        return History(
            dict(self.roots),
            dict(self.targets),
            dict(self.snapshots),
            dict(self.timestamps),
            {state: dict(versions) for state, versions in self.entries.items()},
        )

    def latest_version(self, role: str) -> int:
        """The highest published version of ``role`` (0 if none)."""
        versions: dict[int, Any]
        if role == "root":
            versions = self.roots
        elif role == "targets":
            versions = self.targets
        elif role == "snapshot":
            versions = self.snapshots
        elif role == "timestamp":
            versions = self.timestamps
        else:
            versions = self.entries.get(role, {})
        return max(versions, default=0)

    def files(self) -> Iterator[tuple[str, Stored[Any]]]:
        """Every file as (role, stored)."""
        for role, versions in (
            ("root", self.roots),
            ("targets", self.targets),
            ("snapshot", self.snapshots),
            ("timestamp", self.timestamps),
        ):
            for stored in versions.values():
                yield role, stored
        for state, entry_versions in self.entries.items():
            for stored in entry_versions.values():
                yield state, stored


_TYPES: Final[dict[str, type[Any]]] = {
    "root": Root,
    "targets": Targets,
    "snapshot": Snapshot,
    "timestamp": Timestamp,
}


def parse_metadata(raw: bytes, role: str, where: str) -> Stored[Any]:
    """Parse one metadata file strictly: size cap, strict JSON, then python-tuf's parser, and
    the type its role requires (a state's role is a targets file)."""
    if len(raw) > MAX_METADATA_BYTES:
        raise DirectoryError(f"{where}: larger than {MAX_METADATA_BYTES} bytes")
    try:
        loads_strict(raw)
    except StrictJsonError as error:
        raise DirectoryError(f"{where}: not strict JSON: {error}") from None
    try:
        md: Metadata[Any] = Metadata.from_bytes(raw)
    except DeserializationError as error:
        raise DirectoryError(f"{where}: not TUF metadata: {error.__cause__ or error}") from None
    expected = _TYPES.get(role, Targets)
    if not isinstance(md.signed, expected):
        raise DirectoryError(f"{where}: a {md.signed.type} file where {role} belongs")
    return Stored(raw, md)


def to_bytes(md: Metadata[Any]) -> bytes:
    """How metadata is written: sorted members, one-space indentation, a final newline."""
    try:
        return md.to_bytes(JSONSerializer(compact=False)) + b"\n"
    except SerializationError as error:  # pragma: no cover - our metadata always serializes
        raise DirectoryError(f"cannot serialize metadata: {error}") from error


def history_path(base: Path, role: str, version: int) -> Path:
    name = f"{version}.{role}.json"
    return base / name if role in TOP_ROLES else base / role / name


def staged_path(base: Path, role: str) -> Path:
    return base / STAGED / f"{role}.json"


def _read(path: Path, role: str) -> Stored[Any]:
    try:
        if path.stat().st_size > MAX_METADATA_BYTES:
            raise DirectoryError(f"{path}: larger than {MAX_METADATA_BYTES} bytes")
        raw = path.read_bytes()
    except OSError as error:
        raise DirectoryError(f"cannot read {path}: {error.strerror}") from None
    stored = parse_metadata(raw, role, str(path))
    return stored


def _check_version(stored: Stored[Any], version: int, path: Path) -> None:
    if stored.version != version:
        raise DirectoryError(f"{path}: holds version {stored.version}, not {version}")


def read_history(base: Path) -> History:
    """Read every published file under ``base``; DirectoryError on anything out of place."""
    if not base.is_dir():
        raise DirectoryError(f"{base} is not a directory")
    history = History()
    for path in sorted(base.iterdir()):
        name = path.name
        if name.startswith(".") or (name == STAGED and path.is_dir()):
            continue
        top = _TOP_FILE.match(name)
        if top and path.is_file():
            version, role = int(top.group(1)), top.group(2)
            stored = _read(path, role)
            _check_version(stored, version, path)
            tables: dict[str, dict[int, Stored[Any]]] = {
                "root": history.roots,
                "targets": history.targets,
                "snapshot": history.snapshots,
                "timestamp": history.timestamps,
            }
            tables[role][version] = stored
            continue
        if _STATE_DIR.match(name) and path.is_dir():
            versions: dict[int, Stored[Targets]] = {}
            for inner in sorted(path.iterdir()):
                if inner.name.startswith("."):
                    continue
                match = _STATE_FILE.match(inner.name)
                if not match or match.group(2) != name or not inner.is_file():
                    raise DirectoryError(f"unexpected file in the directory: {inner}")
                stored = _read(inner, name)
                _check_version(stored, int(match.group(1)), inner)
                versions[int(match.group(1))] = stored
            history.entries[name] = versions
            continue
        raise DirectoryError(f"unexpected file in the directory: {path}")
    return history


def read_staged(base: Path) -> dict[str, Stored[Any]]:
    """The staged proposals, by role."""
    directory = base / STAGED
    staged: dict[str, Stored[Any]] = {}
    if not directory.is_dir():
        return staged
    for path in sorted(directory.iterdir()):
        if path.name.startswith("."):
            continue
        role = path.name.removesuffix(".json")
        if path.suffix != ".json" or not (role in TOP_ROLES or _STATE_DIR.match(role)):
            raise DirectoryError(f"unexpected file among the staged proposals: {path}")
        staged[role] = _read(path, role)
    return staged


def write_published(base: Path, role: str, md: Metadata[Any]) -> Path:
    """Write a new version into the history; never overwrites."""
    path = history_path(base, role, md.signed.version)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise DirectoryError(f"{path} already exists: history is never rewritten") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(to_bytes(md))
        handle.flush()
        os.fsync(handle.fileno())
    return path


def write_staged(base: Path, role: str, md: Metadata[Any]) -> Path:
    path = staged_path(base, role)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, to_bytes(md), 0o644)
    return path


# --- keys and signatures -----------------------------------------------------------------------


def tuf_key(public: ed25519.Ed25519PublicKey) -> SSlibKey:
    """The TUF form of an Ed25519 key, its key id being its RFC 7638 thumbprint (so a key id
    names exactly one key, and one key cannot count twice towards a threshold)."""
    return SSlibKey.from_crypto(public, keyid=kid_of(public))


def tuf_signer(private: ed25519.Ed25519PrivateKey) -> CryptoSigner:
    return CryptoSigner(private, tuf_key(private.public_key()))


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def iso(seconds: int) -> str:
    """Unix seconds as ISO 8601 UTC, for messages."""
    return utc(seconds).strftime("%Y-%m-%dT%H:%M:%SZ")
