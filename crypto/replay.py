"""The replay store: which (iss, jti) pairs this node has already accepted past step 7.

A pair is kept until ``exp + skew`` (after which the envelope would be refused as expired
anyway). The node's database implements the same protocol with a unique index; this module's
in-memory store serves the test vectors, the conformance command and tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class ReplayStore(Protocol):
    def remember(self, iss: str, jti: str, keep_until: int, now: int) -> bool:
        """Record the pair; return False if it was already recorded (a replay)."""
        ...


@dataclass
class InMemoryReplayStore:
    """A replay store in a dict, pruned of expired pairs as it goes."""

    _seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def remember(self, iss: str, jti: str, keep_until: int, now: int) -> bool:
        if len(self._seen) > 10_000:
            self._seen = {pair: until for pair, until in self._seen.items() if until >= now}
        key = (iss, jti)
        until = self._seen.get(key)
        if until is not None and until >= now:
            return False
        self._seen[key] = keep_until
        return True
