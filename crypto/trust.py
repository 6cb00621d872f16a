"""What the envelope layer needs to know about keys, as narrow protocols.

:class:`DirectoryLookup` is the federation directory as the envelope sees it: which signing key
a state has bound under a key id at a given time, and which encryption keys a state publishes.
:class:`StaticDirectory` is a fixed in-memory directory, for the test vectors, the conformance
command and tests; the TUF-backed directory (:mod:`crypto.directory`) implements the same
protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from crypto.jwk import (
    EncryptionPrivateKey,
    EncryptionPublicKey,
    HybridPublicKey,
    SigningPrivateKey,
    SigningPublicKey,
    kid_of,
)
from crypto.suites import Suite


@dataclass(frozen=True)
class RecipientKey:
    """An encryption key a state publishes: where to seal envelopes to it."""

    state: str
    suite: Suite
    kid: str
    public_key: EncryptionPublicKey


@dataclass(frozen=True)
class DecryptionKey:
    """One of this node's encryption keys, with the suite it serves."""

    suite: Suite
    private_key: EncryptionPrivateKey

    @property
    def kid(self) -> str:
        return kid_of(self.private_key.public_key())


@dataclass(frozen=True)
class SenderIdentity:
    """This node as a sender: its state and its current signing key."""

    state: str
    signing_key: SigningPrivateKey

    @property
    def kid(self) -> str:
        return kid_of(self.signing_key.public_key())


@dataclass(frozen=True)
class RecipientIdentity:
    """This node as a recipient: its state and its current and grace-period decryption keys."""

    state: str
    keys: Mapping[str, DecryptionKey]
    """Decryption keys by key id."""

    @classmethod
    def of(cls, state: str, keys: Iterable[DecryptionKey]) -> RecipientIdentity:
        return cls(state, {key.kid: key for key in keys})


def suite_for(key: EncryptionPublicKey) -> Suite:
    """The suite an encryption public key serves: the one place this is decided."""
    return Suite.MLKEM768_X25519 if isinstance(key, HybridPublicKey) else Suite.X25519


def suite_of(key: EncryptionPrivateKey) -> Suite:
    """The suite an encryption private key serves."""
    return suite_for(key.public_key())


class DirectoryLookup(Protocol):
    """The federation directory, as the envelope layer uses it."""

    @property
    def version(self) -> int:
        """The directory version (``dirv`` in envelopes this node seals)."""
        ...

    def signing_key(self, state: str, kid: str, at: int) -> SigningPublicKey | None:
        """The signing key ``state`` bound under ``kid``, if it was valid at Unix time ``at``."""
        ...

    def recipient_keys(self, state: str) -> Sequence[RecipientKey]:
        """The encryption keys ``state`` currently publishes, one per suite it supports."""
        ...


@dataclass(frozen=True)
class StaticDirectory:
    """A fixed directory: each state's signing keys (valid at any time) and encryption keys."""

    signing: Mapping[str, Sequence[SigningPublicKey]]
    encryption: Mapping[str, Sequence[RecipientKey]] = field(default_factory=dict)
    version: int = 1
    _by_kid: dict[tuple[str, str], SigningPublicKey] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Thumbprints are computed once, not on every envelope.
        index = {(state, kid_of(key)): key for state, keys in self.signing.items() for key in keys}
        object.__setattr__(self, "_by_kid", index)

    def signing_key(self, state: str, kid: str, at: int) -> SigningPublicKey | None:
        return self._by_kid.get((state, kid))

    def recipient_keys(self, state: str) -> Sequence[RecipientKey]:
        return self.encryption.get(state, ())
