"""``puente schema``: export the JSON Schemas, the examples and the catalogue; validate files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from messages.catalogue import fill
from messages.errors import MalformedMessage
from messages.registry import parse_document
from messages.schema_export import check_export, example_files, exported_files

schema_app = typer.Typer(help="The shared message schema.", no_args_is_help=True)

_DIR = Annotated[Path, typer.Argument(help="Directory to write to (created if missing).")]


def _write_all(directory: Path, files: dict[str, str], suffix: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob(f"*{suffix}"):
        if stale.name not in files:
            stale.unlink()
    for name, content in files.items():
        (directory / name).write_text(content, encoding="utf-8")
    typer.echo(f"wrote {len(files)} files to {directory}")


@schema_app.command("export")
def export(
    directory: _DIR = Path("docs/schema"),
    force: Annotated[
        bool, typer.Option(help="Overwrite even if the change needs a larger version bump.")
    ] = False,
) -> None:
    """Write one JSON Schema per message type and index.json into DIRECTORY.

    Refuses to overwrite committed schemas with a change the schema version does not allow
    (a breaking change in a minor version, an addition without a minor bump).
    """
    problems = check_export(directory) if directory.exists() else []
    if problems and not force:
        for problem in problems:
            typer.echo(problem, err=True)
        typer.echo("refusing to overwrite: bump SCHEMA_VERSION or pass --force", err=True)
        raise typer.Exit(1)
    _write_all(directory, exported_files(), ".json")


@schema_app.command("examples")
def examples(directory: _DIR = Path("docs/examples")) -> None:
    """Write a realistic example document of every message type into DIRECTORY."""
    _write_all(directory, example_files(), ".json")


@schema_app.command("docs")
def docs(
    path: Annotated[Path, typer.Argument(help="The catalogue to refresh.")] = Path(
        "docs/messages.md"
    ),
) -> None:
    """Refresh the generated sections of the message catalogue."""
    path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    typer.echo(f"refreshed {path}")


@schema_app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="JSON message documents.")],
) -> None:
    """Validate message documents; print 'ok' or every problem, exit 1 if any is invalid."""
    failed = False
    for file in files:
        try:
            document = parse_document(file.read_bytes())
        except MalformedMessage as error:
            failed = True
            typer.echo(f"{file}: INVALID")
            for problem in error.problems:
                typer.echo(f"  {problem}")
        except OSError as error:
            failed = True
            typer.echo(f"{file}: cannot read: {error.strerror}")
        else:
            typer.echo(f"{file}: ok ({document.header.family}.{document.header.message_type})")
    if failed:
        raise typer.Exit(1)
