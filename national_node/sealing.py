"""Sealed sections at rest: split a document into a redacted part and encrypted sections, and
put it back together for a reader, section by section, according to the reader's role.

A sealed section's place in the redacted document holds a marker::

    {"x-puente-sealed": {"audience": ["WP_UNIT"]}}

A reader whose authority role is in the audience gets the section decrypted in its place (and the
caller records that decryption); anyone else keeps the marker. A section that does not open (its
blob altered, or moved from another place) keeps the marker, flagged ``"unreadable": true``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from crypto.at_rest import CaseKey, UnreadableBlob
from messages.document import Document
from messages.sealed import iter_sealed
from messages.vocab import AuthorityRole

MARKER = "x-puente-sealed"
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class EncryptedSection:
    path: str
    audience: frozenset[AuthorityRole]
    blob: bytes


def _steps(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _STEP.findall(path)]


def _locate(tree: Any, path: str) -> tuple[Any, str | int]:
    *parents, last = _steps(path)
    node = tree
    for step in parents:
        node = node[step]
    return node, last


def section_aad(case_id: str, message_id: str, path: str) -> bytes:
    """What a section's blob is bound to: moved elsewhere, it does not open."""
    return f"sealed|{case_id}|{message_id}|{path}".encode()


def seal_sections(
    document: Document[Any], case_id: str, key: CaseKey
) -> tuple[bytes, list[EncryptedSection]]:
    """The redacted document (JSON bytes) and its sections, each encrypted under ``key``."""
    tree = json.loads(document.to_json())
    message_id = str(document.header.message_id)
    sections: list[EncryptedSection] = []
    for path, section in iter_sealed(document.body, "body"):
        parent, last = _locate(tree, path)
        plaintext = json.dumps(parent[last], separators=(",", ":")).encode()
        audience = frozenset(type(section).AUDIENCE)
        sections.append(
            EncryptedSection(
                path, audience, key.seal(plaintext, section_aad(case_id, message_id, path))
            )
        )
        parent[last] = {MARKER: {"audience": sorted(str(role) for role in audience)}}
    return json.dumps(tree, separators=(",", ":")).encode(), sections


def may_read(role: AuthorityRole | None, audience: frozenset[AuthorityRole]) -> bool:
    return role is not None and role in audience


def reveal(
    redacted: bytes,
    sections: list[EncryptedSection],
    *,
    case_id: str,
    role: AuthorityRole | None,
    key: CaseKey | None,
) -> tuple[dict[str, Any], list[str]]:
    """The document as ``role`` may see it, and the paths decrypted for it (to record)."""
    tree: dict[str, Any] = json.loads(redacted)
    message_id = str(tree["header"]["message_id"])
    opened: list[str] = []
    for section in sections:
        if key is None or not may_read(role, section.audience):
            continue
        parent, last = _locate(tree, section.path)
        try:
            plaintext = key.open(section.blob, section_aad(case_id, message_id, section.path))
        except UnreadableBlob:
            parent[last][MARKER]["unreadable"] = True
            continue
        parent[last] = json.loads(plaintext)
        opened.append(section.path)
    return tree, opened


def restore(
    redacted: bytes, sections: list[EncryptedSection], *, case_id: str, key: CaseKey
) -> bytes:
    """The whole document again, for the node's own processing (never shown to a user)."""
    tree = json.loads(redacted)
    message_id = str(tree["header"]["message_id"])
    for section in sections:
        plaintext = key.open(section.blob, section_aad(case_id, message_id, section.path))
        parent, last = _locate(tree, section.path)
        parent[last] = json.loads(plaintext)
    return json.dumps(tree, separators=(",", ":")).encode()
