"""docs/examples/ holds a valid, current example of every message type for implementers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from messages.registry import parse_document
from messages.schema_export import example_file_name, example_files, schema_file_name
from messages.vocab import MessageType

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_committed_examples_equal_a_fresh_rendering() -> None:
    committed = {p.name: p.read_text(encoding="utf-8") for p in (DOCS / "examples").glob("*.json")}
    fresh = example_files()
    assert sorted(committed) == sorted(fresh), "run: .venv/bin/puente schema examples"
    assert [n for n in fresh if committed[n] != fresh[n]] == [], "run: puente schema examples"


@pytest.mark.parametrize("message_type", list(MessageType))
def test_the_example_validates_against_its_json_schema(message_type: MessageType) -> None:
    schema = json.loads((DOCS / "schema" / schema_file_name(message_type)).read_text("utf-8"))
    example = json.loads((DOCS / "examples" / example_file_name(message_type)).read_text("utf-8"))
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(example)]
    assert errors == []


@pytest.mark.parametrize("message_type", list(MessageType))
def test_the_example_round_trips_through_the_models_unchanged(message_type: MessageType) -> None:
    text = (DOCS / "examples" / example_file_name(message_type)).read_text(encoding="utf-8")
    document = parse_document(text)
    assert document.header.message_type is message_type
    assert json.loads(document.to_json()) == json.loads(text)
    assert parse_document(document.to_json()) == document


def test_the_json_schema_rejects_what_the_models_reject() -> None:
    # The published schema is not merely descriptive: an unknown member, a bad state or a
    # float fails with jsonschema too.
    message_type = MessageType.EVIDENCE_REQUEST
    schema = json.loads((DOCS / "schema" / schema_file_name(message_type)).read_text("utf-8"))
    example = json.loads((DOCS / "examples" / example_file_name(message_type)).read_text("utf-8"))
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    for edit in (
        lambda d: d["header"].update(surname="x"),
        lambda d: d["header"]["recipient"].update(state="XX"),
        lambda d: d["header"].update(sent_at="2026-03-02T10:00:00-03:00"),
        lambda d: d["header"].update(message_type="AggregateRelease"),
    ):
        changed = json.loads(json.dumps(example))
        edit(changed)
        assert not validator.is_valid(changed)
