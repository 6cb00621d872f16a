"""Compatibility between two versions of a message type's JSON Schema.

The versioning rule of the schema (docs/messages.md, "Versioning"): within a major version, a
minor version may only *add* optional fields or enumeration values; a patch version changes
only descriptions. Everything else is breaking and needs a new major version.

:func:`compare` walks an old and a new schema side by side (following ``$ref`` into each one's
``$defs``) and classifies every difference. A reader of version 1.x rejects members it does not
know (``additionalProperties: false``), so a sender must not fill in fields newer than what the
recipient declares in the federation directory; additions are therefore safe only together with
that rule, which is why they need a minor version bump.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final


class Change(StrEnum):
    """How much a difference matters, in increasing order."""

    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"


@dataclass(frozen=True)
class Difference:
    path: str
    change: Change
    what: str

    def __str__(self) -> str:
        return f"[{self.change}] {self.path or '/'}: {self.what}"


_DOC_KEYWORDS: Final = frozenset({"title", "description", "examples", "$comment", "default"})
_TIGHTER_IF_LARGER: Final = ("minLength", "minItems", "minimum", "exclusiveMinimum")
_TIGHTER_IF_SMALLER: Final = ("maxLength", "maxItems", "maximum", "exclusiveMaximum")
_COMPARED_EXACTLY: Final = ("type", "const", "pattern", "format", "additionalProperties")


class _Walker:
    def __init__(self, old_root: dict[str, Any], new_root: dict[str, Any]) -> None:
        self.old_root = old_root
        self.new_root = new_root
        self.found: list[Difference] = []
        self._seen: set[tuple[str, str]] = set()

    @staticmethod
    def _resolve(node: Any, root: dict[str, Any]) -> tuple[Any, str | None]:
        ref = node.get("$ref") if isinstance(node, dict) else None
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            return root.get("$defs", {}).get(name, {}), name
        return node, None

    def add(self, path: str, change: Change, what: str) -> None:
        self.found.append(Difference(path, change, what))

    def walk(self, old: Any, new: Any, path: str) -> None:
        old, old_ref = self._resolve(old, self.old_root)
        new, new_ref = self._resolve(new, self.new_root)
        if old_ref or new_ref:
            key = (f"{old_ref}", f"{new_ref}")
            if key in self._seen:
                return  # a definition is compared once (and recursion terminates)
            self._seen.add(key)
        if not isinstance(old, dict) or not isinstance(new, dict):
            if old != new:
                self.add(path, Change.MAJOR, "schema replaced")
            return
        for keyword in sorted(set(old) | set(new)):
            if keyword in _DOC_KEYWORDS or keyword.startswith("x-"):
                if old.get(keyword) != new.get(keyword):
                    self.add(path, Change.PATCH, f"{keyword} changed")
                continue
            self._keyword(keyword, old.get(keyword), new.get(keyword), path)

    def _keyword(self, keyword: str, old: Any, new: Any, path: str) -> None:
        if old == new and keyword not in ("properties", "items", "allOf", "anyOf", "oneOf"):
            return
        if keyword == "properties":
            self._properties(old or {}, new or {}, path)
        elif keyword == "required":
            added = sorted(set(new or []) - set(old or []))
            removed = sorted(set(old or []) - set(new or []))
            if added:
                self.add(path, Change.MAJOR, f"newly required: {', '.join(added)}")
            if removed:
                self.add(path, Change.MAJOR, f"no longer required: {', '.join(removed)}")
        elif keyword == "enum":
            added = [v for v in new or [] if v not in (old or [])]
            removed = [v for v in old or [] if v not in (new or [])]
            if removed or new is None:
                self.add(path, Change.MAJOR, f"enumeration values removed: {removed}")
            elif added:
                self.add(path, Change.MINOR, f"enumeration values added: {added}")
        elif keyword in ("items", "$defs"):
            if keyword == "items":
                self.walk(old or {}, new or {}, f"{path}[]")
        elif keyword in ("allOf", "anyOf", "oneOf"):
            old_list, new_list = old or [], new or []
            if len(old_list) != len(new_list):
                self.add(path, Change.MAJOR, f"{keyword} changed")
            for index, (a, b) in enumerate(zip(old_list, new_list, strict=False)):
                self.walk(a, b, f"{path}<{keyword}{index}>")
        elif keyword in _TIGHTER_IF_LARGER + _TIGHTER_IF_SMALLER:
            self._bound(keyword, old, new, path)
        elif keyword in _COMPARED_EXACTLY or keyword == "$ref":
            self.add(path, Change.MAJOR, f"{keyword} changed from {old!r} to {new!r}")
        else:
            self.add(path, Change.MAJOR, f"{keyword} changed")

    def _properties(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        for name in old:
            if name not in new:
                self.add(f"{path}.{name}", Change.MAJOR, "field removed")
            else:
                self.walk(old[name], new[name], f"{path}.{name}" if path else name)
        for name in new:
            if name not in old:
                self.add(f"{path}.{name}" if path else name, Change.MINOR, "optional field added")

    def _bound(self, keyword: str, old: Any, new: Any, path: str) -> None:
        if old is None or new is None:
            change = Change.MAJOR if new is not None else Change.MINOR
            self.add(path, change, f"{keyword} {'added' if new is not None else 'removed'}")
            return
        tighter = new > old if keyword in _TIGHTER_IF_LARGER else new < old
        self.add(path, Change.MAJOR if tighter else Change.MINOR, f"{keyword} {old} -> {new}")


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    """Every difference between two versions of one schema, classified."""
    walker = _Walker(old, new)
    walker.walk(old, new, "")
    return walker.found


def required_change(differences: list[Difference]) -> Change | None:
    """The version bump the differences need, or None when there are none."""
    order = list(Change)
    return max((d.change for d in differences), key=order.index, default=None)


def bump_needed(old_version: str, new_version: str) -> Change | None:
    """The bump between two semantic versions (None when equal)."""
    old = [int(part) for part in old_version.split(".")]
    new = [int(part) for part in new_version.split(".")]
    if new[0] != old[0]:
        return Change.MAJOR
    if new[1] != old[1]:
        return Change.MINOR
    if new[2] != old[2]:
        return Change.PATCH
    return None


def version_allows(old_version: str, new_version: str, needed: Change | None) -> bool:
    """Whether moving from ``old_version`` to ``new_version`` is a large enough bump.

    Patch-level differences (descriptions) are allowed without a bump.
    """
    if needed is None or needed is Change.PATCH:
        return True
    bump = bump_needed(old_version, new_version)
    order = list(Change)
    return bump is not None and order.index(bump) >= order.index(needed)
