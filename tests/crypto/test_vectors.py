"""The committed test vectors (docs/test-vectors/) judged by the project's code and by the
conformance command ``puente envelope check-vectors``; the generator and the case format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crypto._hazmat.b64 import b64url_decode
from crypto._hazmat.jws import hpke_info, split_compact
from crypto.envelope import unpad
from crypto.jwk import HybridPrivateKey, load_private_jwk
from crypto.suites import Suite
from crypto.vectors import (
    FILES,
    VECTOR_DIR,
    VectorCase,
    VectorFormatError,
    build_cases,
    disagreement,
    dump_cases,
    judge,
    load_cases,
    main,
)
from messages.registry import parse_document
from messages.transport import EnvelopeReason as R
from national_node.cli import app

runner = CliRunner()
PATHS = {suite: VECTOR_DIR / name for suite, name in FILES.items()}
CASES = {suite: load_cases(path.read_bytes()) for suite, path in PATHS.items()}
ALL = [(suite, case) for suite, cases in CASES.items() for case in cases]
NOT_SHOWN = {R.TOO_LARGE, R.REPLAY}  # why: docs/test-vectors/README.md


@pytest.mark.parametrize(("suite", "case"), ALL, ids=[f"{FILES[s]}:{c.name}" for s, c in ALL])
def test_every_committed_case_is_judged_as_labelled(suite: Suite, case: VectorCase) -> None:
    assert disagreement(case, judge(case)) is None


@pytest.mark.parametrize("suite", list(Suite))
def test_the_files_show_every_reason_code_that_these_inputs_can_show(suite: Suite) -> None:
    cases = CASES[suite]
    reasons = {case.reason for case in cases if not case.valid}
    assert reasons == set(R) - NOT_SHOWN
    names = {case.name for case in cases}
    assert len(names) == len(cases)
    assert {
        "inner-mismatch-surreptitious-forwarding",
        "bad-signature-header-edited-after-signing",
    } <= names
    assert "README.md" in {p.name for p in VECTOR_DIR.iterdir()}
    readme = (VECTOR_DIR / "README.md").read_text(encoding="utf-8")
    for reason in NOT_SHOWN:
        assert f"**`{reason}`**" in readme


@pytest.mark.parametrize("suite", list(Suite))
def test_the_valid_cases_are_documents_of_different_families(suite: Suite) -> None:
    valid = [case for case in CASES[suite] if case.valid]
    assert len(valid) >= 3
    families = {parse_document(json.dumps(case.document)).header.family for case in valid}
    assert len(families) >= 3
    if suite is Suite.MLKEM768_X25519:
        assert "witness_protection" in families


def _plaintext(case: VectorCase) -> bytes:
    head, body, _ = split_compact(case.envelope.encode("ascii"))
    key = load_private_jwk(case.recipient_private_jwk)
    hpke_key: Any = key.for_hpke() if isinstance(key, HybridPrivateKey) else key
    enc = json.loads(b64url_decode(head))["pnt"]["enc"]
    return Suite(enc).hpke().decrypt(b64url_decode(body), hpke_key, info=hpke_info(head))


@pytest.mark.parametrize("suite", list(Suite))
@pytest.mark.parametrize(
    ("name", "inner_length", "padded"),
    [
        ("valid-padding-fills-2048-exactly", 2047, 2048),
        ("valid-padding-crosses-to-4096", 2048, 4096),
    ],
)
def test_the_padding_cases_sit_exactly_on_the_bucket_edge(
    suite: Suite, name: str, inner_length: int, padded: int
) -> None:
    case = next(c for c in CASES[suite] if c.name == name)
    plaintext = _plaintext(case)
    assert len(plaintext) == padded
    assert len(unpad(plaintext)) == inner_length


def test_the_hybrid_file_uses_the_documented_hybrid_key_form() -> None:
    for case in CASES[Suite.MLKEM768_X25519]:
        jwk = case.recipient_private_jwk
        assert (jwk["kty"], jwk["crv"]) == ("OKP", "MLKEM768-X25519")
        assert (len(b64url_decode(jwk["x"])), len(b64url_decode(jwk["d"]))) == (1216, 96)
    for case in CASES[Suite.X25519]:
        assert case.recipient_private_jwk["crv"] == "X25519"


@pytest.mark.parametrize("suite", list(Suite))
def test_the_generator_builds_the_same_cases_with_fresh_keys(suite: Suite) -> None:
    fresh = build_cases(suite)
    assert [c.name for c in fresh] == [c.name for c in CASES[suite]]
    assert [(c.valid, c.reason) for c in fresh] == [(c.valid, c.reason) for c in CASES[suite]]
    assert {c.sender_public_jwk["x"] for c in fresh}.isdisjoint(
        {c.sender_public_jwk["x"] for c in CASES[suite]}
    )
    for case in fresh:
        assert disagreement(case, judge(case)) is None, case.name
    assert load_cases(dump_cases(fresh).encode()) == fresh


def test_the_module_regenerates_and_judges_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--write", "--dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES.values())
    output = capsys.readouterr().out
    assert output.count("ok  ") == sum(len(cases) for cases in CASES.values())
    assert main(["--dir", str(tmp_path)]) == 0


# --- the conformance command -----------------------------------------------------------------


@pytest.mark.parametrize("suite", list(Suite))
def test_check_vectors_passes_the_committed_files(suite: Suite) -> None:
    result = runner.invoke(app, ["envelope", "check-vectors", str(PATHS[suite])])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"ok  {case.name}" for case in CASES[suite]]


def _write(tmp_path: Path, cases: list[dict[str, Any]]) -> Path:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(cases), encoding="utf-8")
    return path


def _json_cases(suite: Suite = Suite.X25519) -> list[dict[str, Any]]:
    value: list[dict[str, Any]] = json.loads(PATHS[suite].read_bytes())
    return value


def _by_name(cases: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(case for case in cases if case["name"] == name)


def test_check_vectors_fails_on_a_mislabelled_case(tmp_path: Path) -> None:
    cases = _json_cases()
    _by_name(cases, "expired-at-exp-plus-skew")["reason"] = "replay"
    edited = _by_name(cases, "bad-signature-header-edited-after-signing")
    edited.update(valid=True, reason=None, document={"header": {}, "body": {}})
    forwarded = _by_name(cases, "valid-mla-evidence-request")
    forwarded.update(valid=False, reason="inner-mismatch", document=None)
    result = runner.invoke(app, ["envelope", "check-vectors", str(_write(tmp_path, cases))])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == len(cases)
    failures = [line for line in lines if not line.startswith("ok  ")]
    assert failures == [
        "FAIL  valid-mla-evidence-request: labelled inner-mismatch, accepted",
        "FAIL  bad-signature-header-edited-after-signing: labelled valid, rejected: "
        "bad-signature: outer signature does not verify",
        "FAIL  expired-at-exp-plus-skew: labelled replay, rejected as expired: exp has passed",
    ]


def test_check_vectors_fails_on_a_wrong_document(tmp_path: Path) -> None:
    cases = [_by_name(_json_cases(), "valid-statistics-aggregate-release")]
    cases[0]["document"]["body"]["extra"] = 1
    result = runner.invoke(app, ["envelope", "check-vectors", str(_write(tmp_path, cases))])
    assert result.exit_code == 1
    assert "payload is not the case's document" in result.output


@pytest.mark.parametrize(
    ("member", "key", "value"),
    [
        ("recipient_private_jwk", "d", None),  # d := x: not the private key of x
        ("recipient_private_jwk", "crv", "Ed25519"),
        ("sender_public_jwk", "crv", "X25519"),
        ("sender_public_jwk", "x", "é"),
        ("sender_public_jwk", "x", "AA=="),
    ],
)
def test_check_vectors_reports_an_unusable_case(
    tmp_path: Path, member: str, key: str, value: str | None
) -> None:
    cases = [_by_name(_json_cases(), "not-yet-valid")]
    jwk = cases[0][member]
    jwk[key] = jwk["x"] if value is None else value
    result = runner.invoke(app, ["envelope", "check-vectors", str(_write(tmp_path, cases))])
    assert result.exit_code == 1
    assert result.output.startswith("FAIL  not-yet-valid: unusable case: ")


@pytest.mark.parametrize(
    "content",
    [b"{}", b"[1]", b'[{"name":"x"}]', b"\xef\xbb\xbf[]", b"[", b'[{"name":1}]'],
    ids=["object", "not a case", "members missing", "BOM", "not JSON", "name not a string"],
)
def test_check_vectors_refuses_a_file_that_is_not_a_vector_file(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = runner.invoke(app, ["envelope", "check-vectors", str(path)])
    assert result.exit_code == 2
    assert "not a vector file" in result.output


def test_check_vectors_refuses_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["envelope", "check-vectors", str(tmp_path / "none.json")])
    assert result.exit_code == 2
    assert "cannot read" in result.output


def _case(**changes: Any) -> dict[str, Any]:
    return {**_by_name(_json_cases(), "valid-mla-evidence-request"), **changes}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"valid": True, "reason": "replay"}, "reason null"),
        ({"valid": False, "reason": None, "document": None}, "reason code"),
        ({"valid": False, "reason": "lost", "document": None}, "reason code"),
        ({"valid": 1}, "true or false"),
        ({"now": 1.5}, "integer"),
        ({"now": True}, "integer"),
        ({"envelope": "é"}, "ASCII"),
        ({"sender_public_jwk": "key"}, "object of strings"),
        ({"recipient_state": None}, "string"),
        ({"extra": 1}, "exactly"),
    ],
)
def test_a_case_object_must_have_the_documented_format(
    changes: dict[str, Any], problem: str
) -> None:
    with pytest.raises(VectorFormatError, match=problem):
        VectorCase.from_json(_case(**changes))
