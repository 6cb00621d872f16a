"""A schemathesis run over the node's OpenAPI document, inside the suite: bounded, authenticated,
on SQLite.

Every operation is called as a role that may call it (``ALLOWED`` of test_authorization) with
requests generated from the document. Valid requests (positive) go to real objects (a case of the
operation's family, the caller's spare token, a spare user) so that generated bodies reach the
case logic; then, last, a few with generated path parameters. Invalid requests (negative) are
generated whole: they must be refused before anything is read. A negative example whose
Authorization header is the invalid part is sent as generated; every other example carries the
role's token. The examples are derandomized (the same on every run, so the suite does not
flake); raise EXAMPLES and drop ``derandomize`` for a deeper search.

Checks: no server error; the status code, content type, headers and body are those the document
declares for the operation; invalid requests are refused with a 4xx.

Schemathesis drives Hypothesis synchronously, so the examples run in a worker thread and each
request is sent on the test's event loop, where the nodes live.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation

from national_node.api.app import create_app
from national_node.roles import Role
from tests.national_node.conftest import PASSWORD, NodesUnderTest
from tests.national_node.test_authorization import (
    ALLOWED,
    HOME,
    OPENER,
    PATH_PARAMETERS,
    PUBLIC,
    Call,
    World,
    family_of,
    make_world,
    path_parameters,
)

pytestmark = pytest.mark.asyncio

CHECKS: Final = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]
EXAMPLES: Final = {"real ids": 10, "invalid": 5, "generated ids": 4}
"""Examples per operation: valid requests on real objects, invalid requests, and valid requests
with generated path parameters."""


def caller_of(key: str) -> Role | None:
    """A role that may call the operation (the first in Role's order), or None if public."""
    allowed = ALLOWED[key]
    if allowed == PUBLIC:
        return None
    return next(role for role in Role if role in allowed)


class Runner:
    """Sends generated cases to the node from Hypothesis's thread, and checks the answers."""

    def __init__(self, world: World, loop: asyncio.AbstractEventLoop) -> None:
        self.world = world
        self.loop = loop
        self.tokens: dict[Role, str] = {}
        # A server error comes back as a 500 (and is reported with a curl command to replay it).
        app = create_app(world.nodes.federation.nodes[HOME], run_gateway=False)
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url=world.client.base_url,
        )

    def on_loop(self, request: httpx.Request) -> httpx.Response:
        future = asyncio.run_coroutine_threadsafe(self.client.send(request), self.loop)
        return future.result(timeout=60)

    def log_in(self, role: Role) -> None:
        """A fresh token for ``role``'s user (a generated id may have revoked the last one)."""
        login = self.client.build_request(
            "POST", "/auth/login", json={"username": role.value, "password": PASSWORD}
        )
        response = self.on_loop(login)
        if response.status_code == 200:  # else the user was deactivated: the old token stays
            self.tokens[role] = response.json()["token"]

    def send(self, case: Case, role: Role | None) -> httpx.Response:
        kwargs = case.as_transport_kwargs(base_url=str(self.client.base_url))
        headers = dict(kwargs["headers"])
        header_part = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
        if role is not None and (
            header_part is None or header_part.mode is GenerationMode.POSITIVE
        ):
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        request = self.client.build_request(
            kwargs["method"],
            kwargs["url"],
            headers=headers,
            params=kwargs.get("params"),
            json=kwargs.get("json"),
            content=kwargs.get("data"),
        )
        response = self.on_loop(request)
        case.validate_response(response, checks=CHECKS, headers=headers)
        return response

    def examine(
        self,
        operation: APIOperation,
        mode: GenerationMode,
        fixed: dict[str, Any],
        examples: int,
    ) -> str | None:
        """What went wrong with ``operation`` (the smallest failing example), or None."""
        role = caller_of(f"{operation.method.upper()} {operation.path}")

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(operation.as_strategy(generation_mode=mode, path_parameters=fixed))
        def run(case: Case) -> None:
            self.send(case, role)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:
            what = "invalid" if mode is GenerationMode.NEGATIVE else "valid"
            ids = "real ids" if fixed else "generated ids"
            return f"{operation.label} as {role}, {what} requests, {ids}:\n{error}"
        return None

    def examine_all(self, schema: Any, cases: dict[Any, dict[str, Any]]) -> list[str]:
        """Valid requests on real objects and invalid requests, operation by operation; then
        valid requests with generated path parameters, which may hit a test user or token (and
        change or revoke it: the role logs in again before each)."""
        runs = []
        later = []
        for result in schema.get_all_operations():
            operation = result.ok()
            key = f"{operation.method.upper()} {operation.path}"
            role = caller_of(key)
            family = family_of(operation.path)
            call = Call(self.world, operation.method.upper(), operation.path, role, cases[family])
            names = path_parameters(operation.path)
            real = {name: PATH_PARAMETERS[name](call) for name in names}
            runs.append((operation, GenerationMode.POSITIVE, real, EXAMPLES["real ids"]))
            runs.append((operation, GenerationMode.NEGATIVE, {}, EXAMPLES["invalid"]))
            if names:
                later.append((operation, GenerationMode.POSITIVE, {}, EXAMPLES["generated ids"]))
        failures = []
        for operation, mode, fixed, examples in runs + later:
            role = caller_of(f"{operation.method.upper()} {operation.path}")
            if role is not None and mode is GenerationMode.POSITIVE and not fixed:
                self.log_in(role)
            failure = self.examine(operation, mode, fixed, examples)
            if failure:
                failures.append(failure)
        return failures


@pytest.mark.parametrize("database_kind", ["sqlite"])
async def test_generated_requests_get_no_server_error_and_answers_that_fit_the_schema(
    nodes: NodesUnderTest,
) -> None:
    world = await make_world(nodes)
    cases = {family: await world.open_case(family) for family in OPENER}
    runner = Runner(world, asyncio.get_running_loop())
    for role in Role:
        runner.tokens[role] = (await world.headers(role))["Authorization"].removeprefix("Bearer ")
    document = (await world.client.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    try:
        failures = await asyncio.to_thread(runner.examine_all, schema, cases)
    finally:
        await runner.client.aclose()
    assert failures == [], "\n\n".join(failures)
