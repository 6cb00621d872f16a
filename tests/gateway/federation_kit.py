"""Keys, a directory and documents for a federation of test nodes (shared by gateway tests)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from crypto.jwk import PublicKey, kid_of
from crypto.suites import Suite
from crypto.trust import (
    DecryptionKey,
    RecipientIdentity,
    RecipientKey,
    SenderIdentity,
    StaticDirectory,
)
from messages.document import Document
from messages.registry import all_examples
from messages.vocab import Family


@dataclass(frozen=True)
class NodeKeys:
    """A test node's fixed keys, as a gateway KeySource."""

    state: str
    signing: ed25519.Ed25519PrivateKey
    encryption: x25519.X25519PrivateKey

    def sender(self, now: int) -> SenderIdentity:
        return SenderIdentity(self.state, self.signing)

    def recipient(self, now: int) -> RecipientIdentity:
        return RecipientIdentity.of(self.state, [DecryptionKey(Suite.X25519, self.encryption)])

    @property
    def recipient_key(self) -> RecipientKey:
        public = self.encryption.public_key()
        return RecipientKey(self.state, Suite.X25519, kid_of(public), public)


@dataclass(frozen=True)
class Federation:
    nodes: dict[str, NodeKeys]
    """Every node's private keys (empty in a node process, which knows only its own)."""
    directory: StaticDirectory

    def choose_key(self, state: str, family: Family, now: int) -> RecipientKey:
        return self.directory.encryption[state][0]


def federation(states: Iterable[str]) -> Federation:
    nodes = {
        state: NodeKeys(
            state, ed25519.Ed25519PrivateKey.generate(), x25519.X25519PrivateKey.generate()
        )
        for state in states
    }
    directory = StaticDirectory(
        signing={s: [n.signing.public_key()] for s, n in nodes.items()},
        encryption={s: [n.recipient_key] for s, n in nodes.items()},
    )
    return Federation(nodes, directory)


def federation_from_public(
    keys: dict[str, tuple[PublicKey, PublicKey]],
) -> Federation:
    """A federation known by every state's public (signing, encryption) keys only."""
    signing: dict[str, list[ed25519.Ed25519PublicKey]] = {}
    encryption: dict[str, list[RecipientKey]] = {}
    for state, (sign, seal) in keys.items():
        assert isinstance(sign, ed25519.Ed25519PublicKey)
        assert isinstance(seal, x25519.X25519PublicKey)
        signing[state] = [sign]
        encryption[state] = [RecipientKey(state, Suite.X25519, kid_of(seal), seal)]
    return Federation({}, StaticDirectory(signing=signing, encryption=encryption))


def documents_between(sender: str, recipient: str) -> list[Document[Any]]:
    """Example documents (any family) sent from ``sender`` to ``recipient``."""
    found = [
        d
        for d in all_examples()
        if d.header.sender.state == sender
        and d.header.recipient.state == recipient
        and d.header.family is not Family.TRANSPORT
    ]
    assert found, f"no example from {sender} to {recipient}"
    return found
