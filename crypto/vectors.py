"""Test vectors of puente/1 for other states' implementers (docs/test-vectors/README.md).

A vector file is a JSON list of cases (:class:`VectorCase`); :func:`judge` opens a case's
envelope with this project's code, exactly as the issue fixes the conditions: the sender's
public key from the case is the only key the directory binds to ``sender_state`` (valid at any
time), the recipient's private key from the case is the only key of the recipient's node, the
clock reads ``now``, the skew is 300 s, the cap 16 MiB, and the replay store is fresh.

The builders below write the committed files, with fresh keys on every run (the committed files
are the reference; regenerating them changes every key and envelope, not what they show)::

    .venv/bin/python -m crypto.vectors --write   # regenerate docs/test-vectors/*.json
    .venv/bin/python -m crypto.vectors           # judge the committed files

The forging helpers (:class:`Parties`, :func:`forge`, :func:`sign_token`) build deliberately
broken envelopes from ``crypto._hazmat``; they are for vectors and tests, never for sending.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from crypto._hazmat.b64 import b64url_decode, b64url_encode
from crypto._hazmat.jws import hpke_info, sign_compact, split_compact
from crypto._hazmat.strict_json import StrictJsonError, dumps_compact, json_equal, loads_strict
from crypto.envelope import (
    DEFAULT_LIFETIME,
    INNER_TYP,
    MAX_ENVELOPE_BYTES,
    open_envelope,
    pad,
    padded_length,
    protected_header,
)
from crypto.errors import EnvelopeError, KeyFormatError
from crypto.jwk import (
    EncryptionPrivateKey,
    EncryptionPublicKey,
    HybridPrivateKey,
    HybridPublicKey,
    SigningPrivateKey,
    kid_of,
    load_private_jwk,
    load_public_jwk,
    private_jwk,
    public_jwk,
)
from crypto.replay import InMemoryReplayStore
from crypto.suites import Suite
from crypto.trust import DecryptionKey, RecipientIdentity, StaticDirectory, suite_of
from messages.errors import MalformedMessage
from messages.registry import all_examples, parse_document
from messages.transport import EnvelopeReason as R

VECTOR_SKEW: Final = 300
"""The clock skew every case is judged with, in seconds (fixed by the vector format)."""
VECTOR_CAP: Final = MAX_ENVELOPE_BYTES
"""The size cap every case is judged with (16 MiB, fixed by the vector format)."""
NOW: Final = 1_772_452_800
"""2026-03-02T12:00:00Z: the ``now`` of the generated cases."""
SENT: Final = NOW - 60
"""The ``iat`` of the generated envelopes: sealed a minute before they are judged."""
VECTOR_DIR: Final = Path(__file__).resolve().parent.parent / "docs" / "test-vectors"
FILES: Final = {Suite.X25519: "envelopes.json", Suite.MLKEM768_X25519: "envelopes-pq.json"}

_FIELDS: Final = (
    "name",
    "sender_state",
    "sender_public_jwk",
    "recipient_state",
    "recipient_private_jwk",
    "now",
    "envelope",
    "valid",
    "reason",
    "document",
)


class VectorFormatError(ValueError):
    """A vector file or case does not have the documented format."""


# --- the case format -------------------------------------------------------------------------


@dataclass(frozen=True)
class VectorCase:
    """One case of a vector file, members as in docs/test-vectors/README.md."""

    name: str
    sender_state: str
    sender_public_jwk: dict[str, str]
    """OKP Ed25519 JWK: the only key the directory binds to ``sender_state``."""
    recipient_state: str
    recipient_private_jwk: dict[str, str]
    """OKP X25519 JWK (or the hybrid MLKEM768-X25519 JWK) with ``d``: the recipient's only key."""
    now: int
    """Unix seconds at which to judge the envelope."""
    envelope: str
    """The exact ASCII outer JWS."""
    valid: bool
    reason: R | None
    """The reason code when invalid, else None."""
    document: Any
    """The expected payload object when valid, else None."""

    def to_json(self) -> dict[str, Any]:
        """The case as a JSON object, members in the documented order."""
        return {
            "name": self.name,
            "sender_state": self.sender_state,
            "sender_public_jwk": self.sender_public_jwk,
            "recipient_state": self.recipient_state,
            "recipient_private_jwk": self.recipient_private_jwk,
            "now": self.now,
            "envelope": self.envelope,
            "valid": self.valid,
            "reason": None if self.reason is None else self.reason.value,
            "document": self.document,
        }

    @classmethod
    def from_json(cls, value: Any) -> VectorCase:
        """A case from its JSON object; raises :class:`VectorFormatError` naming the defect."""
        if not isinstance(value, dict) or set(value) != set(_FIELDS):
            raise VectorFormatError("a case is an object of exactly: " + ", ".join(_FIELDS))
        name = value["name"]
        if not isinstance(name, str):
            raise VectorFormatError("name must be a string")

        def fail(what: str) -> VectorFormatError:
            return VectorFormatError(f"case {name!r}: {what}")

        for member in ("sender_state", "recipient_state", "envelope"):
            if not isinstance(value[member], str):
                raise fail(f"{member} must be a string")
        if not value["envelope"].isascii():
            raise fail("envelope must be ASCII")
        for member in ("sender_public_jwk", "recipient_private_jwk"):
            jwk = value[member]
            if not isinstance(jwk, dict) or not all(isinstance(v, str) for v in jwk.values()):
                raise fail(f"{member} must be an object of strings")
        now = value["now"]
        if not isinstance(now, int) or isinstance(now, bool):
            raise fail("now must be an integer")
        valid = value["valid"]
        if not isinstance(valid, bool):
            raise fail("valid must be true or false")
        reason = value["reason"]
        if valid and (reason is not None or not isinstance(value["document"], dict)):
            raise fail("a valid case has reason null and a document object")
        if not valid and (reason not in set(R) or value["document"] is not None):
            raise fail("an invalid case has a reason code and document null")
        return cls(
            name=name,
            sender_state=value["sender_state"],
            sender_public_jwk=dict(value["sender_public_jwk"]),
            recipient_state=value["recipient_state"],
            recipient_private_jwk=dict(value["recipient_private_jwk"]),
            now=now,
            envelope=value["envelope"],
            valid=valid,
            reason=None if valid else R(reason),
            document=value["document"],
        )


def load_cases(data: bytes) -> list[VectorCase]:
    """The cases of a vector file (strict JSON); raises :class:`VectorFormatError`."""
    try:
        value = loads_strict(data)
    except StrictJsonError as error:
        raise VectorFormatError(f"not strict JSON: {error}") from None
    if not isinstance(value, list):
        raise VectorFormatError("a vector file is a JSON list of cases")
    return [VectorCase.from_json(item) for item in value]


def dump_cases(cases: Sequence[VectorCase]) -> str:
    """The text of a vector file."""
    return json.dumps([case.to_json() for case in cases], indent=1, ensure_ascii=False) + "\n"


# --- judging ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What this project's code made of a case's envelope."""

    reason: R | None
    """None when the envelope was accepted."""
    document: Any = None
    """The payload object (strict JSON) when accepted."""
    detail: str = ""
    """Why it was rejected, for the operator."""

    @property
    def valid(self) -> bool:
        return self.reason is None


def judge(case: VectorCase) -> Outcome:
    """Open the case's envelope under the conditions the vector format fixes.

    Raises:
        VectorFormatError: the case's keys cannot be loaded (the case is unusable).
    """
    try:
        sender = load_public_jwk(case.sender_public_jwk)
        recipient = load_private_jwk(case.recipient_private_jwk)
    except KeyFormatError as error:
        raise VectorFormatError(f"case {case.name!r}: {error}") from None
    if not isinstance(sender, ed25519.Ed25519PublicKey):
        raise VectorFormatError(f"case {case.name!r}: sender_public_jwk is not an Ed25519 key")
    if not isinstance(recipient, (x25519.X25519PrivateKey, HybridPrivateKey)):
        raise VectorFormatError(f"case {case.name!r}: recipient_private_jwk is no encryption key")
    try:
        opened = open_envelope(
            case.envelope.encode("ascii"),
            recipient=RecipientIdentity.of(
                case.recipient_state, [DecryptionKey(suite_of(recipient), recipient)]
            ),
            directory=StaticDirectory({case.sender_state: [sender]}),
            replay=InMemoryReplayStore(),
            now=case.now,
            skew=VECTOR_SKEW,
            max_bytes=VECTOR_CAP,
        )
    except EnvelopeError as error:
        return Outcome(error.reason, detail=str(error))
    payload = b64url_decode(split_compact(opened.inner_jws)[1])
    return Outcome(None, document=loads_strict(payload))


def disagreement(case: VectorCase, outcome: Outcome) -> str | None:
    """What differs between the case's label and the outcome, or None if they agree."""
    if case.valid and outcome.reason is None:
        if json_equal(_exact(case.document), _exact(outcome.document)):
            return None
        return "labelled valid and accepted, but the payload is not the case's document"
    if case.valid:
        return f"labelled valid, rejected: {outcome.detail}"
    if outcome.reason is None:
        return f"labelled {case.reason}, accepted"
    if outcome.reason is not case.reason:
        return f"labelled {case.reason}, rejected as {outcome.detail}"
    return None


def _exact(value: Any) -> Any:
    """JSON numbers as exact values (a float read by ``json.loads`` as the decimal it printed)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    return value


# --- forging envelopes (hazardous: for vectors and tests only) -------------------------------


@dataclass(frozen=True)
class Parties:
    """A sender's signing key and a recipient's encryption key, with their states."""

    sender_state: str
    sender_key: SigningPrivateKey
    recipient_state: str
    recipient_key: EncryptionPrivateKey

    @classmethod
    def generate(cls, sender_state: str, recipient_state: str, suite: Suite) -> Parties:
        recipient: EncryptionPrivateKey = (
            HybridPrivateKey.generate()
            if suite is Suite.MLKEM768_X25519
            else x25519.X25519PrivateKey.generate()
        )
        return cls(sender_state, ed25519.Ed25519PrivateKey.generate(), recipient_state, recipient)

    @property
    def suite(self) -> Suite:
        return suite_of(self.recipient_key)

    @property
    def kid(self) -> str:
        return kid_of(self.sender_key.public_key())

    @property
    def rkid(self) -> str:
        return kid_of(self.recipient_key.public_key())

    def identity(self) -> RecipientIdentity:
        """The recipient's node: its state and its one key."""
        return RecipientIdentity.of(
            self.recipient_state, [DecryptionKey(self.suite, self.recipient_key)]
        )

    def directory(self) -> StaticDirectory:
        """A directory binding the sender's key (only) to its state."""
        return StaticDirectory({self.sender_state: [self.sender_key.public_key()]})

    def header(
        self, *, iat: int = SENT, lifetime: int = DEFAULT_LIFETIME, jti: str | None = None
    ) -> dict[str, Any]:
        """A correct outer protected header from the sender to the recipient."""
        return protected_header(
            kid=self.kid,
            suite=self.suite,
            rkid=self.rkid,
            iss=self.sender_state,
            aud=self.recipient_state,
            jti=jti or str(uuid.uuid4()),
            iat=iat,
            exp=iat + lifetime,
            dirv=1,
        )

    def case(
        self, name: str, token: bytes, *, now: int = NOW, reason: R | None, document: Any = None
    ) -> VectorCase:
        """A vector case for an envelope from these parties."""
        return VectorCase(
            name=name,
            sender_state=self.sender_state,
            sender_public_jwk=public_jwk(self.sender_key.public_key()),
            recipient_state=self.recipient_state,
            recipient_private_jwk=private_jwk(self.recipient_key),
            now=now,
            envelope=token.decode("ascii"),
            valid=reason is None,
            reason=reason,
            document=document,
        )


def _json_bytes(value: Mapping[str, Any] | bytes) -> bytes:
    return value if isinstance(value, bytes) else dumps_compact(value)


def _for_hpke(key: EncryptionPublicKey) -> Any:
    return key.for_hpke() if isinstance(key, HybridPublicKey) else key


def sign_token(header_segment: bytes, payload_segment: bytes, key: SigningPrivateKey) -> bytes:
    """A compact JWS over two segments exactly as given (no checks)."""
    signing_input = header_segment + b"." + payload_segment
    return signing_input + b"." + b64url_encode(key.sign(signing_input))


def forge(
    parties: Parties,
    payload: bytes,
    header: Mapping[str, Any] | bytes,
    *,
    inner_header: Mapping[str, Any] | bytes | None = None,
    inner_key: SigningPrivateKey | None = None,
    inner: bytes | None = None,
    plaintext: bytes | None = None,
    seal_to: EncryptionPublicKey | None = None,
    seal_suite: Suite | None = None,
    info_segment: bytes | None = None,
    outer_key: SigningPrivateKey | None = None,
) -> bytes:
    """An envelope built layer by layer, each layer replaceable.

    ``header`` is the outer protected header (a mapping, serialized compactly, or the exact
    JSON bytes); ``inner_header`` defaults to it with the inner ``typ``; ``inner`` replaces the
    inner JWS, ``plaintext`` the padded plaintext; the HPKE seal goes to ``seal_to`` (default
    the recipient's key) with ``info`` bound to ``info_segment`` (default the header segment);
    both signatures default to the sender's key.
    """
    segment = b64url_encode(_json_bytes(header))
    if inner is None:
        if inner_header is None:
            if isinstance(header, bytes):
                raise ValueError("give inner_header when the outer header is raw bytes")
            inner_header = {**header, "typ": INNER_TYP}
        inner = sign_compact(_json_bytes(inner_header), payload, inner_key or parties.sender_key)
    sealed = (
        (seal_suite or parties.suite)
        .hpke()
        .encrypt(
            pad(inner) if plaintext is None else plaintext,
            _for_hpke(seal_to or parties.recipient_key.public_key()),
            info=hpke_info(segment if info_segment is None else info_segment),
        )
    )
    return sign_token(segment, b64url_encode(sealed), outer_key or parties.sender_key)


# --- the vectors -----------------------------------------------------------------------------


def _find_example(family: str, message_type: str | None = None) -> bytes:
    for document in all_examples():
        header = document.header
        if header.family == family and message_type in (None, header.message_type):
            return document.to_json()
    raise LookupError(f"no example of {family} {message_type or ''}")  # pragma: no cover


def _with_states(payload: bytes, sender: str, recipient: str) -> bytes:
    """The document with its header's sender and recipient states replaced (still valid)."""
    value = json.loads(payload)
    value["header"]["sender"]["state"] = sender
    value["header"]["recipient"]["state"] = recipient
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _prose_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _prose_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _prose_paths(v, (*path, i))]
    return [path] if isinstance(value, str) and " " in value else []


def _lengthened(payload: bytes, extra: int) -> bytes | None:
    """The document with ``extra`` more characters in a prose field, if one takes them."""
    for path in _prose_paths(json.loads(payload)):
        value = json.loads(payload)
        target = value
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] += " " + "a" * (extra - 1) if extra else ""
        candidate = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        try:
            parse_document(candidate)
        except MalformedMessage:
            continue
        return candidate
    return None


def _tuned(parties: Parties, payload: bytes, inner_length: int) -> tuple[dict[str, Any], bytes]:
    """A header and a lengthened document whose inner JWS is exactly ``inner_length`` bytes."""
    for dirv in (1, 10, 100, 1000, 10000):
        header = {**parties.header(), "pnt": {**parties.header()["pnt"], "dirv": dirv}}
        fixed = len(b64url_encode(dumps_compact({**header, "typ": INNER_TYP}))) + 2 + 86
        for extra in range(0, 2000):
            if fixed + len(b64url_encode(payload)) + (4 * extra) // 3 + 2 < inner_length:
                continue
            candidate = _lengthened(payload, extra)
            if candidate is None:
                break
            size = fixed + len(b64url_encode(candidate))
            if size == inner_length:
                return header, candidate
            if size > inner_length:
                break
    raise LookupError(f"cannot tune an inner JWS to {inner_length} bytes")  # pragma: no cover


class _Builder:
    """The cases of one vector file (one suite), with fresh keys."""

    def __init__(self, suite: Suite) -> None:
        self.suite = suite
        self.cases: list[VectorCase] = []
        self._keys: dict[str, tuple[SigningPrivateKey, EncryptionPrivateKey]] = {}

    def parties(self, sender: str, recipient: str, suite: Suite | None = None) -> Parties:
        for state in (sender, recipient):
            if state not in self._keys:
                generated = Parties.generate(state, state, self.suite)
                self._keys[state] = (generated.sender_key, generated.recipient_key)
        recipient_key = self._keys[recipient][1]
        if suite is not None and suite is not suite_of(recipient_key):
            recipient_key = Parties.generate(recipient, recipient, suite).recipient_key
        return Parties(sender, self._keys[sender][0], recipient, recipient_key)

    def add(self, name: str, parties: Parties, token: bytes, reason: R | None, **kw: Any) -> None:
        document = kw.pop("document", None)
        self.cases.append(parties.case(name, token, reason=reason, document=document, **kw))

    def valid(self, name: str, parties: Parties, payload: bytes, **kw: Any) -> None:
        header = kw.pop("header", None) or parties.header()
        token = forge(parties, payload, header)
        self.add(name, parties, token, None, document=json.loads(payload), **kw)


def build_cases(suite: Suite) -> list[VectorCase]:
    """Every case of the vector file of ``suite``, with fresh keys (see the README)."""
    b = _Builder(suite)
    mla = _find_example("mla", "EvidenceRequest")  # AR -> PY
    small = _find_example("mla", "StatusInquiry")  # AR -> PY, the smallest documents
    p = b.parties("AR", "PY")
    h = p.header

    # valid: different families, exact bucket edges
    b.valid("valid-mla-evidence-request", p, mla)
    if suite is Suite.MLKEM768_X25519:
        wp = _find_example("witness_protection", "WPCooperationRequest")  # AR -> PY
        b.valid("valid-witness-protection-cooperation-request", p, wp)
    repatriation = _find_example("repatriation", "VictimIdentifiedNotice")  # BR -> PY
    b.valid("valid-repatriation-victim-identified", b.parties("BR", "PY"), repatriation)
    statistics = _find_example("statistics")  # PY -> AR
    b.valid("valid-statistics-aggregate-release", b.parties("PY", "AR"), statistics)
    prose = _find_example("mla", "InformationReply")  # AR -> PY, with a free-text answer
    full_header, full = _tuned(p, prose, 2047)
    b.valid("valid-padding-fills-2048-exactly", p, full, header=full_header)
    cross_header, cross = _tuned(p, prose, 2048)
    b.valid("valid-padding-crosses-to-4096", p, cross, header=cross_header)
    b.valid("valid-last-second-before-expiry", p, small, now=SENT + DEFAULT_LIFETIME + 299)
    b.valid("valid-iat-within-skew-ahead", p, small, header=h(iat=NOW + VECTOR_SKEW))
    header = h()
    reordered = {k: header[k] for k in reversed(header)}
    reordered["pnt"] = {k: header["pnt"][k] for k in reversed(header["pnt"])}
    reordered["typ"] = INNER_TYP
    token = forge(p, small, header, inner_header=reordered)
    b.add("valid-inner-header-members-reordered", p, token, None, document=json.loads(small))

    _malformed_cases(b, p, small)
    _unsupported_cases(b, p, small)
    _routing_cases(b, p, small)
    _signature_and_time_cases(b, p, small)
    _decrypt_cases(b, p, small)
    _inner_cases(b, p, small)
    return b.cases


def _edit(header: dict[str, Any], **pnt: Any) -> dict[str, Any]:
    return {**header, "pnt": {**header["pnt"], **pnt}}


def _raw(header: dict[str, Any], old: str, new: str) -> bytes:
    """The compact header JSON with one text edit (to write what a dict cannot hold)."""
    text = dumps_compact(header).decode("utf-8")
    if old not in text:
        raise ValueError(f"{old!r} is not in the header")  # pragma: no cover
    return text.replace(old, new, 1).encode("utf-8")


_ALPHABET: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _malformed_cases(b: _Builder, p: Parties, doc: bytes) -> None:
    m = R.MALFORMED
    good = forge(p, doc, p.header())
    head, body, sig = good.split(b".")
    b.add("malformed-two-segments", p, head + b"." + body, m)
    b.add("malformed-header-base64-padding", p, sign_token(head + b"=", body, p.sender_key), m)
    # 64 bytes take 86 characters: the last one carries 4 unused bits, which must be zero
    index = _ALPHABET.index(sig[-1:])
    noncanonical = sig[:-1] + _ALPHABET[index | 1 : (index | 1) + 1]
    b.add("malformed-signature-noncanonical-bits", p, head + b"." + body + b"." + noncanonical, m)
    payload_ws = body[:40] + b"\n" + body[40:]
    b.add("malformed-payload-whitespace", p, sign_token(head, payload_ws, p.sender_key), m)
    header = p.header()
    raws = {
        "malformed-header-bom": b"\xef\xbb\xbf" + dumps_compact(header),
        "malformed-header-duplicate-in-pnt": _raw(header, '"dirv":1}', '"dirv":1,"dirv":2}'),
        "malformed-header-iat-as-float": _raw(header, f'"iat":{SENT}', f'"iat":{SENT}.0'),
        "malformed-header-nan": _raw(header, '"dirv":1', '"dirv":NaN'),
        "malformed-header-not-an-object": dumps_compact([header]),
    }
    for name, raw in raws.items():
        b.add(name, p, forge(p, doc, raw, inner_header={**header, "typ": INNER_TYP}), m)
    edits: dict[str, dict[str, Any]] = {
        "malformed-header-unknown-member": {**header, "zip": "DEF"},
        "malformed-pnt-missing-dirv": {
            **header,
            "pnt": {k: v for k, v in header["pnt"].items() if k != "dirv"},
        },
        "malformed-dirv-boolean": _edit(header, dirv=True),
        "malformed-dirv-negative": _edit(header, dirv=-1),
        "malformed-iat-after-exp": _edit(header, exp=SENT - 1),
        "malformed-typ-jwt": {**header, "typ": "JWT"},
        "malformed-before-unsupported": {**_edit(header, v=2), "alg": "EdDSA", "typ": "JWT"},
    }
    for name, edited in edits.items():
        b.add(name, p, forge(p, doc, edited), m)
    inner = sign_compact(dumps_compact({**header, "typ": INNER_TYP}), doc, p.sender_key)
    length = padded_length(len(inner))
    plaintexts = {
        "malformed-padding-without-0x80": inner + b"\x00" * (length - len(inner)),
        "malformed-padding-too-long": inner + b"\x80" + b"\x00" * (2 * length - len(inner) - 1),
        "malformed-padding-unpadded": inner + b"\x80",
    }
    for name, plaintext in plaintexts.items():
        b.add(name, p, forge(p, doc, header, plaintext=plaintext), m)
    b.add("malformed-inner-two-segments", p, forge(p, doc, header, inner=inner[:-87]), m)
    inner_extra = {**header, "typ": INNER_TYP, "x5u": "https://example.org"}
    b.add("malformed-inner-extra-member", p, forge(p, doc, header, inner_header=inner_extra), m)
    duplicate = doc[:-1] + b',"body":{}}'
    b.add("malformed-document-duplicate-member", p, forge(p, duplicate, header), m)
    b.add("malformed-document-bom", p, forge(p, b"\xef\xbb\xbf" + doc, header), m)


def _unsupported_cases(b: _Builder, p: Parties, doc: bytes) -> None:
    u = R.UNSUPPORTED
    header = p.header()
    edits: dict[str, dict[str, Any]] = {
        "unsupported-alg-eddsa": {**header, "alg": "EdDSA"},
        "unsupported-crit-extra": {**header, "crit": ["pnt", "b64"]},
        "unsupported-version-2": _edit(header, v=2),
        "unsupported-enc": _edit(header, enc="HPKE-P256-SHA256-A128GCM"),
    }
    for name, edited in edits.items():
        b.add(name, p, forge(p, doc, edited), u)
    inner_alg = {**header, "typ": INNER_TYP, "alg": "EdDSA"}
    b.add("unsupported-inner-alg", p, forge(p, doc, header, inner_header=inner_alg), u)


def _routing_cases(b: _Builder, p: Parties, doc: bytes) -> None:
    other = Parties.generate("AR", "CL", p.suite)
    header = p.header()
    b.add("wrong-recipient-aud", p, forge(p, doc, _edit(header, aud="CL")), R.WRONG_RECIPIENT)
    b.add(
        "wrong-recipient-rkid",
        p,
        forge(p, doc, _edit(header, rkid=other.rkid), seal_to=other.recipient_key.public_key()),
        R.WRONG_RECIPIENT,
    )
    stranger = {**header, "kid": other.kid}
    b.add(
        "unknown-key-kid",
        p,
        forge(p, doc, stranger, inner_key=other.sender_key, outer_key=other.sender_key),
        R.UNKNOWN_KEY,
    )
    b.add("unknown-key-iss", p, forge(p, doc, _edit(header, iss="UY")), R.UNKNOWN_KEY)
    elsewhere = forge(p, doc, _edit(header, iss="UY", aud="CL"))
    b.add("wrong-recipient-before-unknown-key", p, elsewhere, R.WRONG_RECIPIENT)


def _signature_and_time_cases(b: _Builder, p: Parties, doc: bytes) -> None:
    header = p.header()
    head, body, sig = forge(p, doc, header).split(b".")
    extended = b64url_encode(dumps_compact(_edit(header, exp=header["pnt"]["exp"] + 86400)))
    edited = extended + b"." + body + b"." + sig
    b.add("bad-signature-header-edited-after-signing", p, edited, R.BAD_SIGNATURE)
    flipped = b64url_decode(sig)
    flipped = bytes([flipped[0] ^ 1]) + flipped[1:]
    tampered = head + b"." + body + b"." + b64url_encode(flipped)
    b.add("bad-signature-flipped-bit", p, tampered, R.BAD_SIGNATURE)
    garbage = b64url_encode(b"\x00" * len(b64url_decode(body)))
    b.add("bad-signature-before-decrypt", p, head + b"." + garbage + b"." + sig, R.BAD_SIGNATURE)
    late = header["pnt"]["exp"] + 10 * VECTOR_SKEW
    b.add("bad-signature-checked-before-expiry", p, tampered, R.BAD_SIGNATURE, now=late)
    impostor = ed25519.Ed25519PrivateKey.generate()
    b.add("bad-signature-inner", p, forge(p, doc, header, inner_key=impostor), R.BAD_SIGNATURE)
    token = forge(p, doc, header)
    b.add("expired-at-exp-plus-skew", p, token, R.EXPIRED, now=header["pnt"]["exp"] + 300)
    future = p.header(iat=NOW + VECTOR_SKEW + 1)
    b.add("not-yet-valid", p, forge(p, doc, future), R.NOT_YET_VALID)
    future_head, future_body, _ = forge(p, doc, future).split(b".")
    garbage = b64url_encode(b"\x00" * len(b64url_decode(future_body)))
    undecryptable = sign_token(future_head, garbage, p.sender_key)
    b.add("not-yet-valid-before-decrypt", p, undecryptable, R.NOT_YET_VALID)


def _decrypt_cases(b: _Builder, p: Parties, doc: bytes) -> None:
    d = R.DECRYPT_FAILED
    header = p.header()
    other_segment = b64url_encode(dumps_compact(p.header()))  # same but for its jti
    b.add(
        "decrypt-failed-info-of-another-header",
        p,
        forge(p, doc, header, info_segment=other_segment),
        d,
    )
    stranger = Parties.generate("AR", "PY", p.suite)
    sealed_elsewhere = forge(p, doc, header, seal_to=stranger.recipient_key.public_key())
    b.add("decrypt-failed-sealed-to-another-key", p, sealed_elsewhere, d)
    head, body, _ = forge(p, doc, header).split(b".")
    sealed = b64url_decode(body)
    flipped = sealed[:-1] + bytes([sealed[-1] ^ 1])
    b.add(
        "decrypt-failed-tag-flipped", p, sign_token(head, b64url_encode(flipped), p.sender_key), d
    )
    truncated = b64url_encode(sealed[:20])
    b.add("decrypt-failed-truncated", p, sign_token(head, truncated, p.sender_key), d)
    if p.suite is Suite.MLKEM768_X25519:
        classic = _edit(header, enc=str(Suite.X25519))
        x = x25519.X25519PrivateKey.generate().public_key()
        token = forge(p, doc, classic, seal_suite=Suite.X25519, seal_to=x)
        b.add("decrypt-failed-classic-suite-to-hybrid-key", p, token, d)


def _inner_cases(b: _Builder, p: Parties, doc: bytes) -> None:
    i = R.INNER_MISMATCH
    header = p.header()
    colombia = b.parties("AR", "CO", p.suite)
    for_colombia = _with_states(doc, "AR", "CO")
    inner_for_colombia = sign_compact(
        dumps_compact({**colombia.header(), "typ": INNER_TYP}), for_colombia, p.sender_key
    )
    b.add(
        "inner-mismatch-surreptitious-forwarding",
        p,
        forge(p, for_colombia, header, inner=inner_for_colombia),
        i,
    )
    inner_edits: dict[str, dict[str, Any]] = {
        "inner-mismatch-typ": dict(header),
        "inner-mismatch-jti": {**_edit(header, jti=str(uuid.uuid4())), "typ": INNER_TYP},
        "inner-mismatch-dirv-as-boolean": {**_edit(header, dirv=True), "typ": INNER_TYP},
    }
    for name, inner_header in inner_edits.items():
        b.add(name, p, forge(p, doc, header, inner_header=inner_header), i)
    s = R.SCHEMA_INVALID
    b.add("schema-invalid-recipient-not-aud", p, forge(p, _with_states(doc, "AR", "CO"), header), s)
    b.add("schema-invalid-sender-not-iss", p, forge(p, _with_states(doc, "UY", "PY"), header), s)
    value = json.loads(doc)
    del value["body"]
    b.add("schema-invalid-no-body", p, forge(p, json.dumps(value).encode(), header), s)


# --- command line ----------------------------------------------------------------------------


def check_file(path: Path, out: Callable[[str], object]) -> bool:
    """Judge every case of a vector file, one line each; whether every case agreed."""
    cases = load_cases(path.read_bytes())
    agreed = True
    for case in cases:
        try:
            problem = disagreement(case, judge(case))
        except VectorFormatError as error:
            problem = f"unusable case: {error}"
        agreed = agreed and problem is None
        out(f"ok  {case.name}" if problem is None else f"FAIL  {case.name}: {problem}")
    return agreed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crypto.vectors", description=__doc__)
    parser.add_argument("--write", action="store_true", help="regenerate the vector files")
    parser.add_argument("--dir", type=Path, default=VECTOR_DIR, help="where the files are")
    args = parser.parse_args(argv)

    def out(line: str) -> None:
        sys.stdout.write(line + "\n")

    agreed = True
    for suite, name in FILES.items():
        path = args.dir / name
        if args.write:
            cases = build_cases(suite)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump_cases(cases), encoding="utf-8")
            out(f"wrote {len(cases)} cases to {path}")
        agreed = check_file(path, out) and agreed
    return 0 if agreed else 1


if __name__ == "__main__":
    sys.exit(main())
