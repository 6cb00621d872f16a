"""JSON Schema (draft 2020-12) of every message type, for other states' implementers.

``puente schema export DIR`` writes one file per message type, ``<family>.<Type>.schema.json``,
and ``index.json``; the test suite checks that the files committed in ``docs/schema/`` equal a
fresh export and that no change to the models breaks compatibility with them
(:mod:`messages.compat`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from messages.compat import Change, compare, required_change, version_allows
from messages.header import SCHEMA_VERSION
from messages.registry import BODY_OF, DOCUMENT_OF, all_examples
from messages.vocab import FAMILY_OF, MessageType

JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
INDEX_FILE: Final = "index.json"


def schema_file_name(message_type: MessageType) -> str:
    """The file name of a message type's schema, e.g. ``mla.EvidenceRequest.schema.json``."""
    return f"{FAMILY_OF[message_type]}.{message_type}.schema.json"


def schema_id(message_type: MessageType) -> str:
    """The schema's ``$id``: a URN, so that no host is implied."""
    return f"urn:puente:schema:{FAMILY_OF[message_type]}.{message_type}"


def _sealed_defs(schema: dict[str, Any]) -> list[str]:
    return sorted(
        name for name, node in schema.get("$defs", {}).items() if "x-puente-sealed" in node
    )


def document_schema(message_type: MessageType) -> dict[str, Any]:
    """The JSON Schema of a whole document of ``message_type`` (header and body)."""
    document = DOCUMENT_OF[message_type]
    body = BODY_OF[message_type]
    generated = document.model_json_schema(mode="validation")
    properties = dict(generated["properties"])
    # The shared Header definition admits every type; pin this document's type and family.
    properties["header"] = {
        "allOf": [
            properties["header"],
            {
                "properties": {
                    "family": {"const": str(FAMILY_OF[message_type])},
                    "message_type": {"const": str(message_type)},
                },
            },
        ]
    }
    description = (body.__doc__ or "").strip()
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_id(message_type),
        "title": f"{FAMILY_OF[message_type]}.{message_type}",
        "description": description,
        "x-puente-schema-version": SCHEMA_VERSION,
        "type": "object",
        "additionalProperties": False,
        "required": generated["required"],
        "properties": properties,
        "$defs": generated.get("$defs", {}),
    }


def index_document() -> dict[str, Any]:
    """The index of every message type's schema file."""
    entries = []
    for message_type in MessageType:
        schema = document_schema(message_type)
        entries.append(
            {
                "family": str(FAMILY_OF[message_type]),
                "message_type": str(message_type),
                "file": schema_file_name(message_type),
                "$id": schema_id(message_type),
                "sealed_sections": _sealed_defs(schema),
            }
        )
    return {
        "title": "Puente message schemas",
        "schema_version": SCHEMA_VERSION,
        "dialect": JSON_SCHEMA_DIALECT,
        "document_shape": {"header": "Header", "body": "one body per message type"},
        "sealed_marker": "x-puente-sealed",
        "messages": entries,
    }


def render_json(value: Any) -> str:
    """The one textual form of committed JSON: two-space indent, UTF-8, final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def exported_files() -> dict[str, str]:
    """File name -> content of a full export."""
    files = {
        schema_file_name(message_type): render_json(document_schema(message_type))
        for message_type in MessageType
    }
    files[INDEX_FILE] = render_json(index_document())
    return files


def check_export(directory: Path) -> list[str]:
    """Problems that forbid replacing the schemas committed in ``directory`` by a fresh export.

    A change is allowed when the version bump from the committed ``index.json`` to
    :data:`SCHEMA_VERSION` is at least what :func:`messages.compat.compare` requires; a message
    type that disappears is always a major change.
    """
    index_path = directory / INDEX_FILE
    if not index_path.exists():
        return []
    old_version = str(json.loads(index_path.read_text(encoding="utf-8"))["schema_version"])
    problems = []
    fresh = exported_files()
    for path in sorted(directory.glob("*.schema.json")):
        if path.name not in fresh:
            needed: Change | None = Change.MAJOR
            differences = [f"{path.name}: message type removed"]
        else:
            found = compare(
                json.loads(path.read_text(encoding="utf-8")), json.loads(fresh[path.name])
            )
            needed = required_change(found)
            differences = [f"{path.name}: {d}" for d in found]
        if not version_allows(old_version, SCHEMA_VERSION, needed):
            problems.append(
                f"{path.name}: needs a {needed} version bump from {old_version}, "
                f"but SCHEMA_VERSION is {SCHEMA_VERSION}"
            )
            problems.extend(f"  {line}" for line in differences)
    return problems


def example_file_name(message_type: MessageType) -> str:
    return f"{FAMILY_OF[message_type]}.{message_type}.json"


def example_files() -> dict[str, str]:
    """File name -> content: the first example of every message type, pretty-printed."""
    files: dict[str, str] = {}
    for document in all_examples():
        name = example_file_name(document.header.message_type)
        if name not in files:
            files[name] = render_json(json.loads(document.to_json()))
    return files
