"""docs/api.md stays true to the API: every route it calls with curl or names in the text is an
operation of the node's OpenAPI document, and it walks through the main flows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.national_node.conftest import NodesUnderTest

pytestmark = pytest.mark.asyncio

API_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"

MAIN_FLOWS = {
    ("POST", "/auth/login"),
    ("GET", "/mla/checklist"),
    ("POST", "/mla/cases"),
    ("GET", "/mla/cases/{case_id}/draft"),
    ("GET", "/mla/cases/{case_id}/draft/checklist"),
    ("PUT", "/mla/cases/{case_id}/draft"),
    ("POST", "/mla/cases/{case_id}/draft/send"),
    ("GET", "/mla/cases/{case_id}"),
    ("POST", "/mla/cases/{case_id}/messages"),
    ("POST", "/mla/cases/{case_id}/events/{event}"),
    ("GET", "/mla/overdue"),
    ("POST", "/mla/cases/{case_id}/status-inquiry"),
    ("GET", "/repatriation/cases"),
    ("POST", "/repatriation/cases/{case_id}/prosecutor-confirmations"),
    ("GET", "/witness-protection/cases"),
    ("POST", "/tokens"),
    ("DELETE", "/tokens/{token_id}"),
    ("GET", "/audit/cases"),
    ("GET", "/audit/cases/{case_id}"),
    ("GET", "/audit/access"),
}
"""What the walk-through must show: logging in, drafting and checking a request, sending it,
its status and receipt, the other side's answers, timers and status inquiries, repatriation
and witness protection, tokens for integrations, the auditors' views."""

FRAMEWORK_PAGES = {"/docs", "/openapi.json"}
"""Served by FastAPI itself, outside the OpenAPI document's paths."""

_URL = re.compile(r'"\$(?:AR|BR|PY|1)(/[^"?\s]*)')
_METHOD = re.compile(r"\s-X\s+([A-Z]+)")
_NAMED = re.compile(r"`(?:(GET|POST|PUT|PATCH|DELETE) )?(/[a-z][^`?\s]*)")


def _general(path: str) -> str:
    """A documented path with its variables (``$CASE``, ``{id}``) as ``{}``."""
    return "/".join(
        "{}" if part.startswith(("$", "{")) else part for part in path.rstrip("/").split("/")
    )


def documented_calls(text: str) -> set[tuple[str | None, str]]:
    """(method, path) of every curl command in the shell blocks, and of every route named in
    the text (method None when the text names the path only)."""
    calls: set[tuple[str | None, str]] = set()
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if "curl" not in line:
                continue
            command = line[line.index("curl") :]
            url = _URL.search(command)
            assert url is not None, f"a curl call without a node URL: {line}"
            method = _METHOD.search(command)
            default = "POST" if re.search(r"\s-d\s", command) else "GET"
            calls.add((method.group(1) if method else default, _general(url.group(1))))
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    for method, path in _NAMED.findall(prose):
        if path not in FRAMEWORK_PAGES and "..." not in path:
            calls.add((method or None, _general(path)))
    return calls


def matches(template: str, path: str) -> bool:
    """Whether a documented path is an instance of an OpenAPI path template (a variable of the
    documentation only where the template has a parameter)."""
    wanted, given = template.split("/"), path.split("/")
    return len(wanted) == len(given) and all(
        w.startswith("{") or w == g for w, g in zip(wanted, given, strict=True)
    )


async def test_every_route_of_the_walk_through_exists(nodes: NodesUnderTest) -> None:
    document = (await nodes.clients["AR"].get("/openapi.json")).json()
    operations = {(m.upper(), path) for path, items in document["paths"].items() for m in items}
    documented = documented_calls(API_MD.read_text(encoding="utf-8"))
    assert len(documented) > 25
    missing = sorted(
        f"{method or 'ANY'} {path}"
        for method, path in documented
        if not any(matches(t, path) and method in (None, m) for m, t in operations)
    )
    assert missing == []
    shown = {
        (m, t)
        for m, t in operations
        for method, path in documented
        if method == m and matches(t, path)
    }
    assert shown >= MAIN_FLOWS
