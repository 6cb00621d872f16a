"""Signed notes, checkpoints and cosignatures: the Go and C2SP vectors, round trips, and
everything that must be rejected (wrong key, altered size or root, bad key ID, non-canonical
text)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.transparency.checkpoint import (
    Checkpoint,
    Cosignature,
    SignedCheckpoint,
    cosign,
    open_checkpoint,
    parse_signed_checkpoint,
    sign_checkpoint,
    verify_cosignatures,
)
from crypto.transparency.errors import NoteFormatError, NoteSignatureError
from crypto.transparency.merkle import EMPTY_ROOT, leaf_hash
from crypto.transparency.note import (
    LogKey,
    LogSigner,
    Note,
    NoteSignature,
    WitnessKey,
    WitnessSigner,
    key_id,
    parse_note,
    verify_note,
)

VECTORS = json.loads(
    (Path(__file__).resolve().parents[2] / "docs/test-vectors/merkle/signed-notes.json").read_text(
        encoding="utf-8"
    )
)
ORIGIN = "log.ar.puente.example/v1"
ROOT = hashlib.sha256(b"a root 10").digest()  # its base64 has both "+" and "/"
ROOT_B64 = base64.b64encode(ROOT).decode()
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def seeded(label: str) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


LOG = LogSigner(ORIGIN, seeded("log"))
OTHER_LOG = LogSigner(ORIGIN, seeded("another log key"))
W1 = WitnessSigner("witness.py.puente.example", seeded("w1"))
W2 = WitnessSigner("witness.uy.puente.example", seeded("w2"))


def signed(size: int = 42, root: bytes = ROOT, *extensions: str) -> SignedCheckpoint:
    return sign_checkpoint(Checkpoint(ORIGIN, size, root, extensions), LOG)


# --- the vectors -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", VECTORS["notes"], ids=lambda c: c["name"])
def test_the_published_notes_verify(case: dict[str, Any]) -> None:
    key = LogKey.from_vkey(case["vkey"])
    assert key.vkey() == case["vkey"]
    note = parse_note(case["note"])
    assert note.text == case["text"]
    assert note.to_bytes() == case["note"].encode()
    assert verify_note(note, [key]) == list(note.signatures)


def test_signing_reproduces_the_go_note_byte_for_byte() -> None:
    case = VECTORS["notes"][0]
    private = ed25519.Ed25519PrivateKey.from_private_bytes(bytes.fromhex(case["signer_seed"]))
    name = case["vkey"].split("+")[0]
    seed_in_key_text = base64.b64decode(case["signer_key_text"].split("+", 4)[4])
    assert seed_in_key_text == b"\x01" + bytes.fromhex(case["signer_seed"])
    signer = LogSigner(name, private)
    assert signer.public.vkey() == case["vkey"]
    assert Note(case["text"], (signer.sign(case["text"]),)).to_bytes() == case["note"].encode()


def test_of_two_signers_each_key_verifies_its_line_and_ignores_the_other() -> None:
    note = parse_note(VECTORS["two_signers"]["note"])
    peter, enoch = (LogKey.from_vkey(c["vkey"]) for c in VECTORS["notes"][:2])
    assert [s.name for s in verify_note(note, [peter])] == ["PeterNeumann"]
    assert [s.name for s in verify_note(note, [enoch])] == ["EnochRoot"]
    assert [s.name for s in verify_note(note, [enoch, peter])] == ["PeterNeumann", "EnochRoot"]
    with pytest.raises(NoteSignatureError, match="no signature from a known key"):
        verify_note(note, [])
    with pytest.raises(ValueError, match="ambiguous key EnochRoot\\+af0cfe78"):
        verify_note(note, [enoch, peter, enoch])


@pytest.mark.parametrize(
    "case", VECTORS["malformed_notes"]["cases"], ids=lambda c: c["why"].replace(" ", "-")
)
def test_malformed_notes_are_rejected(case: dict[str, str]) -> None:
    with pytest.raises(NoteFormatError):
        parse_note(case["note"])


def test_a_note_that_is_not_utf8_is_rejected() -> None:
    with pytest.raises(NoteFormatError, match="not valid UTF-8"):
        parse_note(bytes.fromhex(VECTORS["malformed_notes"]["invalid_utf8_hex"]))


def test_a_known_keys_bad_signature_rejects_the_note() -> None:
    case = VECTORS["invalid_signature"]
    with pytest.raises(
        NoteSignatureError, match="invalid signature for key PeterNeumann\\+c74f20a3"
    ):
        verify_note(parse_note(case["note"]), [LogKey.from_vkey(case["vkey"])])


def test_the_verifier_key_vectors() -> None:
    keys = VECTORS["verifier_keys"]
    for text in keys["ed25519"]:
        assert LogKey.from_vkey(text).vkey() == text
        with pytest.raises(NoteFormatError):
            WitnessKey.from_vkey(text)
    for text in keys["cosignature_v1"]:
        assert WitnessKey.from_vkey(text).vkey() == text
        with pytest.raises(NoteFormatError):
            LogKey.from_vkey(text)
    for text in keys["malformed"]:
        with pytest.raises(NoteFormatError):
            LogKey.from_vkey(text)


def test_mangled_verifier_keys_are_rejected() -> None:
    """As the Go tests do: every proper substring and every one-byte change is refused."""
    vkey = VECTORS["notes"][0]["vkey"]
    for i in range(len(vkey)):
        for j in range(i + 1, len(vkey) + 1):
            if (i, j) != (0, len(vkey)):
                with pytest.raises(NoteFormatError):
                    LogKey.from_vkey(vkey[i:j])
    for i in range(len(vkey)):
        with pytest.raises(NoteFormatError):
            LogKey.from_vkey(vkey[:i] + chr(ord(vkey[i]) + 1) + vkey[i + 1 :])


def test_the_tlog_cosignature_example_is_framed_as_specified() -> None:
    case = VECTORS["cosigned_checkpoint"]
    checkpoint = parse_signed_checkpoint(case["note"])
    assert (checkpoint.checkpoint.origin, checkpoint.checkpoint.size) == (
        case["origin"],
        case["tree_size"],
    )
    log_line, witness_line = checkpoint.note.signatures
    assert (log_line.name, log_line.key_id.hex()) == (case["origin"], case["log_key_id"])
    cosignature = Cosignature.from_note_signature(witness_line)
    assert (cosignature.name, cosignature.key_id.hex(), cosignature.timestamp) == (
        case["witness"],
        case["witness_key_id"],
        case["witness_timestamp"],
    )
    assert len(cosignature.signature) == 64
    assert cosignature.line() == witness_line.line()
    message = f"cosignature/v1\ntime {cosignature.timestamp}\n{checkpoint.note.text}"
    assert message == case["signed_message"]


# --- checkpoints ---------------------------------------------------------------------------------


def test_a_checkpoint_body_is_exactly_the_c2sp_text() -> None:
    checkpoint = Checkpoint(ORIGIN, 1234, ROOT)
    root = base64.b64encode(ROOT).decode()
    assert checkpoint.body() == f"{ORIGIN}\n1234\n{root}\n"
    assert Checkpoint.parse(checkpoint.body()) == checkpoint
    extended = Checkpoint(ORIGIN, 0, EMPTY_ROOT, ("ext one", "ext two"))
    assert extended.body().endswith("\next one\next two\n")
    assert Checkpoint.parse(extended.body()) == extended


def test_the_log_signs_and_anyone_opens() -> None:
    published = signed().to_bytes()
    text = published.decode()
    assert text.startswith(signed().checkpoint.body() + "\n\u2014 " + ORIGIN + " ")
    opened = open_checkpoint(published, origin=ORIGIN, log_keys=[LOG.public])
    assert opened.checkpoint == Checkpoint(ORIGIN, 42, ROOT)
    assert opened == parse_signed_checkpoint(published)
    assert open_checkpoint(text, origin=ORIGIN, log_keys=[OTHER_LOG.public, LOG.public]) == opened


def test_a_checkpoint_under_another_key_is_rejected() -> None:
    published = signed().to_bytes()
    with pytest.raises(NoteSignatureError, match="no signature from a known key"):
        open_checkpoint(published, origin=ORIGIN, log_keys=[OTHER_LOG.public])
    with pytest.raises(NoteSignatureError, match="no signature from a known key"):
        open_checkpoint(published, origin=ORIGIN, log_keys=[W1.public])  # type: ignore[list-item]


def test_another_logs_checkpoint_is_rejected() -> None:
    other = sign_checkpoint(
        Checkpoint("log.py.puente.example/v1", 1, ROOT),
        LogSigner("log.py.puente.example/v1", seeded("py")),
    )
    with pytest.raises(NoteFormatError, match=r"expected 'log\.ar\.puente\.example/v1'"):
        open_checkpoint(other.to_bytes(), origin=ORIGIN, log_keys=[LOG.public])


def test_a_log_key_signs_only_its_own_origin() -> None:
    with pytest.raises(NoteFormatError, match="not named after the origin"):
        sign_checkpoint(Checkpoint("elsewhere.example/log", 1, ROOT), LOG)


def replace_line(published: bytes, line: int, value: str) -> bytes:
    lines = published.decode().split("\n")
    lines[line] = value
    return "\n".join(lines).encode()


def test_an_altered_size_or_root_breaks_the_signature() -> None:
    published = signed(42).to_bytes()
    other_root = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    for forged in (replace_line(published, 1, "43"), replace_line(published, 2, other_root)):
        parse_signed_checkpoint(forged)  # well formed...
        with pytest.raises(NoteSignatureError, match="invalid signature for key"):
            open_checkpoint(forged, origin=ORIGIN, log_keys=[LOG.public])  # ...but not signed


def test_a_signature_line_with_another_key_id_is_not_the_logs() -> None:
    checkpoint = signed()
    line = checkpoint.note.signatures[0]
    for forged_id in (b"\0\0\0\0", bytes([line.key_id[0] ^ 1]) + line.key_id[1:]):
        forged = Note(checkpoint.note.text, (NoteSignature(line.name, forged_id, line.signature),))
        with pytest.raises(NoteSignatureError, match="no signature from a known key"):
            open_checkpoint(forged.to_bytes(), origin=ORIGIN, log_keys=[LOG.public])


NON_CANONICAL = {
    "leading zero": lambda t: t.replace("\n42\n", "\n042\n"),
    "plus sign": lambda t: t.replace("\n42\n", "\n+42\n"),
    "negative": lambda t: t.replace("\n42\n", "\n-42\n"),
    "space in size": lambda t: t.replace("\n42\n", "\n 42\n"),
    "unicode digit": lambda t: t.replace("\n42\n", "\n4\u0662\n"),
    "size beyond 2**64": lambda t: t.replace("\n42\n", f"\n{2**64}\n"),
    "size of 5,000 digits": lambda t: t.replace("\n42\n", "\n" + "9" * 5000 + "\n"),
    "root without padding": lambda t: t.replace("=\n", "\n", 1),
    "url-safe root": lambda t: t.replace(ROOT_B64, base64.urlsafe_b64encode(ROOT).decode()),
    "root of 31 bytes": lambda t: t.replace(ROOT_B64, base64.b64encode(ROOT[:31]).decode()),
    "root with non-zero spare bits": lambda t: t.replace(
        ROOT_B64,  # the same 32 bytes, with one of the last character's two spare bits set
        ROOT_B64[:42] + B64[B64.index(ROOT_B64[42]) | 1] + "=",
    ),
    "empty origin": lambda t: t[t.index("\n") :],
    "empty extension line": lambda t: t.replace("=\n\n", "=\n\n\n", 1),
    "CRLF": lambda t: t.replace("\n", "\r\n"),
    "hyphen for the em dash": lambda t: t.replace("\u2014 ", "-- "),
    "two spaces after the name": lambda t: t.replace(ORIGIN + " ", ORIGIN + "  ", 1),
    "trailing space": lambda t: t[:-1] + " \n",
    "no final newline": lambda t: t[:-1],
    "two lines only": lambda t: t.replace(f"{ORIGIN}\n", "", 1),
    "signature base64 without padding": lambda t: t.rstrip("\n").rstrip("=") + "\n",
    "blank line in the signature block": lambda t: t + "\n",
    "no signature": lambda t: t[: t.index("\u2014")],
}


@pytest.mark.parametrize("mangle", list(NON_CANONICAL.values()), ids=list(NON_CANONICAL))
def test_non_canonical_checkpoints_are_rejected(mangle: Any) -> None:
    text = signed(42).to_bytes().decode()
    mangled = mangle(text)
    assert mangled != text
    with pytest.raises(NoteFormatError):
        open_checkpoint(mangled, origin=ORIGIN, log_keys=[LOG.public])


def test_checkpoints_that_cannot_exist_are_refused() -> None:
    with pytest.raises(NoteFormatError, match="not a uint64"):
        Checkpoint(ORIGIN, 2**64, ROOT)
    with pytest.raises(NoteFormatError, match="not 32"):
        Checkpoint(ORIGIN, 1, ROOT[:16])
    with pytest.raises(NoteFormatError, match="non-empty line"):
        Checkpoint("", 1, ROOT)
    with pytest.raises(NoteFormatError, match="non-empty line"):
        Checkpoint(ORIGIN, 1, ROOT, ("two\nlines",))
    with pytest.raises(NoteFormatError, match="control character"):
        sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT, ("tab\there",)), LOG)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_mutation_is_rejected_or_changes_nothing_signed(data: st.DataObject) -> None:
    original = signed(7, leaf_hash(b"x")).with_cosignatures(
        cosign(signed(7, leaf_hash(b"x")), W1, timestamp=1_767_225_600)
    )
    raw = bytearray(original.to_bytes())
    at = data.draw(st.integers(min_value=0, max_value=len(raw) - 1), label="byte")
    raw[at] = data.draw(st.integers(min_value=0, max_value=255), label="value")
    try:
        opened = open_checkpoint(bytes(raw), origin=ORIGIN, log_keys=[LOG.public])
    except (NoteFormatError, NoteSignatureError):
        return
    # Opened: the log's part is intact; the mutation hit the witness's line, or nothing.
    assert opened.checkpoint == original.checkpoint
    if opened.note != original.note:
        with pytest.raises((NoteFormatError, NoteSignatureError)):
            verify_cosignatures(opened, [W1.public])


# --- cosignatures --------------------------------------------------------------------------------


def test_a_cosignature_is_the_c2sp_timestamped_signature() -> None:
    checkpoint = signed()
    cosignature = cosign(checkpoint, W1, timestamp=1_767_225_600)
    assert cosignature.name == W1.name
    assert cosignature.key_id == key_id(W1.name, 0x04, W1.public.raw)
    assert (
        cosignature.key_id
        == hashlib.sha256(W1.name.encode() + b"\n\x04" + W1.public.raw).digest()[:4]
    )
    # An independent check of the signed message, from the specification's text.
    message = b"cosignature/v1\ntime 1767225600\n" + checkpoint.checkpoint.body().encode()
    W1.private_key.public_key().verify(cosignature.signature, message)
    line = cosignature.line()
    blob = base64.b64decode(line.split(" ")[-1])
    assert blob[:4] == cosignature.key_id
    assert blob[4:12] == (1_767_225_600).to_bytes(8, "big")
    assert blob[12:] == cosignature.signature


def test_cosignatures_verify_and_count_toward_a_quorum() -> None:
    checkpoint = signed()
    c1 = cosign(checkpoint, W1, timestamp=100)
    c2 = cosign(checkpoint, W2, timestamp=200)
    both = checkpoint.with_cosignatures(c1, c2)
    reopened = open_checkpoint(both.to_bytes(), origin=ORIGIN, log_keys=[LOG.public])
    assert verify_cosignatures(reopened, [W1.public, W2.public], quorum=2) == [c1, c2]
    assert verify_cosignatures(reopened, [W2.public]) == [c2]
    with pytest.raises(NoteSignatureError, match=r"2 witness cosignature\(s\) .* 3 required"):
        verify_cosignatures(reopened, [W1.public, W2.public], quorum=3)
    assert verify_cosignatures(checkpoint, [W1.public], quorum=0) == []
    with pytest.raises(NoteSignatureError, match="no signature from a known key"):
        verify_cosignatures(checkpoint, [W1.public])


def test_a_newer_cosignature_of_the_same_witness_replaces_the_older() -> None:
    checkpoint = signed()
    first = checkpoint.with_cosignatures(cosign(checkpoint, W1, timestamp=100))
    second = first.with_cosignatures(cosign(checkpoint, W1, timestamp=200))
    assert len(second.note.signatures) == 2
    assert [c.timestamp for c in verify_cosignatures(second, [W1.public])] == [200]


def test_a_cosignature_under_a_wrong_key_or_time_or_body_is_rejected() -> None:
    checkpoint = signed()
    good = cosign(checkpoint, W1, timestamp=100)
    impostor = WitnessSigner(W1.name, seeded("impostor"))
    cases = {
        "another key, same name and key ID": Cosignature(
            W1.name, good.key_id, 100, cosign(checkpoint, impostor, timestamp=100).signature
        ),
        "another time": Cosignature(W1.name, good.key_id, 101, good.signature),
        "another checkpoint": Cosignature(
            W1.name, good.key_id, 100, cosign(signed(43), W1, timestamp=100).signature
        ),
        "a timestamp beyond 2**63 - 1": Cosignature(W1.name, good.key_id, 2**63, good.signature),
    }
    for forged in cases.values():
        with pytest.raises(NoteSignatureError, match="invalid signature"):
            verify_cosignatures(checkpoint.with_cosignatures(forged), [W1.public])
    # The log's plain signature is no cosignature, even with the witness's key.
    as_log = LogSigner(W1.name, W1.private_key).sign(checkpoint.note.text)
    lone = SignedCheckpoint(checkpoint.checkpoint, checkpoint.note.with_signatures(as_log))
    with pytest.raises(NoteSignatureError, match="no signature from a known key"):
        verify_cosignatures(lone, [W1.public])


def test_a_cosignature_covers_the_extension_lines() -> None:
    checkpoint = signed(42, ROOT, "extension")
    cosigned = checkpoint.with_cosignatures(cosign(checkpoint, W1, timestamp=5))
    text = cosigned.to_bytes().decode().replace("\nextension\n", "\nextensioN\n")
    forged = parse_signed_checkpoint(text)
    with pytest.raises(NoteSignatureError):
        verify_cosignatures(forged, [W1.public])


def test_cosigning_refuses_times_outside_the_format() -> None:
    with pytest.raises(NoteFormatError, match="outside"):
        cosign(signed(), W1, timestamp=-1)
    with pytest.raises(NoteFormatError, match="outside"):
        cosign(signed(), W1, timestamp=2**63)
    with pytest.raises(NoteFormatError, match="8-byte timestamp"):
        Cosignature.from_note_signature(signed().note.signatures[0])
