"""Path and query parameter types shared by the routers: bounded so that no value reaches the
database that it cannot hold (an integer beyond its column, a NUL character in PostgreSQL text),
and described in the OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Path

ROW_ID_MAX: Final = 2**31 - 1
"""The largest id an integer primary key holds on every database (PostgreSQL INTEGER)."""
UNIX_SECONDS_MAX: Final = 2**63 - 1
PRINTABLE: Final = r"^[^\x00-\x1f\x7f]*$"
"""No control characters (PostgreSQL text cannot hold NUL)."""
UUID_PATTERN: Final = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
"""A case id as the node makes them (lower-case UUID)."""

RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]
CaseId = Annotated[str, Path(pattern=UUID_PATTERN, description="The case's id (a UUID)")]
