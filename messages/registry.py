"""Every message type's body class and document class, and the parser of documents.

This is the one place that knows all families; everything that must handle any message (the
crypto layer, the gateway, the node) goes through :func:`parse_document`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Final, Union

from pydantic import Discriminator, Tag, TypeAdapter, ValidationError

from messages import mla, repatriation, statistics, transport, witness_protection
from messages.document import Body, Document, document_class
from messages.errors import FieldProblem, MalformedMessage, UnsupportedMessageType
from messages.lifecycle import Lifecycle
from messages.rules import LegalRule
from messages.vocab import Family, MessageType

BODIES: Final[tuple[type[Body], ...]] = (
    *mla.BODIES,
    *repatriation.BODIES,
    *witness_protection.BODIES,
    *statistics.BODIES,
    *transport.BODIES,
)

BODY_OF: Final[dict[MessageType, type[Body]]] = {body.MESSAGE_TYPE: body for body in BODIES}

DOCUMENT_OF: Final[dict[MessageType, type[Document[Any]]]] = {
    message_type: document_class(body) for message_type, body in BODY_OF.items()
}

LEGAL_RULES: Final[tuple[LegalRule, ...]] = (
    *mla.LEGAL_RULES,
    *repatriation.LEGAL_RULES,
    *witness_protection.LEGAL_RULES,
    *statistics.LEGAL_RULES,
)


@dataclass(frozen=True)
class FamilySpec:
    """What a business family provides beyond its bodies: its lifecycle and samples."""

    lifecycle: Lifecycle[Any, Any, Any]
    new_case: Callable[[], Any]
    """A case in the lifecycle's initial state."""
    example_conversations: Callable[[], list[list[Document[Any]]]]
    """Sample cases, each a list of documents that applies cleanly in order."""


FAMILY_SPECS: Final[dict[Family, FamilySpec]] = {
    Family.MLA: FamilySpec(mla.LIFECYCLE, mla.new_case, mla.example_conversations),
    Family.REPATRIATION: FamilySpec(
        repatriation.LIFECYCLE, repatriation.new_case, repatriation.example_conversations
    ),
    Family.WITNESS_PROTECTION: FamilySpec(
        witness_protection.LIFECYCLE,
        witness_protection.new_case,
        witness_protection.example_conversations,
    ),
    Family.STATISTICS: FamilySpec(
        statistics.LIFECYCLE, statistics.new_case, statistics.example_conversations
    ),
}

LIFECYCLES: Final[dict[Family, Lifecycle[Any, Any, Any]]] = {
    family: spec.lifecycle for family, spec in FAMILY_SPECS.items()
}


def _message_type_of(value: Any) -> str | None:
    if isinstance(value, dict):
        header = value.get("header")
        if isinstance(header, dict):
            message_type = header.get("message_type")
            return message_type if isinstance(message_type, str) else None
        return None
    if isinstance(value, Document):
        return str(value.header.message_type)
    return None


def _any_document_type() -> Any:
    tagged = tuple(Annotated[doc, Tag(str(t))] for t, doc in DOCUMENT_OF.items())
    return Annotated[
        Union[tagged],  # noqa: UP007 - a Union built from a tuple of types
        Discriminator(
            _message_type_of,
            custom_error_type="unknown_message_type",
            custom_error_message="header.message_type is missing or not a known message type",
        ),
    ]


_ANY_DOCUMENT: Final[TypeAdapter[Document[Any]]] = TypeAdapter(_any_document_type())


def parse_document(raw: bytes | str) -> Document[Any]:
    """Parse and validate a message document from its JSON wire form.

    Raises:
        UnsupportedMessageType: the header's message type is missing or unknown.
        MalformedMessage: anything else is wrong; ``problems`` lists each field and reason.
    """
    try:
        return _ANY_DOCUMENT.validate_json(raw)
    except ValidationError as error:
        if any(e["type"] == "unknown_message_type" for e in error.errors()):
            raise UnsupportedMessageType(
                [FieldProblem("header.message_type", "missing or not a known message type")]
            ) from None
        raise MalformedMessage.from_validation_error(error, tagged_union=True) from None


def all_examples() -> list[Document[Any]]:
    """Realistic sample documents of every family, at least one of every message type."""
    return [
        *mla.examples(),
        *repatriation.examples(),
        *witness_protection.examples(),
        *statistics.examples(),
        *transport.examples(),
    ]
