"""Users and their roles (admins only). Admins see no case content."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlmodel import col, select

from national_node.api.deps import SessionDep, require
from national_node.api.errors import RESPONDS_404
from national_node.api.params import RowId
from national_node.auth import Principal
from national_node.roles import Permission, Role
from national_node.store import User
from national_node.users import UserError, add_user, change_user

router = APIRouter(prefix="/users", tags=["users"])
Admin = Annotated[Principal, Depends(require(Permission.USERS_MANAGE))]


class NewUser(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=12, max_length=256)
    role: Role
    authority_id: str = Field(min_length=1, max_length=64)


class UserChange(BaseModel):
    role: Role | None = None
    authority_id: str | None = Field(default=None, min_length=1, max_length=64)
    active: bool | None = None


class UserView(BaseModel):
    id: int
    username: str
    role: str
    authority_id: str
    active: bool
    created_at: int


def _view(user: User) -> UserView:
    assert user.id is not None  # noqa: S101 - a stored row
    return UserView(
        id=user.id,
        username=user.username,
        role=user.role,
        authority_id=user.authority_id,
        active=user.active,
        created_at=user.created_at,
    )


@router.get("", response_model=list[UserView], summary="All users")
async def list_users(session: SessionDep, principal: Admin) -> list[UserView]:
    return [_view(u) for u in (await session.exec(select(User).order_by(col(User.id)))).all()]


@router.post("", status_code=201, response_model=UserView, summary="Add a user")
async def create_user(body: NewUser, session: SessionDep, principal: Admin) -> UserView:
    try:
        user = await add_user(
            session,
            username=body.username,
            password=body.password,
            role=body.role,
            authority_id=body.authority_id,
            actor_id=principal.user_id,
        )
    except UserError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    await session.commit()
    return _view(user)


@router.patch(
    "/{user_id}",
    response_model=UserView,
    responses=RESPONDS_404,
    summary="Change a user's role or status",
)
async def update_user(
    user_id: RowId, body: UserChange, session: SessionDep, principal: Admin
) -> UserView:
    user = await session.get(User, user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    try:
        await change_user(
            session,
            user,
            role=body.role,
            active=body.active,
            authority_id=body.authority_id,
            actor_id=principal.user_id,
        )
    except UserError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    await session.commit()
    return _view(user)
