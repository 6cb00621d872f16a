"""``puente user``: a node's users, from the command line (the admin API does the same).

The password is asked for on the terminal (twice), or read from standard input with
``--password-stdin`` (one line), never taken as an argument.

Exit codes: 0 done; 1 refused (the message says what); 2 bad usage.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.store import make_engine
from national_node.cli.keys import fail
from national_node.cli.node import ConfigOption, database_refusals, settings_from
from national_node.db import current_revision
from national_node.roles import Role
from national_node.users import UserError, add_user

user_app = typer.Typer(help="A node's users and their roles.", no_args_is_help=True)


class NoDatabase(Exception):
    """The node's database has not been set up."""


async def _add(url: str, username: str, password: str, role: Role, authority: str) -> None:
    engine = make_engine(url)
    try:
        if await current_revision(engine) is None:
            raise NoDatabase
        async with AsyncSession(engine, expire_on_commit=False) as session:
            await add_user(
                session,
                username=username,
                password=password,
                role=role,
                authority_id=authority,
                actor_id=None,
            )
            await session.commit()
    finally:
        await engine.dispose()


@user_app.command()
def add(
    username: Annotated[str, typer.Argument(help="2-64 of a-z 0-9 . _ -")],
    role: Annotated[Role, typer.Option(help="What the user may do (see docs/api.md).")],
    authority: Annotated[
        str,
        typer.Option(
            help="The authority the user works for, e.g. AR-MPF-PROTEX (the sender of "
            "what they send; prosecutors see their authority's MLA cases only)."
        ),
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Add a user to the node's database.

    Example: puente user add maria.gomez --role prosecutor --authority AR-MPF-PROTEX
    """
    settings = settings_from(config)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(
            f"Password of {username}", hide_input=True, confirmation_prompt=True, err=True
        )
    try:
        with database_refusals(settings.resolved_database_url):
            asyncio.run(_add(settings.resolved_database_url, username, password, role, authority))
    except NoDatabase:
        fail("the node's database is not set up: run 'puente node init' first")
    except UserError as error:
        fail(str(error))
    typer.echo(f"added {username} as {role} for {authority}")
