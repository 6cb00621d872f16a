"""The root of Puente's error tree and the errors of the schema layer.

Every Puente error has a stable ``code`` (what may cross a node boundary or reach an API client)
and ``diagnostics()`` (what an operator reads). Schema errors never echo the rejected input: a
message may carry personal data, and an error message ends up in logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError


class PuenteError(Exception):
    """Root of every error Puente raises on purpose."""

    code: str = "puente-error"
    retryable: bool = False

    def diagnostics(self) -> str:
        """A human-readable explanation for operators."""
        return str(self)


@dataclass(frozen=True)
class FieldProblem:
    """One reason a document was rejected: the dotted path of the field and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(document)'}: {self.message}"


def _loc_to_path(loc: Sequence[int | str], *, skip_tag: bool) -> str:
    parts = list(loc[1:] if skip_tag and loc else loc)
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class MalformedMessage(PuenteError):
    """A message document does not conform to the schema or to a legal rule of the schema."""

    code = "schema-invalid"

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        summary = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"invalid message document: {summary}{more}")

    @classmethod
    def from_validation_error(
        cls, error: ValidationError, *, tagged_union: bool = False
    ) -> MalformedMessage:
        """Translate pydantic's error, dropping the union tag from each location if present."""
        problems = [
            FieldProblem(_loc_to_path(e["loc"], skip_tag=tagged_union), e["msg"])
            for e in error.errors(include_url=False, include_input=False)
        ]
        return cls(problems)

    @property
    def paths(self) -> tuple[str, ...]:
        """The dotted paths of the offending fields."""
        return tuple(p.path for p in self.problems)


class UnsupportedMessageType(MalformedMessage):
    """The header names a message type or schema version this implementation does not know."""


class IllegalTransition(PuenteError):
    """A message or local event is not allowed in the case's current business state."""

    code = "illegal-transition"


class GuardFailed(IllegalTransition):
    """The transition exists but one of its guards (a legal or policy condition) does not hold."""

    code = "guard-failed"

    def __init__(self, message: str, *, guards: Sequence[str]) -> None:
        self.guards = tuple(guards)
        super().__init__(message)
