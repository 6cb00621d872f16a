"""The JWS layers of every committed vector, checked with an independent JOSE library
(jwcrypto 1.6): the outer signature of every case whose outer layer is valid (and its failure
where the vector says the outer signature is bad), the inner JWS of every valid case after
decrypting with the project's HPKE, and the RFC 7638 thumbprints."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jwcrypto import jwk, jws

from crypto._hazmat.b64 import b64url_decode
from crypto._hazmat.jws import hpke_info, split_compact
from crypto.envelope import unpad
from crypto.jwk import HybridPrivateKey, load_private_jwk
from crypto.suites import Suite
from crypto.vectors import FILES, VECTOR_DIR, VectorCase, load_cases
from messages.transport import EnvelopeReason as R

CASES = [case for name in FILES.values() for case in load_cases((VECTOR_DIR / name).read_bytes())]
IDS = [case.name for case in CASES]
# Vectors that fail after step 5 were signed correctly by the sender: their outer JWS is valid.
AFTER_STEP_5 = {
    R.EXPIRED,
    R.NOT_YET_VALID,
    R.REPLAY,
    R.DECRYPT_FAILED,
    R.INNER_MISMATCH,
    R.SCHEMA_INVALID,
}
INNER_LAYER = ("-padding-", "-inner", "-document-")  # malformed/unsupported/bad-signature inside


def _outer_is_valid(case: VectorCase) -> bool:
    return case.valid or case.reason in AFTER_STEP_5 or any(t in case.name for t in INNER_LAYER)


def _verifier() -> jws.JWS:
    """A jwcrypto JWS that understands ``pnt`` (a critical, protected header parameter)."""
    return jws.JWS(header_registry={"pnt": jws.JWSEHeaderParameter("puente/1", True, True, None)})


def _verified(token: str, key: dict[str, str]) -> jws.JWS:
    verifier = _verifier()
    verifier.deserialize(token)
    verifier.verify(jwk.JWK(**key), alg="Ed25519")
    return verifier


def _inner(case: VectorCase) -> str:
    """The inner JWS, decrypted with the project's HPKE and unpadded."""
    head, body, _ = split_compact(case.envelope.encode("ascii"))
    key = load_private_jwk(case.recipient_private_jwk)
    hpke_key: Any = key.for_hpke() if isinstance(key, HybridPrivateKey) else key
    enc = json.loads(b64url_decode(head))["pnt"]["enc"]
    plaintext = Suite(enc).hpke().decrypt(b64url_decode(body), hpke_key, info=hpke_info(head))
    return unpad(plaintext).decode("ascii")


def test_the_vectors_have_cases_for_every_check_below() -> None:
    assert sum(_outer_is_valid(c) for c in CASES) >= 40
    assert sum(c.valid for c in CASES) >= 6
    assert sum(c.reason is R.BAD_SIGNATURE and "-inner" not in c.name for c in CASES) >= 6


@pytest.mark.parametrize("case", [c for c in CASES if _outer_is_valid(c)], ids=lambda c: c.name)
def test_jwcrypto_verifies_every_valid_outer_signature(case: VectorCase) -> None:
    verified = _verified(case.envelope, case.sender_public_jwk)
    header = verified.jose_header
    assert header["alg"] == "Ed25519"
    assert header["typ"] == "puente-envelope+jws"
    assert header["crit"] == ["pnt"]


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.reason is R.BAD_SIGNATURE and "-inner" not in c.name],
    ids=lambda c: c.name,
)
def test_jwcrypto_refuses_every_bad_outer_signature(case: VectorCase) -> None:
    with pytest.raises(jws.InvalidJWSSignature):
        _verified(case.envelope, case.sender_public_jwk)


@pytest.mark.parametrize("case", [c for c in CASES if c.valid], ids=lambda c: c.name)
def test_jwcrypto_verifies_the_inner_jws_of_every_valid_case(case: VectorCase) -> None:
    outer = _verified(case.envelope, case.sender_public_jwk)
    inner = _verified(_inner(case), case.sender_public_jwk)
    assert json.loads(inner.payload) == case.document
    inner_header, outer_header = inner.jose_header, outer.jose_header
    assert inner_header["typ"] == "puente-inner+jws"
    for member in ("alg", "kid", "crit", "pnt"):
        assert inner_header[member] == outer_header[member]


def test_jwcrypto_refuses_the_inner_signature_of_another_key() -> None:
    for case in (c for c in CASES if c.name == "bad-signature-inner"):
        with pytest.raises(jws.InvalidJWSSignature):
            _verified(_inner(case), case.sender_public_jwk)


@pytest.mark.parametrize("case", [c for c in CASES if c.valid], ids=lambda c: c.name)
def test_a_verifier_that_does_not_understand_pnt_fails_closed(case: VectorCase) -> None:
    verifier = jws.JWS()
    verifier.deserialize(case.envelope)
    with pytest.raises(jws.InvalidJWSSignature):
        verifier.verify(jwk.JWK(**case.sender_public_jwk), alg="Ed25519")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_key_ids_are_rfc7638_thumbprints(case: VectorCase) -> None:
    sender = jwk.JWK(**case.sender_public_jwk).thumbprint()
    recipient = jwk.JWK(**case.recipient_private_jwk).thumbprint()
    assert sender != recipient
    if _outer_is_valid(case):
        pnt_header = json.loads(b64url_decode(case.envelope.split(".")[0]))
        assert pnt_header["kid"] == sender
        assert pnt_header["pnt"]["rkid"] == recipient
