"""The node's keys, for its administrators: which keys it signs and opens envelopes with, their
validity and status, and the public halves to register in the federation directory. No private
key ever leaves the node; keys are generated, rotated and revoked offline with ``puente keys``
(docs/directory.md), since the running node does not hold the passphrase of its ring file."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field

from crypto.errors import KeyringError
from crypto.keys import Keyring, Purpose
from national_node.api.deps import NodeDep, require
from national_node.api.errors import RESPONDS_404
from national_node.auth import Principal
from national_node.roles import Permission

router = APIRouter(prefix="/admin", tags=["admin"])
KeyAdmin = Annotated[Principal, Depends(require(Permission.KEYS_MANAGE))]

_KEY_FIELDS = frozenset(
    {"kid", "use", "purpose", "suite", "not_before", "not_after", "status", "revoked_at"}
)


class KeyView(BaseModel):
    kid: str = Field(description="The key id (RFC 7638 thumbprint)")
    purpose: Purpose
    suite: str | None = Field(description="For an encryption key, the envelope suite it serves")
    status: str = Field(description="pending, active, retired or revoked, now")
    not_before: int
    not_after: int
    revoked_at: int | None
    current: bool = Field(description="The key this node signs, or opens new envelopes, with")
    private_key_held: bool = Field(
        description="False once a key past its window lost its private part"
    )
    public_jwk: dict[str, Any] = Field(description="The public key as a JWK")


class NodeKeys(BaseModel):
    state: str
    keys: list[KeyView]


@router.get(
    "/keys",
    response_model=NodeKeys,
    responses=RESPONDS_404,
    summary="This node's keys: status, validity and public halves",
)
async def list_keys(node: NodeDep, principal: KeyAdmin) -> NodeKeys:
    ring = node.gateway.keys
    if not isinstance(ring, Keyring):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this node's keys are not in a key ring")
    now = int(time.time())
    current = _current_kids(ring, now)
    views = []
    for record in ring.records:
        published = record.published(now)
        views.append(
            KeyView(
                kid=record.kid,
                purpose=record.purpose,
                suite=published["suite"],
                status=published["status"],
                not_before=record.not_before,
                not_after=record.not_after,
                revoked_at=record.revoked_at,
                current=record.kid in current,
                private_key_held=record.private_key is not None,
                public_jwk={k: v for k, v in published.items() if k not in _KEY_FIELDS},
            )
        )
    return NodeKeys(state=node.state, keys=views)


def _current_kids(ring: Keyring, now: int) -> set[str]:
    kids = set()
    for record in ring.records:
        try:
            kids.add(ring.current(record.purpose, now, record.suite).kid)
        except KeyringError:  # no key of that purpose (and suite) is usable now
            continue
    return kids
