"""Errors of the gateway."""

from __future__ import annotations

from messages.errors import PuenteError


class TransportError(PuenteError):
    """The broker did not take a message (no confirm, connection lost, refused)."""

    code = "transport"
    retryable = True
