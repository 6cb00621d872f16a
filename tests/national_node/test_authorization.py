"""Every operation of the OpenAPI document, called without a token and as every role, compared
with an explicit table of the roles that may call it.

The table (``ALLOWED``) is written out here, not derived from ``national_node.roles``: it is the
issue's access rules, stated once more, that the code is checked against. A route missing from
it fails the test. To add a route: one line in ``ALLOWED``; and if its body is a new schema or it
has a new path parameter, a way to build a plausible one in ``BODIES`` or ``PATH_PARAMETERS``.

- without a token: 401, with the fixed body (nothing of the resource);
- as a role not in the table: 403, the same;
- as a role in the table: neither 401 nor 403 nor a server error.

Within a permission, need-to-know is per object: a prosecutor of another authority gets 404 for
an MLA case they do not own (as if it did not exist); a central authority sees them all.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import httpx
import pytest
import pytest_asyncio

from gateway.store import make_engine
from messages.registry import FAMILY_SPECS
from messages.vocab import Family
from national_node.api.app import create_app
from national_node.api.examples import as_draft
from national_node.federation import local_federation
from national_node.roles import Role
from tests.national_node.conftest import PASSWORD, NodesUnderTest

pytestmark = pytest.mark.asyncio

PROSECUTOR = Role.PROSECUTOR
CENTRAL_AUTHORITY = Role.CENTRAL_AUTHORITY
CONSULAR_OFFICER = Role.CONSULAR_OFFICER
VICTIM_SERVICES = Role.VICTIM_SERVICES
WP_OFFICER = Role.WP_OFFICER
STATS_OFFICER = Role.STATS_OFFICER
AUDITOR = Role.AUDITOR
ADMIN = Role.ADMIN

PUBLIC: Final = "public"
"""Anyone, without a token."""
Allowed = frozenset[Role] | Literal["public"]


def roles(*members: Role) -> frozenset[Role]:
    return frozenset(members)


ANY_ROLE: Final = frozenset(Role)
MLA_STAFF: Final = roles(PROSECUTOR, CENTRAL_AUTHORITY)
"""Prosecutors (their own authority's cases) and central authorities (all the state's)."""
REPATRIATION_STAFF: Final = roles(CONSULAR_OFFICER, VICTIM_SERVICES)
WP_UNIT: Final = roles(WP_OFFICER)
"""Only the witness protection unit touches witness-protection cases."""
STATS_OFFICE: Final = roles(STATS_OFFICER)
AUDITORS: Final = roles(AUDITOR)
"""Metadata and the logs, never content."""
ADMINS: Final = roles(ADMIN)
"""Users and keys, never content."""

ALLOWED: Final[dict[str, Allowed]] = {
    "POST /auth/login": PUBLIC,
    "GET /auth/me": ANY_ROLE,
    "GET /tokens": ANY_ROLE,
    "POST /tokens": ANY_ROLE,
    "DELETE /tokens/{token_id}": ANY_ROLE,
    "GET /users": ADMINS,
    "POST /users": ADMINS,
    "PATCH /users/{user_id}": ADMINS,
    "GET /mla/cases": MLA_STAFF,
    "POST /mla/cases": MLA_STAFF,
    "GET /mla/cases/{case_id}": MLA_STAFF,
    "GET /mla/cases/{case_id}/draft": MLA_STAFF,
    "PUT /mla/cases/{case_id}/draft": MLA_STAFF,
    "POST /mla/cases/{case_id}/draft/send": MLA_STAFF,
    "POST /mla/cases/{case_id}/messages": MLA_STAFF,
    "POST /mla/cases/{case_id}/events/{event}": MLA_STAFF,
    "GET /mla/checklist": MLA_STAFF,
    "GET /mla/cases/{case_id}/draft/checklist": MLA_STAFF,
    "GET /mla/overdue": MLA_STAFF,
    "POST /mla/cases/{case_id}/status-inquiry": MLA_STAFF,
    "GET /repatriation/cases": REPATRIATION_STAFF,
    "POST /repatriation/cases": REPATRIATION_STAFF,
    "GET /repatriation/cases/{case_id}": REPATRIATION_STAFF,
    "GET /repatriation/cases/{case_id}/draft": REPATRIATION_STAFF,
    "PUT /repatriation/cases/{case_id}/draft": REPATRIATION_STAFF,
    "POST /repatriation/cases/{case_id}/draft/send": REPATRIATION_STAFF,
    "POST /repatriation/cases/{case_id}/messages": REPATRIATION_STAFF,
    "POST /repatriation/cases/{case_id}/events/{event}": REPATRIATION_STAFF,
    "POST /repatriation/cases/{case_id}/prosecutor-confirmations": roles(PROSECUTOR),
    "GET /repatriation/cases/{case_id}/prosecutor-confirmations": REPATRIATION_STAFF
    | roles(PROSECUTOR),
    "GET /witness-protection/cases": WP_UNIT,
    "POST /witness-protection/cases": WP_UNIT,
    "GET /witness-protection/cases/{case_id}": WP_UNIT,
    "GET /witness-protection/cases/{case_id}/draft": WP_UNIT,
    "PUT /witness-protection/cases/{case_id}/draft": WP_UNIT,
    "POST /witness-protection/cases/{case_id}/draft/send": WP_UNIT,
    "POST /witness-protection/cases/{case_id}/messages": WP_UNIT,
    "POST /witness-protection/cases/{case_id}/events/{event}": WP_UNIT,
    "GET /witness-protection/cases/{case_id}/protected-person": WP_UNIT,
    "POST /witness-protection/cases/{case_id}/protected-person": WP_UNIT,
    "GET /statistics/cases": STATS_OFFICE,
    "POST /statistics/cases": STATS_OFFICE,
    "GET /statistics/cases/{case_id}": STATS_OFFICE,
    "GET /statistics/cases/{case_id}/draft": STATS_OFFICE,
    "PUT /statistics/cases/{case_id}/draft": STATS_OFFICE,
    "POST /statistics/cases/{case_id}/draft/send": STATS_OFFICE,
    "POST /statistics/cases/{case_id}/messages": STATS_OFFICE,
    "POST /statistics/cases/{case_id}/events/{event}": STATS_OFFICE,
    "GET /admin/keys": ADMINS,
    "GET /audit/cases": AUDITORS,
    "GET /audit/cases/{case_id}": AUDITORS,
    "GET /audit/exchange": AUDITORS,
    "GET /audit/access": AUDITORS,
    "GET /audit/events": AUDITORS,
}

FIXED_BODIES: Final = {401: {"detail": "not authenticated"}, 403: {"detail": "forbidden"}}

# --- plausible requests -------------------------------------------------------------------

FAMILY_OF_PREFIX: Final = {
    "/mla/": Family.MLA,
    "/repatriation/": Family.REPATRIATION,
    "/witness-protection/": Family.WITNESS_PROTECTION,
    "/statistics/": Family.STATISTICS,
}
OPENER: Final = {
    Family.MLA: PROSECUTOR,
    Family.REPATRIATION: VICTIM_SERVICES,
    Family.WITNESS_PROTECTION: WP_OFFICER,
    Family.STATISTICS: STATS_OFFICER,
}
"""Who opens the case an operation works on: one that every role of the family may see (an MLA
case of the prosecutor's own authority)."""
HOME, COUNTERPART = "AR", "PY"


def family_of(path: str) -> Family:
    """The family an operation's case belongs to (an MLA case for family-less routes)."""
    for prefix, family in FAMILY_OF_PREFIX.items():
        if path.startswith(prefix):
            return family
    return Family.MLA


def first_draft(family: Family) -> dict[str, Any]:
    """The first message of the family's first sample case, as a draft from AR to PY."""
    document = FAMILY_SPECS[family].example_conversations()[0][0]
    draft = as_draft(document, first=True)
    draft.pop("urgency", None)  # the samples' dates are in the past
    role = draft["recipient"]["role"]
    draft["recipient"] = {
        "state": COUNTERPART,
        "authority_id": f"{COUNTERPART}-{role.replace('_', '-')}",
        "role": role,
    }
    return draft


def harmless_event(family: Family) -> str:
    """A local event of the family that does not end the case."""
    return next(e.value for e in FAMILY_SPECS[family].lifecycle.events if "DISCARD" not in e.value)


@dataclass
class Call:
    """One call of an operation: as whom, on which case."""

    world: World
    method: str
    path: str
    role: Role | None
    case: dict[str, Any] | None

    @property
    def family(self) -> Family:
        return family_of(self.path)


BODIES: Final[dict[str, Callable[[Call], Any]]] = {
    "Login": lambda call: {"username": AUDITOR.value, "password": PASSWORD},
    "TokenRequest": lambda call: {"name": "integration", "scopes": ["tokens:own"], "days": 1},
    "NewUser": lambda call: {
        "username": f"new-user-{next(call.world.serial)}",
        "password": PASSWORD,
        "role": AUDITOR.value,
        "authority_id": "AR-AUDIT",
    },
    "UserChange": lambda call: {"active": True},
    "MessageDraft": lambda call: first_draft(call.family),
    "StatusInquiryDraft": lambda call: {"reason": "ROUTINE"},
    "ConfirmationRequest": lambda call: {
        "decision_ref": "AR-FISCALIA-2025-0042",
        "confirmed_on": "2025-03-01",
        "step": "TESTIMONY_TAKEN",
    },
    "LinkRequest": lambda call: {},
}
"""A valid body for each request schema (by its name in the OpenAPI document)."""

PATH_PARAMETERS: Final[dict[str, Callable[[Call], str]]] = {
    "case_id": lambda call: str((call.case or {})["id"]),
    "token_id": lambda call: str(call.world.spare_tokens[call.role or ADMIN]),
    "user_id": lambda call: str(call.world.spare_user_id),
    "event": lambda call: harmless_event(call.family),
}
"""A real value for each path parameter: a case of the operation's family that the caller may
see, the caller's own spare token, a spare user."""


@dataclass
class World:
    """AR's node with a user of every role, a spare user and a spare token per role."""

    nodes: NodesUnderTest
    spare_user_id: int = 0
    spare_tokens: dict[Role, int] = field(default_factory=dict)
    serial: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def client(self) -> httpx.AsyncClient:
        return self.nodes.clients[HOME]

    async def headers(self, role: Role | None) -> dict[str, str]:
        return await self.nodes.headers(HOME, role) if role else {}

    async def open_case(self, family: Family) -> dict[str, Any]:
        response = await self.client.post(
            f"/{family_path(family)}/cases",
            json=first_draft(family),
            headers=await self.headers(OPENER[family]),
        )
        assert response.status_code == 201, response.text
        case: dict[str, Any] = response.json()
        return case


def family_path(family: Family) -> str:
    return next(p.strip("/") for p, f in FAMILY_OF_PREFIX.items() if f is family)


async def make_world(nodes: NodesUnderTest) -> World:
    world = World(nodes)
    spare = await world.client.post(
        "/users",
        json={
            "username": "spare-user",
            "password": PASSWORD,
            "role": AUDITOR.value,
            "authority_id": "AR-SPARE",
        },
        headers=await world.headers(ADMIN),
    )
    assert spare.status_code == 201, spare.text
    world.spare_user_id = spare.json()["id"]
    for role in Role:
        token = await world.client.post(
            "/tokens",
            json={"name": "spare", "scopes": ["tokens:own"]},
            headers=await world.headers(role),
        )
        assert token.status_code == 201, token.text
        world.spare_tokens[role] = token.json()["id"]
    return world


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    body_schema: str | None
    """The request body's schema name, if it has one."""

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def operations_of(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in document["paths"].items():
        for method, spec in item.items():
            content = spec.get("requestBody", {}).get("content", {}).get("application/json", {})
            reference = content.get("schema", {}).get("$ref", "")
            found.append(Operation(method.upper(), path, reference.rsplit("/", 1)[-1] or None))
    return found


def path_parameters(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


async def call(
    world: World, operation: Operation, as_role: Role | None, case: Any
) -> httpx.Response:
    request = Call(world, operation.method, operation.path, as_role, case)
    url = operation.path
    for name in path_parameters(operation.path):
        url = url.replace("{" + name + "}", PATH_PARAMETERS[name](request))
    body = BODIES[operation.body_schema](request) if operation.body_schema else None
    return await world.client.request(
        operation.method, url, json=body, headers=await world.headers(as_role)
    )


def verdict(
    allowed: Allowed, as_role: Role | None, response: httpx.Response, secrets: list[str]
) -> str | None:
    """What is wrong with ``response`` to a call as ``as_role``, or None."""
    status = response.status_code
    if allowed == PUBLIC or (as_role is not None and as_role in allowed):
        if status in (401, 403) or status >= 500:
            return f"allowed, got {status}: {response.text[:200]}"
        return None
    expected = 401 if as_role is None else 403
    if status != expected:
        return f"expected {expected}, got {status}: {response.text[:200]}"
    if response.json() != FIXED_BODIES[expected]:
        return f"{expected} with a body other than the fixed one: {response.text[:200]}"
    leaked = [s for s in secrets if s in response.text]
    if leaked:
        return f"{expected} body names the resource: {leaked}"
    if expected == 401 and response.headers.get("www-authenticate") != "Bearer":
        return "401 without WWW-Authenticate: Bearer"
    return None


# --- the tests ---------------------------------------------------------------------------


@pytest_asyncio.fixture
async def openapi_document(tmp_path: Path) -> dict[str, Any]:
    federation = await local_federation({HOME: make_engine(f"sqlite+aiosqlite:///{tmp_path}/d.db")})
    try:
        document: dict[str, Any] = create_app(federation.nodes[HOME], run_gateway=False).openapi()
    finally:
        await federation.close()
    return document


async def test_the_table_names_every_operation_of_the_api(openapi_document: dict[str, Any]) -> None:
    keys = {operation.key for operation in operations_of(openapi_document)}
    assert sorted(keys - ALLOWED.keys()) == [], "add these routes to ALLOWED"
    assert sorted(ALLOWED.keys() - keys) == [], "these routes of ALLOWED no longer exist"
    operations = operations_of(openapi_document)
    assert sorted({o.body_schema for o in operations if o.body_schema} - BODIES.keys()) == []
    names = {name for o in operations for name in path_parameters(o.path)}
    assert sorted(names - PATH_PARAMETERS.keys()) == []


async def test_every_operation_as_every_role_matches_the_table(nodes: NodesUnderTest) -> None:
    world = await make_world(nodes)
    document = (await world.client.get("/openapi.json")).json()
    wrong: list[str] = []
    calls = 0
    for operation in operations_of(document):
        allowed = ALLOWED[operation.key]
        case = (
            await world.open_case(family_of(operation.path))
            if "{case_id}" in operation.path
            else None
        )
        secrets = [case[k] for k in ("id", "case_ref", "conversation_id")] if case else []
        for as_role in (None, *Role):
            response = await call(world, operation, as_role, case)
            calls += 1
            problem = verdict(allowed, as_role, response, secrets)
            if problem:
                wrong.append(f"{operation.key} as {as_role or 'nobody'}: {problem}")
    assert wrong == []
    assert calls == len(ALLOWED) * (1 + len(Role))


# --- need-to-know inside the MLA permission ----------------------------------------------

MLA_CASE_ROUTES: Final = (
    ("GET", "/mla/cases/{id}"),
    ("GET", "/mla/cases/{id}/draft"),
    ("PUT", "/mla/cases/{id}/draft"),
    ("POST", "/mla/cases/{id}/draft/send"),
    ("POST", "/mla/cases/{id}/messages"),
    ("POST", "/mla/cases/{id}/events/ASSESSMENT_STARTED"),
)


async def add_prosecutor(world: World, username: str, authority: str) -> dict[str, str]:
    created = await world.client.post(
        "/users",
        json={
            "username": username,
            "password": PASSWORD,
            "role": "prosecutor",
            "authority_id": authority,
        },
        headers=await world.headers(ADMIN),
    )
    assert created.status_code == 201, created.text
    login = await world.client.post(
        "/auth/login", json={"username": username, "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {login.json()['token']}"}


async def assert_unseen(world: World, case: dict[str, Any], headers: dict[str, str]) -> None:
    """Every route of ``case`` answers 404 to ``headers``' user, saying nothing of it."""
    listed = await world.client.get("/mla/cases", headers=headers)
    assert case["id"] not in [c["id"] for c in listed.json()]
    for method, template in MLA_CASE_ROUTES:
        body = first_draft(Family.MLA) if method == "PUT" or template.endswith("messages") else None
        response = await world.client.request(
            method, template.replace("{id}", case["id"]), json=body, headers=headers
        )
        assert (method, template, response.status_code) == (method, template, 404)
        assert response.json() == {"detail": "no such case"}
        for secret in (case["id"], case["case_ref"], case["conversation_id"]):
            assert secret not in response.text


async def test_a_prosecutor_sees_only_the_mla_cases_of_their_authority(
    nodes: NodesUnderTest,
) -> None:
    world = World(nodes)
    mine = await world.open_case(Family.MLA)  # by AR's prosecutor, authority AR-PROSECUTOR
    other = await add_prosecutor(world, "prosecutor-2", "AR-PROSECUTOR-2")
    await assert_unseen(world, mine, other)
    theirs = (
        await world.client.post("/mla/cases", json=first_draft(Family.MLA), headers=other)
    ).json()
    assert (await world.client.get(f"/mla/cases/{theirs['id']}", headers=other)).status_code == 200
    await assert_unseen(world, theirs, await world.headers(PROSECUTOR))
    central = await world.headers(CENTRAL_AUTHORITY)
    listed = await world.client.get("/mla/cases", headers=central)
    assert {mine["id"], theirs["id"]} <= {c["id"] for c in listed.json()}
    for case in (mine, theirs):
        read = await world.client.get(f"/mla/cases/{case['id']}", headers=central)
        assert (read.status_code, read.json()["case_ref"]) == (200, case["case_ref"])


async def test_a_received_mla_case_is_seen_by_the_central_authority_not_by_a_prosecutor(
    nodes: NodesUnderTest,
) -> None:
    """An evidence request from PY to AR's central authority: AR's central authority reads it,
    AR's prosecutor (another authority) gets 404."""
    py, ar = nodes.clients["PY"], nodes.clients["AR"]
    draft = first_draft(Family.MLA)
    draft["recipient"] = {
        "state": "AR",
        "authority_id": "AR-CENTRAL-AUTHORITY",
        "role": "CENTRAL_AUTHORITY",
    }
    py_prosecutor = await nodes.headers("PY", PROSECUTOR)
    created = await py.post("/mla/cases", json=draft, headers=py_prosecutor)
    assert created.status_code == 201, created.text
    sent = await py.post(f"/mla/cases/{created.json()['id']}/draft/send", headers=py_prosecutor)
    assert sent.status_code == 200, sent.text
    central = await nodes.headers("AR", CENTRAL_AUTHORITY)
    arrived = await wait_for_case(ar, central, created.json()["case_ref"])
    world = World(nodes)
    await assert_unseen(world, arrived, await nodes.headers("AR", PROSECUTOR))
    read = await ar.get(f"/mla/cases/{arrived['id']}", headers=central)
    assert read.status_code == 200
    assert read.json()["entries"][0]["direction"] == "received"


async def wait_for_case(
    client: httpx.AsyncClient, headers: dict[str, str], case_ref: str
) -> dict[str, Any]:
    async def find() -> dict[str, Any] | None:
        listed = (await client.get("/mla/cases", headers=headers)).json()
        return next((c for c in listed if c["case_ref"] == case_ref), None)

    for _ in range(200):
        found = await find()
        if found is not None:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"{case_ref} did not arrive")
