"""``puente demo``: a federation of three states (AR, BR, PY) on this machine, seeded with
realistic cases of every family, served until Ctrl-C. See :mod:`national_node.demo`.

Exit codes: 0 stopped by Ctrl-C or SIGTERM; 1 the demo could not start (the message says why).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Annotated

import typer

from national_node.cli.keys import fail
from national_node.demo import DEFAULT_PORT_BASE, STATES, DemoError, DemoOptions, running_demo
from national_node.serving import ServingError, stop_on_signals


def demo(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Keep the nodes' SQLite databases here (default: a temporary directory, "
            "deleted on exit). Databases left by an earlier demo there are replaced.",
        ),
    ] = None,
    port_base: Annotated[
        int,
        typer.Option(min=1, max=65533, help="AR's API port; BR and PY take the next two."),
    ] = DEFAULT_PORT_BASE,
    host: Annotated[str, typer.Option(help="The address the APIs listen on.")] = "127.0.0.1",
    amqp_url: Annotated[
        str | None,
        typer.Option(
            help="Exchange over RabbitMQ instead of in process: an administrator's URL, e.g. "
            "amqp://guest:guest@127.0.0.1:5672/ (a vhost per state, linked by shovels, "
            "deleted on exit; needs the management and shovel plugins).",
        ),
    ] = None,
    management_port: Annotated[
        int, typer.Option(min=1, max=65535, help="With --amqp-url: the management API's port.")
    ] = 15672,
) -> None:
    """Run a demo federation of AR, BR and PY nodes, seeded with cases of every family.

    Each node's API is served on its own port (OpenAPI documentation at /docs); the cases are
    the shared schema's sample conversations, replayed message by message through the API.
    Prints each node's URL and the demo accounts, then 'ready'. Ctrl-C stops it.
    """
    options = DemoOptions(
        directory=directory,
        host=host,
        port_base=port_base,
        amqp_url=amqp_url,
        management_port=management_port,
    )
    try:
        asyncio.run(_run(options))
    except (DemoError, ServingError) as error:
        fail(str(error))
    typer.echo("demo stopped")


async def _run(options: DemoOptions) -> None:
    started = time.monotonic()
    stop = asyncio.Event()
    stop_on_signals(stop)
    typer.echo(f"Puente demo: the nodes of {', '.join(STATES)}, seeded with the shared schema's")
    typer.echo("sample cases, each message sent through the API by its sender's user:")
    async with running_demo(options, progress=typer.echo) as running:
        typer.echo(f"\nNodes (SQLite in {running.directory}, {running.transport}):")
        for state, url in running.urls.items():
            typer.echo(f"  {state}  {url}    API documentation: {url}/docs")
        typer.echo(
            "\nDemo accounts (the same usernames at every node; POST /auth/login with "
            '{"username": ..., "password": ...}):'
        )
        typer.echo(f"  {'state':<6}{'username':<19}{'password':<29}authority")
        for account in running.accounts:
            typer.echo(
                f"  {account.state:<6}{account.username:<19}{account.password:<29}"
                f"{account.authority_id}"
            )
        typer.echo(
            f"\nready in {time.monotonic() - started:.1f} s: {len(running.urls)} nodes, "
            f"{len(running.cases)} cases (Ctrl-C stops the demo)"
        )
        await stop.wait()
        typer.echo("stopping...")
