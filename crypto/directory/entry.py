"""A state's node entry: what the directory says about one member state's node.

The entry is the custom data of the one target ``CC/node.json`` of the state's delegated role
``CC`` (docs/directory.md §3). Its keys are published in the form
:meth:`crypto.keys.KeyRecord.published` gives: a JWK with ``kid``, ``use``, ``purpose``,
``suite``, ``not_before``, ``not_after``, ``status`` and ``revoked_at``. Everything is checked
when the entry is parsed: the key ids are the keys' thumbprints, each key fits its purpose and
suite and is not weak (:mod:`crypto.directory.keycheck`), and each status is the one its window
and revocation give at the entry's ``issued_at``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from crypto._hazmat.strict_json import dumps_compact
from crypto.directory.keycheck import check_encryption_key, check_signing_key
from crypto.errors import DirectoryError, KeyFormatError
from crypto.jwk import PublicKey, load_public_jwk, thumbprint
from crypto.keys import KeyStatus, Purpose, status_at, suite_of_public
from crypto.suites import PROTOCOL_VERSION, Suite
from messages.types import Identifier, StateCode

ENTRY_TARGET: Final = "node.json"
"""The target name of a state's node entry: ``CC/node.json``."""
MAX_KEYS_PER_ENTRY: Final = 256
"""Keys are never removed from an entry (history); a node rotating monthly for twenty years
stays well below this."""

_VHOST: Final = re.compile(r"^/?[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$")
_SCHEMA_VERSION: Final = re.compile(r"^[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4}$")

SuiteName = Literal["HPKE-X25519-SHA256-A256GCM", "HPKE-MLKEM768X25519-SHA256-A256GCM"]
_Int = Annotated[int, Field(ge=0)]


class PublishedKey(BaseModel):
    """A public key as the directory publishes it."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    kty: Literal["OKP"]
    crv: Literal["Ed25519", "X25519", "MLKEM768-X25519"]
    x: str
    kid: str
    use: Literal["sig", "enc"]
    purpose: Literal["signing", "encryption"]
    suite: SuiteName | None
    not_before: _Int
    not_after: _Int
    status: Literal["pending", "active", "retired", "revoked"]
    revoked_at: _Int | None

    _key: PublicKey = PrivateAttr()

    @model_validator(mode="after")
    def _check(self) -> PublishedKey:
        try:
            key = load_public_jwk({"kty": self.kty, "crv": self.crv, "x": self.x})
            if self.purpose == "signing":
                if self.use != "sig" or self.suite is not None or self.crv != "Ed25519":
                    raise ValueError("a signing key is Ed25519, use sig, without a suite")
                check_signing_key(key)  # type: ignore[arg-type]
            else:
                expected = suite_of_public(key)
                if self.use != "enc" or expected is None or self.suite != str(expected):
                    raise ValueError("an encryption key has use enc and the suite of its curve")
                check_encryption_key(key)  # type: ignore[arg-type]
        except KeyFormatError as error:
            raise ValueError(str(error)) from None
        if self.kid != thumbprint({"crv": self.crv, "kty": self.kty, "x": self.x}):
            raise ValueError("kid is not the key's RFC 7638 thumbprint")
        if self.not_after <= self.not_before:
            raise ValueError("not_after must be after not_before")
        self._key = key
        return self

    @property
    def public_key(self) -> PublicKey:
        return self._key

    @property
    def suite_enum(self) -> Suite | None:
        return None if self.suite is None else Suite(self.suite)

    def status_at(self, at: int) -> KeyStatus:
        return status_at(
            not_before=self.not_before, not_after=self.not_after, revoked_at=self.revoked_at, at=at
        )


class NodeEntry(BaseModel):
    """One member state's node: where it listens, what it speaks, and its keys."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    state: StateCode
    node_id: Identifier
    broker: str
    """An AMQP URL (``amqp://`` or ``amqps://``, without credentials) or a vhost name."""
    protocols: list[Annotated[int, Field(ge=1)]] = Field(min_length=1)
    suites: list[SuiteName] = Field(min_length=1)
    schema_versions: list[str] = Field(min_length=1)
    issued_at: _Int
    signing_keys: list[PublishedKey] = Field(min_length=1, max_length=MAX_KEYS_PER_ENTRY)
    encryption_keys: list[PublishedKey] = Field(min_length=1, max_length=MAX_KEYS_PER_ENTRY)

    @field_validator("broker")
    @classmethod
    def _broker(cls, value: str) -> str:
        if value.startswith(("amqp://", "amqps://")):
            parts = urlsplit(value)
            if not parts.hostname:
                raise ValueError("the broker URL has no host")
            if parts.username is not None or parts.password is not None:
                raise ValueError("the broker URL must not carry credentials")
            return value
        if not _VHOST.match(value):
            raise ValueError("broker is an amqp:// or amqps:// URL or a vhost name")
        return value

    @field_validator("schema_versions")
    @classmethod
    def _schema_versions(cls, value: list[str]) -> list[str]:
        if not all(_SCHEMA_VERSION.match(v) for v in value) or len(set(value)) != len(value):
            raise ValueError("schema versions are distinct MAJOR.MINOR.PATCH strings")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> NodeEntry:
        if len(set(self.protocols)) != len(self.protocols):
            raise ValueError("protocols are listed once each")
        if PROTOCOL_VERSION not in self.protocols:
            raise ValueError(f"every node speaks protocol version {PROTOCOL_VERSION}")
        if len(set(self.suites)) != len(self.suites):
            raise ValueError("suites are listed once each")
        if str(Suite.X25519) not in self.suites:
            raise ValueError(f"every node supports {Suite.X25519}")
        if any(k.purpose != "signing" for k in self.signing_keys):
            raise ValueError("signing_keys holds signing keys only")
        if any(k.purpose != "encryption" for k in self.encryption_keys):
            raise ValueError("encryption_keys holds encryption keys only")
        kids = [k.kid for k in (*self.signing_keys, *self.encryption_keys)]
        if len(set(kids)) != len(kids):
            raise ValueError("a key is listed twice")
        published_suites = {k.suite for k in self.encryption_keys}
        if published_suites - set(self.suites):
            raise ValueError("an encryption key serves a suite the node does not list")
        if set(self.suites) - published_suites:
            raise ValueError("a listed suite has no encryption key")
        for key in (*self.signing_keys, *self.encryption_keys):
            if key.revoked_at is not None and key.revoked_at > self.issued_at:
                raise ValueError(f"key {key.kid}: revoked_at is after the entry's issued_at")
            if key.status != key.status_at(self.issued_at):
                raise ValueError(
                    f"key {key.kid}: status {key.status} is not its status at issued_at "
                    f"({key.status_at(self.issued_at)})"
                )
        return self

    def signing_key_record(self, kid: str) -> PublishedKey | None:
        return next((k for k in self.signing_keys if k.kid == kid), None)

    def to_data(self) -> dict[str, Any]:
        """The entry as JSON data (the target's custom data)."""
        return self.model_dump(mode="json")

    def canonical_bytes(self) -> bytes:
        """Sorted, compact UTF-8 JSON: the bytes the target's length and hash cover."""
        return canonical_bytes(self.to_data())


def canonical_bytes(data: Any) -> bytes:
    return dumps_compact(_sorted(data))


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def parse_entry(data: Any, where: str) -> NodeEntry:
    """Parse and check an entry; DirectoryError names ``where`` and every problem."""
    try:
        return NodeEntry.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(entry)'}: {e['msg']}"
            for e in error.errors()[:5]
        )
        raise DirectoryError(f"{where}: invalid node entry: {problems}") from None


def entry_from_keys(
    *,
    state: str,
    node_id: str,
    broker: str,
    published: list[dict[str, Any]],
    issued_at: int,
    schema_versions: list[str],
    protocols: list[int] | None = None,
    suites: list[str] | None = None,
) -> NodeEntry:
    """Build an entry from published keys (e.g. ``Keyring.export(...)["keys"]``): its signing
    and encryption keys, and by default the suites of its encryption keys."""
    signing = [k for k in published if k.get("purpose") == str(Purpose.SIGNING)]
    encryption = [k for k in published if k.get("purpose") == str(Purpose.ENCRYPTION)]
    published_suites = {k.get("suite") for k in encryption}
    listed = suites or [str(s) for s in Suite if str(s) in published_suites]
    return parse_entry(
        {
            "state": state,
            "node_id": node_id,
            "broker": broker,
            "protocols": protocols or [PROTOCOL_VERSION],
            "suites": listed,
            "schema_versions": schema_versions,
            "issued_at": issued_at,
            "signing_keys": signing,
            "encryption_keys": encryption,
        },
        f"entry of {state}",
    )


def check_succession(previous: NodeEntry, entry: NodeEntry, where: str) -> None:
    """What a new version of an entry may not do: drop a signing key (signatures must stay
    verifiable), undo or postpone a revocation, or go back in time."""
    if entry.issued_at < previous.issued_at:
        raise DirectoryError(f"{where}: issued_at goes back in time")
    current = {k.kid: k for k in (*entry.signing_keys, *entry.encryption_keys)}
    for old in previous.signing_keys:
        if old.kid not in current:
            raise DirectoryError(f"{where}: signing key {old.kid} was removed (never delete)")
    for old in (*previous.signing_keys, *previous.encryption_keys):
        new = current.get(old.kid)
        if new is None or old.revoked_at is None:
            continue
        if new.revoked_at is None or new.revoked_at > old.revoked_at:
            raise DirectoryError(f"{where}: the revocation of key {old.kid} was undone")
