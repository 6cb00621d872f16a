"""Dependencies point one way: messages <- crypto <- gateway <- national_node."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["messages", "crypto", "gateway", "national_node"]
# Frameworks belong to the layer that needs them and nowhere below it.
FRAMEWORKS = {
    "messages": {"cryptography", "aio_pika", "aiormq", "fastapi", "sqlmodel", "sqlalchemy"},
    "crypto": {"aio_pika", "aiormq", "fastapi", "sqlmodel", "sqlalchemy"},
    "gateway": {"fastapi"},
    "national_node": set(),
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ORDER)
def test_a_package_imports_only_packages_below_it(package: str) -> None:
    forbidden = set(ORDER[ORDER.index(package) + 1 :]) | FRAMEWORKS[package]
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no modules"
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & forbidden)
        for path in files
        if imported_roots(path) & forbidden
    }
    assert offenders == {}
