"""The ``puente`` command line: schema tools (the demo: tests/national_node/test_demo.py)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from messages.registry import all_examples
from messages.schema_export import exported_files
from national_node.cli import app

runner = CliRunner()


def test_schema_export_writes_every_schema(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.iterdir()}
    assert written == exported_files()


def test_schema_export_refuses_a_breaking_change_without_a_major_bump(tmp_path: Path) -> None:
    assert runner.invoke(app, ["schema", "export", str(tmp_path)]).exit_code == 0
    # Pretend the committed schema had a field the models no longer have.
    target = tmp_path / "mla.EvidenceRequest.schema.json"
    schema = json.loads(target.read_text(encoding="utf-8"))
    schema["properties"]["legacy_field"] = {"type": "string", "maxLength": 5}
    target.write_text(json.dumps(schema), encoding="utf-8")
    result = runner.invoke(app, ["schema", "export", str(tmp_path)])
    assert result.exit_code == 1
    assert "needs a major version bump" in result.output
    assert "legacy_field: field removed" in result.output


def test_validate_reports_ok_and_every_problem(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_bytes(all_examples()[0].to_json())
    bad = tmp_path / "bad.json"
    wire = json.loads(all_examples()[0].to_json())
    wire["header"]["recipient"]["state"] = "XX"
    wire["body"]["unexpected"] = 1
    bad.write_text(json.dumps(wire), encoding="utf-8")
    result = runner.invoke(app, ["schema", "validate", str(good), str(bad), str(tmp_path / "no")])
    assert result.exit_code == 1
    assert f"{good}: ok" in result.output
    assert "header.recipient.state" in result.output
    assert "body.unexpected" in result.output
    assert "cannot read" in result.output
