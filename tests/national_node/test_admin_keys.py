"""GET /admin/keys: the node's keys with their status and public halves, for admins only."""

from __future__ import annotations

import base64

import pytest

from crypto.keys import Purpose
from national_node.roles import Role
from tests.national_node.conftest import NodesUnderTest

pytestmark = pytest.mark.asyncio


async def test_an_admin_sees_the_nodes_keys_and_no_private_part(nodes: NodesUnderTest) -> None:
    admin = await nodes.headers("AR", Role.ADMIN)
    response = await nodes.clients["AR"].get("/admin/keys", headers=admin)
    assert response.status_code == 200, response.text
    listed = response.json()
    ring = nodes.federation.rings["AR"]
    assert listed["state"] == "AR"
    assert [k["kid"] for k in listed["keys"]] == [r.kid for r in ring.records]
    assert {k["purpose"] for k in listed["keys"]} == {Purpose.SIGNING, Purpose.ENCRYPTION}
    for key in listed["keys"]:
        assert key["status"] == "active"
        assert key["current"] is True
        assert key["private_key_held"] is True
        assert "d" not in key["public_jwk"]
        assert key["public_jwk"]["kty"] == "OKP"
    for record in ring.records:  # no private key, in any encoding the API might use
        raw = record.private_key.private_bytes_raw()  # type: ignore[union-attr]
        assert base64.urlsafe_b64encode(raw).rstrip(b"=").decode() not in response.text
        assert raw.hex() not in response.text


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
async def test_no_other_role_sees_the_keys(nodes: NodesUnderTest, role: Role) -> None:
    response = await nodes.clients["PY"].get("/admin/keys", headers=await nodes.headers("PY", role))
    assert response.status_code == 403
    assert response.json() == {"detail": "forbidden"}


async def test_the_keys_need_authentication(nodes: NodesUnderTest) -> None:
    response = await nodes.clients["BR"].get("/admin/keys")
    assert response.status_code == 401
    assert "kid" not in response.text
