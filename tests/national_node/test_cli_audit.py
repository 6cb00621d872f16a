"""``puente audit export`` and ``puente audit verify``: a node's log exported as an offline
bundle that verifies; one entry altered, deleted or reordered in the database, exported again,
and ``verify`` fails naming that entry; a log rebuilt from scratch is caught by the checkpoint of
the earlier bundle."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from sqlmodel.ext.asyncio.session import AsyncSession
from typer.testing import CliRunner, Result

from gateway.store import make_engine
from gateway.tlog import LogEntry, TlogCheckpoint, TlogEntry, TlogHead, TlogNode, append_entries
from national_node.cli import app

runner = CliRunner()
PASSPHRASE = "correct horse battery staple"
ENV = {"PUENTE_PASSPHRASE": PASSPHRASE, "PUENTE_ADMIN_PASSWORD": "admin password of AR"}
ENTRIES = 12


def puente(*args: object) -> Result:
    return runner.invoke(app, [str(a) for a in args], env=ENV)


def event(i: int, reason: str = "accepted") -> LogEntry:
    return LogEntry("received", 1_767_225_600 + i, {"envelope_sha256": f"{i:064x}", "v": reason})


def run_sql(url: str, *statements: object, entries: list[LogEntry] | None = None) -> None:
    async def go() -> None:
        engine = make_engine(url)
        try:
            async with AsyncSession(engine) as session, session.begin():
                connection = await session.connection()
                for statement in statements:
                    await connection.execute(statement)  # type: ignore[call-overload]
                if entries:
                    await append_entries(session, entries)
        finally:
            await engine.dispose()

    asyncio.run(go())


@pytest.fixture
def node(tmp_path: Path) -> tuple[Path, str]:
    """A node set up by ``puente node init`` whose log holds ENTRIES entries."""
    data = tmp_path / "ar"
    result = puente("node", "init", "--state", "AR", "--data-dir", data)
    assert result.exit_code == 0, result.output
    url = f"sqlite+aiosqlite:///{data / 'node.db'}"
    run_sql(url, entries=[event(i) for i in range(ENTRIES)])
    return data / "puente.toml", url


def export(config: Path, out: Path) -> Path:
    result = puente("audit", "export", "--out", out, "--config", config)
    assert result.exit_code == 0, result.output
    return out


def test_an_exported_log_verifies_offline(node: tuple[Path, str], tmp_path: Path) -> None:
    config, url = node
    first = export(config, tmp_path / "first.json")
    result = puente("audit", "verify", first)
    assert result.exit_code == 0, result.output
    assert f"{ENTRIES} entries (the whole log)" in result.output
    assert "puente.log/AR/v1" in result.output
    run_sql(url, entries=[event(i) for i in range(ENTRIES, ENTRIES + 5)])
    second = export(config, tmp_path / "second.json")
    bundle = json.loads(second.read_text())
    assert len(bundle["checkpoints"]) == 2
    assert len(bundle["consistency_proofs"]) == 1
    result = puente("audit", "verify", second, "--trusted", first)
    assert result.exit_code == 0, result.output
    assert "checkpoints at sizes 12, 17" in result.output
    assert "consistent with the trusted checkpoints at sizes 12" in result.output


def swap(url: str, a: int, b: int) -> None:
    """Swap two entries' rows in the database (kind, time, data): a reordering."""
    rows = {i: event(i) for i in (a, b)}
    run_sql(
        url,
        *(
            update(TlogEntry)
            .where(TlogEntry.leaf_index == i)  # type: ignore[arg-type]
            .values(data=rows[j].encode(), at=rows[j].at)
            for i, j in ((a, b), (b, a))
        ),
    )


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        ("alter", "entry 5"),
        ("delete", "entry 5"),
        ("reorder", "entry 3"),
    ],
)
def test_an_entry_changed_in_the_database_is_named_by_verify(
    node: tuple[Path, str], tmp_path: Path, tamper: str, named: str
) -> None:
    config, url = node
    first = export(config, tmp_path / "first.json")
    assert puente("audit", "verify", first).exit_code == 0
    if tamper == "alter":
        run_sql(
            url,
            update(TlogEntry)
            .where(TlogEntry.leaf_index == 5)  # type: ignore[arg-type]
            .values(data=event(5, reason="rejected").encode()),
        )
    elif tamper == "delete":
        run_sql(url, delete(TlogEntry).where(TlogEntry.leaf_index == 5))  # type: ignore[arg-type]
    else:
        swap(url, 3, 8)
    second = export(config, tmp_path / "second.json")
    result = puente("audit", "verify", second, "--trusted", first)
    assert result.exit_code == 1
    assert f"{named}:" in result.output, result.output


def test_a_log_rebuilt_from_scratch_is_caught_by_the_earlier_checkpoint(
    node: tuple[Path, str], tmp_path: Path
) -> None:
    config, url = node
    first = export(config, tmp_path / "first.json")
    # The operator rewrites entry 5 and rebuilds every table of the log (nodes, head, its own
    # checkpoints): the new bundle is consistent on its own...
    rebuilt = [event(i, reason="rejected" if i == 5 else "accepted") for i in range(ENTRIES)]
    run_sql(
        url,
        delete(TlogEntry),
        delete(TlogNode),
        delete(TlogHead),
        delete(TlogCheckpoint),
        entries=rebuilt,
    )
    second = export(config, tmp_path / "second.json")
    assert puente("audit", "verify", second).exit_code == 0
    # ... but not with the checkpoint the auditor kept from the first bundle.
    result = puente("audit", "verify", second, "--trusted", first)
    assert result.exit_code == 1
    assert f"trusted checkpoint {ENTRIES}:" in result.output
    assert "rewritten" in result.output


def test_verify_refuses_what_is_not_a_bundle(tmp_path: Path) -> None:
    path = tmp_path / "not-a-bundle.json"
    path.write_text("{}")
    result = puente("audit", "verify", path)
    assert result.exit_code == 1
    assert "bundle:" in result.output
