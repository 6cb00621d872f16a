"""Serving node APIs with uvicorn inside a program that decides when to stop (``puente node
serve`` and ``puente demo``): several servers in one event loop, ports bound up front so that a
busy port is a clear error, SIGINT/SIGTERM turned into one orderly stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI


class ServingError(Exception):
    """A server could not start: which address, and why."""


class _Server(uvicorn.Server):
    """uvicorn's server without its own signal handling: the program stops it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or ServingError saying why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ServingError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def stop_on_signals(stop: asyncio.Event) -> None:
    """Set ``stop`` on SIGINT (Ctrl-C) or SIGTERM."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


@asynccontextmanager
async def serving(
    apps: list[tuple[FastAPI, socket.socket]], *, log_level: str = "warning"
) -> AsyncIterator[None]:
    """Serve each app on its socket; entered once every server has started (its lifespan
    run), left after every one has shut down."""
    servers = [
        _Server(uvicorn.Config(app, log_level=log_level, lifespan="on", access_log=False))
        for app, _ in apps
    ]
    tasks = [
        asyncio.create_task(server.serve(sockets=[sock]))
        for server, (_, sock) in zip(servers, apps, strict=True)
    ]
    try:
        while not all(server.started for server in servers):
            if any(task.done() for task in tasks):
                raise ServingError("a server stopped while starting (see the log above)")
            await asyncio.sleep(0.02)
        yield
    finally:
        for server in servers:
            server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
        for _, sock in apps:
            sock.close()
