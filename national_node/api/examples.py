"""OpenAPI examples, taken from the schema's own realistic sample cases (fictional people)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from fastapi.openapi.models import Example

from messages.document import Document
from messages.registry import FAMILY_SPECS
from messages.vocab import Family


def as_draft(document: Document[Any], *, first: bool) -> dict[str, Any]:
    """A sample document as a user would draft it (the node fills in the rest)."""
    data = json.loads(document.to_json())
    header = data["header"]
    draft: dict[str, Any] = {"message_type": header["message_type"], "body": data["body"]}
    if first:
        draft["recipient"] = header["recipient"]
    for name in ("legal_basis", "classification", "handling", "language", "urgency"):
        if name in header:
            draft[name] = header[name]
    return draft


@cache
def draft_examples(family: Family) -> dict[str, Example]:
    conversation = FAMILY_SPECS[family].example_conversations()[0]
    examples: dict[str, Example] = {}
    for index, document in enumerate(conversation[:3]):
        name = str(document.header.message_type)
        examples[name] = Example(
            summary=f"{name} (sample case {document.header.case_ref})",
            value=as_draft(document, first=index == 0),
        )
    return examples
