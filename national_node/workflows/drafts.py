"""What a family's node rules read in a draft before the schema validates it: where the sealed
sections of a body class sit, and what a raw body holds there.

The node's rules run before a draft is validated, so that what they refuse is refused as the
lifecycle would refuse it (409, naming the rule) rather than lost among schema errors. They read
the raw body through the paths of its body class's fields: ``guardian.person``, and ``name[]``
for every item of a list.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from messages.sealed import Sealed


def _models_in(annotation: Any, in_list: bool = False) -> Iterator[tuple[type[BaseModel], bool]]:
    """The model classes ``annotation`` may hold, each with whether it sits in a list."""
    origin = get_origin(annotation)
    if origin is Annotated:
        yield from _models_in(get_args(annotation)[0], in_list)
    elif origin in (Union, types.UnionType):
        for member in get_args(annotation):
            yield from _models_in(member, in_list)
    elif origin in (list, tuple):
        for member in get_args(annotation):
            yield from _models_in(member, True)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, in_list


def section_paths(
    model: type[BaseModel], wanted: Callable[[type[Sealed]], bool], prefix: str = ""
) -> list[str]:
    """Paths of the fields of ``model`` that hold a sealed section ``wanted`` accepts, searched
    through plain sub-models (a sealed section is one whole: it is not searched further)."""
    paths: list[str] = []
    for name, field in model.model_fields.items():
        for kind, in_list in _models_in(field.annotation):
            path = f"{prefix}{name}{'[]' if in_list else ''}"
            if issubclass(kind, Sealed):
                if wanted(kind):
                    paths.append(path)
            else:
                paths.extend(section_paths(kind, wanted, f"{path}."))
    return sorted(set(paths))


def values_at(body: Any, path: str) -> list[Any]:
    """The values a raw body holds at ``path`` (absent and null values are left out)."""
    found = [body]
    for step in path.split("."):
        name, every = (step[:-2], True) if step.endswith("[]") else (step, False)
        values = [item.get(name) for item in found if isinstance(item, dict)]
        if every:
            values = [item for value in values if isinstance(value, list) for item in value]
        found = [value for value in values if value is not None]
    return found
