"""Every message type has one body and one document class; parsing untrusted bytes fails
cleanly with the field named, never with a crash and never echoing the input."""

from __future__ import annotations

import json

import pytest

from messages.document import Document
from messages.errors import MalformedMessage, UnsupportedMessageType
from messages.registry import BODIES, BODY_OF, DOCUMENT_OF, all_examples, parse_document
from messages.vocab import FAMILY_OF, Family, MessageType


def test_every_message_type_has_exactly_one_body() -> None:
    assert [body.MESSAGE_TYPE for body in BODIES] == list(MessageType)
    for message_type, body in BODY_OF.items():
        assert body.__name__ == message_type.value
        assert body.FAMILY is FAMILY_OF[message_type]
        assert DOCUMENT_OF[message_type].model_fields["body"].annotation is body


def test_every_family_has_message_types() -> None:
    assert set(FAMILY_OF.values()) == set(Family)


def test_every_message_type_has_an_example() -> None:
    assert {d.header.message_type for d in all_examples()} == set(MessageType)


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b"null", b'"x"', b"\xff\xfe", b"{"])
def test_garbage_is_a_malformed_message(raw: bytes) -> None:
    with pytest.raises(MalformedMessage):
        parse_document(raw)


@pytest.mark.parametrize(
    "header", [None, {}, {"message_type": "Subpoena"}, {"message_type": 3}, "EvidenceRequest"]
)
def test_an_unknown_or_missing_type_is_unsupported(header: object) -> None:
    with pytest.raises(UnsupportedMessageType) as caught:
        parse_document(json.dumps({"header": header, "body": {}}))
    assert caught.value.paths == ("header.message_type",)


def test_a_body_of_the_wrong_type_is_named() -> None:
    documents = {d.header.message_type: d for d in all_examples()}
    wire = json.loads(documents[MessageType.ACKNOWLEDGEMENT].to_json())
    wire["body"] = json.loads(documents[MessageType.DELIVERY_RECEIPT].to_json())["body"]
    with pytest.raises(MalformedMessage) as caught:
        parse_document(json.dumps(wire))
    assert all(path.startswith("body") for path in caught.value.paths)


def test_errors_name_the_field_and_never_echo_personal_data() -> None:
    document = next(d for d in all_examples() if d.header.family is Family.REPATRIATION)
    wire = json.loads(document.to_json())
    wire["header"]["case_ref"] = "Maria Fernanda Gonzalez"
    with pytest.raises(MalformedMessage) as caught:
        parse_document(json.dumps(wire))
    assert caught.value.paths == ("header.case_ref",)
    assert "Maria" not in str(caught.value)
    assert "Maria" not in caught.value.diagnostics()


def test_validate_through_wire_form_returns_an_equal_document() -> None:
    for document in all_examples():
        parsed = parse_document(document.to_json())
        assert parsed == document
        assert isinstance(parsed, Document)
