"""Fuzzing ``open_envelope`` (hypothesis): more than 10,000 mutated envelopes per run.

Every mutant is rejected with an :class:`EnvelopeError` carrying a puente/1 reason code, or
accepted only when the mutation changed nothing that is signed and meant: never another
exception. Raw mutations (byte flips, truncations, insertions, segment swaps) stop early in
the pipeline; mutations re-signed with the sender's key (header member edits, edits re-sealed
so that decryption succeeds, inner header edits, padding edits, document edits) reach the later
steps. One sealed envelope per suite and the keys are built once, at import.

Each test counts the distinct envelopes it judged and checks its share of the 10,000.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crypto._hazmat.b64 import b64url_decode, b64url_encode
from crypto._hazmat.jws import hpke_info, split_compact
from crypto._hazmat.strict_json import StrictJsonError, json_equal, loads_strict
from crypto.envelope import INNER_TYP, OpenedEnvelope, open_envelope, seal_envelope, unpad
from crypto.errors import EnvelopeError
from crypto.jwk import HybridPrivateKey
from crypto.replay import InMemoryReplayStore
from crypto.suites import Suite
from crypto.trust import RecipientKey, SenderIdentity
from crypto.vectors import NOW, SENT, Parties, forge, sign_token
from messages.registry import all_examples
from messages.transport import EnvelopeReason

DOCUMENT = next(d for d in all_examples() if d.header.message_type == "StatusInquiry")
DOC = DOCUMENT.to_json()
PARTIES = {
    "classic": Parties.generate("AR", "PY", Suite.X25519),
    "hybrid": Parties.generate("AR", "PY", Suite.MLKEM768_X25519),
}
IDENTITIES = {name: (p.identity(), p.directory()) for name, p in PARTIES.items()}


def _seal(parties: Parties) -> bytes:
    recipient = RecipientKey("PY", parties.suite, parties.rkid, parties.recipient_key.public_key())
    sender = SenderIdentity("AR", parties.sender_key)
    return seal_envelope(
        DOCUMENT, sender=sender, recipient=recipient, directory_version=1, now=SENT
    ).token


def _plaintext(token: bytes, parties: Parties) -> bytes:
    head, body, _ = split_compact(token)
    key: Any = parties.recipient_key
    key = key.for_hpke() if isinstance(key, HybridPrivateKey) else key
    return parties.suite.hpke().decrypt(b64url_decode(body), key, info=hpke_info(head))


SEALED = {name: _seal(parties) for name, parties in PARTIES.items()}
HEADERS = {name: json.loads(b64url_decode(token.split(b".")[0])) for name, token in SEALED.items()}
PADDED = {name: _plaintext(SEALED[name], PARTIES[name]) for name in PARTIES}
INNER = {name: unpad(padded) for name, padded in PADDED.items()}
REASONS = set(EnvelopeReason)
JUDGED: dict[str, set[bytes]] = {}
FLOORS = {
    # distinct envelopes each test must judge (hypothesis repeats some): at least 10,000 in all
    "flips": 2_300,
    "truncations": 950,
    "insertions": 1_400,
    "swaps": 400,
    "header edits": 1_900,
    "resealed": 950,
    "inner edits": 950,
    "padding": 950,
    "documents": 650,
}
assert sum(FLOORS.values()) >= 10_000

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def judge(test: str, token: bytes, suite: str) -> OpenedEnvelope | None:
    """Open a mutant: the opened envelope, or None after a rejection with a reason code."""
    JUDGED.setdefault(test, set()).add(token)
    identity, directory = IDENTITIES[suite]
    try:
        return open_envelope(
            token, recipient=identity, directory=directory, replay=InMemoryReplayStore(), now=NOW
        )
    except EnvelopeError as error:
        rejection = error
    assert rejection.reason in REASONS
    assert rejection.code == rejection.reason.value
    return None


def run(test: str, fuzz: Callable[[], None]) -> None:
    """Run a hypothesis test and check how many distinct envelopes it judged."""
    JUDGED.pop(test, None)
    fuzz()
    assert len(JUDGED[test]) >= FLOORS[test]


suites = st.sampled_from(sorted(PARTIES))


# --- raw mutations: accepted only if unchanged -------------------------------------------------


@settings(FUZZ, max_examples=3_000)
@given(suites, st.data())
def _byte_flips(suite: str, data: st.DataObject) -> None:
    token = bytearray(SEALED[suite])
    head = token.index(b".")
    where = st.one_of(st.integers(0, head + 1), st.integers(0, len(token) - 1))
    for index, mask in data.draw(
        st.lists(st.tuples(where, st.integers(1, 255)), min_size=1, max_size=4)
    ):
        token[index] ^= mask
    if judge("flips", bytes(token), suite) is not None:
        assert bytes(token) == SEALED[suite]


def test_byte_flips() -> None:
    run("flips", _byte_flips)


@settings(FUZZ, max_examples=1_700)
@given(suites, st.data())
def _truncations(suite: str, data: st.DataObject) -> None:
    token = SEALED[suite]
    start = data.draw(st.integers(0, len(token)))
    end = data.draw(st.integers(start, len(token)))
    kind = data.draw(st.sampled_from(["prefix", "suffix", "cut"]))
    mutant = {"prefix": token[:start], "suffix": token[start:], "cut": token[:start] + token[end:]}[
        kind
    ]
    if judge("truncations", mutant, suite) is not None:
        assert mutant == token


def test_truncations() -> None:
    run("truncations", _truncations)


@settings(FUZZ, max_examples=1_500)
@given(suites, st.data())
def _insertions(suite: str, data: st.DataObject) -> None:
    token = SEALED[suite]
    index = data.draw(st.one_of(st.integers(0, token.index(b".") + 1), st.integers(0, len(token))))
    special = st.sampled_from(
        [b".", b"=", b"==", b" ", b"\n", b"\t", b"+", b"/", b"A", b"\x00", b"\xc3\xa9"]
    )
    inserted = data.draw(st.one_of(special, st.binary(min_size=1, max_size=8)))
    mutant = token[:index] + inserted + token[index:]
    assert judge("insertions", mutant, suite) is None


def test_insertions() -> None:
    run("insertions", _insertions)


@settings(FUZZ, max_examples=700)
@given(suites, st.data())
def _segment_swaps(suite: str, data: st.DataObject) -> None:
    sources = [split_compact(token) for token in SEALED.values()]
    count = data.draw(st.integers(1, 5))
    parts = [
        sources[data.draw(st.integers(0, 1))][data.draw(st.integers(0, 2))] for _ in range(count)
    ]
    resign = count == 2 and data.draw(st.booleans())
    mutant = b".".join(parts)
    if resign:  # two segments as header and payload, signed again by the sender
        mutant = sign_token(parts[0], parts[1], PARTIES[suite].sender_key)
    if judge("swaps", mutant, suite) is not None:
        assert mutant == SEALED[suite]  # (Ed25519 signatures are deterministic)


def test_segment_swaps() -> None:
    run("swaps", _segment_swaps)


# --- header member edits, re-signed with the right key -----------------------------------------

_KIDS = [p.kid for p in PARTIES.values()] + [p.rkid for p in PARTIES.values()]
_TIMES = st.integers(SENT - 30 * 24 * 3600, NOW + 30 * 24 * 3600)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12)),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
# Values that pass the header's shape checks more often than random JSON, so that the edits
# reach the later steps (recipient, key, freshness, decryption, the inner header).
_TOP: dict[str, st.SearchStrategy[Any]] = {
    "alg": st.sampled_from(["Ed25519", "EdDSA", "none", "ed25519"]),
    "typ": st.sampled_from(["puente-envelope+jws", INNER_TYP, "JWT"]),
    "kid": st.sampled_from(_KIDS),
    "crit": st.sampled_from([["pnt"], [], ["pnt", "b64"], ["pnt", "pnt"]]),
}
_PNT: dict[str, st.SearchStrategy[Any]] = {
    "v": st.integers(0, 3),
    "enc": st.sampled_from([*map(str, Suite), "HPKE-P256-SHA256-A128GCM"]),
    "rkid": st.sampled_from(_KIDS),
    "iss": st.sampled_from(["AR", "PY", "CO"]),
    "aud": st.sampled_from(["AR", "PY", "CO"]),
    "jti": st.uuids().map(str),
    "iat": _TIMES,
    "exp": _TIMES,
    "dirv": st.integers(0, 5),
}


def _member_edit(in_pnt: bool, member: str, plausible: st.SearchStrategy[Any]) -> Any:
    choices = [plausible] * 6 + [json_values, st.just("delete")]  # one_of would not weigh them
    value = st.sampled_from(choices).flatmap(lambda chosen: chosen)
    return st.tuples(st.just(in_pnt), st.just(member), value)


_KINDS = [
    st.sampled_from(sorted(_TOP)).flatmap(lambda m: _member_edit(False, m, _TOP[m])),
    *[st.sampled_from(sorted(_PNT)).flatmap(lambda m: _member_edit(True, m, _PNT[m]))] * 4,
    st.tuples(
        st.booleans(), st.sampled_from(["pnt", "jwk", "nbf"]) | st.text(max_size=5), json_values
    ),
]
edits = st.lists(
    st.sampled_from(_KINDS).flatmap(lambda kind: kind),
    min_size=1,
    max_size=3,
)
layouts = st.sampled_from(["compact"] * 5 + ["spaced", "sorted", "duplicate"])


def _edited(header: dict[str, Any], changes: list[tuple[bool, str, Any]], layout: str) -> bytes:
    edited = json.loads(json.dumps(header))
    for in_pnt, member, value in changes:
        target = edited["pnt"] if in_pnt and isinstance(edited.get("pnt"), dict) else edited
        if value == "delete":
            target.pop(member, None)
        else:
            target[member] = value
    if layout == "spaced":
        return json.dumps(edited, indent=1).encode()
    if layout == "sorted":
        return json.dumps(edited, sort_keys=True, separators=(",", ":")).encode()
    text = json.dumps(edited, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"
    )
    if layout == "duplicate" and text.startswith(b'{"alg"'):
        return b'{"alg":"Ed25519",' + text[1:]
    return text


def _same_meaning(candidate: bytes, original: dict[str, Any]) -> bool:
    try:
        return json_equal(loads_strict(candidate), original)
    except StrictJsonError:
        return False


@settings(FUZZ, max_examples=3_600)
@given(suites, edits, layouts)
def _header_edits_resigned(suite: str, changes: list[tuple[bool, str, Any]], layout: str) -> None:
    header_json = _edited(HEADERS[suite], changes, layout)
    _, body, _ = split_compact(SEALED[suite])
    mutant = sign_token(b64url_encode(header_json), body, PARTIES[suite].sender_key)
    if judge("header edits", mutant, suite) is not None:  # HPKE is bound to the header bytes
        assert mutant == SEALED[suite]


def test_header_edits_resigned() -> None:
    run("header edits", _header_edits_resigned)


@settings(FUZZ, max_examples=1_000)
@given(suites, edits, layouts)
def _header_edits_resealed(suite: str, changes: list[tuple[bool, str, Any]], layout: str) -> None:
    header_json = _edited(HEADERS[suite], changes, layout)
    mutant = forge(PARTIES[suite], DOC, header_json, inner=INNER[suite])
    if judge("resealed", mutant, suite) is not None:  # then the inner header must still match
        assert _same_meaning(header_json, HEADERS[suite])


def test_header_edits_resealed() -> None:
    run("resealed", _header_edits_resealed)


@settings(FUZZ, max_examples=1_000)
@given(suites, edits, layouts)
def _inner_header_edits(suite: str, changes: list[tuple[bool, str, Any]], layout: str) -> None:
    inner_header = _edited({**HEADERS[suite], "typ": INNER_TYP}, changes, layout)
    mutant = forge(PARTIES[suite], DOC, HEADERS[suite], inner_header=inner_header)
    if judge("inner edits", mutant, suite) is not None:
        assert _same_meaning(inner_header, {**HEADERS[suite], "typ": INNER_TYP})


def test_inner_header_edits() -> None:
    run("inner edits", _inner_header_edits)


# --- padding and document edits, sealed and signed again ---------------------------------------


@settings(FUZZ, max_examples=1_000)
@given(suites, st.data())
def _padding_edits(suite: str, data: st.DataObject) -> None:
    padded = bytearray(PADDED[suite])
    n = len(INNER[suite])
    kind = data.draw(st.sampled_from(["set", "truncate", "extend", "marker"]))
    if kind == "set":
        index = data.draw(st.integers(n, len(padded) - 1))
        padded[index] = data.draw(st.integers(0, 255))
    elif kind == "truncate":
        del padded[data.draw(st.integers(n - 3, len(padded))) :]
    elif kind == "extend":
        padded += data.draw(st.binary(min_size=1, max_size=2048))
    else:
        padded[n] = data.draw(st.integers(0, 255))
    mutant = forge(PARTIES[suite], DOC, HEADERS[suite], plaintext=bytes(padded))
    if judge("padding", mutant, suite) is not None:
        assert bytes(padded) == PADDED[suite]


def test_padding_edits() -> None:
    run("padding", _padding_edits)


@settings(FUZZ, max_examples=700)
@given(suites, st.data())
def _document_edits(suite: str, data: st.DataObject) -> None:
    document = bytearray(DOC)
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(0, len(document) - 1))
        kind = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        if kind == "flip":
            document[index] ^= data.draw(st.integers(1, 255))
        elif kind == "insert":
            document[index:index] = data.draw(
                st.sampled_from([b",", b"{", b'"a":1,', b"\xff", b"NaN"])
            )
        else:
            del document[index]
    mutant = forge(PARTIES[suite], bytes(document), HEADERS[suite])
    opened = judge("documents", mutant, suite)
    if opened is not None:  # a different, valid document signed by the sender: accepted as such
        assert b64url_decode(split_compact(opened.inner_jws)[1]) == bytes(document)


def test_document_edits() -> None:
    run("documents", _document_edits)


def test_the_unmutated_envelopes_open() -> None:
    for suite, token in SEALED.items():
        opened = judge("unmutated", token, suite)
        assert opened is not None
        assert opened.document == DOCUMENT
