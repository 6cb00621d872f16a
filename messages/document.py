"""A message document: the common header and one typed body.

On the wire a document is the JSON object ``{"header": {...}, "body": {...}}``. The body's model
is chosen by ``header.message_type``; each body class names its family and type. Rules that need
the header and the body together (a refusal ground that the legal basis excludes, a
classification floor) are the body's :meth:`Body.check_header`.
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from pydantic import ValidationInfo, field_validator

from messages.base import WireModel
from messages.header import Header
from messages.vocab import Family, MessageType


class Body(WireModel):
    """Base of every message body."""

    FAMILY: ClassVar[Family]
    MESSAGE_TYPE: ClassVar[MessageType]

    def check_header(self, header: Header) -> None:
        """Raise ``ValueError`` naming the field when the body contradicts its header.

        The default has no rule; bodies with legal rules that involve the header override it.
        """


BodyT = TypeVar("BodyT", bound=Body)


class Document(WireModel, Generic[BodyT]):
    """A message document: ``Document[EvidenceRequest]`` and so on, one per message type."""

    header: Header
    body: BodyT

    @field_validator("body")
    @classmethod
    def _body_matches_header(cls, body: BodyT, info: ValidationInfo) -> BodyT:
        header = info.data.get("header")
        if not isinstance(header, Header):
            return body  # the header's own errors are already reported
        if header.message_type is not body.MESSAGE_TYPE:
            raise ValueError(
                f"header.message_type is {header.message_type} but the body is a "
                f"{body.MESSAGE_TYPE}"
            )
        body.check_header(header)
        return body

    def to_json(self) -> bytes:
        """The document's canonical wire form: compact UTF-8 JSON, members in schema order."""
        return self.model_dump_json(exclude_none=True).encode()


def document_class(body_type: type[BodyT]) -> type[Document[BodyT]]:
    """The document class of a body class: ``Document[EvidenceRequest]`` and so on."""
    return Document[body_type]  # type: ignore[valid-type]
