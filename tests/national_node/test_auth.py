"""Passwords and tokens: argon2id hashes, tokens stored only as hashes, expiry, revocation,
scopes narrower than the role, a role change revoking tokens, failed logins logged, and 401 for
a missing or garbage token."""

from __future__ import annotations

import hashlib
import time
from typing import Any, Final

import pytest
from sqlmodel import select

from national_node import auth
from national_node.auth import TOKEN_PREFIX, authenticate, check_password, hash_password
from national_node.roles import ROLE_PERMISSIONS, Permission, Role
from national_node.store import ApiToken, NodeEvent, User
from tests.national_node.conftest import PASSWORD, NodesUnderTest

pytestmark = pytest.mark.asyncio

UNAUTHENTICATED = {"detail": "not authenticated"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def user(password_hash: str, *, active: bool = True) -> User:
    return User(
        username="u", password_hash=password_hash, role="auditor", authority_id="A", active=active
    )


# --- passwords -----------------------------------------------------------------------------


async def test_passwords_are_hashed_with_argon2id_and_checked() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert hash_password(PASSWORD) != stored  # salted
    assert check_password(user(stored), PASSWORD)
    assert not check_password(user(stored), PASSWORD + "!")
    assert not check_password(user(stored), "")


async def test_the_node_hashes_with_rfc_9106_low_memory_parameters() -> None:
    """The node's own hasher (the tests use a cheaper one): argon2id, 64 MiB, 3 passes, 4 lanes.
    The hash verified for unknown users was made with it."""
    assert auth._DUMMY_HASH.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


async def test_an_unknown_inactive_or_corrupt_account_never_checks() -> None:
    stored = hash_password(PASSWORD)
    assert not check_password(user(stored, active=False), PASSWORD)
    assert not check_password(None, PASSWORD)
    assert not check_password(user("not a PHC string"), PASSWORD)
    assert not check_password(user(stored.replace("$argon2id$", "$argon2i$")), PASSWORD)


# --- logging in ------------------------------------------------------------------------------


async def login_events(nodes: NodesUnderTest, state: str = "AR") -> list[NodeEvent]:
    async with nodes.federation.nodes[state].session() as session:
        rows = await session.exec(select(NodeEvent).where(NodeEvent.kind == "login-failed"))
        return list(rows.all())


async def test_a_login_issues_a_token_stored_only_as_its_hash(nodes: NodesUnderTest) -> None:
    client = nodes.clients["AR"]
    response = await client.post("/auth/login", json={"username": "auditor", "password": PASSWORD})
    assert response.status_code == 200
    issued = response.json()
    token = issued["token"]
    assert token.startswith(TOKEN_PREFIX)
    assert len(token) == len(TOKEN_PREFIX) + 43
    assert issued["scopes"] == sorted(str(p) for p in ROLE_PERMISSIONS[Role.AUDITOR])
    assert time.time() < issued["expires_at"] <= time.time() + 8 * 3600 + 5
    async with nodes.federation.nodes["AR"].session() as session:
        rows = (await session.exec(select(ApiToken))).all()
    assert hashlib.sha256(token.encode()).hexdigest() in [r.token_sha256 for r in rows]
    assert not any(token in r.token_sha256 or token in r.name for r in rows)
    me = await client.get("/auth/me", headers=bearer(token))
    assert me.json() == {
        "username": "auditor",
        "role": "auditor",
        "authority_id": "AR-AUDITOR",
        "scopes": issued["scopes"],
    }


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "auditor", "password": "not the password"},
        {"username": "nobody-of-that-name", "password": PASSWORD},
    ],
    ids=["wrong password", "unknown user"],
)
async def test_a_failed_login_is_401_the_same_either_way_and_logged(
    nodes: NodesUnderTest, credentials: dict[str, str]
) -> None:
    response = await nodes.clients["AR"].post("/auth/login", json=credentials)
    assert response.status_code == 401
    assert response.json() == {"detail": "wrong username or password"}
    events = await login_events(nodes)
    assert [e.detail for e in events] == [credentials["username"]]
    assert credentials["password"] not in events[0].detail


async def test_a_deactivated_user_cannot_log_in_and_their_tokens_stop(
    nodes: NodesUnderTest,
) -> None:
    client = nodes.clients["AR"]
    old = await nodes.headers("AR", Role.AUDITOR)
    users = (await client.get("/users", headers=await nodes.headers("AR", Role.ADMIN))).json()
    auditor = next(u for u in users if u["username"] == "auditor")
    changed = await client.patch(
        f"/users/{auditor['id']}",
        json={"active": False},
        headers=await nodes.headers("AR", Role.ADMIN),
    )
    assert changed.status_code == 200
    assert changed.json()["active"] is False
    assert (await client.get("/auth/me", headers=old)).status_code == 401
    login = await client.post("/auth/login", json={"username": "auditor", "password": PASSWORD})
    assert login.status_code == 401
    assert [e.detail for e in await login_events(nodes)] == ["auditor"]


# --- bearer tokens ---------------------------------------------------------------------------


GARBAGE: Final = (
    "",
    "Bearer",
    "Bearer ",
    "Bearer not-a-token",
    f"Bearer {TOKEN_PREFIX}",
    f"Bearer {TOKEN_PREFIX}{'A' * 43}",
    f"Bearer {TOKEN_PREFIX}{'A' * 500}",
    "Basic YXVkaXRvcjpjb3JyZWN0IGhvcnNlIGJhdHRlcnkgc3RhcGxl",
    "Token pnt_x",
)


async def test_no_token_or_a_garbage_one_is_401(nodes: NodesUnderTest) -> None:
    for headers in ({}, *({"Authorization": value} for value in GARBAGE)):
        response = await nodes.clients["AR"].get("/auth/me", headers=headers)
        assert (headers, response.status_code, response.json()) == (headers, 401, UNAUTHENTICATED)
        assert response.headers["www-authenticate"] == "Bearer"


async def issue(
    nodes: NodesUnderTest, role: Role, scopes: list[str], **extra: Any
) -> dict[str, Any]:
    response = await nodes.clients["AR"].post(
        "/tokens",
        json={"name": "case-system", "scopes": scopes, **extra},
        headers=await nodes.headers("AR", role),
    )
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()
    return issued


async def test_a_token_scoped_narrower_than_the_role_can_do_only_its_scopes(
    nodes: NodesUnderTest,
) -> None:
    client = nodes.clients["AR"]
    read_only = await issue(nodes, Role.CENTRAL_AUTHORITY, ["mla:read-all", "mla:read-own"])
    headers = bearer(read_only["token"])
    assert (await client.get("/mla/cases", headers=headers)).status_code == 200
    created = await client.post(
        "/mla/cases", json={"message_type": "EvidenceRequest"}, headers=headers
    )
    assert (created.status_code, created.json()) == (403, {"detail": "forbidden"})
    assert (await client.get("/tokens", headers=headers)).status_code == 403
    me = (await client.get("/auth/me", headers=headers)).json()
    assert me["scopes"] == ["mla:read-all", "mla:read-own"]


async def test_a_token_cannot_be_scoped_beyond_the_role(nodes: NodesUnderTest) -> None:
    response = await nodes.clients["AR"].post(
        "/tokens",
        json={"name": "too-wide", "scopes": ["mla:write", "witness-protection:read"]},
        headers=await nodes.headers("AR", Role.CONSULAR_OFFICER),
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "scopes beyond your role: mla:write, witness-protection:read"
    }
    tokens = await nodes.clients["AR"].get(
        "/tokens", headers=await nodes.headers("AR", Role.CONSULAR_OFFICER)
    )
    assert tokens.json() == []


async def test_a_stored_scope_outside_the_role_grants_nothing(nodes: NodesUnderTest) -> None:
    """Even if a token row says more (edited, or granted under an older role), the principal's
    scopes are cut to the role."""
    issued = await issue(nodes, Role.AUDITOR, ["audit:read"])
    node = nodes.federation.nodes["AR"]
    async with node.session() as session:
        row = await session.get(ApiToken, issued["id"])
        assert row is not None
        row.scopes = "audit:read users:manage witness-protection:read no-such-scope"
        session.add(row)
        await session.commit()
        principal = await authenticate(session, issued["token"], int(time.time()))
    assert principal is not None
    assert principal.scopes == {Permission.AUDIT_READ}
    users = await nodes.clients["AR"].get("/users", headers=bearer(issued["token"]))
    assert users.status_code == 403


async def test_an_expired_token_is_401(nodes: NodesUnderTest) -> None:
    issued = await issue(nodes, Role.AUDITOR, ["audit:read"], days=1)
    assert issued["expires_at"] - issued["created_at"] == 86400
    node = nodes.federation.nodes["AR"]
    async with node.session() as session:
        assert await authenticate(session, issued["token"], issued["expires_at"] - 1) is not None
        assert await authenticate(session, issued["token"], issued["expires_at"]) is None
        row = await session.get(ApiToken, issued["id"])
        assert row is not None
        row.expires_at = int(time.time()) - 1
        session.add(row)
        await session.commit()
    response = await nodes.clients["AR"].get("/audit/events", headers=bearer(issued["token"]))
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


async def test_a_token_lives_no_longer_than_the_node_allows(nodes: NodesUnderTest) -> None:
    issued = await issue(nodes, Role.AUDITOR, ["audit:read"], days=3650)
    lifetime = nodes.federation.nodes["AR"].token_lifetime
    assert issued["expires_at"] - issued["created_at"] == lifetime


async def test_a_revoked_token_is_401_and_the_revocation_logged(nodes: NodesUnderTest) -> None:
    client = nodes.clients["AR"]
    issued = await issue(nodes, Role.STATS_OFFICER, ["statistics:read"])
    headers = bearer(issued["token"])
    assert (await client.get("/statistics/cases", headers=headers)).status_code == 200
    owner = await nodes.headers("AR", Role.STATS_OFFICER)
    revoked = await client.delete(f"/tokens/{issued['id']}", headers=owner)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    response = await client.get("/statistics/cases", headers=headers)
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    events = await client.get(
        "/audit/events",
        params={"kind": "token-revoked"},
        headers=await nodes.headers("AR", Role.AUDITOR),
    )
    assert [e["detail"] for e in events.json()] == ["case-system"]


async def test_nobody_revokes_another_users_token(nodes: NodesUnderTest) -> None:
    client = nodes.clients["AR"]
    issued = await issue(nodes, Role.STATS_OFFICER, ["statistics:read"])
    other = await client.delete(
        f"/tokens/{issued['id']}", headers=await nodes.headers("AR", Role.ADMIN)
    )
    assert (other.status_code, other.json()) == (404, {"detail": "no such token"})
    assert (
        await client.get("/statistics/cases", headers=bearer(issued["token"]))
    ).status_code == 200


async def test_a_role_change_revokes_every_token_of_the_user(nodes: NodesUnderTest) -> None:
    """Scopes were granted under the old role: a login token and an API token both stop, and a
    new login carries the new role's permissions."""
    client = nodes.clients["AR"]
    login = await nodes.headers("AR", Role.PROSECUTOR)
    api = await issue(nodes, Role.PROSECUTOR, ["mla:read-own"])
    admin = await nodes.headers("AR", Role.ADMIN)
    users = (await client.get("/users", headers=admin)).json()
    prosecutor = next(u for u in users if u["username"] == "prosecutor")
    changed = await client.patch(
        f"/users/{prosecutor['id']}", json={"role": "auditor"}, headers=admin
    )
    assert changed.status_code == 200
    assert changed.json()["role"] == "auditor"
    for headers in (login, bearer(api["token"])):
        response = await client.get("/auth/me", headers=headers)
        assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    again = await client.post("/auth/login", json={"username": "prosecutor", "password": PASSWORD})
    new = bearer(again.json()["token"])
    assert (await client.get("/mla/cases", headers=new)).status_code == 403
    assert (await client.get("/audit/events", headers=new)).status_code == 200
    events = (
        await client.get("/audit/events", params={"kind": "user-changed"}, headers=new)
    ).json()
    assert [e["detail"] for e in events] == ["prosecutor: role prosecutor -> auditor"]


async def test_a_change_that_changes_nothing_revokes_nothing(nodes: NodesUnderTest) -> None:
    client = nodes.clients["AR"]
    login = await nodes.headers("AR", Role.WP_OFFICER)
    admin = await nodes.headers("AR", Role.ADMIN)
    users = (await client.get("/users", headers=admin)).json()
    officer = next(u for u in users if u["username"] == "wp_officer")
    same = await client.patch(
        f"/users/{officer['id']}", json={"role": "wp_officer", "active": True}, headers=admin
    )
    assert same.status_code == 200
    assert (await client.get("/auth/me", headers=login)).status_code == 200


async def test_a_tokens_last_use_is_recorded_at_most_once_a_minute(nodes: NodesUnderTest) -> None:
    client = nodes.clients["AR"]
    issued = await issue(nodes, Role.CENTRAL_AUTHORITY, ["mla:read-all", "tokens:own"])
    owner = await nodes.headers("AR", Role.CENTRAL_AUTHORITY)

    async def last_used() -> int | None:
        listed = (await client.get("/tokens", headers=owner)).json()
        found: int | None = next(t for t in listed if t["id"] == issued["id"])["last_used_at"]
        return found

    assert await last_used() is None
    before = int(time.time())
    assert (await client.get("/mla/cases", headers=bearer(issued["token"]))).status_code == 200
    first = await last_used()
    assert first is not None
    assert before <= first <= int(time.time())
    async with nodes.federation.nodes["AR"].session() as session:
        row = await session.get(ApiToken, issued["id"])
        assert row is not None
        row.last_used_at = first - auth.LAST_USED_GRANULARITY + 30  # used 30 s ago
        session.add(row)
        await session.commit()
    assert (await client.get("/mla/cases", headers=bearer(issued["token"]))).status_code == 200
    assert await last_used() == first - auth.LAST_USED_GRANULARITY + 30  # not rewritten
