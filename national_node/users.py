"""Creating and changing users: shared by the admin API and ``puente user add``."""

from __future__ import annotations

import re
import time

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from national_node.auth import hash_password
from national_node.roles import Role
from national_node.store import ApiToken, NodeEvent, User

MIN_PASSWORD_CHARS = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
AUTHORITY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


class UserError(ValueError):
    """A user cannot be created or changed as asked: says why."""


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"a password has at least {MIN_PASSWORD_CHARS} characters")


async def add_user(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    role: Role,
    authority_id: str,
    actor_id: int | None,
) -> User:
    """Add a user (the caller commits); the act is logged without the password."""
    if not USERNAME.match(username):
        raise UserError("a username is 2-64 of a-z 0-9 . _ - (starting with a letter or digit)")
    if not AUTHORITY.match(authority_id):
        raise UserError("an authority id is 1-64 of A-Z a-z 0-9 . _ : -")
    check_password_policy(password)
    existing = (await session.exec(select(User).where(User.username == username))).first()
    if existing is not None:
        raise UserError(f"user {username} exists")
    now = int(time.time())
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=str(role),
        authority_id=authority_id,
        created_at=now,
    )
    session.add(user)
    session.add(
        NodeEvent(at=now, kind="user-added", actor_id=actor_id, detail=f"{username} as {role}")
    )
    await session.flush()
    return user


async def change_user(
    session: AsyncSession,
    user: User,
    *,
    role: Role | None,
    active: bool | None,
    authority_id: str | None,
    actor_id: int | None,
) -> User:
    """Change a user's role, authority or status; a change revokes their tokens (their scopes
    were granted under the old role)."""
    now = int(time.time())
    changes = []
    if role is not None and role != user.role:
        changes.append(f"role {user.role} -> {role}")
        user.role = str(role)
    if authority_id is not None and authority_id != user.authority_id:
        if not AUTHORITY.match(authority_id):
            raise UserError("an authority id is 1-64 of A-Z a-z 0-9 . _ : -")
        changes.append(f"authority {user.authority_id} -> {authority_id}")
        user.authority_id = authority_id
    if active is not None and active != user.active:
        changes.append("activated" if active else "deactivated")
        user.active = active
    if changes:
        tokens = await session.exec(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at == None)  # noqa: E711
        )
        for token in tokens.all():
            token.revoked_at = now
            session.add(token)
        session.add(user)
        session.add(
            NodeEvent(
                at=now,
                kind="user-changed",
                actor_id=actor_id,
                detail=f"{user.username}: {'; '.join(changes)}",
            )
        )
    return user
