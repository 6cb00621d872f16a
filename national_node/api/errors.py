"""Error responses: one body shape for every 4xx, documented in the OpenAPI document.

Every error is ``{"detail": "what failed"}`` or, when there is more than one thing to say,
``{"detail": {"message": ..., "problems": [{"path": ..., "message": ...}], "guards": [...]}}``.
A request that does not fit the schema (malformed JSON, a wrong type, an unknown field) gets
422 with every problem named; the input itself is never echoed back (it may be sealed data).
"""

from __future__ import annotations

import logging
from typing import Any, Final

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from crypto.at_rest import UnreadableBlob
from crypto.envelope import MAX_ENVELOPE_BYTES

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES: Final = MAX_ENVELOPE_BYTES
"""No request body may be larger than an envelope can carry (413 beyond)."""


class Problem(BaseModel):
    path: str = Field(description="Where: body.recipient.state, query.limit, header.x, ...")
    message: str


class ProblemDetail(BaseModel):
    message: str
    problems: list[Problem] = Field(default_factory=list)
    """Each missing or invalid item (422)."""
    guards: list[str] = Field(default_factory=list)
    """The lifecycle's guards that refused (409)."""


class ErrorBody(BaseModel):
    detail: str | ProblemDetail


def _documented(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


RESPONDS_404: Final[dict[int | str, dict[str, Any]]] = {
    404: _documented("No such resource among those you may see")
}
RESPONDS_409: Final[dict[int | str, dict[str, Any]]] = {
    409: _documented(
        "Not now: the case's state or a guard of its lifecycle refuses, or the case's data was "
        "destroyed (crypto-shredded)"
    )
}
COMMON_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    400: _documented("The body cannot be read (not UTF-8 text)"),
    401: _documented("No valid bearer token (or, at login, a wrong username or password)"),
    403: _documented("Your role (or your token's scopes) may not do this"),
    413: {
        "description": f"The body is larger than {MAX_REQUEST_BYTES} bytes (refused unread)",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    },
    422: _documented("The request is invalid: every problem is named"),
    **RESPONDS_409,  # any route that reads a case may meet one whose key was destroyed
}
"""Responses any route may give; the API documents them all on every operation. Routes name
404 and 409 besides when they answer them by design."""
UNREADABLE_CASE: Final = "this case's data cannot be read: destroyed (crypto-shredded) or altered"


def _path(location: tuple[int | str, ...]) -> str:
    return ".".join(str(step) for step in location) or "request"


def validation_problems(error: RequestValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        if item.get("type") == "json_invalid":
            reason = (item.get("ctx") or {}).get("error", "malformed")
            where = item["loc"][1] if len(item["loc"]) > 1 else 0
            problems.append(
                Problem(path="body", message=f"the body is not valid JSON: {reason} at {where}")
            )
        else:
            message = str(item["msg"]).removeprefix("Value error, ")  # pydantic's, for a ValueError
            problems.append(Problem(path=_path(tuple(item["loc"])), message=message))
    return problems


async def _on_validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)  # noqa: S101 - registered for it only
    problems = [p.model_dump() for p in validation_problems(error)]
    return JSONResponse(
        {"detail": {"message": "the request is invalid", "problems": problems}},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


async def _on_unreadable(request: Request, error: Exception) -> JSONResponse:
    """A case whose key was destroyed (or whose stored data was altered) cannot be worked on;
    its metadata stays readable (the case views show it without content)."""
    log.warning("%s %s: %s", request.method, request.url.path, error)
    return JSONResponse({"detail": UNREADABLE_CASE}, status_code=status.HTTP_409_CONFLICT)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(UnreadableBlob, _on_unreadable)
