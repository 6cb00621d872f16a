"""The generated parts of docs/messages.md: the catalogue of families, message types, fields,
vocabularies, legal rules and lifecycles, rendered from the models themselves.

``puente schema docs`` rewrites the parts between ``<!-- BEGIN GENERATED: name -->`` and
``<!-- END GENERATED: name -->``; the test suite fails when the committed file differs from a
fresh rendering, so the catalogue cannot drift from the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Final

from messages.header import Header
from messages.lifecycle import Lifecycle
from messages.mla.service_levels import DEFAULT_SERVICE_LEVELS, EIO_LIKE
from messages.registry import LEGAL_RULES, LIFECYCLES
from messages.schema_export import document_schema
from messages.vocab import FAMILY_OF, Family, MessageType

_HEADER_MODELS: Final = (
    "Header",
    "NodeAuthority",
    "LegalBasisRef",
    "Handling",
    "Urgency",
    "AttachmentRef",
)
_MARKER: Final = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)"
    r"(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _type_of(node: dict[str, Any]) -> str:
    if "$ref" in node:
        name = str(node["$ref"]).removeprefix("#/$defs/")
        return f"[{name}](#{name.lower()})"
    if "anyOf" in node:
        options = [option for option in node["anyOf"] if option.get("type") != "null"]
        nullable = len(options) < len(node["anyOf"])
        text = " or ".join(_type_of(option) for option in options)
        return f"{text} (nullable)" if nullable else text
    if "allOf" in node:
        return " and ".join(_type_of(part) for part in node["allOf"])
    if "const" in node:
        return f"`{node['const']}`"
    kind = node.get("type", "any")
    if kind == "array":
        bounds = _bounds(node, "minItems", "maxItems")
        return f"list of {_type_of(node.get('items', {}))}{bounds}"
    if kind == "string":
        if "format" in node:
            return f"string ({node['format']})"
        bounds = _bounds(node, "minLength", "maxLength")
        return f"string{bounds}"
    if kind == "integer":
        return f"integer{_bounds(node, 'minimum', 'maximum')}"
    return str(kind)


def _bounds(node: dict[str, Any], low: str, high: str) -> str:
    if low in node or high in node:
        return f" [{node.get(low, '')}..{node.get(high, '')}]"
    return ""


def _model_section(name: str, node: dict[str, Any]) -> list[str]:
    lines = [f"#### {name}", ""]
    sealed = node.get("x-puente-sealed")
    if sealed is not None:
        readers = ", ".join(sealed["audience"])
        lines += [f"**Sealed section.** Readable only by: {readers}.", ""]
    if node.get("description"):
        lines += [_cell(node["description"]), ""]
    required = set(node.get("required", []))
    lines += ["| field | type | required | description |", "|---|---|---|---|"]
    for field, spec in node.get("properties", {}).items():
        lines.append(
            f"| `{field}` | {_type_of(spec)} | {'yes' if field in required else ''} "
            f"| {_cell(spec.get('description', ''))} |"
        )
    return [*lines, ""]


def _collect_defs(message_types: Iterable[MessageType]) -> dict[str, dict[str, Any]]:
    defs: dict[str, dict[str, Any]] = {}
    for message_type in message_types:
        defs.update(document_schema(message_type)["$defs"])
    return defs


def _enum_lines(defs: dict[str, dict[str, Any]], names: Iterable[str]) -> list[str]:
    lines = ["| vocabulary | values |", "|---|---|"]
    for name in sorted(names):
        values = ", ".join(f"`{value}`" for value in defs[name]["enum"])
        lines.append(f'| <a id="{name.lower()}"></a>{name} | {values} |')
    return [*lines, ""]


def _header_defs() -> dict[str, dict[str, Any]]:
    schema = Header.model_json_schema()
    return {"Header": schema, **schema["$defs"]}


def render_header() -> str:
    """The header's models, its vocabularies and the named types used everywhere."""
    defs = _collect_defs(list(MessageType))
    lines: list[str] = []
    for name in _HEADER_MODELS:
        lines += _model_section(name, defs[name])
    header_defs = _header_defs()
    enums = [n for n, d in header_defs.items() if "enum" in d and not _is_named_scalar(d)]
    lines += ["#### Header vocabularies", "", *_enum_lines(defs, enums)]
    lines += ["#### Named types", "", "| type | wire form | meaning |", "|---|---|---|"]
    for name in sorted(n for n, d in defs.items() if _is_named_scalar(d)):
        node = defs[name]
        form = f"string, pattern `{node['pattern']}`" if "pattern" in node else _type_of(node)
        if name == "StateCode":
            form = f"string, one of the {len(node['enum'])} ISO 3166-1 alpha-2 codes"
        meaning = _cell(node.get("description", ""))
        lines.append(f'| <a id="{name.lower()}"></a>{name} | {_cell(form)} | {meaning} |')
    return "\n".join([*lines, ""])


def _is_named_scalar(node: dict[str, Any]) -> bool:
    return node.get("type") == "string" and ("enum" not in node or node.get("title") == "StateCode")


def render_family(family: Family) -> str:
    """A family's message types, models and vocabularies."""
    types = [t for t in MessageType if FAMILY_OF[t] is family]
    defs = _collect_defs(types)
    header_defs = set(_header_defs())
    lines = ["| message type | description | sealed sections |", "|---|---|---|"]
    for message_type in types:
        schema = document_schema(message_type)
        sealed = sorted(n for n, d in schema["$defs"].items() if "x-puente-sealed" in d)
        summary = _cell(schema["description"].split("\n\n")[0])
        lines.append(
            f"| [{message_type}](#{str(message_type).lower()}) | {summary} "
            f"| {', '.join(sealed) or '—'} |"
        )
    lines.append("")
    objects = [n for n, d in defs.items() if d.get("type") == "object" and n not in header_defs]
    ordered = [str(t) for t in types if str(t) in objects]
    ordered += sorted(n for n in objects if n not in ordered)
    for name in ordered:
        lines += _model_section(name, defs[name])
    enums = [n for n, d in defs.items() if "enum" in d and n not in header_defs]
    enums = [n for n in enums if not _is_named_scalar(defs[n])]
    if enums:
        lines += ["#### Vocabularies", "", *_enum_lines(defs, enums)]
    return "\n".join(lines)


def render_rules() -> str:
    """Every legal rule the validators enforce, with its source."""
    lines = ["| rule | message types | field | rule | source |", "|---|---|---|---|---|"]
    for rule in LEGAL_RULES:
        types = ", ".join(str(t) for t in rule.message_types) or "all"
        lines.append(
            f"| `{rule.rule_id}` | {types} | `{rule.field}` | {_cell(rule.text)} "
            f"| {_cell(rule.source)} |"
        )
    return "\n".join(lines) + "\n"


def render_lifecycle(lifecycle: Lifecycle[Any, Any, Any]) -> str:
    """A lifecycle's states, transitions and rules."""
    lines = ["| state | meaning |", "|---|---|"]
    for state in lifecycle.states:
        mark = " (initial)" if state == lifecycle.initial else ""
        mark += " (terminal)" if state in lifecycle.terminal else ""
        lines.append(f"| `{state}`{mark} | {_cell(lifecycle.descriptions.get(state, ''))} |")
    lines += ["", "| from | trigger | to | when | guards |", "|---|---|---|---|---|"]
    for row in lifecycle.transitions:
        kind = "message" if isinstance(row.trigger, MessageType) else "local event"
        target = f"`{row.target}`" if row.target is not None else "the state before"
        guards = ", ".join(f"`{g.name}`" for g in row.guards)
        when = f"`{row.when.name}`" if row.when else ""
        lines.append(f"| `{row.source}` | {row.trigger} ({kind}) | {target} | {when} | {guards} |")
    rules = lifecycle.rules()
    if rules:
        lines += ["", "| condition or guard | meaning | source |", "|---|---|---|"]
        for rule in rules:
            lines.append(f"| `{rule.name}` | {_cell(rule.description)} | {_cell(rule.source)} |")
    return "\n".join(lines) + "\n"


def _days(value: timedelta | None) -> str:
    return f"{value.days} days" if value is not None else "as soon as possible"


def render_service_levels() -> str:
    """The default MLA timers per legal basis, and the EIO-like preset."""
    lines = [
        "| legal basis | acknowledge | decide | extension | execute | requester's deadline |",
        "|---|---|---|---|---|---|",
    ]
    levels = [(str(b), level) for b, level in DEFAULT_SERVICE_LEVELS.items()]
    for name, level in [*levels, ("preset `EIO_LIKE` (an override)", EIO_LIKE)]:
        lines.append(
            f"| {name} | {_days(level.ack_due)} | {_days(level.decision_due)} "
            f"| {_days(level.decision_extension) if level.decision_extension else '—'} "
            f"| {_days(level.execution_due)} "
            f"| {'honoured' if level.requested_deadline_applies else 'not applied'} |"
        )
    return "\n".join(lines) + "\n"


def generated_sections() -> dict[str, str]:
    """Name -> content of every generated section of docs/messages.md."""
    sections = {
        "header": render_header(),
        "legal-rules": render_rules(),
        "service-levels": render_service_levels(),
    }
    for family in Family:
        sections[f"family-{family.value.replace('_', '-')}"] = render_family(family)
    for family, lifecycle in LIFECYCLES.items():
        sections[f"lifecycle-{family.value.replace('_', '-')}"] = render_lifecycle(lifecycle)
    return sections


def fill(template: str, sections: dict[str, str] | None = None) -> str:
    """``template`` with every generated section replaced by a fresh rendering.

    Raises:
        KeyError: the template names a section that does not exist.
        ValueError: a section is missing from the template.
    """
    sections = sections if sections is not None else generated_sections()
    used: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        used.add(name)
        return f"{match.group(1)}\n{sections[name].rstrip()}\n\n{match.group(4)}"

    result = _MARKER.sub(replace, template)
    missing = sorted(set(sections) - used)
    if missing:
        raise ValueError(f"docs/messages.md lacks generated sections: {', '.join(missing)}")
    return result
