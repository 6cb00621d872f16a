"""The ``puente`` command line."""

from __future__ import annotations

import typer

from national_node.cli.audit import audit_app
from national_node.cli.demo import demo
from national_node.cli.directory import directory_app
from national_node.cli.envelope import envelope_app
from national_node.cli.keys import keys_app
from national_node.cli.node import node_app
from national_node.cli.schema import schema_app
from national_node.cli.users import user_app

app = typer.Typer(
    name="puente",
    help="Puente: national nodes that cooperate against trafficking in persons.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(schema_app, name="schema")
app.add_typer(envelope_app, name="envelope")
app.add_typer(keys_app, name="keys")
app.add_typer(directory_app, name="directory")
app.add_typer(node_app, name="node")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
app.command()(demo)


def main() -> None:
    """Entry point of the ``puente`` console script."""
    app()
