"""The federation directory: who the member states are, and which keys count for each.

A versioned, expiring document of every member state's node entry, in TUF format (python-tuf's
Metadata API does the threshold and delegation checks), specified in ``docs/directory.md``:

- **root**, signed by a threshold of the member states' governance keys (one per state); a new
  root needs a threshold of the old root's keys and of its own;
- **targets**, signed by the same threshold, delegates ``CC/*`` to a role ``CC`` per state;
- **CC**, signed by that state's delegation key only, holds its node entry (:class:`NodeEntry`):
  node id, broker, protocols, suites, schema versions, signing and encryption keys with their
  validity and status;
- **snapshot** and **timestamp**, signed by the operator's online key: which version of every
  file is current (the snapshot version is ``dirv``), and a short expiry.

Nothing is ever deleted: every version of every file is kept and verified, so a signature can be
checked years later against the keys valid at its time.

- :class:`Directory`: load and verify, then ask (implements :class:`crypto.trust.DirectoryLookup`);
- :func:`choose_recipient_key`: the key to seal a message to a state, by family;
- :class:`Repository`: stage, sign and publish changes.
"""

from crypto.directory.directory import POST_QUANTUM_FAMILIES, Directory, choose_recipient_key
from crypto.directory.entry import NodeEntry, PublishedKey, entry_from_keys
from crypto.directory.repository import Lifetimes, MemberKeys, PublishReport, Repository

__all__ = [
    "POST_QUANTUM_FAMILIES",
    "Directory",
    "Lifetimes",
    "MemberKeys",
    "NodeEntry",
    "PublishReport",
    "PublishedKey",
    "Repository",
    "choose_recipient_key",
    "entry_from_keys",
]
