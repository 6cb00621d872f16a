"""The committed JSON Schemas are current, compatible, valid draft 2020-12, and strict."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from messages.header import SCHEMA_VERSION
from messages.schema_export import (
    INDEX_FILE,
    check_export,
    document_schema,
    exported_files,
    schema_file_name,
)
from messages.vocab import Family, MessageType

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "docs" / "schema"


def test_committed_schemas_equal_a_fresh_export() -> None:
    committed = {path.name: path.read_text(encoding="utf-8") for path in SCHEMA_DIR.glob("*.json")}
    fresh = exported_files()
    assert sorted(committed) == sorted(fresh), "run: .venv/bin/puente schema export docs/schema"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert stale == [], f"stale schemas {stale}; run: .venv/bin/puente schema export docs/schema"


def test_no_model_change_breaks_the_committed_schemas() -> None:
    # Compares the models against what is committed: a breaking change within the same major
    # version (a removed field, a new required field, a narrowed type) fails here.
    assert check_export(SCHEMA_DIR) == []


def test_the_index_lists_every_message_type_once() -> None:
    index = json.loads((SCHEMA_DIR / INDEX_FILE).read_text(encoding="utf-8"))
    assert index["schema_version"] == SCHEMA_VERSION
    assert [entry["message_type"] for entry in index["messages"]] == [str(t) for t in MessageType]
    for entry in index["messages"]:
        assert (SCHEMA_DIR / entry["file"]).exists()


@pytest.mark.parametrize("message_type", list(MessageType))
def test_each_schema_is_valid_draft_2020_12(message_type: MessageType) -> None:
    schema = json.loads((SCHEMA_DIR / schema_file_name(message_type)).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def nodes(schema: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema with its path; sealed definitions are marked in the path."""
    if isinstance(schema, dict):
        yield path, schema
        for key, value in schema.items():
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    yield from nodes(sub, f"{path}/{key}/{name}")
            elif key in ("items", "additionalProperties") and isinstance(value, dict):
                yield from nodes(value, f"{path}/{key}")
            elif key in ("anyOf", "allOf", "oneOf"):
                for index, sub in enumerate(value):
                    yield from nodes(sub, f"{path}/{key}/{index}")


@pytest.mark.parametrize("message_type", list(MessageType))
def test_every_schema_is_closed_bounded_and_float_free(message_type: MessageType) -> None:
    problems = []
    for path, node in nodes(document_schema(message_type)):
        kind = node.get("type")
        if kind == "number":
            problems.append(f"{path}: JSON number (floats are not used on the wire)")
        if kind == "object" and node.get("additionalProperties") is not False:
            problems.append(f"{path}: object open to unknown members")
        if kind == "string" and not (
            {"maxLength", "pattern", "enum", "const", "format"} & set(node)
        ):
            problems.append(f"{path}: unbounded string")
        if kind == "array" and "maxItems" not in node:
            problems.append(f"{path}: unbounded list")
        if kind == "integer" and "maximum" not in node:
            problems.append(f"{path}: unbounded integer")
    assert problems == []


def test_witness_protection_dossiers_are_sealed_for_the_protection_unit_only() -> None:
    audiences = []
    for message_type in MessageType:
        schema = document_schema(message_type)
        for name, definition in schema["$defs"].items():
            if "x-puente-sealed" in definition:
                audiences.append((message_type, name, definition["x-puente-sealed"]["audience"]))
    assert audiences, "no sealed section anywhere"
    for message_type, name, audience in audiences:
        assert audience, f"{message_type}: sealed {name} has no audience"
        if (
            str(message_type).startswith("WP")
            or message_type is MessageType.TESTIMONY_ARRANGEMENT_REQUEST
        ):
            assert audience == ["WP_UNIT"], f"{name} must be readable by WP_UNIT only"


def test_statistics_carry_no_sealed_section() -> None:
    for message_type in MessageType:
        schema = document_schema(message_type)
        if schema["title"].startswith(f"{Family.STATISTICS}."):
            assert not [d for d in schema["$defs"].values() if "x-puente-sealed" in d]
