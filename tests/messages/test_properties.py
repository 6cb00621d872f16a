"""Property-based tests (hypothesis) over every message type.

Valid messages: start from an example of any type and replace up to four leaves with values
drawn from the leaf's own JSON Schema (any enum member, any string matching the pattern, any
integer in range, any instant, ...); whatever the models accept must round-trip unchanged.

Invalid messages: apply one mutation that breaks the schema at a known place (a value of the
wrong JSON type, a value outside its enumeration or bounds, an unknown member, a missing
required member); the parser must reject it with a problem naming that field.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from messages.errors import MalformedMessage
from messages.registry import all_examples, parse_document
from messages.schema_export import document_schema
from messages.types import format_utc

EXAMPLES = [json.loads(d.to_json()) for d in all_examples()]
SCHEMAS = {
    str(d.header.message_type): document_schema(d.header.message_type) for d in all_examples()
}
# Changing these turns a document into another type; that is the registry's business.
FIXED = {("header", "message_type"), ("header", "family"), ("header", "schema_version")}

Path = tuple[str | int, ...]


def path_text(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = root["$defs"][node["$ref"].removeprefix("#/$defs/")]
    if "allOf" in node:
        return resolve(node["allOf"][0], root)
    return node


def schema_at(root: dict[str, Any], path: Path) -> dict[str, Any]:
    node = resolve(root, root)
    for part in path:
        node = non_null(node, root)
        node = resolve(node["items"] if isinstance(part, int) else node["properties"][part], root)
    return non_null(node, root)


def non_null(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        return resolve(options[0], root)
    return resolve(node, root)


def leaves(value: Any, path: Path = ()) -> list[Path]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in leaves(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in leaves(item, (*path, index))]
    return [path]


def containers(value: Any, path: Path = ()) -> list[Path]:
    found = [path] if isinstance(value, dict) else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += containers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += containers(item, (*path, index))
    return found


def get(document: Any, path: Path) -> Any:
    for part in path:
        document = document[part]
    return document


def put(document: Any, path: Path, value: Any) -> None:
    get(document, path[:-1])[path[-1]] = value


def value_for(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Any valid value of a leaf schema."""
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "const" in node:
        return st.just(node["const"])
    kind = node.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(node.get("minimum", 0), node.get("maximum", 2**31))
    if kind == "string":
        if node.get("format") == "date-time":
            return st.datetimes(timezones=st.just(UTC)).map(format_utc)
        if node.get("format") == "date":
            return st.dates().map(lambda d: d.isoformat())
        if node.get("format") == "uuid":
            return st.uuids().map(str)
        low, high = node.get("minLength", 0), node.get("maxLength", 10_000)
        pattern = node.get("pattern", "")
        if pattern and not pattern.startswith("^[^\\x00"):
            return st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)
        printable = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
        return st.text(printable, min_size=max(low, 1), max_size=min(high, 64))
    return st.nothing()


@st.composite
def valid_documents(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    schema = SCHEMAS[document["header"]["message_type"]]
    editable = [p for p in leaves(document) if p[:2] not in FIXED]
    for path in draw(st.lists(st.sampled_from(editable), max_size=4, unique=True)):
        put(document, path, draw(value_for(schema_at(schema, path))))
    return document


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_documents())
def test_random_valid_messages_round_trip(wire: dict[str, Any]) -> None:
    try:
        document = parse_document(json.dumps(wire))
    except MalformedMessage:
        assume(False)  # a cross-field or legal rule refused the combination: not a valid message
        raise
    again = parse_document(document.to_json())
    assert again == document
    assert again.to_json() == document.to_json()


@st.composite
def mutations(draw: st.DrawFn) -> tuple[dict[str, Any], Path, str]:
    """A document broken at one path, the path, and how it was broken."""
    document = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    schema = SCHEMAS[document["header"]["message_type"]]
    kind = draw(st.sampled_from(["wrong-type", "out-of-range", "unknown-member", "missing"]))
    if kind in ("unknown-member", "missing"):
        path = draw(st.sampled_from(containers(document)))
        node = schema_at(schema, path)
        if kind == "unknown-member":
            member = draw(st.sampled_from(["surname", "note", "x_extra", "Header", "legal"]))
            assume(member not in node.get("properties", {}))
            get(document, path)[member] = draw(st.sampled_from([1, "x", None, [], {}]))
            return document, (*path, member), kind
        required = [name for name in node.get("required", []) if name in get(document, path)]
        assume(required and (*path, required[0])[:2] not in FIXED)
        name = draw(st.sampled_from(required))
        assume((*path, name)[:2] not in FIXED)
        del get(document, path)[name]
        return document, (*path, name), kind
    path = draw(st.sampled_from(leaves(document)))
    node = schema_at(schema, path)
    if kind == "wrong-type":
        current = get(document, path)
        replacement = {str: 12345, int: "12", bool: "true", type(None): 0.5}.get(type(current), 0.5)
        if isinstance(current, bool):
            replacement = 1
        put(document, path, replacement)
        return document, path, kind
    # out of range: outside the enumeration, the bounds or the pattern of the leaf
    if "enum" in node:
        put(document, path, "NOT_A_MEMBER")
    elif node.get("type") == "integer" and "maximum" in node:
        put(document, path, node["maximum"] + 1)
    elif node.get("type") == "string" and "maxLength" in node:
        put(document, path, "x" * (node["maxLength"] + 1))
    elif node.get("type") == "string":
        put(document, path, "\u0000not a valid value\u0000")
    else:
        assume(False)
    return document, path, kind


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_random_mutations_are_rejected_naming_the_field(
    mutation: tuple[dict[str, Any], Path, str],
) -> None:
    wire, path, kind = mutation
    with pytest.raises(MalformedMessage) as caught:
        parse_document(json.dumps(wire))
    target = path_text(path)
    named = [
        p for p in caught.value.paths if p == target or p.startswith((target + ".", target + "["))
    ]
    assert named, f"{kind} at {target}: problems name {caught.value.paths}"
