"""Passwords, bearer tokens, and the FastAPI dependencies that authenticate and authorize.

- Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory option).
- A token is ``pnt_<43 url-safe chars>`` (256 random bits); only its SHA-256 is stored. A token
  carries scopes (permissions) no wider than its user's role, an expiry, and can be revoked.
  Logging in with a password issues a short-lived token with the role's full scope.

The FastAPI side (401/403) is ``national_node.api.deps``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from messages.vocab import AuthorityRole
from national_node.roles import AUTHORITY_ROLE, ROLE_PERMISSIONS, Permission, Role
from national_node.store import AccessRecord, ApiToken, User

TOKEN_PREFIX = "pnt_"  # noqa: S105 - a prefix that makes leaked tokens easy to find
_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps timing from telling which it was.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None and user.active


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to store."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """The authenticated user of a request, with the token's scopes."""

    user_id: int
    username: str
    role: Role
    authority_id: str
    scopes: frozenset[Permission]

    @property
    def authority_role(self) -> AuthorityRole | None:
        return AUTHORITY_ROLE[self.role]

    def opened(self, case_id: str, path: str, at: int, entry_id: int | None = None) -> AccessRecord:
        """The record of sealed data (``path`` of a case, or of one of its entries) decrypted
        for this principal at ``at``."""
        return AccessRecord(
            at=at,
            user_id=self.user_id,
            role=str(self.role),
            case_id=case_id,
            entry_id=entry_id,
            path=path,
        )

    def may(self, permission: Permission) -> bool:
        return permission in self.scopes and permission in ROLE_PERMISSIONS[self.role]


LAST_USED_GRANULARITY = 60
"""Seconds: a token's last use is written at most once a minute (not a write per request)."""


async def authenticate(session: AsyncSession, token: str, now: int) -> Principal | None:
    """The principal of a token, or None (unknown, expired, revoked, user inactive)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = (
        await session.exec(select(ApiToken).where(ApiToken.token_sha256 == token_hash(token)))
    ).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = await session.get(User, row.user_id)
    if user is None or not user.active or user.id is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY:
        row.last_used_at = now
        session.add(row)
        await session.commit()
    role = Role(user.role)
    scopes = frozenset(
        Permission(s) for s in row.scopes.split() if s in Permission._value2member_map_
    )
    return Principal(
        user.id, user.username, role, user.authority_id, scopes & ROLE_PERMISSIONS[role]
    )
