"""Errors of the crypto layer.

An envelope that fails to open raises one :class:`EnvelopeError` carrying exactly one reason
code of protocol puente/1 (:class:`messages.transport.EnvelopeReason`); the gateway, the audit
log and the API use these codes and no others. The message says what failed for operators; a
peer is only ever told the code.
"""

from __future__ import annotations

from messages.errors import PuenteError
from messages.transport import EnvelopeReason


class EnvelopeError(PuenteError):
    """An envelope was rejected; ``reason`` is its puente/1 reason code."""

    def __init__(self, reason: EnvelopeReason, detail: str) -> None:
        self.reason = reason
        self.code = reason.value
        self.authenticated_as: tuple[str, str] | None = None
        """(iss, jti) when the failure came after the outer signature verified (steps 6-11):
        the sender is authenticated, so it may be told (a signed receipt); None for steps 1-5,
        which get no answer (no reflection)."""
        super().__init__(f"{reason.value}: {detail}")


class KeyFormatError(PuenteError):
    """A key or JWK is malformed or of an unsupported kind."""

    code = "key-format"


class KeyringError(PuenteError):
    """A key ring cannot be read, unlocked or used as asked."""

    code = "keyring"


class DirectoryError(PuenteError):
    """The federation directory is invalid, expired, or does not vouch for what was asked."""

    code = "directory"
