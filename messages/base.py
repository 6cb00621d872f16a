"""The one configuration every wire model shares."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict

WIRE_CONFIG: Final = ConfigDict(
    # No coercion: "1" is not 1, 1.0 is not 1, true is not 1.
    strict=True,
    # An unknown member is an error, never silently dropped.
    extra="forbid",
    frozen=True,
    # Messages carry personal data; a validation error must not copy it into logs.
    hide_input_in_errors=True,
    # Field docstrings become descriptions in the published JSON Schema.
    use_attribute_docstrings=True,
    validate_default=True,
)


class WireModel(BaseModel):
    """Base of every model that travels between nodes: strict, closed and immutable."""

    model_config = WIRE_CONFIG
