"""Sealed sections at rest: encrypted under the case's key (no database row holds their
plaintext), revealed to a user section by section according to the section's audience, every
decryption recorded; a shredded case shows its metadata only; a blob moved elsewhere does not
open.

The messages are the repatriation sample's: a VictimIdentifiedNotice (the victim's identity, for
consular posts, ministries, victim services and central authorities; her statement, for victim
services and consular posts) and a SafetyRiskAssessment (the risk narrative, for victim services
only), sent by BR's gateway to PY and filed there by the node.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any, Final

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, col, select

from crypto.at_rest import DataKey, UnreadableBlob
from messages.document import Document
from messages.registry import FAMILY_SPECS
from messages.sealed import iter_sealed
from messages.vocab import Family
from national_node.api.errors import UNREADABLE_CASE
from national_node.api.examples import as_draft
from national_node.roles import AUTHORITY_ROLE, Role
from national_node.sealing import MARKER, EncryptedSection, restore, reveal, seal_sections
from national_node.store import AccessRecord, Case, SealedSection
from tests.national_node.conftest import NodesUnderTest

pytestmark = pytest.mark.asyncio

CONVERSATION: Final = FAMILY_SPECS[Family.REPATRIATION].example_conversations()[0]
NOTICE, ASSESSMENT = CONVERSATION[0], CONVERSATION[3]
IDENTITY, STATEMENT, NARRATIVE = "body.victim", "body.victim_statement", "body.narrative"
SEEN_BY: Final = {
    Role.VICTIM_SERVICES: {IDENTITY, STATEMENT, NARRATIVE},
    Role.CONSULAR_OFFICER: {IDENTITY, STATEMENT},
}
"""The sections each repatriation role's audience admits it to."""


def section_data(document: Document[Any]) -> dict[str, Any]:
    """Each sealed section of ``document`` as JSON data, by path."""
    return {
        path: json.loads(section.model_dump_json(exclude_none=True))
        for path, section in iter_sealed(document.body, "body")
    }


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def secrets_of(*documents: Document[Any]) -> list[str]:
    """The personal data in the documents' sealed sections (names, birth date, id number,
    address, phone, statements), leaving out codes and digests that appear outside sections too
    (a country, a document's kind, the hash of an attached copy)."""
    found = []
    for document in documents:
        for data in section_data(document).values():
            found += [
                v
                for v in leaves(data)
                if isinstance(v, str)
                and len(v) >= 5
                and not v.isupper()
                and not re.fullmatch("[0-9a-f]{64}", v)
            ]
    return found


def in_clear(secret: str, stored: bytes) -> bool:
    """``secret`` in ``stored`` as UTF-8 or as JSON writes it (non-ASCII escaped)."""
    forms = {secret.encode(), json.dumps(secret)[1:-1].encode()}
    return any(form in stored for form in forms)


def database_files(engine: AsyncEngine) -> list[Path]:
    """An SQLite database's file and its write-ahead log (free pages included)."""
    if engine.dialect.name != "sqlite" or engine.url.database is None:
        return []
    main = Path(engine.url.database)
    return [p for p in (main, Path(f"{main}-wal")) if p.exists()]


async def deliver(nodes: NodesUnderTest, *documents: Document[Any]) -> dict[str, Any]:
    """``documents`` sent by BR's gateway to PY, and the case PY filed them in (as PY's victim
    services list it), once all have arrived."""
    for document in documents:
        await nodes.federation.nodes["BR"].gateway.send(document)
    client, headers = nodes.clients["PY"], await nodes.headers("PY", Role.VICTIM_SERVICES)
    for _ in range(200):
        listed = (await client.get("/repatriation/cases", headers=headers)).json()
        if listed:
            case: dict[str, Any] = (
                await client.get(f"/repatriation/cases/{listed[0]['id']}", headers=headers)
            ).json()
            if len(case["entries"]) == len(documents):
                return case
        await asyncio.sleep(0.05)
    raise AssertionError("the messages did not arrive")


def sections_shown(case: dict[str, Any]) -> dict[tuple[int, str], Any]:
    """Each sealed path of each entry as the case view shows it: the data, or the marker."""
    shown = {}
    for entry, document in zip(case["entries"], (NOTICE, ASSESSMENT), strict=True):
        for path in section_data(document):
            node: Any = entry["document"]
            for step in path.split("."):
                node = node[step]
            shown[(entry["id"], path)] = node
    return shown


async def access_records(nodes: NodesUnderTest, case_id: str) -> list[AccessRecord]:
    async with nodes.federation.nodes["PY"].session() as session:
        rows = await session.exec(select(AccessRecord).where(AccessRecord.case_id == case_id))
        return list(rows.all())


# --- at rest ---------------------------------------------------------------------------------


async def stored_values(engine: AsyncEngine) -> list[bytes]:
    """Every text and binary value of every table of the database, as bytes."""
    values = []
    async with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in await connection.execute(table.select()):
                for value in row._mapping.values():
                    if isinstance(value, bytes):
                        values.append(value)
                    elif isinstance(value, str):
                        values.append(value.encode())
    return values


async def test_no_row_of_the_node_holds_a_sealed_section_in_clear(nodes: NodesUnderTest) -> None:
    """AR holds a draft with the victim's identity; BR sent the messages (its outbox holds
    envelopes); PY filed them (case entries, sealed sections, facts)."""
    secrets = secrets_of(NOTICE, ASSESSMENT)
    assert {"Ayala Sanabria", "2000-03-08", "4812337", "+595 981 555 0142"} <= set(secrets)
    draft = as_draft(NOTICE, first=True)
    draft["recipient"] = {"state": "PY", "authority_id": "PY-CONSUL", "role": "CONSULAR_POST"}
    opened = await nodes.clients["AR"].post(
        "/repatriation/cases", json=draft, headers=await nodes.headers("AR", Role.VICTIM_SERVICES)
    )
    assert opened.status_code == 201, opened.text
    case = await deliver(nodes, NOTICE, ASSESSMENT)
    shown = sections_shown(case)[(case["entries"][0]["id"], IDENTITY)]
    assert shown["family_names"] == "Ayala Sanabria"  # it is there, for those entitled
    for state in ("AR", "BR", "PY"):
        engine = nodes.federation.nodes[state].engine
        stored = await stored_values(engine)
        assert [s for s in secrets if any(in_clear(s, value) for value in stored)] == [], state
    for state in ("AR", "BR"):  # SQLite: the files too, free pages and log included
        for path in database_files(nodes.federation.nodes[state].engine):
            assert [s for s in secrets if in_clear(s, path.read_bytes())] == [], path


async def test_the_gateway_inbox_holds_no_sealed_section_in_clear(nodes: NodesUnderTest) -> None:
    await deliver(nodes, NOTICE)
    engine = nodes.federation.nodes["PY"].engine
    stored = await stored_values(engine)
    assert [s for s in secrets_of(NOTICE) if any(in_clear(s, value) for value in stored)] == []


# --- revealed by audience, every opening recorded ------------------------------------------


async def test_each_role_sees_the_sections_of_its_audience_and_each_opening_is_recorded(
    nodes: NodesUnderTest,
) -> None:
    case = await deliver(nodes, NOTICE, ASSESSMENT)
    client = nodes.clients["PY"]
    originals = {
        (entry["id"], path): data
        for entry, document in zip(case["entries"], (NOTICE, ASSESSMENT), strict=True)
        for path, data in section_data(document).items()
    }
    before = len(await access_records(nodes, case["id"]))  # deliver() read it as victim services
    for role, paths in SEEN_BY.items():
        headers = await nodes.headers("PY", role)
        view = (await client.get(f"/repatriation/cases/{case['id']}", headers=headers)).json()
        for (entry_id, path), shown in sections_shown(view).items():
            if path in paths:
                assert shown == originals[(entry_id, path)], (role, path)
            else:
                assert set(shown) == {MARKER}, (role, path)
                assert role.value.upper() not in json.dumps(shown)
        records = (await access_records(nodes, case["id"]))[before:]
        assert sorted((r.role, r.entry_id, r.path) for r in records) == sorted(
            (role.value, entry_id, path) for entry_id, path in originals if path in paths
        )
        before += len(records)
    audit = await client.get(
        "/audit/access",
        params={"case_id": case["id"]},
        headers=await nodes.headers("PY", Role.AUDITOR),
    )
    assert len(audit.json()) == before


async def test_an_auditor_sees_metadata_only_and_other_roles_nothing(nodes: NodesUnderTest) -> None:
    case = await deliver(nodes, NOTICE, ASSESSMENT)
    client = nodes.clients["PY"]
    recorded = len(await access_records(nodes, case["id"]))
    timeline = await client.get(
        f"/audit/cases/{case['id']}", headers=await nodes.headers("PY", Role.AUDITOR)
    )
    assert timeline.status_code == 200
    assert [e["trigger"] for e in timeline.json()["entries"]] == [
        "VictimIdentifiedNotice",
        "SafetyRiskAssessment",
    ]
    assert all(e["document"] is None for e in timeline.json()["entries"])
    assert [s for s in secrets_of(NOTICE, ASSESSMENT) if s in timeline.text] == []
    for role in (Role.PROSECUTOR, Role.WP_OFFICER, Role.STATS_OFFICER, Role.ADMIN):
        response = await client.get(
            f"/repatriation/cases/{case['id']}", headers=await nodes.headers("PY", role)
        )
        assert (role, response.status_code) == (role, 403)
    assert len(await access_records(nodes, case["id"])) == recorded


# --- crypto-shredding --------------------------------------------------------------------------


async def test_a_shredded_case_shows_its_metadata_only(nodes: NodesUnderTest) -> None:
    case = await deliver(nodes, NOTICE, ASSESSMENT)
    async with nodes.federation.nodes["PY"].session() as session:
        await session.exec(update(Case).where(col(Case.id) == case["id"]).values(wrapped_key=None))  # type: ignore[call-overload]
        await session.commit()
    recorded = len(await access_records(nodes, case["id"]))
    client = nodes.clients["PY"]
    headers = await nodes.headers("PY", Role.VICTIM_SERVICES)
    view = await client.get(f"/repatriation/cases/{case['id']}", headers=headers)
    assert view.status_code == 200
    assert (view.json()["case_ref"], view.json()["state"]) == (case["case_ref"], case["state"])
    assert all(set(shown) == {MARKER} for shown in sections_shown(view.json()).values())
    assert [s for s in secrets_of(NOTICE, ASSESSMENT) if s in view.text] == []
    assert len(await access_records(nodes, case["id"])) == recorded
    audit = await client.get(
        f"/audit/cases/{case['id']}", headers=await nodes.headers("PY", Role.AUDITOR)
    )
    assert audit.status_code == 200
    draft = as_draft(CONVERSATION[4], first=False)  # PY's own risk assessment
    no_draft = await client.get(f"/repatriation/cases/{case['id']}/draft", headers=headers)
    assert no_draft.json() == {"draft": None, "problems": []}  # nothing to open: no error
    for method, path, body in (
        ("PUT", "/draft", draft),
        ("POST", "/messages", draft),
        ("POST", "/events/DEPARTED", None),
    ):
        response = await client.request(
            method, f"/repatriation/cases/{case['id']}{path}", json=body, headers=headers
        )
        assert (path, response.status_code) == (path, 409), response.text
        assert response.json() == {"detail": UNREADABLE_CASE}


# --- blobs bound to their place ------------------------------------------------------------------


async def test_sections_are_restored_whole_for_the_node_and_open_only_in_place() -> None:
    key, _ = DataKey.generate().new_case_key("case-1")
    redacted, sections = seal_sections(NOTICE, "case-1", key)
    assert json.loads(restore(redacted, sections, case_id="case-1", key=key)) == json.loads(
        NOTICE.to_json()
    )
    identity, statement = sections
    assert (identity.path, statement.path) == (IDENTITY, STATEMENT)
    swapped = [
        EncryptedSection(identity.path, identity.audience, statement.blob),
        EncryptedSection(statement.path, statement.audience, identity.blob),
    ]
    with pytest.raises(UnreadableBlob):
        restore(redacted, swapped, case_id="case-1", key=key)
    with pytest.raises(UnreadableBlob):  # the same place in another case
        restore(redacted, sections, case_id="case-2", key=key)
    other, _ = DataKey.generate().new_case_key("case-1")
    with pytest.raises(UnreadableBlob):
        restore(redacted, sections, case_id="case-1", key=other)


async def test_a_blob_moved_to_another_row_does_not_open(nodes: NodesUnderTest) -> None:
    """The identity and the statement swapped in the database: neither opens, for anyone; the
    rest of the case still shows, and nothing is recorded as read."""
    case = await deliver(nodes, NOTICE, ASSESSMENT)
    async with nodes.federation.nodes["PY"].session() as session:
        rows = (
            await session.exec(
                select(SealedSection).where(SealedSection.entry_id == case["entries"][0]["id"])
            )
        ).all()
        by_path = {row.path: row for row in rows}
        identity, statement = by_path[IDENTITY], by_path[STATEMENT]
        identity.blob, statement.blob = statement.blob, identity.blob
        session.add_all([identity, statement])
        await session.commit()
    recorded = await access_records(nodes, case["id"])
    view = await nodes.clients["PY"].get(
        f"/repatriation/cases/{case['id']}", headers=await nodes.headers("PY", Role.VICTIM_SERVICES)
    )
    assert view.status_code == 200
    shown = sections_shown(view.json())
    first, second = (e["id"] for e in view.json()["entries"])
    for path in (IDENTITY, STATEMENT):
        assert shown[(first, path)][MARKER]["unreadable"] is True
    assert shown[(second, NARRATIVE)] == section_data(ASSESSMENT)[NARRATIVE]
    new = (await access_records(nodes, case["id"]))[len(recorded) :]
    assert [(r.entry_id, r.path) for r in new] == [(second, NARRATIVE)]
    narrative = json.dumps(section_data(ASSESSMENT), ensure_ascii=False)
    hidden = [s for s in secrets_of(NOTICE) if s not in narrative]  # not the place names in it
    assert [s for s in hidden if s in view.text] == []


async def test_reveal_never_opens_for_a_role_outside_the_audience_or_without_a_key() -> None:
    key, _ = DataKey.generate().new_case_key("case-1")
    redacted, sections = seal_sections(ASSESSMENT, "case-1", key)
    narrative = section_data(ASSESSMENT)[NARRATIVE]
    for role, key_given, opened in (
        (Role.VICTIM_SERVICES, key, [NARRATIVE]),
        (Role.CONSULAR_OFFICER, key, []),
        (None, key, []),
        (Role.VICTIM_SERVICES, None, []),
    ):
        authority = AUTHORITY_ROLE[role] if role else None
        tree, paths = reveal(redacted, sections, case_id="case-1", role=authority, key=key_given)
        assert paths == opened
        assert (tree["body"]["narrative"] == narrative) is bool(opened)
