"""The puente/1 envelope against its specification (docs/protocol.md, issue 3): every receiving
step and reason code, the order of the steps, strict encodings, padding, replay, both suites.

Each defective envelope is built layer by layer (``crypto.vectors.forge``), so that it has
exactly the defect its test names and passes every earlier step.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from crypto._hazmat.b64 import b64url_decode, b64url_encode
from crypto._hazmat.jws import hpke_info, sign_compact, split_compact
from crypto._hazmat.strict_json import (
    dumps_compact,
)
from crypto.envelope import (
    INNER_TYP,
    MAX_ENVELOPE_BYTES,
    OpenedEnvelope,
    open_envelope,
    padded_length,
    parse_header,
    seal_envelope,
    unpad,
)
from crypto.errors import EnvelopeError
from crypto.jwk import HybridPrivateKey, SigningPublicKey, kid_of
from crypto.replay import InMemoryReplayStore, ReplayStore
from crypto.suites import Suite
from crypto.trust import (
    DecryptionKey,
    DirectoryLookup,
    RecipientIdentity,
    RecipientKey,
    SenderIdentity,
    StaticDirectory,
)
from crypto.vectors import NOW, SENT, Parties, forge, sign_token
from messages.document import Document
from messages.registry import all_examples
from messages.transport import EnvelopeReason as R

SKEW = 300
MIB = 1024 * 1024
CLASSIC = Parties.generate("AR", "PY", Suite.X25519)
HYBRID = Parties.generate("AR", "PY", Suite.MLKEM768_X25519)
BOTH = pytest.mark.parametrize("parties", [CLASSIC, HYBRID], ids=["classic", "hybrid"])
DOCUMENT = next(d for d in all_examples() if d.header.message_type == "StatusInquiry")
DOC = DOCUMENT.to_json()  # AR -> PY
RECEIPT = next(d for d in all_examples() if d.header.message_type == "DeliveryReceipt")
RECEIPTS = Parties.generate("PY", "AR", Suite.X25519)  # receipts go PY -> AR
UNSUPPORTED_EDITS: dict[str, Any] = {"alg": "EdDSA", "crit": ["b64"]}
UNSUPPORTED_PNT: dict[str, Any] = {"v": 2, "enc": "HPKE-P256-SHA256-A128GCM"}


# --- helpers ---------------------------------------------------------------------------------


def open_(
    token: bytes,
    parties: Parties = CLASSIC,
    *,
    now: int = NOW,
    replay: ReplayStore | None = None,
    directory: DirectoryLookup | None = None,
    recipient: RecipientIdentity | None = None,
    **options: Any,
) -> OpenedEnvelope:
    return open_envelope(
        token,
        recipient=recipient or parties.identity(),
        directory=directory or parties.directory(),
        replay=InMemoryReplayStore() if replay is None else replay,
        now=now,
        **options,
    )


def rejected(token: bytes, reason: R, detail: str = "", **kw: Any) -> EnvelopeError:
    """Assert that the envelope is rejected with ``reason`` (and ``detail`` in the message)."""
    with pytest.raises(EnvelopeError) as caught:
        open_(token, **kw)
    assert caught.value.reason is reason, str(caught.value)
    assert caught.value.code == reason.value
    assert detail in str(caught.value)
    return caught.value


def seal(
    parties: Parties = CLASSIC,
    document: Document[Any] = DOCUMENT,
    *,
    now: int = SENT,
    jti: str | None = None,
    lifetime: int = 7 * 24 * 3600,
) -> bytes:
    """An envelope sealed by the project's own ``seal_envelope``."""
    recipient = RecipientKey(
        parties.recipient_state, parties.suite, parties.rkid, parties.recipient_key.public_key()
    )
    return seal_envelope(
        document,
        sender=SenderIdentity(parties.sender_state, parties.sender_key),
        recipient=recipient,
        directory_version=1,
        now=now,
        lifetime=lifetime,
        jti=jti,
    ).token


def edit(header: dict[str, Any], **pnt: Any) -> dict[str, Any]:
    return {**header, "pnt": {**header["pnt"], **pnt}}


def inner_of(header: dict[str, Any]) -> dict[str, Any]:
    return {**header, "typ": INNER_TYP}


def raw(header: dict[str, Any], old: str, new: str) -> bytes:
    """The compact header JSON with one textual edit (what a dict cannot hold)."""
    text = dumps_compact(header).decode()
    assert old in text
    return text.replace(old, new, 1).encode()


def forge_raw(header_json: bytes, parties: Parties = CLASSIC, **kw: Any) -> bytes:
    """An envelope whose outer header is exactly ``header_json``, correctly signed and sealed."""
    kw.setdefault("inner_header", inner_of(parties.header()))
    return forge(parties, DOC, header_json, **kw)


def segments(token: bytes) -> tuple[bytes, bytes, bytes]:
    return split_compact(token)


def plaintext_of(token: bytes, parties: Parties = CLASSIC) -> bytes:
    """Decrypt an envelope's payload the way the specification says (for checking a sender)."""
    head, body, _ = segments(token)
    private = parties.recipient_key
    key = private.for_hpke() if isinstance(private, HybridPrivateKey) else private
    return parties.suite.hpke().decrypt(b64url_decode(body), key, info=hpke_info(head))


# --- round trips and what a sender writes ----------------------------------------------------


@BOTH
def test_seal_then_open_round_trips(parties: Parties) -> None:
    jti = "6f1c2a4e-0c55-4c1e-9a65-4d1f4c0a9b11"
    token = seal(parties, jti=jti)
    opened = open_(token, parties)
    assert opened.document == DOCUMENT
    assert opened.document.to_json() == DOC
    assert opened.sha256 == hashlib.sha256(token).hexdigest()
    header = opened.header
    assert (header.iss, header.aud, header.kid, header.rkid) == (
        "AR",
        "PY",
        parties.kid,
        parties.rkid,
    )
    assert (header.enc, header.jti, header.dirv) == (str(parties.suite), jti, 1)
    assert (header.iat, header.exp) == (SENT, SENT + 7 * 24 * 3600)
    assert b64url_decode(split_compact(opened.inner_jws)[1]) == DOC


_KEYS: dict[str, tuple[ed25519.Ed25519PrivateKey, x25519.X25519PrivateKey, HybridPrivateKey]] = {}


def _parties_for(document: Document[Any], suite: Suite) -> Parties:
    for state in (document.header.sender.state, document.header.recipient.state):
        if state not in _KEYS:
            _KEYS[state] = (
                ed25519.Ed25519PrivateKey.generate(),
                x25519.X25519PrivateKey.generate(),
                HybridPrivateKey.generate(),
            )
    sender, recipient = _KEYS[document.header.sender.state], _KEYS[document.header.recipient.state]
    encryption = recipient[2] if suite is Suite.MLKEM768_X25519 else recipient[1]
    return Parties(
        document.header.sender.state, sender[0], document.header.recipient.state, encryption
    )


@pytest.mark.parametrize("suite", list(Suite))
@pytest.mark.parametrize("family", ["witness_protection", "mla", "repatriation", "statistics"])
def test_every_example_document_of_a_family_round_trips_unchanged(
    family: str, suite: Suite
) -> None:
    documents = [d for d in all_examples() if d.header.family == family]
    assert len(documents) >= 5
    for document in documents:
        parties = _parties_for(document, suite)
        opened = open_(seal(parties, document), parties)
        assert opened.document == document
        assert opened.document.to_json() == document.to_json()
        assert b64url_decode(split_compact(opened.inner_jws)[1]) == document.to_json()


def test_sealing_refuses_a_document_of_other_states() -> None:
    with pytest.raises(ValueError, match="sender state"):
        seal(RECEIPTS, DOCUMENT)
    with pytest.raises(ValueError, match="recipient state"):
        seal(Parties(CLASSIC.sender_state, CLASSIC.sender_key, "CO", CLASSIC.recipient_key))


@pytest.mark.parametrize("lifetime", [0, -1])
def test_sealing_refuses_a_lifetime_that_is_not_positive(lifetime: int) -> None:
    with pytest.raises(ValueError, match="lifetime must be positive"):
        seal(lifetime=lifetime)


@BOTH
def test_a_sealed_envelope_has_exactly_the_specified_layers(parties: Parties) -> None:
    token = seal(parties)
    head, body, signature = segments(token)
    header_json = b64url_decode(head)
    pnt = json.loads(header_json)["pnt"]
    expected = (
        f'{{"alg":"Ed25519","typ":"puente-envelope+jws","kid":"{parties.kid}","crit":["pnt"],'
        f'"pnt":{{"v":1,"enc":"{parties.suite}","rkid":"{parties.rkid}","iss":"AR","aud":"PY",'
        f'"jti":"{pnt["jti"]}","iat":{SENT},"exp":{pnt["exp"]},"dirv":1}}}}'
    )
    assert header_json == expected.encode()
    assert str(uuid.UUID(pnt["jti"])) == pnt["jti"]
    parties.sender_key.public_key().verify(b64url_decode(signature), head + b"." + body)
    sealed = b64url_decode(body)
    assert len(sealed) > parties.suite.params.enc_length
    plaintext = plaintext_of(token, parties)  # info = "puente/1 " + SHA-256(header segment)
    inner = unpad(plaintext)
    assert len(plaintext) == padded_length(len(inner))
    assert plaintext[len(inner)] == 0x80
    inner_head, inner_body, inner_signature = split_compact(inner)
    assert b64url_decode(inner_head) == header_json.replace(
        b"puente-envelope+jws", b"puente-inner+jws"
    )
    assert b64url_decode(inner_body) == DOC
    parties.sender_key.public_key().verify(
        b64url_decode(inner_signature), inner_head + b"." + inner_body
    )


def test_the_wire_shows_nothing_of_the_family_the_type_or_the_content() -> None:
    token = seal(CLASSIC)
    header = b64url_decode(segments(token)[0])
    for secret in (b"mla", b"StatusInquiry", b"AR-PY-2026", DOC[:40]):
        assert secret not in token
        assert secret not in header
        assert b64url_encode(secret)[:8] not in token


# --- step 1: the size cap --------------------------------------------------------------------


def test_an_envelope_over_the_cap_is_too_large_before_anything_is_parsed() -> None:
    rejected(b"A" * (MAX_ENVELOPE_BYTES + 1), R.TOO_LARGE, "over the 16777216-byte cap")
    rejected(b"." * (MAX_ENVELOPE_BYTES + 1), R.TOO_LARGE)
    rejected(b"A" * MAX_ENVELOPE_BYTES, R.MALFORMED)  # at the cap: parsed, and malformed


def test_the_cap_is_configurable_and_inclusive() -> None:
    token = seal()
    rejected(token, R.TOO_LARGE, max_bytes=len(token) - 1)
    assert open_(token, max_bytes=len(token)).document == DOCUMENT


# --- step 2: malformed -----------------------------------------------------------------------

GOOD = seal()
HEAD, BODY, SIG = segments(GOOD)


def _resigned(head: bytes, body: bytes = BODY) -> bytes:
    return sign_token(head, body, CLASSIC.sender_key)


def _noncanonical(segment: bytes) -> bytes:
    """The same segment with one unused trailing bit set (the length must not be 0 mod 4)."""
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    assert len(segment) % 4 in (2, 3)
    index = alphabet.index(segment[-1:])
    return segment[:-1] + alphabet[index | 1 : (index | 1) + 1]


def _with_length_1_mod_4(segment: bytes) -> bytes:
    return segment + b"A" * ((1 - len(segment)) % 4)


SEGMENT_DEFECTS: dict[str, Callable[[bytes], bytes]] = {
    "padding": lambda s: s + b"=" * (-len(s) % 4 or 4),
    "space": lambda s: s[:5] + b" " + s[5:],
    "newline": lambda s: s + b"\n",
    "tab": lambda s: b"\t" + s,
    "plus": lambda s: b"+" + s[1:],
    "slash": lambda s: s[:-1] + b"/",
    "percent": lambda s: s[:3] + b"%" + s[4:],
    "non-ascii": lambda s: s[:3] + "é".encode() + s[5:],
    "length 1 mod 4": _with_length_1_mod_4,
}


@pytest.mark.parametrize("defect", list(SEGMENT_DEFECTS))
@pytest.mark.parametrize("index", [0, 1, 2], ids=["header", "payload", "signature"])
def test_a_segment_that_is_not_strict_base64url_is_malformed(index: int, defect: str) -> None:
    parts = list(segments(GOOD))
    parts[index] = SEGMENT_DEFECTS[defect](parts[index])
    rejected(b".".join(parts), R.MALFORMED)


def test_non_canonical_trailing_bits_are_malformed_in_every_segment() -> None:
    header = CLASSIC.header()
    # pad the header so that its segment has unused bits, then sign that exact segment
    for extra in ("", "x", "xy"):
        head = b64url_encode(dumps_compact({**header, "kid": header["kid"] + extra}))
        if len(head) % 4:
            break
    odd_head = _resigned(_noncanonical(head))
    rejected(odd_head, R.MALFORMED, "non-canonical")
    body = BODY if len(BODY) % 4 else BODY[:-4] + b"AA"  # a payload of length 2 mod 4 to flip
    rejected(_resigned(HEAD, _noncanonical(body)), R.MALFORMED, "non-canonical")
    rejected(HEAD + b"." + BODY + b"." + _noncanonical(SIG), R.MALFORMED, "non-canonical")


@pytest.mark.parametrize(
    "token",
    [b"", HEAD, HEAD + b"." + BODY, GOOD + b".", GOOD + b".AAAA", b"." + BODY + b"." + SIG, b".."],
    ids=["empty", "one", "two", "trailing dot", "four", "empty header", "only dots"],
)
def test_anything_but_three_segments_with_a_header_is_malformed(token: bytes) -> None:
    rejected(token, R.MALFORMED)


_H = CLASSIC.header()
_TEXT = dumps_compact(_H).decode()
_IAT, _EXP = f'"iat":{SENT}', f'"exp":{_H["pnt"]["exp"]}'
RAW_HEADERS: dict[str, bytes] = {
    "byte order mark": b"\xef\xbb\xbf" + dumps_compact(_H),
    "UTF-16": _TEXT.encode("utf-16"),
    "invalid UTF-8": raw(_H, '"iss":"AR"', '"iss":"A\xff"').replace("\xff".encode(), b"\xff"),
    "duplicate member": raw(_H, '"alg":"Ed25519"', '"alg":"Ed25519","alg":"Ed25519"'),
    "duplicate in pnt": raw(_H, '"dirv":1', '"dirv":1,"dirv":1'),
    "duplicate at depth three": raw(_H, '"crit":["pnt"]', '"crit":["pnt",{"a":1,"a":1}]'),
    "NaN": raw(_H, '"dirv":1', '"dirv":NaN'),
    "Infinity": raw(_H, _EXP, '"exp":Infinity'),
    "-Infinity": raw(_H, _IAT, '"iat":-Infinity'),
    "iat 1.0 form": raw(_H, _IAT, _IAT + ".0"),
    "exp exponent form": raw(_H, _EXP, '"exp":1.8e9'),
    "v 1.0": raw(_H, '"v":1', '"v":1.0'),
    "dirv 1.0": raw(_H, '"dirv":1', '"dirv":1.0'),
    "v true": raw(_H, '"v":1', '"v":true'),
    "dirv false": raw(_H, '"dirv":1', '"dirv":false'),
    "iat true": raw(_H, _IAT, '"iat":true'),
    "trailing garbage": dumps_compact(_H) + b"x",
    "two objects": dumps_compact(_H) * 2,
    "truncated": dumps_compact(_H)[:-1],
    "array": dumps_compact([_H]),
    "string": b'"header"',
    "null": b"null",
    "empty": b"",
    "single quotes": _TEXT.replace('"alg"', "'alg'").encode(),
    "comment": dumps_compact(_H)[:-1] + b"/* c */}",
}


@pytest.mark.parametrize("name", list(RAW_HEADERS))
def test_a_header_that_is_not_strict_json_or_not_an_object_is_malformed(name: str) -> None:
    rejected(forge_raw(RAW_HEADERS[name]), R.MALFORMED)


def _without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


HEADER_DEFECTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    **{f"no {m}": (lambda h, m=m: _without(h, m)) for m in ("alg", "typ", "kid", "crit", "pnt")},
    **{
        f"no pnt.{m}": (lambda h, m=m: {**h, "pnt": _without(h["pnt"], m)})
        for m in ("v", "enc", "rkid", "iss", "aud", "jti", "iat", "exp", "dirv")
    },
    "unknown member": lambda h: {**h, "cty": "json"},
    "jwk carried": lambda h: {**h, "jwk": {"kty": "OKP", "crv": "Ed25519", "x": h["kid"]}},
    "x5u carried": lambda h: {**h, "x5u": "https://example.org/key"},
    "unknown pnt member": lambda h: edit(h, zip="DEF"),
    "pnt a string": lambda h: {**h, "pnt": "v1"},
    "pnt an array": lambda h: {**h, "pnt": [h["pnt"]]},
    "pnt null": lambda h: {**h, "pnt": None},
    "alg a number": lambda h: {**h, "alg": 1},
    "typ null": lambda h: {**h, "typ": None},
    "kid a number": lambda h: {**h, "kid": 123},
    "crit a string": lambda h: {**h, "crit": "pnt"},
    "crit an object": lambda h: {**h, "crit": {"pnt": True}},
    "enc a number": lambda h: edit(h, enc=32),
    "rkid an array": lambda h: edit(h, rkid=[h["pnt"]["rkid"]]),
    "iss a number": lambda h: edit(h, iss=32),
    "aud null": lambda h: edit(h, aud=None),
    "jti a number": lambda h: edit(h, jti=123),
    "v a string": lambda h: edit(h, v="1"),
    "iat a string": lambda h: edit(h, iat=str(SENT)),
    "exp null": lambda h: edit(h, exp=None),
    "dirv a string": lambda h: edit(h, dirv="1"),
    "dirv negative": lambda h: edit(h, dirv=-1),
    "iat after exp": lambda h: edit(h, exp=h["pnt"]["iat"] - 1),
    "typ JWT": lambda h: {**h, "typ": "JWT"},
    "typ inner": lambda h: {**h, "typ": INNER_TYP},
    "typ upper case": lambda h: {**h, "typ": "PUENTE-ENVELOPE+JWS"},
    "typ empty": lambda h: {**h, "typ": ""},
}


@pytest.mark.parametrize("name", list(HEADER_DEFECTS))
def test_a_header_member_missing_unknown_or_of_the_wrong_type_is_malformed(name: str) -> None:
    header = CLASSIC.header()
    rejected(
        forge(CLASSIC, DOC, HEADER_DEFECTS[name](header), inner_header=inner_of(header)),
        R.MALFORMED,
    )


@pytest.mark.parametrize("name", list(HEADER_DEFECTS))
def test_every_malformed_condition_comes_before_every_unsupported_one(name: str) -> None:
    header = {**edit(CLASSIC.header(), **UNSUPPORTED_PNT), **UNSUPPORTED_EDITS}
    token = forge(CLASSIC, DOC, HEADER_DEFECTS[name](header), inner_header=inner_of(header))
    rejected(token, R.MALFORMED)


@pytest.mark.parametrize(
    ("old", "new"),
    [('"dirv":1', '"dirv":1.0'), ('"v":1', '"v":true'), ('"dirv":1', '"dirv":1,"dirv":1')],
)
def test_strict_json_defects_come_before_every_unsupported_one(old: str, new: str) -> None:
    header = {**edit(CLASSIC.header(), enc="HPKE-P256-SHA256-A128GCM"), "alg": "none"}
    rejected(forge_raw(raw(header, old, new)), R.MALFORMED)


def test_iat_equal_to_exp_is_well_formed() -> None:
    header = CLASSIC.header(lifetime=0)
    assert open_(forge(CLASSIC, DOC, header)).header.exp == SENT


# --- step 2: unsupported ---------------------------------------------------------------------

UNSUPPORTED: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    **{
        f"alg {alg}": (lambda h, alg=alg: {**h, "alg": alg})
        for alg in ("EdDSA", "none", "HS256", "ES256", "ed25519", "Ed448", "")
    },
    **{
        f"crit {crit}": (lambda h, crit=crit: {**h, "crit": crit})
        for crit in ([], ["pnt", "pnt"], ["PNT"], ["pnt", "b64"], ["b64"], [1])
    },
    **{f"v {v}": (lambda h, v=v: edit(h, v=v)) for v in (0, 2, -1, 10**30)},
    **{
        f"enc {enc}": (lambda h, enc=enc: edit(h, enc=enc))
        for enc in ("HPKE-P256-SHA256-A128GCM", "hpke-x25519-sha256-a256gcm", "")
    },
}


@pytest.mark.parametrize("name", list(UNSUPPORTED))
def test_what_this_node_does_not_support_is_unsupported(name: str) -> None:
    header = CLASSIC.header()
    token = forge(CLASSIC, DOC, UNSUPPORTED[name](header), inner_header=inner_of(header))
    rejected(token, R.UNSUPPORTED)


def test_a_puente_suite_this_node_does_not_accept_is_unsupported() -> None:
    rejected(
        seal(HYBRID),
        R.UNSUPPORTED,
        "not supported",
        parties=HYBRID,
        suites=frozenset({Suite.X25519}),
    )
    assert (
        open_(seal(HYBRID), HYBRID, suites=frozenset({Suite.MLKEM768_X25519})).document == DOCUMENT
    )


def test_unsupported_comes_before_every_later_step() -> None:
    header = {**edit(CLASSIC.header(), aud="CL", iss="UY"), "alg": "EdDSA"}
    token = forge(CLASSIC, DOC, header, outer_key=ed25519.Ed25519PrivateKey.generate())
    rejected(token, R.UNSUPPORTED, "alg")


# --- step 3: wrong recipient -----------------------------------------------------------------


@pytest.mark.parametrize("aud", ["CL", "py", "PYX", ""])
def test_an_envelope_for_another_state_is_for_the_wrong_recipient(aud: str) -> None:
    rejected(forge(CLASSIC, DOC, edit(CLASSIC.header(), aud=aud)), R.WRONG_RECIPIENT, "aud")


@BOTH
def test_an_rkid_not_of_this_node_is_for_the_wrong_recipient(parties: Parties) -> None:
    other = Parties.generate("AR", "PY", parties.suite)
    token = forge(
        parties,
        DOC,
        edit(parties.header(), rkid=other.rkid),
        seal_to=other.recipient_key.public_key(),
    )
    rejected(token, R.WRONG_RECIPIENT, "rkid", parties=parties)
    rejected(
        forge(parties, DOC, edit(parties.header(), rkid=parties.kid)),
        R.WRONG_RECIPIENT,
        parties=parties,
    )


def test_a_grace_period_key_still_opens() -> None:
    old = Parties.generate("AR", "PY", Suite.X25519)
    keys = [
        DecryptionKey(Suite.X25519, CLASSIC.recipient_key),
        DecryptionKey(Suite.X25519, old.recipient_key),
    ]
    node = RecipientIdentity.of("PY", keys)
    sent_to_old = Parties(CLASSIC.sender_state, CLASSIC.sender_key, "PY", old.recipient_key)
    assert open_(seal(sent_to_old), recipient=node).header.rkid == old.rkid
    assert open_(seal(CLASSIC), recipient=node).header.rkid == CLASSIC.rkid


def test_wrong_recipient_comes_before_unknown_key_and_signature() -> None:
    header = edit(CLASSIC.header(), aud="CL", iss="UY")
    token = forge(CLASSIC, DOC, header, outer_key=ed25519.Ed25519PrivateKey.generate())
    rejected(token, R.WRONG_RECIPIENT)


# --- step 4: unknown key ---------------------------------------------------------------------


@dataclass(frozen=True)
class WindowedDirectory:
    """One state's one signing key, valid from ``not_before`` until before ``not_after``."""

    state: str
    key: SigningPublicKey
    not_before: int
    not_after: int
    version: int = 1

    def signing_key(self, state: str, kid: str, at: int) -> SigningPublicKey | None:
        if (
            state == self.state
            and kid == kid_of(self.key)
            and self.not_before <= at < self.not_after
        ):
            return self.key
        return None

    def recipient_keys(self, state: str) -> tuple[RecipientKey, ...]:
        return ()


def test_a_kid_the_directory_does_not_know_is_an_unknown_key() -> None:
    stranger = Parties.generate("AR", "PY", Suite.X25519)
    header = {**CLASSIC.header(), "kid": stranger.kid}
    token = forge(
        CLASSIC, DOC, header, inner_key=stranger.sender_key, outer_key=stranger.sender_key
    )
    rejected(token, R.UNKNOWN_KEY, "not a key of AR")


def test_a_key_bound_to_another_state_is_an_unknown_key() -> None:
    colombia = ed25519.Ed25519PrivateKey.generate()
    directory = StaticDirectory(
        {"AR": [CLASSIC.sender_key.public_key()], "CO": [colombia.public_key()]}
    )
    header = {**CLASSIC.header(), "kid": kid_of(colombia.public_key())}
    token = forge(CLASSIC, DOC, header, inner_key=colombia, outer_key=colombia)
    rejected(token, R.UNKNOWN_KEY, directory=directory)
    rejected(
        forge(CLASSIC, DOC, edit(CLASSIC.header(), iss="CO")), R.UNKNOWN_KEY, directory=directory
    )
    rejected(
        forge(CLASSIC, DOC, edit(CLASSIC.header(), iss="UY")), R.UNKNOWN_KEY, directory=directory
    )


def test_the_key_must_be_valid_at_iat_not_at_now() -> None:
    directory = WindowedDirectory("AR", CLASSIC.sender_key.public_key(), SENT - 3600, SENT + 1)
    assert open_(seal(now=SENT), directory=directory, now=NOW).header.iat == SENT
    rejected(seal(now=SENT + 1), R.UNKNOWN_KEY, "valid at iat", directory=directory, now=NOW)
    rejected(seal(now=SENT - 3601), R.UNKNOWN_KEY, directory=directory, now=SENT)


def test_a_key_the_envelope_carries_is_never_used() -> None:
    attacker = ed25519.Ed25519PrivateKey.generate()
    header = {**CLASSIC.header(), "kid": kid_of(attacker.public_key())}
    forged = forge(CLASSIC, DOC, header, inner_key=attacker, outer_key=attacker)
    rejected(forged, R.UNKNOWN_KEY)
    carrying = {**header, "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "A" * 43}}
    rejected(
        forge(CLASSIC, DOC, carrying, inner_header=inner_of(header), outer_key=attacker),
        R.MALFORMED,
    )


def test_unknown_key_comes_before_the_signature() -> None:
    header = {**CLASSIC.header(), "kid": "A" * 43}
    head = b64url_encode(dumps_compact(header))
    rejected(head + b"." + BODY + b"." + b64url_encode(b"\x00" * 64), R.UNKNOWN_KEY)


# --- step 5: bad signature -------------------------------------------------------------------


def _flip(data: bytes, index: int = 0) -> bytes:
    return data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :]


@pytest.mark.parametrize(
    "signature",
    [
        _flip(b64url_decode(SIG)),
        _flip(b64url_decode(SIG), 63),
        b64url_decode(SIG)[:63],
        b64url_decode(SIG) + b"\x00",
        b"",
        b"\x00" * 64,
    ],
    ids=["first bit", "last byte", "63 bytes", "65 bytes", "empty", "zeros"],
)
def test_a_signature_that_does_not_verify_is_a_bad_signature(signature: bytes) -> None:
    rejected(
        HEAD + b"." + BODY + b"." + b64url_encode(signature), R.BAD_SIGNATURE, "outer signature"
    )


def test_a_signature_by_another_key_under_the_senders_kid_is_a_bad_signature() -> None:
    impostor = ed25519.Ed25519PrivateKey.generate()
    rejected(forge(CLASSIC, DOC, CLASSIC.header(), outer_key=impostor), R.BAD_SIGNATURE)


@pytest.mark.parametrize(
    ("member", "value"),
    [("jti", str(uuid.uuid4())), ("iat", SENT - 1), ("exp", SENT + 8 * 24 * 3600), ("dirv", 2)],
)
def test_a_header_member_edited_after_signing_is_a_bad_signature(member: str, value: Any) -> None:
    header = json.loads(b64url_decode(HEAD))
    edited = b64url_encode(dumps_compact(edit(header, **{member: value})))
    rejected(edited + b"." + BODY + b"." + SIG, R.BAD_SIGNATURE)


def test_the_same_header_written_otherwise_after_signing_is_a_bad_signature() -> None:
    header = json.loads(b64url_decode(HEAD))
    reordered = {k: header[k] for k in reversed(header)}
    for text in (json.dumps(header).encode(), dumps_compact(reordered)):
        rejected(b64url_encode(text) + b"." + BODY + b"." + SIG, R.BAD_SIGNATURE)


def test_the_signature_is_verified_before_anything_is_decrypted() -> None:
    garbage = b64url_encode(b"\x00" * len(b64url_decode(BODY)))
    rejected(HEAD + b"." + garbage + b"." + SIG, R.BAD_SIGNATURE)
    rejected(HEAD + b"." + b"." + SIG, R.BAD_SIGNATURE)
    flipped = b64url_encode(_flip(b64url_decode(BODY), 40))
    rejected(HEAD + b"." + flipped + b"." + SIG, R.BAD_SIGNATURE)


def test_the_signature_is_verified_before_freshness() -> None:
    forged = HEAD + b"." + BODY + b"." + b64url_encode(_flip(b64url_decode(SIG)))
    header = json.loads(b64url_decode(HEAD))
    rejected(forged, R.BAD_SIGNATURE, now=header["pnt"]["exp"] + 10 * SKEW)
    rejected(forged, R.BAD_SIGNATURE, now=SENT - 10 * SKEW)


def test_a_bad_signature_does_not_consume_the_jti() -> None:
    replay = InMemoryReplayStore()
    jti = str(uuid.uuid4())
    head, body, signature = segments(seal(jti=jti))
    rejected(
        head + b"." + body + b"." + b64url_encode(_flip(b64url_decode(signature))),
        R.BAD_SIGNATURE,
        replay=replay,
    )
    assert open_(head + b"." + body + b"." + signature, replay=replay).header.jti == jti


# --- step 6: freshness -----------------------------------------------------------------------


def test_expiry_is_at_exp_plus_the_skew() -> None:
    token = seal(now=SENT, lifetime=3600)
    exp = SENT + 3600
    assert open_(token, now=exp + SKEW - 1).header.exp == exp
    rejected(token, R.EXPIRED, "exp has passed", now=exp + SKEW)
    rejected(token, R.EXPIRED, now=exp + 10**9)


def test_an_envelope_from_the_future_is_not_yet_valid_beyond_the_skew() -> None:
    assert open_(seal(now=NOW + SKEW), now=NOW).header.iat == NOW + SKEW
    rejected(seal(now=NOW + SKEW + 1), R.NOT_YET_VALID, "iat is in the future", now=NOW)


def test_the_skew_is_configurable() -> None:
    rejected(seal(now=NOW - 1, lifetime=1), R.EXPIRED, now=NOW, skew=0)  # exp == now
    rejected(seal(now=NOW + 1), R.NOT_YET_VALID, now=NOW, skew=0)
    assert open_(seal(now=NOW + 1000), now=NOW, skew=1000).header.iat == NOW + 1000


def test_freshness_comes_before_replay_and_decryption() -> None:
    replay = InMemoryReplayStore()
    jti = str(uuid.uuid4())
    open_(seal(jti=jti), replay=replay)
    old = seal(now=SENT - 30 * 24 * 3600, jti=jti)
    rejected(old, R.EXPIRED, replay=replay)  # same (iss, jti), but expired decides
    rejected(seal(now=NOW + 2 * SKEW, jti=jti), R.NOT_YET_VALID, replay=replay)
    head, _, _ = segments(seal(now=NOW + 2 * SKEW))
    rejected(_resigned(head, b64url_encode(b"\x00" * 100)), R.NOT_YET_VALID)


def test_an_expired_envelope_does_not_consume_its_jti() -> None:
    replay = InMemoryReplayStore()
    jti = str(uuid.uuid4())
    rejected(seal(now=SENT - 30 * 24 * 3600, jti=jti), R.EXPIRED, replay=replay)
    assert open_(seal(jti=jti), replay=replay).header.jti == jti


# --- step 7: replay --------------------------------------------------------------------------


@BOTH
def test_another_envelope_with_an_accepted_iss_and_jti_is_a_replay(parties: Parties) -> None:
    replay = InMemoryReplayStore()
    jti = str(uuid.uuid4())
    first, second = seal(parties, jti=jti), seal(parties, jti=jti, now=SENT + 1)
    assert first != second
    open_(first, parties, replay=replay)
    rejected(second, R.REPLAY, "already accepted", parties=parties, replay=replay)
    rejected(first, R.REPLAY, parties=parties, replay=replay)


def test_the_same_jti_from_another_state_is_no_replay() -> None:
    replay = InMemoryReplayStore()
    jti = str(uuid.uuid4())
    open_(seal(jti=jti), replay=replay)
    uruguay = Parties("UY", ed25519.Ed25519PrivateKey.generate(), "PY", CLASSIC.recipient_key)
    document = json.loads(DOC)
    document["header"]["sender"]["state"] = "UY"
    token = forge(uruguay, json.dumps(document).encode(), uruguay.header(jti=jti))
    assert open_(token, uruguay, replay=replay).header.iss == "UY"


def test_the_jti_is_kept_until_exp_plus_skew_and_recorded_before_decryption() -> None:
    replay = InMemoryReplayStore()
    jti = str(uuid.uuid4())
    header = CLASSIC.header(jti=jti, lifetime=3600)
    garbage = forge(CLASSIC, DOC, header, info_segment=b"another header")
    rejected(garbage, R.DECRYPT_FAILED, replay=replay)  # passed step 7: recorded
    rejected(
        seal(jti=jti, now=SENT, lifetime=3600), R.REPLAY, replay=replay, now=SENT + 3600 + SKEW - 1
    )
    undecryptable = _resigned(segments(seal(jti=jti))[0], b64url_encode(b"\x00" * 100))
    rejected(undecryptable, R.REPLAY, replay=replay)  # replay decides before decryption


# --- step 8: decryption ----------------------------------------------------------------------


@BOTH
def test_hpke_bound_to_another_header_fails_to_decrypt(parties: Parties) -> None:
    header = parties.header()
    other = b64url_encode(dumps_compact(parties.header()))
    rejected(
        forge(parties, DOC, header, info_segment=other),
        R.DECRYPT_FAILED,
        "HPKE open failed",
        parties=parties,
    )


def test_the_receiver_hashes_the_header_bytes_it_received() -> None:
    header = CLASSIC.header()
    spaced = json.dumps(header, indent=1).encode()  # the same header, written otherwise
    accepted = forge_raw(spaced, inner_header=inner_of(header))
    assert open_(accepted).header.jti == header["pnt"]["jti"]
    canonical = b64url_encode(dumps_compact(header))
    token = forge_raw(spaced, inner_header=inner_of(header), info_segment=canonical)
    rejected(token, R.DECRYPT_FAILED)


@BOTH
def test_a_payload_that_does_not_open_fails_to_decrypt(parties: Parties) -> None:
    head, body, _ = segments(seal(parties))
    sealed = b64url_decode(body)
    enc_length = parties.suite.params.enc_length
    stranger = Parties.generate("AR", "PY", parties.suite)
    cases = {
        "tag": _flip(sealed, len(sealed) - 1),
        "enc": _flip(sealed, 0),
        "ciphertext": _flip(sealed, enc_length + 5),
        "shortest": sealed[: enc_length + 15],
        "enc only": sealed[:enc_length],
        "empty": b"",
        "appended": sealed + b"\x00",
    }
    for name, payload in cases.items():
        token = sign_token(head, b64url_encode(payload), parties.sender_key)
        assert rejected(token, R.DECRYPT_FAILED, parties=parties), name
    sealed_elsewhere = forge(
        parties, DOC, parties.header(), seal_to=stranger.recipient_key.public_key()
    )
    rejected(sealed_elsewhere, R.DECRYPT_FAILED, parties=parties)


def test_a_key_of_another_suite_under_rkid_fails_to_decrypt() -> None:
    classic_enc_to_hybrid = edit(HYBRID.header(), enc=str(Suite.X25519))
    x = x25519.X25519PrivateKey.generate().public_key()
    token = forge(HYBRID, DOC, classic_enc_to_hybrid, seal_suite=Suite.X25519, seal_to=x)
    rejected(token, R.DECRYPT_FAILED, "rkid key", parties=HYBRID)
    hybrid_enc_to_classic = edit(CLASSIC.header(), enc=str(Suite.MLKEM768_X25519))
    token = forge(
        CLASSIC,
        DOC,
        hybrid_enc_to_classic,
        seal_suite=Suite.MLKEM768_X25519,
        seal_to=HYBRID.recipient_key.public_key(),
    )
    rejected(token, R.DECRYPT_FAILED, "rkid key")


# --- step 9: padding -------------------------------------------------------------------------


def _inner_of_length(n: int) -> tuple[dict[str, Any], bytes]:
    """An outer header and a correctly signed inner JWS of exactly ``n`` bytes (a JSON payload
    that is no message document, so that opening it stops at step 11 once the padding passed)."""
    for dirv in (1, 10, 100, 1000):
        header = edit(CLASSIC.header(), dirv=dirv)
        head = b64url_encode(dumps_compact(inner_of(header)))
        target = n - len(head) - 2 - 86  # the payload segment's length
        if target % 4 == 1:
            continue
        size = target * 3 // 4 - 10  # '{"pad":""}' is 10 bytes
        inner = sign_compact(
            dumps_compact(inner_of(header)), b'{"pad":"' + b"a" * size + b'"}', CLASSIC.sender_key
        )
        assert len(inner) == n
        return header, inner
    raise AssertionError(n)


@pytest.mark.parametrize(
    "n", [1023, 1024, MIB - 1, MIB], ids=["n+1=1024", "n+1=1025", "n+1=1MiB", "n+1=1MiB+1"]
)
def test_padding_at_the_bucket_boundaries_in_an_envelope(n: int) -> None:
    header, inner = _inner_of_length(n)
    token = forge(CLASSIC, DOC, header, inner=inner)
    assert len(plaintext_of(token)) == {1023: 1024, 1024: 2048, MIB - 1: MIB, MIB: 2 * MIB}[n]
    rejected(token, R.SCHEMA_INVALID)  # steps 9 and 10 passed
    other = padded_length(n) * 2 if n + 1 <= MIB else padded_length(n) + MIB
    wrong = inner + b"\x80" + b"\x00" * (other - n - 1)
    rejected(forge(CLASSIC, DOC, header, plaintext=wrong), R.MALFORMED, "padded length")
    if padded_length(n) > n + 1:
        rejected(
            forge(CLASSIC, DOC, header, plaintext=inner + b"\x80"), R.MALFORMED, "padded length"
        )


@BOTH
def test_wrong_padding_in_an_envelope_is_malformed(parties: Parties) -> None:
    header = parties.header()
    inner = sign_compact(dumps_compact(inner_of(header)), DOC, parties.sender_key)
    length = padded_length(len(inner))
    plaintexts = {
        "no 0x80": inner + b"\x00" * (length - len(inner)),
        "0x01 after 0x80": inner + b"\x80\x01" + b"\x00" * (length - len(inner) - 2),
        "one byte short": inner + b"\x80" + b"\x00" * (length - len(inner) - 2),
        "one byte long": inner + b"\x80" + b"\x00" * (length - len(inner)),
        "twice the length": inner + b"\x80" + b"\x00" * (2 * length - len(inner) - 1),
        "all zeros": b"\x00" * length,
        "empty": b"",
    }
    for name, plaintext in plaintexts.items():
        token = forge(parties, DOC, header, plaintext=plaintext)
        assert rejected(token, R.MALFORMED, "padding", parties=parties), name


# --- step 10: the inner JWS ------------------------------------------------------------------


def _inner_token(inner: bytes, parties: Parties = CLASSIC) -> bytes:
    return forge(parties, DOC, parties.header(), inner=inner)


def test_an_inner_jws_that_is_not_three_strict_segments_is_malformed() -> None:
    header = CLASSIC.header()
    inner = sign_compact(dumps_compact(inner_of(header)), DOC, CLASSIC.sender_key)
    head, body, signature = split_compact(inner)
    defects = {
        "empty": b"",
        "two segments": head + b"." + body,
        "four segments": inner + b".AAAA",
        "header padding": head + b"==." + body + b"." + signature,
        "payload whitespace": head + b"." + body[:10] + b" " + body[10:] + b"." + signature,
        "signature non-canonical": head + b"." + body + b"." + _noncanonical(signature),
    }
    for name, defective in defects.items():
        assert rejected(forge(CLASSIC, DOC, header, inner=defective), R.MALFORMED, "inner JWS"), (
            name
        )


def test_an_inner_header_that_is_not_a_strict_object_of_its_five_members_is_malformed() -> None:
    header = CLASSIC.header()
    text = dumps_compact(inner_of(header))
    defects: dict[str, bytes] = {
        "byte order mark": b"\xef\xbb\xbf" + text,
        "duplicate member": text.replace(b'"alg":"Ed25519"', b'"alg":"Ed25519","alg":"Ed25519"'),
        "duplicate in pnt": text.replace(b'"dirv":1', b'"dirv":1,"dirv":1'),
        "NaN": text.replace(b'"dirv":1', b'"dirv":NaN'),
        "array": b"[" + text + b"]",
        **{
            f"no {m}": dumps_compact(_without(inner_of(header), m))
            for m in ("alg", "typ", "kid", "crit", "pnt")
        },
        **{
            f"with {m}": dumps_compact({**inner_of(header), m: "x"})
            for m in ("jwk", "x5c", "b64", "cty")
        },
    }
    for name, inner_header in defects.items():
        assert rejected(
            forge(CLASSIC, DOC, header, inner_header=inner_header), R.MALFORMED, "inner"
        ), name


def test_an_inner_alg_other_than_ed25519_is_unsupported_after_the_shape() -> None:
    header = CLASSIC.header()
    for alg in ("EdDSA", "none", 1):
        rejected(
            forge(CLASSIC, DOC, header, inner_header={**inner_of(header), "alg": alg}),
            R.UNSUPPORTED,
            "inner alg",
        )
    both = {**inner_of(header), "alg": "EdDSA", "jwk": "x"}
    rejected(forge(CLASSIC, DOC, header, inner_header=both), R.MALFORMED)  # malformed first
    mismatched = {**edit(inner_of(header), aud="CO"), "alg": "EdDSA"}
    rejected(
        forge(CLASSIC, DOC, header, inner_header=mismatched), R.UNSUPPORTED
    )  # alg before match


INNER_MISMATCHES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "typ outer": lambda h: {**h, "typ": "puente-envelope+jws"},
    "typ JWT": lambda h: {**h, "typ": "JWT"},
    "kid": lambda h: {**h, "kid": kid_of(ed25519.Ed25519PrivateKey.generate().public_key())},
    "crit": lambda h: {**h, "crit": ["pnt", "b64"]},
    "crit empty": lambda h: {**h, "crit": []},
    **{
        f"pnt.{m}": (lambda h, m=m, v=v: edit(h, **{m: v}))
        for m, v in {
            "v": 2,
            "enc": str(Suite.MLKEM768_X25519),
            "rkid": "A" * 43,
            "iss": "UY",
            "aud": "CO",
            "jti": str(uuid.uuid4()),
            "iat": SENT + 1,
            "exp": SENT,
            "dirv": 2,
        }.items()
    },
    "pnt.dirv true": lambda h: edit(h, dirv=True),
    "pnt.iat a string": lambda h: edit(h, iat=str(SENT)),
    "pnt member missing": lambda h: {**h, "pnt": _without(h["pnt"], "dirv")},
    "pnt member added": lambda h: edit(h, zip="DEF"),
    "pnt not an object": lambda h: {**h, "pnt": None},
}


@pytest.mark.parametrize("name", list(INNER_MISMATCHES))
def test_an_inner_header_not_json_equal_to_the_outer_one_is_an_inner_mismatch(name: str) -> None:
    header = CLASSIC.header()
    token = forge(CLASSIC, DOC, header, inner_header=INNER_MISMATCHES[name](inner_of(header)))
    rejected(token, R.INNER_MISMATCH)


def test_json_equality_ignores_member_order_and_whitespace() -> None:
    header = CLASSIC.header()
    reordered = {k: inner_of(header)[k] for k in reversed(inner_of(header))}
    reordered["pnt"] = {k: header["pnt"][k] for k in reversed(header["pnt"])}
    assert open_(forge(CLASSIC, DOC, header, inner_header=reordered)).document == DOCUMENT
    spaced = json.dumps(inner_of(header), indent=2).encode()
    assert open_(forge(CLASSIC, DOC, header, inner_header=spaced)).document == DOCUMENT


@BOTH
def test_surreptitious_forwarding_is_an_inner_mismatch(parties: Parties) -> None:
    # The sender signed a document for Colombia, then wrapped it for Paraguay itself.
    colombia = Parties.generate("AR", "CO", parties.suite)
    for_colombia = Parties(parties.sender_state, parties.sender_key, "CO", colombia.recipient_key)
    document = json.loads(DOC)
    document["header"]["recipient"]["state"] = "CO"
    payload = json.dumps(document).encode()
    inner = sign_compact(
        dumps_compact(inner_of(for_colombia.header())), payload, parties.sender_key
    )
    rejected(
        forge(parties, payload, parties.header(), inner=inner), R.INNER_MISMATCH, parties=parties
    )
    # Paraguay passes on what Argentina signed for it, as its own envelope to Colombia.
    paraguay = ed25519.Ed25519PrivateKey.generate()
    sent = unpad(plaintext_of(seal(parties), parties))
    onward = Parties("PY", paraguay, "CO", colombia.recipient_key)
    token = forge(onward, DOC, onward.header(), inner=sent)
    rejected(token, R.INNER_MISMATCH, parties=onward)


def test_an_inner_signature_that_does_not_verify_is_a_bad_signature() -> None:
    header = CLASSIC.header()
    impostor = ed25519.Ed25519PrivateKey.generate()
    rejected(forge(CLASSIC, DOC, header, inner_key=impostor), R.BAD_SIGNATURE, "inner signature")
    inner = sign_compact(dumps_compact(inner_of(header)), DOC, CLASSIC.sender_key)
    head, body, signature = split_compact(inner)
    flipped = head + b"." + body + b"." + b64url_encode(_flip(b64url_decode(signature)))
    rejected(forge(CLASSIC, DOC, header, inner=flipped), R.BAD_SIGNATURE, "inner signature")
    other_document = b64url_encode(DOC.replace(b"DEADLINE_APPROACHING", b"NO_REPLY_RECEIVED"))
    rejected(
        forge(CLASSIC, DOC, header, inner=head + b"." + other_document + b"." + signature),
        R.BAD_SIGNATURE,
    )
    respaced = b64url_encode(json.dumps(inner_of(header)).encode())
    rejected(
        forge(CLASSIC, DOC, header, inner=respaced + b"." + body + b"." + signature),
        R.BAD_SIGNATURE,
    )


# --- step 11: the document -------------------------------------------------------------------

DOCUMENT_JSON_DEFECTS: dict[str, bytes] = {
    "invalid UTF-8": DOC.replace(b'"es"', b'"\xff"'),
    "byte order mark": b"\xef\xbb\xbf" + DOC,
    "UTF-16": DOC.decode().encode("utf-16"),
    "duplicate member": DOC[:-1] + b',"body":{}}',
    "duplicate at depth": DOC.replace(b'"state":"AR"', b'"state":"AR","state":"AR"'),
    "NaN": DOC.replace(b'"attachments":[]', b'"attachments":[NaN]'),
    "Infinity": DOC.replace(b'"attachments":[]', b'"attachments":Infinity'),
    "not JSON": b"{",
    "empty": b"",
    "trailing garbage": DOC + b"x",
}


@pytest.mark.parametrize("name", list(DOCUMENT_JSON_DEFECTS))
def test_a_payload_that_is_not_strict_utf8_json_is_malformed(name: str) -> None:
    rejected(forge(CLASSIC, DOCUMENT_JSON_DEFECTS[name], CLASSIC.header()), R.MALFORMED, "payload")


def _receipt(edit_body: Callable[[dict[str, Any]], None]) -> bytes:
    value = json.loads(RECEIPT.to_json())
    edit_body(value["body"])
    return json.dumps(value).encode()


SCHEMA_DEFECTS: dict[str, bytes] = {
    "an array": b"[]",
    "an empty object": b"{}",
    "null": b"null",
    "no body": _receipt(lambda b: b.clear()),
    "an unknown member": _receipt(lambda b: b.update(extra=1)),
    "integer as 1.0": RECEIPT.to_json().replace(b'"log_index":1041', b'"log_index":1041.0'),
    "integer as true": _receipt(lambda b: b.update(log_index=True)),
    "integer as a string": _receipt(lambda b: b.update(log_index="1041")),
    "a legal rule broken": _receipt(lambda b: b.update(verdict="REJECTED")),
    "an unknown message type": RECEIPT.to_json().replace(b'"DeliveryReceipt"', b'"Postcard"'),
}


@pytest.mark.parametrize("name", list(SCHEMA_DEFECTS))
def test_a_payload_that_is_not_a_valid_document_is_schema_invalid(name: str) -> None:
    token = forge(RECEIPTS, SCHEMA_DEFECTS[name], RECEIPTS.header())
    rejected(token, R.SCHEMA_INVALID, parties=RECEIPTS)


def test_the_receipt_itself_opens() -> None:
    assert (
        open_(forge(RECEIPTS, RECEIPT.to_json(), RECEIPTS.header()), RECEIPTS).document == RECEIPT
    )


def test_a_document_of_other_states_than_iss_and_aud_is_schema_invalid() -> None:
    for state, member, detail in (
        ("CO", "recipient", "recipient is not aud"),
        ("UY", "sender", "sender is not iss"),
    ):
        document = json.loads(DOC)
        document["header"][member]["state"] = state
        token = forge(CLASSIC, json.dumps(document).encode(), CLASSIC.header())
        rejected(token, R.SCHEMA_INVALID, detail)


def test_only_failures_after_the_outer_signature_name_the_authenticated_sender() -> None:
    # The gateway answers an authenticated sender with a signed rejection receipt, and
    # nothing else (no reflection): the error says which case it is.
    token = seal()
    iss = CLASSIC.sender_state
    jti = parse_header(split_compact(token)[0], frozenset(Suite)).jti
    expired = rejected(token, R.EXPIRED, now=SENT + 30 * 24 * 3600)
    assert expired.authenticated_as == (iss, jti)
    header_segment, payload_segment, _ = split_compact(token)
    forged = header_segment + b"." + payload_segment + b"." + b64url_encode(b"\x00" * 64)
    assert rejected(forged, R.BAD_SIGNATURE).authenticated_as is None
    assert rejected(b"garbage", R.MALFORMED).authenticated_as is None
