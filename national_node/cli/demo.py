"""``puente demo``: a tour of the shared schema and its lifecycles.

Until the national node exists this demonstrates the schema: it walks the example case of every
family through its lifecycle, shows which parts of each message are sealed and who may read
them, and shows the legal rules refusing invalid messages.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import typer

from messages.document import Document
from messages.errors import IllegalTransition, MalformedMessage
from messages.header import SCHEMA_VERSION
from messages.lifecycle import apply
from messages.registry import BODIES, FAMILY_SPECS, all_examples, parse_document
from messages.sealed import iter_sealed
from messages.vocab import Family


def _walk_family(family: Family) -> None:
    spec = FAMILY_SPECS[family]
    conversations = spec.example_conversations()
    for number, conversation in enumerate(conversations):
        first = conversation[0].header
        typer.secho(
            f"\n== {family}: {first.sender.state} ↔ {first.recipient.state}, case {first.case_ref}",
            bold=True,
        )
        case = spec.new_case()
        path = [str(case.state)]
        for document in conversation:
            header = document.header
            before = case.state
            try:
                case = apply(spec.lifecycle, case, document, now=header.sent_at)
            except IllegalTransition as error:  # the examples are tested; this is a guard rail
                typer.secho(f"   {error}", fg="red")
                break
            if case.state != before:
                path.append(str(case.state))
            if number > 0:
                continue  # the first case of each family in full, the others as a path
            move = f"{before} → {case.state}" if before != case.state else f"{case.state}"
            typer.echo(
                f"  {_when(header.sent_at)}  {header.sender.state}→{header.recipient.state}  "
                f"{header.message_type:<30} {move:<40} {_sealed_summary(document)}"
            )
        if number > 0:
            typer.echo(f"  {len(conversation)} messages: {' → '.join(path)}")


def _sealed_summary(document: Document[Any]) -> str:
    sections = list(iter_sealed(document))
    if not sections:
        return ""
    readers = sorted({role.value for _, section in sections for role in section.AUDIENCE})
    return f"[{len(sections)} sealed, for {', '.join(readers)}]"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _show_rejections(documents: list[Document[Any]]) -> None:
    typer.secho("\n== The schema refuses what the law does not allow", bold=True)
    refusal = next(d for d in documents if d.header.message_type == "RefusalNotice")
    wire = json.loads(refusal.to_json())
    wire["header"]["legal_basis"] = [{"basis": "UNTOC_ART18"}]
    wire["body"]["grounds"] = ["BANK_SECRECY"]
    _try("a refusal on bank-secrecy grounds under UNTOC art. 18", wire)
    request = next(d for d in documents if d.header.message_type == "WPCooperationRequest")
    wire = json.loads(request.to_json())
    wire["header"]["classification"] = "RESTRICTED"
    _try("a witness-protection message marked RESTRICTED", wire)
    wire = json.loads(request.to_json())
    wire["header"]["recipient"]["state"] = "XX"
    _try("a message to a state that does not exist", wire)


def _try(label: str, wire: dict[str, Any]) -> None:
    try:
        parse_document(json.dumps(wire))
    except MalformedMessage as error:
        typer.echo(f"  {label}:")
        for problem in error.problems:
            typer.secho(f"    {problem}", fg="yellow")
    else:  # pragma: no cover - would be a schema defect
        typer.secho(f"  {label}: ACCEPTED (schema defect)", fg="red")


def demo() -> None:
    """Tour the shared schema: example cases of every family walked through their lifecycles."""
    documents = all_examples()
    typer.secho(
        f"Puente shared schema {SCHEMA_VERSION}: {len(BODIES)} message types in "
        f"{len(Family)} families; {len(documents)} example documents.",
        bold=True,
    )
    for family in FAMILY_SPECS:
        _walk_family(family)
    _show_rejections(documents)
    typer.echo(
        "\nJSON Schemas: docs/schema/   examples: docs/examples/   catalogue: docs/messages.md"
    )
