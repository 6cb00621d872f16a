"""A node's key ring: its keys, their validity and status, encrypted at rest.

A key ring holds Ed25519 and encryption keys, each with a purpose:

- ``signing``: the node's envelope signatures (Ed25519);
- ``encryption``: HPKE recipient keys, of suite ``HPKE-X25519-SHA256-A256GCM`` (X25519) or
  ``HPKE-MLKEM768X25519-SHA256-A256GCM`` (the hybrid key of :mod:`crypto.jwk`);
- ``governance``: a member state's vote on the federation directory's root (Ed25519);
- ``delegation``: signs the state's own node entry in the directory (Ed25519);
- ``online``: the directory operator's snapshot and timestamp key (Ed25519).

Each key has a validity window ``[not_before, not_after)`` and may be revoked at a time. Its
status at a time ``t`` follows from these alone (:func:`status_at`): ``revoked`` from
``revoked_at`` on, else ``pending`` before ``not_before``, ``retired`` from ``not_after`` on,
``active`` in between. Exported and published keys carry the status as of their issue time for
readers; the windows and ``revoked_at`` are what software judges by.

Rotation overlaps: a new key is generated with ``not_before`` at a start time (by default after
a lead time, so the directory can carry it before anyone needs it); the old signing key stops at
the start, the old encryption key keeps decrypting for a grace period after it (so envelopes in
flight still open) and is retired then. Keys are never deleted from the ring: a revoked key,
and an encryption key past its window, lose their private part and keep their public record.

At rest a ring is one file, never a plaintext private key: the ring's JSON is sealed with
AES-256-GCM under a key derived from a passphrase (Argon2id) or from a key file (HKDF-SHA256),
the header (format, version, KDF and its parameters) is the AEAD's associated data, and the file
is replaced atomically with mode 0600. Time is always an argument.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto._hazmat.b64 import Base64Error, b64url_decode, b64url_encode
from crypto._hazmat.strict_json import StrictJsonError, dumps_compact, is_integer, loads_strict
from crypto.errors import KeyFormatError, KeyringError
from crypto.jwk import (
    HybridPrivateKey,
    PrivateKey,
    PublicKey,
    kid_of,
    load_private_jwk,
    load_public_jwk,
    private_jwk,
    public_jwk,
)
from crypto.suites import Suite
from crypto.trust import DecryptionKey, RecipientIdentity, SenderIdentity, suite_for

Instant = int | datetime
"""A point in time: Unix seconds, or an aware datetime (converted to Unix seconds)."""

DAY: Final = 24 * 3600

DEFAULT_LIFETIMES: Final[dict[str, int]] = {
    "signing": 730 * DAY,
    "encryption": 365 * DAY,
    "governance": 5 * 365 * DAY,
    "delegation": 730 * DAY,
    "online": 365 * DAY,
}
"""How long a new key is valid, by purpose (rotate well before the end)."""
DEFAULT_LEAD: Final = 2 * DAY
"""How long after a rotation the new key takes over: time to publish it in the directory (whose
timestamp is refreshed daily) before any peer needs it."""
DEFAULT_GRACE: Final = 8 * DAY
"""How long an old encryption key keeps decrypting after its successor takes over: the default
envelope lifetime (7 days) plus a day, so that every envelope sealed to it before the switch
opens before it expires."""
DEFAULT_SKEW: Final = 300
"""Clock skew allowed between nodes (the envelope's default): a key published ahead of its
start already decrypts this long before it."""

MIN_PASSPHRASE_CHARS: Final = 12
"""Shortest passphrase accepted for a new ring file."""
MIN_KEY_FILE_BYTES: Final = 32
"""A key file holds at least 256 random bits."""
MAX_KEY_FILE_BYTES: Final = 4096
MAX_KEYRING_BYTES: Final = 8 * 1024 * 1024
"""Largest ring file read (a ring of a few hundred keys is well under 1 MiB)."""
FORMAT: Final = "puente-keyring"
FORMAT_VERSION: Final = 1
PUBLIC_FORMAT: Final = "puente-public-keys"


class Purpose(StrEnum):
    """What a key is for; a key serves exactly one purpose."""

    SIGNING = "signing"
    ENCRYPTION = "encryption"
    GOVERNANCE = "governance"
    DELEGATION = "delegation"
    ONLINE = "online"


class KeyStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    RETIRED = "retired"
    REVOKED = "revoked"


def unix_time(t: Instant) -> int:
    """Unix seconds of ``t``; a datetime must be timezone-aware."""
    if isinstance(t, datetime):
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError("a datetime here must be timezone-aware (UTC)")
        return int(t.timestamp() // 1)
    if not is_integer(t):
        raise TypeError("a time is Unix seconds (int) or an aware datetime")
    return t


def status_at(*, not_before: int, not_after: int, revoked_at: int | None, at: int) -> KeyStatus:
    """A key's status at ``at``, from its window and revocation alone."""
    if revoked_at is not None and at >= revoked_at:
        return KeyStatus.REVOKED
    if at < not_before:
        return KeyStatus.PENDING
    if at >= not_after:
        return KeyStatus.RETIRED
    return KeyStatus.ACTIVE


def _is_signature_purpose(purpose: Purpose) -> bool:
    return purpose is not Purpose.ENCRYPTION


def suite_of_public(key: PublicKey) -> Suite | None:
    """The suite an encryption key serves (None for an Ed25519 key)."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        return None
    return suite_for(key)


@dataclass(frozen=True)
class KeyRecord:
    """One key of a ring: its public key, its private key while it has one, and its times."""

    purpose: Purpose
    public_key: PublicKey
    private_key: PrivateKey | None
    not_before: int
    not_after: int
    created_at: int
    revoked_at: int | None = None

    def __post_init__(self) -> None:
        if self.not_after <= self.not_before:
            raise KeyringError(f"key {self.kid}: not_after must be after not_before")
        is_ed25519 = isinstance(self.public_key, ed25519.Ed25519PublicKey)
        if is_ed25519 != _is_signature_purpose(self.purpose):
            raise KeyringError(f"key {self.kid}: a {self.purpose} key cannot be of this type")
        if self.private_key is not None and kid_of(self.private_key.public_key()) != self.kid:
            raise KeyringError(f"key {self.kid}: private key does not match the public key")

    @property
    def kid(self) -> str:
        return kid_of(self.public_key)

    @property
    def suite(self) -> Suite | None:
        return suite_of_public(self.public_key)

    def status(self, at: Instant) -> KeyStatus:
        return status_at(
            not_before=self.not_before,
            not_after=self.not_after,
            revoked_at=self.revoked_at,
            at=unix_time(at),
        )

    def published(self, at: Instant) -> dict[str, Any]:
        """The public form of this key, with its validity and its status at ``at``: a JWK with
        the members ``kid``, ``use``, ``purpose``, ``suite``, ``not_before``, ``not_after``,
        ``status`` and ``revoked_at`` added (this is how the directory publishes keys)."""
        return {
            **public_jwk(self.public_key),
            "kid": self.kid,
            "use": "enc" if self.purpose is Purpose.ENCRYPTION else "sig",
            "purpose": str(self.purpose),
            "suite": None if self.suite is None else str(self.suite),
            "not_before": self.not_before,
            "not_after": self.not_after,
            "status": str(self.status(at)),
            "revoked_at": self.revoked_at,
        }


def _new_private_key(purpose: Purpose, suite: Suite | None) -> PrivateKey:
    if purpose is Purpose.ENCRYPTION:
        if suite is Suite.MLKEM768_X25519:
            return HybridPrivateKey.generate()
        return x25519.X25519PrivateKey.generate()
    if suite is not None:
        raise KeyringError(f"a {purpose} key has no suite")
    return ed25519.Ed25519PrivateKey.generate()


@dataclass
class Keyring:
    """A node's (or an authority's) keys, in memory. See :func:`read_keyring` and
    :func:`write_keyring` for the file form."""

    state: str | None = None
    """The state whose keys these are (None for the directory operator's ring)."""
    records: list[KeyRecord] = field(default_factory=list)

    # --- reading -----------------------------------------------------------------------------

    def get(self, kid: str) -> KeyRecord:
        for record in self.records:
            if record.kid == kid:
                return record
        raise KeyringError(f"no key {kid} in this ring")

    def of(self, purpose: Purpose, suite: Suite | None = None) -> list[KeyRecord]:
        """The keys of a purpose (and suite), oldest first."""
        return [
            r for r in self.records if r.purpose is purpose and (suite is None or r.suite is suite)
        ]

    def current(self, purpose: Purpose, now: Instant, suite: Suite | None = None) -> KeyRecord:
        """The newest key of ``purpose`` (and ``suite``) that is active at ``now`` and still has
        its private key."""
        t = unix_time(now)
        usable = [
            r
            for r in self.of(purpose, suite)
            if r.status(t) is KeyStatus.ACTIVE and r.private_key is not None
        ]
        if not usable:
            what = f"{purpose} key" + (f" of suite {suite}" if suite else "")
            raise KeyringError(f"no {what} is active at {t}")
        return max(usable, key=lambda r: (r.not_before, r.created_at))

    def sender(self, now: Instant) -> SenderIdentity:
        """This node as a sender at ``now``: its current signing key."""
        if self.state is None:
            raise KeyringError("this ring belongs to no state")
        private = self.current(Purpose.SIGNING, now).private_key
        assert isinstance(private, ed25519.Ed25519PrivateKey)  # noqa: S101 - checked on creation
        return SenderIdentity(self.state, private)

    def recipient(self, now: Instant, skew: int = DEFAULT_SKEW) -> RecipientIdentity:
        """This node as a recipient at ``now``: every encryption key that is active (current or
        in its grace period), or starts within ``skew``, and still has its private key."""
        if self.state is None:
            raise KeyringError("this ring belongs to no state")
        t = unix_time(now)
        keys = [
            DecryptionKey(r.suite, r.private_key)
            for r in self.of(Purpose.ENCRYPTION)
            if r.suite is not None
            and isinstance(r.private_key, (x25519.X25519PrivateKey, HybridPrivateKey))
            and r.status(t) is not KeyStatus.REVOKED
            and r.not_before - skew <= t < r.not_after
        ]
        return RecipientIdentity.of(self.state, keys)

    def signing_private_key(self, kid: str) -> ed25519.Ed25519PrivateKey:
        """The private Ed25519 key ``kid`` (for directory signatures); KeyringError if the ring
        does not hold it."""
        private = self.get(kid).private_key
        if not isinstance(private, ed25519.Ed25519PrivateKey):
            raise KeyringError(f"key {kid} has no private Ed25519 key in this ring")
        return private

    def export(self, now: Instant, purposes: Iterable[Purpose] | None = None) -> dict[str, Any]:
        """The public keys (all of them, or those of ``purposes``) with validity and status at
        ``now``: ``{"format", "version", "state", "issued_at", "keys": [...]}``."""
        t = unix_time(now)
        wanted = set(Purpose) if purposes is None else set(purposes)
        return {
            "format": PUBLIC_FORMAT,
            "version": FORMAT_VERSION,
            "state": self.state,
            "issued_at": t,
            "keys": [r.published(t) for r in self.records if r.purpose in wanted],
        }

    # --- changing ----------------------------------------------------------------------------

    def generate(
        self,
        purpose: Purpose,
        *,
        now: Instant,
        not_before: Instant | None = None,
        lifetime: int | None = None,
        suite: Suite | None = None,
    ) -> KeyRecord:
        """Add a new key of ``purpose``, valid from ``not_before`` (default ``now``) for
        ``lifetime`` seconds (default :data:`DEFAULT_LIFETIMES`). Encryption keys default to
        the X25519 suite."""
        t = unix_time(now)
        if purpose is Purpose.ENCRYPTION and suite is None:
            suite = Suite.X25519
        start = t if not_before is None else unix_time(not_before)
        span = DEFAULT_LIFETIMES[purpose] if lifetime is None else lifetime
        if span <= 0:
            raise KeyringError("a key's lifetime must be positive")
        private = _new_private_key(purpose, suite)
        record = KeyRecord(
            purpose=purpose,
            public_key=private.public_key(),
            private_key=private,
            not_before=start,
            not_after=start + span,
            created_at=t,
        )
        self.records.append(record)
        return record

    def _replace(self, old: KeyRecord, new: KeyRecord) -> KeyRecord:
        self.records[self.records.index(old)] = new
        return new

    def rotate(
        self,
        purpose: Purpose,
        *,
        now: Instant,
        start: Instant | None = None,
        grace: int = DEFAULT_GRACE,
        lifetime: int | None = None,
        suite: Suite | None = None,
    ) -> KeyRecord:
        """Generate a successor for the keys of ``purpose`` (and ``suite``) taking over at
        ``start`` (default ``now`` + :data:`DEFAULT_LEAD`).

        The old keys' windows are cut: a signing key's at ``start`` (signatures made before it
        still verify), any other key's at ``start + grace`` (an old encryption key keeps opening
        envelopes sealed before the switch). Encryption keys past their window lose their
        private part (:meth:`forget_expired`).
        """
        t = unix_time(now)
        begin = t + DEFAULT_LEAD if start is None else unix_time(start)
        if begin < t:
            raise KeyringError("a rotation cannot start in the past")
        if grace < 0:
            raise KeyringError("the grace period cannot be negative")
        if purpose is Purpose.ENCRYPTION and suite is None:
            suite = Suite.X25519
        end = begin if purpose is Purpose.SIGNING else begin + grace
        for old in self.of(purpose, suite):
            if (
                old.revoked_at is None
                and old.not_before < end < old.not_after
                and old.not_before <= begin
            ):
                self._replace(old, replace(old, not_after=end))
        new = self.generate(purpose, now=t, not_before=begin, lifetime=lifetime, suite=suite)
        self.forget_expired(t)
        return new

    def revoke(self, kid: str, *, at: Instant, now: Instant) -> KeyRecord:
        """Revoke ``kid`` from ``at`` (no later than ``now``; earlier if the compromise started
        earlier) and destroy its private key. Its public record stays (history)."""
        t, when = unix_time(now), unix_time(at)
        if when > t:
            raise KeyringError("a revocation cannot be dated in the future")
        old = self.get(kid)
        revoked_at = when if old.revoked_at is None else min(old.revoked_at, when)
        return self._replace(old, replace(old, revoked_at=revoked_at, private_key=None))

    def forget_expired(self, now: Instant) -> list[str]:
        """Destroy the private part of every encryption key past its window (or revoked); the
        public record stays. Returns the key ids concerned."""
        t = unix_time(now)
        forgotten = []
        for record in list(self.records):
            if (
                record.purpose is Purpose.ENCRYPTION
                and record.private_key is not None
                and record.status(t) in (KeyStatus.RETIRED, KeyStatus.REVOKED)
            ):
                self._replace(record, replace(record, private_key=None))
                forgotten.append(record.kid)
        return forgotten


# --- the file ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost parameters (RFC 9106). The default is RFC 9106 §4's second recommended
    option: t=3 passes, p=4 lanes, m=64 MiB (about 0.15 s on a 2-core VM)."""

    iterations: int = 3
    lanes: int = 4
    memory_kib: int = 64 * 1024


_ARGON2_LIMITS: Final = {
    "iterations": (1, 64),
    "lanes": (1, 64),
    "memory_kib": (8 * 1024, 4 * 1024 * 1024),
}
"""Bounds on parameters read from a file: at least 8 MiB, at most 4 GiB (refusing a file that
would make unlocking exhaust memory)."""
_SALT_BYTES: Final = 16
_NONCE_BYTES: Final = 12
_HKDF_INFO: Final = b"puente keyring v1 key file"


@dataclass(frozen=True, repr=False)
class Passphrase:
    """A passphrase that unlocks a ring (stretched with Argon2id)."""

    text: str

    def __repr__(self) -> str:
        return "Passphrase(***)"


@dataclass(frozen=True, repr=False)
class KeyFile:
    """The contents of a key file that unlocks a ring (at least 32 random bytes, e.g. from a
    secrets manager; expanded with HKDF-SHA256)."""

    material: bytes

    def __repr__(self) -> str:
        return "KeyFile(***)"

    @classmethod
    def read(cls, path: Path) -> KeyFile:
        """Read a key file, refusing one that others than its owner can read or write."""
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise KeyringError(f"key file {path} is accessible to others (chmod 600 it)")
            material = path.read_bytes()
        except OSError as error:
            raise KeyringError(f"cannot read key file {path}: {error.strerror}") from None
        if not MIN_KEY_FILE_BYTES <= len(material) <= MAX_KEY_FILE_BYTES:
            raise KeyringError(
                f"a key file holds {MIN_KEY_FILE_BYTES} to {MAX_KEY_FILE_BYTES} bytes"
            )
        return cls(material)


Secret = Passphrase | KeyFile


def _b64(data: bytes) -> str:
    return b64url_encode(data).decode("ascii")


def kdf_header(secret: Secret, params: Argon2Params) -> dict[str, Any]:
    salt = _b64(os.urandom(_SALT_BYTES))
    if isinstance(secret, KeyFile):
        return {"name": "hkdf-sha256", "salt": salt}
    return {
        "name": "argon2id",
        "salt": salt,
        "iterations": params.iterations,
        "lanes": params.lanes,
        "memory_kib": params.memory_kib,
    }


def wrapping_key(secret: Secret, kdf: Any) -> bytes:
    if not isinstance(kdf, dict) or not isinstance(kdf.get("salt"), str):
        raise KeyringError("ring file: bad kdf header")
    try:
        salt = b64url_decode(kdf["salt"])
    except Base64Error:
        raise KeyringError("ring file: bad kdf salt") from None
    if not 16 <= len(salt) <= 64:
        raise KeyringError("ring file: the kdf salt must be 16 to 64 bytes")
    if kdf.get("name") == "hkdf-sha256" and set(kdf) == {"name", "salt"}:
        if not isinstance(secret, KeyFile):
            raise KeyringError("this ring is unlocked with a key file, not a passphrase")
        return HKDF(hashes.SHA256(), 32, salt, _HKDF_INFO).derive(secret.material)
    if kdf.get("name") == "argon2id" and set(kdf) == {"name", "salt", *_ARGON2_LIMITS}:
        if not isinstance(secret, Passphrase):
            raise KeyringError("this ring is unlocked with a passphrase, not a key file")
        for name, (low, high) in _ARGON2_LIMITS.items():
            value = kdf[name]
            if not is_integer(value) or not low <= value <= high:
                raise KeyringError(f"ring file: argon2id {name} must be in [{low}, {high}]")
        return Argon2id(
            salt=salt,
            length=32,
            iterations=kdf["iterations"],
            lanes=kdf["lanes"],
            memory_cost=kdf["memory_kib"],
        ).derive(secret.text.encode("utf-8"))
    raise KeyringError("ring file: unknown kdf")


def _associated_data(header: dict[str, Any]) -> bytes:
    return dumps_compact({k: header[k] for k in ("format", "version", "kdf")})


def _ring_plaintext(ring: Keyring) -> bytes:
    keys = []
    for r in ring.records:
        keys.append(
            {
                "purpose": str(r.purpose),
                "public": public_jwk(r.public_key),
                "private": None if r.private_key is None else private_jwk(r.private_key),
                "not_before": r.not_before,
                "not_after": r.not_after,
                "created_at": r.created_at,
                "revoked_at": r.revoked_at,
            }
        )
    return dumps_compact({"state": ring.state, "keys": keys})


def write_atomically(path: Path, data: bytes, mode: int) -> None:
    """Replace ``path`` with ``data`` atomically (write a temporary file in the same directory
    with ``mode``, fsync, rename over, fsync the directory)."""
    directory = path.parent
    temporary = directory / f".{path.name}.{os.getpid()}.{_b64(os.urandom(6))}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(directory_fd)
    finally:
        os.close(directory_fd)


def write_keyring(
    path: Path, ring: Keyring, secret: Secret, params: Argon2Params | None = None
) -> None:
    """Seal ``ring`` to ``path`` (mode 0600, replaced atomically), with a fresh salt and nonce."""
    if isinstance(secret, Passphrase) and len(secret.text) < MIN_PASSPHRASE_CHARS:
        raise KeyringError(f"a passphrase has at least {MIN_PASSPHRASE_CHARS} characters")
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "kdf": kdf_header(secret, params or Argon2Params()),
    }
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(wrapping_key(secret, header["kdf"])).encrypt(
        nonce, _ring_plaintext(ring), _associated_data(header)
    )
    document = {**header, "nonce": _b64(nonce), "ciphertext": _b64(sealed)}
    write_atomically(path, dumps_compact(document) + b"\n", 0o600)


def _parse_record(item: Any) -> KeyRecord:
    members = {"purpose", "public", "private", "not_before", "not_after", "created_at"}
    if not isinstance(item, dict) or set(item) != members | {"revoked_at"}:
        raise KeyringError("ring file: a key record has unexpected members")
    times = ("not_before", "not_after", "created_at")
    if not all(is_integer(item[m]) for m in times) or not (
        item["revoked_at"] is None or is_integer(item["revoked_at"])
    ):
        raise KeyringError("ring file: key times are integers")
    try:
        purpose = Purpose(item["purpose"])
        public = load_public_jwk(item["public"])
        private = None if item["private"] is None else load_private_jwk(item["private"])
    except (ValueError, KeyFormatError) as error:
        raise KeyringError(f"ring file: bad key: {error}") from None
    return KeyRecord(
        purpose=purpose,
        public_key=public,
        private_key=private,
        not_before=item["not_before"],
        not_after=item["not_after"],
        created_at=item["created_at"],
        revoked_at=item["revoked_at"],
    )


def read_keyring(path: Path, secret: Secret) -> Keyring:
    """Unlock the ring at ``path``; KeyringError says what failed (a wrong passphrase or key
    file and an altered file are the same failure: the AEAD does not open)."""
    try:
        if path.stat().st_size > MAX_KEYRING_BYTES:
            raise KeyringError(f"{path} is larger than {MAX_KEYRING_BYTES} bytes")
        raw = path.read_bytes()
    except OSError as error:
        raise KeyringError(f"cannot read {path}: {error.strerror}") from None
    try:
        document = loads_strict(raw)
    except StrictJsonError as error:
        raise KeyringError(f"{path} is not a key ring: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise KeyringError(f"{path} is not a key ring")
    if document.get("version") != FORMAT_VERSION:
        raise KeyringError(f"{path}: unsupported key ring version {document.get('version')!r}")
    if set(document) != {"format", "version", "kdf", "nonce", "ciphertext"}:
        raise KeyringError(f"{path}: unexpected members in the key ring header")
    key = wrapping_key(secret, document["kdf"])
    try:
        nonce = b64url_decode(str(document["nonce"]))
        sealed = b64url_decode(str(document["ciphertext"]))
        plaintext = AESGCM(key).decrypt(nonce, sealed, _associated_data(document))
    except (Base64Error, ValueError, InvalidTag):
        raise KeyringError(
            f"cannot unlock {path}: wrong passphrase or key file, or the file was altered"
        ) from None
    try:
        body = loads_strict(plaintext)
    except StrictJsonError:
        raise KeyringError(f"{path}: the unlocked ring is not JSON") from None
    if not isinstance(body, dict) or set(body) != {"state", "keys"}:
        raise KeyringError(f"{path}: unexpected members in the ring")
    if not isinstance(body["keys"], list) or not (
        body["state"] is None or isinstance(body["state"], str)
    ):
        raise KeyringError(f"{path}: bad ring contents")
    records = [_parse_record(item) for item in body["keys"]]
    if len({r.kid for r in records}) != len(records):
        raise KeyringError(f"{path}: a key appears twice")
    return Keyring(body["state"], records)


def create_keyring(
    path: Path,
    secret: Secret,
    *,
    state: str | None,
    params: Argon2Params | None = None,
) -> Keyring:
    """Write a new empty ring; refuses to overwrite an existing file."""
    if path.exists():
        raise KeyringError(f"{path} already exists")
    ring = Keyring(state)
    write_keyring(path, ring, secret, params)
    return ring
