"""Sealed sections: the only place personal data may live in a message.

A sealed section is a typed sub-model derived from :class:`Sealed`. Its class names the
authority roles entitled to read it (``AUDIENCE``); the JSON Schema marks it with
``"x-puente-sealed"`` so that other implementations can find it too. A node encrypts every sealed
section at rest with its data key and decrypts it only for users whose role is in the audience,
recording each decryption in the audit log. Everything outside sealed sections is metadata that
routing, auditing and statistics may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from messages.base import WIRE_CONFIG, WireModel
from messages.vocab import AuthorityRole


def _mark_sealed(schema: dict[str, Any], cls: type[Any]) -> None:
    audience = sorted(role.value for role in getattr(cls, "AUDIENCE", frozenset()))
    schema["x-puente-sealed"] = {"audience": audience}


class Sealed(WireModel):
    """Base of every section holding personal data (names, dates of birth, documents, addresses,
    new identities, narratives about a victim or a witness)."""

    model_config = ConfigDict(**WIRE_CONFIG, json_schema_extra=_mark_sealed)

    AUDIENCE: ClassVar[frozenset[AuthorityRole]] = frozenset()
    """Authority roles entitled to read this section; every other role sees it redacted."""


def iter_sealed(model: BaseModel, path: str = "") -> Iterator[tuple[str, Sealed]]:
    """Every sealed section inside ``model`` with its dotted path, outermost first.

    A sealed section is not searched further: it is encrypted and decrypted as a whole.
    """
    for name in type(model).model_fields:
        value = getattr(model, name)
        yield from _walk(value, f"{path}.{name}" if path else name)


def _walk(value: object, path: str) -> Iterator[tuple[str, Sealed]]:
    if isinstance(value, Sealed):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from iter_sealed(value, path)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
