"""The puente/1 sealed envelope: sign, encrypt, sign (docs/protocol.md is the specification).

``seal_envelope`` signs the message document as an inner JWS, pads it, seals it with HPKE to the
recipient's key with ``info`` bound to the outer protected header, and signs the result as the
outer JWS. ``open_envelope`` applies the receiving rules in the specification's order; the first
failure decides the reason code, and every failure raises one :class:`EnvelopeError`.

The broker and anyone on the wire learn the two states and their key ids, the times, a random
id, the directory version and a padded size: never the family, the type, or anything personal.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any, Final

from cryptography.exceptions import InvalidTag

from crypto._hazmat.b64 import Base64Error, b64url_decode, b64url_encode
from crypto._hazmat.jws import hpke_info, sign_compact, split_compact, verify_segments
from crypto._hazmat.strict_json import (
    StrictJsonError,
    dumps_compact,
    is_integer,
    json_equal,
    loads_strict,
)
from crypto.errors import EnvelopeError
from crypto.jwk import HybridPrivateKey, HybridPublicKey, SigningPublicKey
from crypto.replay import ReplayStore
from crypto.suites import AEAD_TAG_LENGTH, PROTOCOL_VERSION, SIGNATURE_ALG, Suite
from crypto.trust import (
    DecryptionKey,
    DirectoryLookup,
    RecipientIdentity,
    RecipientKey,
    SenderIdentity,
)
from messages.document import Document
from messages.errors import MalformedMessage
from messages.registry import parse_document
from messages.transport import EnvelopeReason as R

OUTER_TYP: Final = "puente-envelope+jws"
INNER_TYP: Final = "puente-inner+jws"
CRIT: Final = ["pnt"]

MAX_ENVELOPE_BYTES: Final = 16 * 1024 * 1024
"""Default size cap, checked before anything is parsed (step 1)."""
DEFAULT_SKEW: Final = 300
"""Default clock skew tolerated at steps 6, in seconds."""
DEFAULT_LIFETIME: Final = 7 * 24 * 3600
"""Default envelope lifetime (exp - iat): the sender retries delivery until exp."""
PAD_MINIMUM: Final = 1024
PAD_STEP: Final = 1024 * 1024

_HEADER_MEMBERS: Final = frozenset({"alg", "typ", "kid", "crit", "pnt"})
_PNT_MEMBERS: Final = frozenset({"v", "enc", "rkid", "iss", "aud", "jti", "iat", "exp", "dirv"})
_PNT_STRINGS: Final = ("enc", "rkid", "iss", "aud", "jti")
_PNT_INTEGERS: Final = ("v", "iat", "exp", "dirv")


@dataclass(frozen=True)
class EnvelopeHeader:
    """The outer protected header, parsed and checked for shape (step 2)."""

    kid: str
    enc: str
    rkid: str
    iss: str
    aud: str
    jti: str
    iat: int
    exp: int
    dirv: int
    members: dict[str, Any]
    """The header as parsed, for the inner-header comparison (step 10)."""


@dataclass(frozen=True)
class SealedEnvelope:
    """An envelope ready to send."""

    token: bytes
    """The outer JWS, ASCII."""
    jti: str
    iat: int
    exp: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.token).hexdigest()


@dataclass(frozen=True)
class OpenedEnvelope:
    """An envelope that passed every step."""

    header: EnvelopeHeader
    document: Document[Any]
    inner_jws: bytes
    """The inner JWS: the sender's signature over the document, for later proof."""
    sha256: str
    """SHA-256 (hex) of the envelope exactly as received."""


def padded_length(n: int) -> int:
    """The padded plaintext length L for an inner JWS of ``n`` bytes."""
    needed = n + 1
    if needed <= PAD_STEP:
        return max(PAD_MINIMUM, 1 << (needed - 1).bit_length())
    return -(-needed // PAD_STEP) * PAD_STEP


def pad(inner: bytes) -> bytes:
    """The inner JWS, one 0x80 byte, then zeros up to :func:`padded_length`."""
    return inner + b"\x80" + b"\x00" * (padded_length(len(inner)) - len(inner) - 1)


def unpad(plaintext: bytes) -> bytes:
    """Undo :func:`pad`; ValueError if the padding is not exactly as specified."""
    inner = plaintext.rstrip(b"\x00")
    if not inner.endswith(b"\x80"):
        raise ValueError("no 0x80 byte before the trailing zeros")
    inner = inner[:-1]
    if len(plaintext) != padded_length(len(inner)):
        raise ValueError("padded length is not the one the specification gives")
    return inner


def protected_header(
    *,
    kid: str,
    suite: Suite,
    rkid: str,
    iss: str,
    aud: str,
    jti: str,
    iat: int,
    exp: int,
    dirv: int,
    typ: str = OUTER_TYP,
) -> dict[str, Any]:
    """The protected header in the member order of the specification."""
    pnt = {
        "v": PROTOCOL_VERSION,
        "enc": str(suite),
        "rkid": rkid,
        "iss": iss,
        "aud": aud,
        "jti": jti,
        "iat": iat,
        "exp": exp,
        "dirv": dirv,
    }
    return {"alg": SIGNATURE_ALG, "typ": typ, "kid": kid, "crit": list(CRIT), "pnt": pnt}


def _hpke_public(recipient: RecipientKey) -> Any:
    key = recipient.public_key
    return key.for_hpke() if isinstance(key, HybridPublicKey) else key


def seal_envelope(
    document: Document[Any],
    *,
    sender: SenderIdentity,
    recipient: RecipientKey,
    directory_version: int,
    now: int,
    lifetime: int = DEFAULT_LIFETIME,
    jti: str | None = None,
) -> SealedEnvelope:
    """Seal ``document`` from ``sender`` to ``recipient``.

    Raises:
        ValueError: the document's sender or recipient state is not the envelope's, or the
            lifetime is not positive.
    """
    if lifetime <= 0:
        raise ValueError("an envelope's lifetime must be positive")
    if document.header.sender.state != sender.state:
        raise ValueError("the document's sender state is not the sending node's state")
    if document.header.recipient.state != recipient.state:
        raise ValueError("the document's recipient state is not the recipient key's state")
    jti = jti or str(uuid.uuid4())
    header = protected_header(
        kid=sender.kid,
        suite=recipient.suite,
        rkid=recipient.kid,
        iss=sender.state,
        aud=recipient.state,
        jti=jti,
        iat=now,
        exp=now + lifetime,
        dirv=directory_version,
    )
    inner_header = {**header, "typ": INNER_TYP}
    inner = sign_compact(dumps_compact(inner_header), document.to_json(), sender.signing_key)
    header_segment = b64url_encode(dumps_compact(header))
    sealed = recipient.suite.hpke().encrypt(
        pad(inner), _hpke_public(recipient), info=hpke_info(header_segment)
    )
    signing_input = header_segment + b"." + b64url_encode(sealed)
    token = signing_input + b"." + b64url_encode(sender.signing_key.sign(signing_input))
    return SealedEnvelope(token=token, jti=jti, iat=now, exp=now + lifetime)


def _malformed(detail: str) -> EnvelopeError:
    return EnvelopeError(R.MALFORMED, detail)


def parse_header(segment: bytes, supported: frozenset[str]) -> EnvelopeHeader:
    """Step 2 for the outer header: every ``malformed`` condition, then every ``unsupported``."""
    try:
        members = loads_strict(b64url_decode(segment))
    except (Base64Error, StrictJsonError) as error:
        raise _malformed(f"protected header: {error}") from None
    if not isinstance(members, dict) or set(members) != _HEADER_MEMBERS:
        raise _malformed("protected header: members must be exactly alg, typ, kid, crit, pnt")
    pnt = members["pnt"]
    if not isinstance(pnt, dict) or set(pnt) != _PNT_MEMBERS:
        raise _malformed("pnt: members must be exactly " + ", ".join(sorted(_PNT_MEMBERS)))
    wrong = [m for m in ("alg", "typ", "kid") if not isinstance(members[m], str)]
    wrong += ["crit"] if not isinstance(members["crit"], list) else []
    wrong += [f"pnt.{m}" for m in _PNT_STRINGS if not isinstance(pnt[m], str)]
    wrong += [f"pnt.{m}" for m in _PNT_INTEGERS if not is_integer(pnt[m])]
    if not wrong and pnt["dirv"] < 0:
        wrong.append("pnt.dirv")
    if wrong:
        raise _malformed(f"wrong type: {', '.join(wrong)}")
    if pnt["iat"] > pnt["exp"]:
        raise _malformed("iat is after exp")
    if members["typ"] != OUTER_TYP:
        raise _malformed(f"typ is not {OUTER_TYP}")
    if members["alg"] != SIGNATURE_ALG:
        raise EnvelopeError(R.UNSUPPORTED, "alg is not Ed25519")
    if members["crit"] != CRIT:
        raise EnvelopeError(R.UNSUPPORTED, 'crit is not ["pnt"]')
    if pnt["v"] != PROTOCOL_VERSION:
        raise EnvelopeError(R.UNSUPPORTED, f"protocol version {pnt['v']} is not supported")
    if pnt["enc"] not in supported:
        raise EnvelopeError(R.UNSUPPORTED, f"suite {pnt['enc']} is not supported")
    return EnvelopeHeader(
        kid=members["kid"],
        enc=pnt["enc"],
        rkid=pnt["rkid"],
        iss=pnt["iss"],
        aud=pnt["aud"],
        jti=pnt["jti"],
        iat=pnt["iat"],
        exp=pnt["exp"],
        dirv=pnt["dirv"],
        members=members,
    )


def open_envelope(
    token: bytes,
    *,
    recipient: RecipientIdentity,
    directory: DirectoryLookup,
    replay: ReplayStore,
    now: int,
    skew: int = DEFAULT_SKEW,
    max_bytes: int = MAX_ENVELOPE_BYTES,
    suites: frozenset[str] = frozenset(Suite),
) -> OpenedEnvelope:
    """Open an envelope received by ``recipient``, applying the steps of docs/protocol.md.

    Raises:
        EnvelopeError: with the reason code of the first step that fails.
    """
    # (1) the size cap, before any parsing
    if len(token) > max_bytes:
        raise EnvelopeError(R.TOO_LARGE, f"{len(token)} bytes is over the {max_bytes}-byte cap")
    # (2) three strict segments and a well-formed, supported header
    try:
        header_segment, payload_segment, signature_segment = split_compact(token)
        payload = b64url_decode(payload_segment)
        signature = b64url_decode(signature_segment)
    except ValueError as error:
        raise _malformed(str(error)) from None
    header = parse_header(header_segment, suites)
    # (3) addressed to this node and to one of its keys
    if header.aud != recipient.state:
        raise EnvelopeError(R.WRONG_RECIPIENT, f"aud {header.aud} is not {recipient.state}")
    key = recipient.keys.get(header.rkid)
    if key is None:
        raise EnvelopeError(R.WRONG_RECIPIENT, "rkid is not one of this node's keys")
    # (4) the sender's key, from the directory only, bound to iss and valid at iat
    sender_key = directory.signing_key(header.iss, header.kid, header.iat)
    if sender_key is None:
        raise EnvelopeError(R.UNKNOWN_KEY, f"kid is not a key of {header.iss} valid at iat")
    # (5) the outer signature, before decrypting anything
    if not verify_segments(header_segment, payload_segment, signature, sender_key):
        raise EnvelopeError(R.BAD_SIGNATURE, "outer signature does not verify")
    try:
        return _open_authenticated(
            token, header, header_segment, payload, key, sender_key, replay, now, skew
        )
    except EnvelopeError as error:
        error.authenticated_as = (header.iss, header.jti)
        raise


def _open_authenticated(
    token: bytes,
    header: EnvelopeHeader,
    header_segment: bytes,
    payload: bytes,
    key: DecryptionKey,
    sender_key: SigningPublicKey,
    replay: ReplayStore,
    now: int,
    skew: int,
) -> OpenedEnvelope:
    """Steps 6-11, once the outer signature has verified."""
    # (6) freshness
    if now >= header.exp + skew:
        raise EnvelopeError(R.EXPIRED, "exp has passed")
    if header.iat > now + skew:
        raise EnvelopeError(R.NOT_YET_VALID, "iat is in the future")
    # (7) replay
    if not replay.remember(header.iss, header.jti, header.exp + skew, now):
        raise EnvelopeError(R.REPLAY, f"({header.iss}, jti) was already accepted")
    # (8) HPKE open, bound to the header bytes as received
    suite = Suite(header.enc)
    if key.suite is not suite or len(payload) < suite.params.enc_length + AEAD_TAG_LENGTH:
        raise EnvelopeError(R.DECRYPT_FAILED, "ciphertext does not open with the rkid key")
    private = key.private_key
    try:
        plaintext = suite.hpke().decrypt(
            payload,
            private.for_hpke() if isinstance(private, HybridPrivateKey) else private,
            info=hpke_info(header_segment),
        )
    except InvalidTag:
        raise EnvelopeError(R.DECRYPT_FAILED, "HPKE open failed") from None
    # (9) padding
    try:
        inner = unpad(plaintext)
    except ValueError as error:
        raise _malformed(f"padding: {error}") from None
    # (10) the inner JWS: same header, same key
    document_bytes = _check_inner(inner, header, sender_key)
    # (11) the message document
    return OpenedEnvelope(
        header=header,
        document=_check_document(document_bytes, header),
        inner_jws=inner,
        sha256=hashlib.sha256(token).hexdigest(),
    )


def _check_inner(inner: bytes, header: EnvelopeHeader, sender_key: Any) -> bytes:
    try:
        inner_header_segment, inner_payload_segment, inner_signature_segment = split_compact(inner)
        document_bytes = b64url_decode(inner_payload_segment)
        inner_signature = b64url_decode(inner_signature_segment)
    except ValueError as error:
        raise _malformed(f"inner JWS: {error}") from None
    # A sender writes the outer header with only typ changed (docs/protocol.md, section 4). An
    # inner header segment byte-equal to that is strict and JSON-equal to the outer header by
    # construction: parsing and comparing it again would decide nothing (and costs a tenth of
    # open). Any other segment gets every check. (ASCII-only JSON, so that a lone surrogate
    # escaped in the outer header cannot fail to encode.)
    expected = json.dumps({**header.members, "typ": INNER_TYP}, separators=(",", ":"))
    if inner_header_segment != b64url_encode(expected.encode("ascii")):
        _check_inner_header(inner_header_segment, header)
    if not verify_segments(
        inner_header_segment, inner_payload_segment, inner_signature, sender_key
    ):
        raise EnvelopeError(R.BAD_SIGNATURE, "inner signature does not verify")
    return document_bytes


def _check_inner_header(inner_header_segment: bytes, header: EnvelopeHeader) -> None:
    try:
        inner_members = loads_strict(b64url_decode(inner_header_segment))
    except (ValueError, StrictJsonError) as error:
        raise _malformed(f"inner JWS: {error}") from None
    if not isinstance(inner_members, dict) or set(inner_members) != _HEADER_MEMBERS:
        raise _malformed("inner header: members must be exactly alg, typ, kid, crit, pnt")
    if inner_members["alg"] != SIGNATURE_ALG:
        raise EnvelopeError(R.UNSUPPORTED, "inner alg is not Ed25519")
    outer = header.members
    if inner_members["typ"] != INNER_TYP or not all(
        json_equal(inner_members[m], outer[m]) for m in ("kid", "crit", "pnt")
    ):
        raise EnvelopeError(R.INNER_MISMATCH, "inner header does not match the outer one")


def _check_document(document_bytes: bytes, header: EnvelopeHeader) -> Document[Any]:
    try:
        loads_strict(document_bytes)
    except StrictJsonError as error:
        raise _malformed(f"payload: {error}") from None
    try:
        document = parse_document(document_bytes)
    except MalformedMessage as error:
        raise EnvelopeError(R.SCHEMA_INVALID, error.diagnostics()) from None
    if document.header.sender.state != header.iss:
        raise EnvelopeError(R.SCHEMA_INVALID, "the document's sender is not iss")
    if document.header.recipient.state != header.aud:
        raise EnvelopeError(R.SCHEMA_INVALID, "the document's recipient is not aud")
    return document
