"""The schema compatibility checker classifies changes the way the versioning rule says."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from messages.base import WireModel
from messages.compat import Change, compare, required_change, version_allows
from messages.types import Label


class Colour(StrEnum):
    RED = "RED"
    BLUE = "BLUE"


class ColourMore(StrEnum):
    RED = "RED"
    BLUE = "BLUE"
    GREEN = "GREEN"


class Part(WireModel):
    size: int = Field(ge=0, le=10)


class V1(WireModel):
    """Version one."""

    name: Label
    colour: Colour
    parts: list[Part] = Field(max_length=5)


def schema_of(model: type[WireModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema.pop("title", None)
    return schema


def change(new: type[WireModel]) -> Change | None:
    return required_change(compare(schema_of(V1), schema_of(new)))


def test_identical_schemas_need_nothing() -> None:
    assert compare(schema_of(V1), schema_of(V1)) == []


def test_a_new_optional_field_is_minor() -> None:
    class V2(WireModel):
        name: Label
        colour: Colour
        parts: list[Part] = Field(max_length=5)
        note: Label | None = None

    assert change(V2) is Change.MINOR


def test_a_new_required_field_is_major() -> None:
    class V2(WireModel):
        name: Label
        colour: Colour
        parts: list[Part] = Field(max_length=5)
        note: Label

    assert change(V2) is Change.MAJOR


def test_a_removed_field_is_major() -> None:
    class V2(WireModel):
        name: Label
        colour: Colour

    assert change(V2) is Change.MAJOR


def test_a_new_enumeration_value_is_minor_and_a_removed_one_major() -> None:
    class V2(WireModel):
        name: Label
        colour: ColourMore
        parts: list[Part] = Field(max_length=5)

    assert change(V2) is Change.MINOR
    assert required_change(compare(schema_of(V2), schema_of(V1))) is Change.MAJOR


def test_tightening_a_nested_bound_is_major_and_loosening_minor() -> None:
    class Tighter(WireModel):
        size: int = Field(ge=0, le=5)

    class Looser(WireModel):
        size: int = Field(ge=0, le=50)

    class V2(WireModel):
        name: Label
        colour: Colour
        parts: list[Tighter] = Field(max_length=5)

    class V3(WireModel):
        name: Label
        colour: Colour
        parts: list[Looser] = Field(max_length=5)

    assert change(V2) is Change.MAJOR
    assert change(V3) is Change.MINOR


def test_a_changed_type_is_major() -> None:
    class V2(WireModel):
        name: int = Field(ge=0, le=9)
        colour: Colour
        parts: list[Part] = Field(max_length=5)

    assert change(V2) is Change.MAJOR


def test_a_description_change_is_a_patch() -> None:
    class V2(WireModel):
        """Version two, described differently."""

        name: Label
        colour: Colour
        parts: list[Part] = Field(max_length=5)

    assert change(V2) is Change.PATCH


def test_version_rule() -> None:
    assert version_allows("1.0.0", "1.0.0", None)
    assert version_allows("1.0.0", "1.0.0", Change.PATCH)
    assert not version_allows("1.0.0", "1.0.0", Change.MINOR)
    assert version_allows("1.0.0", "1.1.0", Change.MINOR)
    assert not version_allows("1.0.0", "1.1.0", Change.MAJOR)
    assert version_allows("1.4.2", "2.0.0", Change.MAJOR)
