"""docs/messages.md's generated parts are current."""

from __future__ import annotations

from pathlib import Path

import pytest

from messages.catalogue import fill, generated_sections

CATALOGUE = Path(__file__).resolve().parents[2] / "docs" / "messages.md"


def test_the_committed_catalogue_is_current() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    assert fill(text) == text, "run: .venv/bin/puente schema docs"


def test_every_section_has_content_and_a_place_in_the_catalogue() -> None:
    sections = generated_sections()
    text = CATALOGUE.read_text(encoding="utf-8")
    for name, content in sections.items():
        assert f"<!-- BEGIN GENERATED: {name} -->" in text
        assert content.strip()


def test_a_catalogue_missing_a_section_is_refused() -> None:
    with pytest.raises(ValueError, match="lacks generated sections"):
        fill("# nothing generated here\n")
