"""The federation directory as a node uses it: verified once, then asked at a time.

:class:`Directory` implements :class:`crypto.trust.DirectoryLookup`. It is loaded from the
metadata files and verified in full (:mod:`crypto.directory.verify`), and it answers at an
evaluation time ``now`` given when it is loaded (or by :meth:`Directory.at`):

- **sending** (``version``, ``recipient_keys``, ``supports``, :func:`choose_recipient_key`)
  needs a directory that has not expired at ``now``, and an unexpired entry of the recipient;
  otherwise DirectoryError: an expired directory stops sending;
- **receiving** (``signing_key``) judges a key by its window and revocation at the envelope's
  ``iat``, from the whole verified history: a key revoked at t is refused for ``iat >= t`` and
  still verifies for ``iat < t``; a key outside its window is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

from cryptography.hazmat.primitives.asymmetric import ed25519

from crypto.directory.entry import NodeEntry, PublishedKey
from crypto.directory.layout import iso, read_history
from crypto.directory.verify import EntryVersion, VerifiedDirectory, verify_history
from crypto.errors import DirectoryError
from crypto.keys import Instant, KeyStatus, unix_time
from crypto.suites import Suite
from crypto.trust import DirectoryLookup, RecipientKey
from messages.vocab import Family

POST_QUANTUM_FAMILIES: Final = frozenset({Family.WITNESS_PROTECTION})
"""Families sealed with the post-quantum suite whenever the recipient supports it: their
contents must stay secret for decades (harvest now, decrypt later)."""


@dataclass(frozen=True)
class Directory:
    """A verified federation directory, evaluated at ``now`` (Unix seconds)."""

    verified: VerifiedDirectory
    now: int

    @classmethod
    def load(cls, path: Path, *, now: Instant, anchor: bytes | None = None) -> Directory:
        """Read and verify every file under ``path``; ``anchor`` is the root metadata this node
        pinned out of band (without it, version 1 of the root is trusted as found).

        Raises:
            DirectoryError: naming the file and the check that failed.
        """
        return cls(verify_history(read_history(path), anchor), unix_time(now))

    def at(self, now: Instant) -> Directory:
        """The same verified directory, evaluated at ``now``."""
        return replace(self, now=unix_time(now))

    # --- freshness ---------------------------------------------------------------------------

    @property
    def snapshot_version(self) -> int:
        """The directory version, whether or not it has expired (for audits and display)."""
        return self.verified.snapshot_version

    @property
    def expires(self) -> int:
        return self.verified.expires

    def check_fresh(self) -> None:
        """Raise DirectoryError if the directory has expired at ``now``."""
        if self.now >= self.verified.expires:
            raise DirectoryError(
                f"the directory (version {self.snapshot_version}) expired at "
                f"{iso(self.verified.expires)}; refresh it before sending"
            )

    @property
    def version(self) -> int:
        """The directory version to put in ``dirv``; DirectoryError if expired."""
        self.check_fresh()
        return self.verified.snapshot_version

    # --- members and entries -----------------------------------------------------------------

    def states(self) -> tuple[str, ...]:
        """The member states, sorted."""
        return tuple(sorted(self.verified.members))

    def _current(self, state: str) -> EntryVersion:
        if state not in self.verified.members:
            raise DirectoryError(f"{state} is not a member of the federation")
        current = self.verified.entries.get(state)
        if current is None:
            raise DirectoryError(f"{state} has not published a node entry")
        return current

    def entry(self, state: str) -> NodeEntry:
        """The current node entry of ``state`` (expired or not)."""
        return self._current(state).entry

    def _entry_for_sending(self, state: str) -> NodeEntry:
        self.check_fresh()
        current = self._current(state)
        if self.now >= current.expires:
            raise DirectoryError(
                f"the entry of {state} (v{current.version}) expired at {iso(current.expires)}"
            )
        return current.entry

    def supports(self, state: str, suite: Suite) -> bool:
        """Whether ``state`` declares ``suite``; DirectoryError if it cannot be sent to."""
        return str(suite) in self._entry_for_sending(state).suites

    def recipient_keys(self, state: str) -> Sequence[RecipientKey]:
        """The encryption keys to seal to ``state`` at ``now``: for each suite it declares, the
        newest key that is active then (a pending successor takes over at its ``not_before``;
        a key in its grace period is no longer chosen once its successor is active)."""
        entry = self._entry_for_sending(state)
        chosen: list[RecipientKey] = []
        for name in entry.suites:
            active = [
                k
                for k in entry.encryption_keys
                if k.suite == name and k.status_at(self.now) is KeyStatus.ACTIVE
            ]
            if active:
                key = max(active, key=lambda k: k.not_before)
                public = key.public_key
                assert not isinstance(public, ed25519.Ed25519PublicKey)  # noqa: S101 - parsed
                chosen.append(RecipientKey(state, Suite(name), key.kid, public))
        return chosen

    # --- receiving ---------------------------------------------------------------------------

    def signing_key_record(self, state: str, kid: str) -> PublishedKey | None:
        """The newest published record of ``state``'s signing key ``kid`` (from the history of
        a current member), or None."""
        for version in reversed(self.verified.history.get(state, ())):
            record = version.entry.signing_key_record(kid)
            if record is not None:
                return record
        return None

    def signing_key(self, state: str, kid: str, at: int) -> ed25519.Ed25519PublicKey | None:
        """The signing key ``state`` bound under ``kid`` if it was valid at ``at``: inside its
        window and not revoked at ``at``. None otherwise (and for a non-member)."""
        record = self.signing_key_record(state, kid)
        if record is None or record.status_at(at) is not KeyStatus.ACTIVE:
            return None
        public = record.public_key
        return public if isinstance(public, ed25519.Ed25519PublicKey) else None

    def history(self, state: str) -> tuple[EntryVersion, ...]:
        """Every published version of ``state``'s entry, oldest first."""
        return self.verified.history.get(state, ())


def choose_recipient_key(
    directory: Directory, state: str, family: Family | str, now: Instant
) -> RecipientKey:
    """The key to seal a message of ``family`` to ``state`` at ``now``: the post-quantum suite
    for :data:`POST_QUANTUM_FAMILIES` whenever the recipient declares it, else the classic one.

    Raises:
        DirectoryError: the directory or the recipient's entry has expired, or the recipient
            publishes no active key for the suite chosen (never a silent downgrade).
    """
    view = directory.at(now)
    wanted = Suite.X25519
    if Family(family) in POST_QUANTUM_FAMILIES and view.supports(state, Suite.MLKEM768_X25519):
        wanted = Suite.MLKEM768_X25519
    for key in view.recipient_keys(state):
        if key.suite is wanted:
            return key
    raise DirectoryError(f"{state} publishes no {wanted} key active at {iso(view.now)}")


if TYPE_CHECKING:  # the envelope layer takes a Directory wherever it takes a DirectoryLookup

    def _is_a_lookup(directory: Directory) -> DirectoryLookup:
        return directory
