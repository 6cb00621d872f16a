"""``puente envelope``: the puente/1 envelope's conformance tools for implementers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crypto.vectors import VectorFormatError, check_file

envelope_app = typer.Typer(help="The puente/1 sealed envelope.", no_args_is_help=True)


@envelope_app.command("check-vectors")
def check_vectors(
    file: Annotated[Path, typer.Argument(help="A vector file (docs/test-vectors/README.md).")],
) -> None:
    """Judge every case of FILE with Puente's code; one line per case; exit 1 on a disagreement.

    Each case is opened with the sender's public key from the case as the only key bound to its
    state, the recipient's private key from the case, the clock at the case's ``now``, a skew
    of 300 s, a cap of 16 MiB and a fresh replay store. Exit 2 if FILE cannot be read as a
    vector file.
    """
    try:
        agreed = check_file(file, typer.echo)
    except OSError as error:
        typer.echo(f"{file}: cannot read: {error.strerror}", err=True)
        raise typer.Exit(2) from None
    except VectorFormatError as error:
        typer.echo(f"{file}: not a vector file: {error}", err=True)
        raise typer.Exit(2) from None
    if not agreed:
        raise typer.Exit(1)
