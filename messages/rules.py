"""Legal rules of the schema, declared once: the validators raise them and docs/messages.md
lists them, with the source each one rests on.

A validator reports a broken rule with :meth:`LegalRule.violation`, which names the field, so
that an error reads ``grounds: BANK_SECRECY is not a permitted refusal ground ... [UNTOC art.
18(8)]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from messages.vocab import MessageType


@dataclass(frozen=True)
class LegalRule:
    """A rule the schema enforces on a message, with its legal or design source."""

    rule_id: str
    message_types: tuple[MessageType, ...]
    field: str
    """The dotted path (within the body, or 'header.…') the rule is about."""
    text: str
    source: str

    def violation(self, detail: str | None = None) -> ValueError:
        """The error a validator raises when the rule is broken."""
        message = f"{self.field}: {detail or self.text} [{self.source}]"
        return ValueError(message)
