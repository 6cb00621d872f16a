"""The common header's own rules, checked on real example documents."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from messages.errors import MalformedMessage
from messages.registry import all_examples, parse_document
from messages.vocab import Family


def example_wire(family: Family) -> dict[str, Any]:
    document = next(d for d in all_examples() if d.header.family is family)
    wire: dict[str, Any] = json.loads(document.to_json())
    return wire


def problems_after(wire: dict[str, Any], edit: Callable[[dict[str, Any]], None]) -> str:
    edit(wire["header"])
    with pytest.raises(MalformedMessage) as caught:
        parse_document(json.dumps(wire))
    return str(caught.value)


@pytest.mark.parametrize("family", list(Family))
def test_each_family_example_parses(family: Family) -> None:
    wire = example_wire(family)
    assert parse_document(json.dumps(wire)).header.family is family


def test_family_must_match_the_message_type() -> None:
    text = problems_after(example_wire(Family.MLA), lambda h: h.update(family="repatriation"))
    assert "family:" in text
    assert "belongs to the mla family" in text


def test_sender_and_recipient_are_different_states() -> None:
    def same_state(header: dict[str, Any]) -> None:
        header["recipient"]["state"] = header["sender"]["state"]

    assert "recipient.state" in problems_after(example_wire(Family.MLA), same_state)


@pytest.mark.parametrize("family", [Family.MLA, Family.WITNESS_PROTECTION])
def test_mla_and_witness_protection_need_a_legal_basis(family: Family) -> None:
    text = problems_after(example_wire(family), lambda h: h.update(legal_basis=[]))
    assert "legal_basis: at least one legal basis is required" in text


def test_a_bilateral_basis_names_its_treaty_and_only_it_does() -> None:
    text = problems_after(
        example_wire(Family.MLA), lambda h: h.update(legal_basis=[{"basis": "BILATERAL"}])
    )
    assert "treaty_id is required" in text
    text = problems_after(
        example_wire(Family.MLA),
        lambda h: h.update(legal_basis=[{"basis": "UNTOC_ART18", "treaty_id": "AR-PY-1995"}]),
    )
    assert "treaty_id is only used" in text


def test_a_legal_basis_is_not_listed_twice() -> None:
    twice = [{"basis": "UNTOC_ART18"}, {"basis": "UNTOC_ART18"}]
    text = problems_after(example_wire(Family.MLA), lambda h: h.update(legal_basis=twice))
    assert "listed twice" in text


def test_two_bilateral_treaties_may_both_apply() -> None:
    wire = example_wire(Family.MLA)
    wire["header"]["legal_basis"] = [
        {"basis": "BILATERAL", "treaty_id": "AR-PY-1995"},
        {"basis": "BILATERAL", "treaty_id": "AR-PY-2011-PROTOCOL"},
    ]
    assert len(parse_document(json.dumps(wire)).header.legal_basis) == 2


@pytest.mark.parametrize("marking", ["PUBLIC", "RESTRICTED"])
def test_witness_protection_is_at_least_confidential(marking: str) -> None:
    text = problems_after(
        example_wire(Family.WITNESS_PROTECTION), lambda h: h.update(classification=marking)
    )
    assert "classification: witness-protection messages are at least CONFIDENTIAL" in text


def test_witness_protection_headers_carry_no_free_text() -> None:
    def note(header: dict[str, Any]) -> None:
        header["handling"]["use_limitation_note"] = "relocated to the north"

    assert "handling.use_limitation_note" in problems_after(
        example_wire(Family.WITNESS_PROTECTION), note
    )

    def titled(header: dict[str, Any]) -> None:
        header["attachments"] = [
            {"sha256": "a" * 64, "media_type": "application/pdf", "size_bytes": 10, "title": "x"}
        ]

    assert "attachments[0].title" in problems_after(example_wire(Family.WITNESS_PROTECTION), titled)


def test_urgent_messages_say_why() -> None:
    text = problems_after(
        example_wire(Family.MLA), lambda h: h.update(urgency={"level": "URGENT", "reasons": []})
    )
    assert "reasons: at least one reason is required" in text


def test_deadlines_and_retention_are_not_before_sending() -> None:
    def early(header: dict[str, Any]) -> None:
        header["urgency"] = {"level": "NORMAL", "respond_by": "2000-01-01"}
        header["handling"]["retention_until"] = "2000-01-01"

    text = problems_after(example_wire(Family.MLA), early)
    assert "urgency.respond_by" in text
    assert "handling.retention_until" in text


def test_a_message_cannot_answer_itself() -> None:
    def self_reply(header: dict[str, Any]) -> None:
        header["in_reply_to"] = header["message_id"]

    assert "in_reply_to" in problems_after(example_wire(Family.MLA), self_reply)


def test_another_major_schema_version_is_refused() -> None:
    text = problems_after(example_wire(Family.MLA), lambda h: h.update(schema_version="2.0.0"))
    assert "schema_version: major version 2 is not supported" in text


def test_a_newer_minor_version_of_the_same_major_is_accepted() -> None:
    wire = example_wire(Family.MLA)
    wire["header"]["schema_version"] = "1.7.0"
    assert parse_document(json.dumps(wire)).header.schema_version == "1.7.0"
