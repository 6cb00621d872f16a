"""The node key ring: statuses, rotation with overlap, revocation, and the encrypted file."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from crypto._hazmat.b64 import b64url_encode
from crypto.envelope import open_envelope, seal_envelope
from crypto.errors import EnvelopeError, KeyringError
from crypto.jwk import HybridPrivateKey, private_jwk
from crypto.keys import (
    DAY,
    DEFAULT_GRACE,
    DEFAULT_LEAD,
    Argon2Params,
    KeyFile,
    Keyring,
    KeyStatus,
    Passphrase,
    Purpose,
    create_keyring,
    read_keyring,
    unix_time,
    write_keyring,
)
from crypto.replay import InMemoryReplayStore
from crypto.suites import Suite
from crypto.trust import RecipientKey, StaticDirectory
from messages.document import Document
from messages.registry import all_examples
from messages.transport import EnvelopeReason

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z
PASSPHRASE = Passphrase("correct horse battery staple")


def a_document(sender: str, recipient: str) -> Document[Any]:
    return next(
        d
        for d in all_examples()
        if d.header.sender.state == sender and d.header.recipient.state == recipient
    )


def full_ring(state: str = "PY") -> Keyring:
    ring = Keyring(state)
    ring.generate(Purpose.SIGNING, now=T0)
    ring.generate(Purpose.ENCRYPTION, now=T0)
    ring.generate(Purpose.ENCRYPTION, now=T0, suite=Suite.MLKEM768_X25519)
    ring.generate(Purpose.GOVERNANCE, now=T0)
    ring.generate(Purpose.DELEGATION, now=T0)
    return ring


def secret_encodings(ring: Keyring) -> list[bytes]:
    """Every form a private key could take in a file: raw bytes, hex, base64url of d."""
    found = []
    for record in ring.records:
        key = record.private_key
        assert key is not None
        raw = (
            key.raw() if isinstance(key, HybridPrivateKey) else key.private_bytes_raw()  # type: ignore[union-attr]
        )
        found += [raw, raw.hex().encode(), b64url_encode(raw), private_jwk(key)["d"].encode()]
        found.append(raw[:16])  # not even a part of it
    return found


# --- statuses -------------------------------------------------------------------------------


def test_status_follows_the_window_and_the_revocation() -> None:
    ring = Keyring("AR")
    key = ring.generate(Purpose.SIGNING, now=T0, not_before=T0 + 10, lifetime=100)
    assert key.status(T0) is KeyStatus.PENDING
    assert key.status(T0 + 10) is KeyStatus.ACTIVE
    assert key.status(T0 + 109) is KeyStatus.ACTIVE
    assert key.status(T0 + 110) is KeyStatus.RETIRED
    revoked = ring.revoke(key.kid, at=T0 + 50, now=T0 + 60)
    assert revoked.status(T0 + 49) is KeyStatus.ACTIVE
    assert revoked.status(T0 + 50) is KeyStatus.REVOKED
    assert revoked.private_key is None


def test_times_are_unix_seconds_or_aware_datetimes() -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    assert unix_time(moment) == T0
    assert unix_time(moment.astimezone().replace(microsecond=0)) == T0
    with pytest.raises(ValueError, match="timezone-aware"):
        unix_time(datetime(2026, 1, 1))
    ring = Keyring("AR")
    key = ring.generate(Purpose.SIGNING, now=moment, not_before=moment + timedelta(days=1))
    assert key.not_before == T0 + DAY


def test_a_key_serves_one_purpose_of_its_type() -> None:
    ring = Keyring("AR")
    with pytest.raises(KeyringError, match="has no suite"):
        ring.generate(Purpose.SIGNING, now=T0, suite=Suite.X25519)
    classic = ring.generate(Purpose.ENCRYPTION, now=T0)
    assert isinstance(classic.private_key, x25519.X25519PrivateKey)
    assert isinstance(
        ring.generate(Purpose.ENCRYPTION, now=T0, suite=Suite.MLKEM768_X25519).private_key,
        HybridPrivateKey,
    )
    assert isinstance(ring.generate(Purpose.ONLINE, now=T0).private_key, ed25519.Ed25519PrivateKey)


def test_identities_for_the_envelope_layer() -> None:
    ring = full_ring("PY")
    sender = ring.sender(T0)
    assert sender.state == "PY"
    assert sender.kid == ring.of(Purpose.SIGNING)[0].kid
    recipient = ring.recipient(T0)
    assert set(recipient.keys) == {r.kid for r in ring.of(Purpose.ENCRYPTION)}
    assert {k.suite for k in recipient.keys.values()} == set(Suite)
    with pytest.raises(KeyringError, match="no signing key is active"):
        ring.sender(T0 + 800 * DAY)


# --- rotation with overlap ------------------------------------------------------------------


def test_signing_rotation_switches_at_the_start_and_keeps_the_old_key_on_record() -> None:
    ring = full_ring("AR")
    old = ring.current(Purpose.SIGNING, T0)
    new = ring.rotate(Purpose.SIGNING, now=T0 + DAY)
    start = T0 + DAY + DEFAULT_LEAD
    assert new.not_before == start
    assert ring.get(old.kid).not_after == start
    assert ring.sender(start - 1).kid == old.kid
    assert ring.sender(start).kid == new.kid
    assert ring.get(old.kid).private_key is not None  # signing keys are never deleted
    assert ring.get(old.kid).status(start) is KeyStatus.RETIRED


def test_an_old_encryption_key_opens_during_the_grace_period_and_not_after() -> None:
    sender_ring, ring = full_ring("AR"), full_ring("PY")
    directory = StaticDirectory({"AR": [sender_ring.sender(T0).signing_key.public_key()]})
    old = ring.current(Purpose.ENCRYPTION, T0, Suite.X25519)
    start = T0 + 3 * DAY
    new = ring.rotate(Purpose.ENCRYPTION, now=T0, start=start, suite=Suite.X25519)
    assert ring.get(old.kid).not_after == start + DEFAULT_GRACE
    old_public = old.public_key
    assert isinstance(old_public, x25519.X25519PublicKey)

    # sealed to the old key just before the switch, by a sender with the previous directory;
    # (with the default 7-day lifetime it would expire before the 8-day grace period ends, so
    # it lives longer here to show that the key, not the expiry, refuses it afterwards)
    sealed = seal_envelope(
        a_document("AR", "PY"),
        sender=sender_ring.sender(start - 1),
        recipient=RecipientKey("PY", Suite.X25519, old.kid, old_public),
        directory_version=1,
        now=start - 1,
        lifetime=DEFAULT_GRACE + DAY,
    )

    def open_at(now: int) -> None:
        open_envelope(
            sealed.token,
            recipient=ring.recipient(now),
            directory=directory,
            replay=InMemoryReplayStore(),
            now=now,
        )

    open_at(start + DEFAULT_GRACE - 1)  # still opens at the end of the grace period
    with pytest.raises(EnvelopeError) as refused:
        open_at(start + DEFAULT_GRACE)
    assert refused.value.reason is EnvelopeReason.WRONG_RECIPIENT
    # and the new key is the current one from its start (a little earlier, for clock skew)
    assert new.kid not in ring.recipient(start - 301).keys
    assert new.kid in ring.recipient(start - 300).keys
    assert ring.current(Purpose.ENCRYPTION, start, Suite.X25519).kid == new.kid


def test_rotation_forgets_expired_encryption_keys_but_keeps_their_record() -> None:
    ring = full_ring("PY")
    first = ring.current(Purpose.ENCRYPTION, T0, Suite.X25519)
    ring.rotate(Purpose.ENCRYPTION, now=T0, start=T0, grace=DAY)
    ring.rotate(Purpose.ENCRYPTION, now=T0 + 2 * DAY, start=T0 + 2 * DAY)
    record = ring.get(first.kid)
    assert record.private_key is None
    assert record.status(T0 + 2 * DAY) is KeyStatus.RETIRED
    assert len(ring.of(Purpose.ENCRYPTION, Suite.X25519)) == 3


def test_a_rotation_cannot_start_in_the_past() -> None:
    with pytest.raises(KeyringError, match="past"):
        full_ring().rotate(Purpose.SIGNING, now=T0, start=T0 - 1)


def test_revocation_destroys_the_private_key_and_cannot_be_postdated() -> None:
    ring = full_ring("PY")
    signing = ring.current(Purpose.SIGNING, T0)
    with pytest.raises(KeyringError, match="future"):
        ring.revoke(signing.kid, at=T0 + 10, now=T0)
    ring.revoke(signing.kid, at=T0 - 5, now=T0)
    assert ring.get(signing.kid).revoked_at == T0 - 5
    ring.revoke(signing.kid, at=T0, now=T0)  # a later date never postpones a revocation
    assert ring.get(signing.kid).revoked_at == T0 - 5
    with pytest.raises(KeyringError, match="no signing key is active"):
        ring.sender(T0)
    with pytest.raises(KeyringError, match="no key"):
        ring.revoke("not-a-kid", at=T0, now=T0)


def test_export_is_public_with_validity_and_status() -> None:
    ring = full_ring("PY")
    revoked = ring.of(Purpose.SIGNING)[0].kid
    ring.revoke(revoked, at=T0, now=T0 + 1)
    exported = ring.export(T0 + 1)
    assert exported["state"] == "PY"
    assert exported["issued_at"] == T0 + 1
    by_kid = {k["kid"]: k for k in exported["keys"]}
    assert len(by_kid) == 5
    assert all("d" not in k for k in exported["keys"])
    assert by_kid[revoked]["status"] == "revoked"
    assert by_kid[revoked]["revoked_at"] == T0
    encryption = [k for k in exported["keys"] if k["purpose"] == "encryption"]
    assert {k["suite"] for k in encryption} == {str(s) for s in Suite}
    assert {k["use"] for k in encryption} == {"enc"}
    only = ring.export(T0, [Purpose.GOVERNANCE])["keys"]
    assert [k["purpose"] for k in only] == ["governance"]


# --- at rest --------------------------------------------------------------------------------


def test_a_ring_round_trips_encrypted_at_rest(tmp_path: Path) -> None:
    path = tmp_path / "py.ring"
    ring = full_ring("PY")
    ring.revoke(ring.of(Purpose.DELEGATION)[0].kid, at=T0, now=T0)
    ring = Keyring("PY", [r for r in ring.records if r.private_key is not None])
    write_keyring(path, ring, PASSPHRASE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = read_keyring(path, PASSPHRASE)
    assert again.state == "PY"
    assert [(r.kid, r.purpose, r.not_before, r.not_after) for r in again.records] == [
        (r.kid, r.purpose, r.not_before, r.not_after) for r in ring.records
    ]
    assert [private_jwk(r.private_key) for r in again.records if r.private_key] == [
        private_jwk(r.private_key) for r in ring.records if r.private_key
    ]

    raw = path.read_bytes()
    for secret in secret_encodings(ring):
        assert secret not in raw
    header = json.loads(raw)
    assert set(header) == {"format", "version", "kdf", "nonce", "ciphertext"}
    assert header["kdf"] == {
        "name": "argon2id",
        "salt": header["kdf"]["salt"],
        "iterations": 3,
        "lanes": 4,
        "memory_kib": 65536,
    }
    for record in ring.records:  # not even the key ids or public keys are in the clear
        assert record.kid.encode() not in raw


def test_a_wrong_passphrase_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "py.ring"
    write_keyring(path, full_ring(), PASSPHRASE)
    with pytest.raises(KeyringError, match="wrong passphrase or key file"):
        read_keyring(path, Passphrase("correct horse battery stapler"))


def test_an_altered_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "py.ring"
    write_keyring(path, full_ring(), PASSPHRASE, Argon2Params(iterations=1, memory_kib=8192))
    document = json.loads(path.read_bytes())
    # a flipped ciphertext character, and a header changed after sealing (the AEAD's AAD)
    flipped = dict(document, ciphertext="A" + document["ciphertext"][1:])
    if flipped["ciphertext"] == document["ciphertext"]:
        flipped["ciphertext"] = "B" + document["ciphertext"][1:]
    path.write_text(json.dumps(flipped), encoding="utf-8")
    with pytest.raises(KeyringError, match="altered"):
        read_keyring(path, PASSPHRASE)
    path.write_text(json.dumps(dict(document, version=2)), encoding="utf-8")
    with pytest.raises(KeyringError, match="unsupported key ring version"):
        read_keyring(path, PASSPHRASE)
    tampered = dict(document, kdf={**document["kdf"], "memory_kib": 2**30})
    path.write_text(json.dumps(tampered), encoding="utf-8")
    with pytest.raises(KeyringError, match="memory_kib"):
        read_keyring(path, PASSPHRASE)


def test_a_key_file_unlocks_and_must_be_private(tmp_path: Path) -> None:
    secret_path = tmp_path / "node.key"
    secret_path.write_bytes(os.urandom(32))
    secret_path.chmod(0o640)
    with pytest.raises(KeyringError, match="accessible to others"):
        KeyFile.read(secret_path)
    secret_path.chmod(0o600)
    key_file = KeyFile.read(secret_path)
    path = tmp_path / "py.ring"
    ring = full_ring()
    write_keyring(path, ring, key_file)
    assert json.loads(path.read_bytes())["kdf"]["name"] == "hkdf-sha256"
    assert [r.kid for r in read_keyring(path, key_file).records] == [r.kid for r in ring.records]
    for secret in secret_encodings(ring):
        assert secret not in path.read_bytes()
    with pytest.raises(KeyringError, match="key file, not a passphrase"):
        read_keyring(path, PASSPHRASE)
    with pytest.raises(KeyringError, match="wrong passphrase or key file"):
        read_keyring(path, KeyFile(os.urandom(32)))
    short = tmp_path / "short.key"
    short.write_bytes(b"0123456789")
    short.chmod(0o600)
    with pytest.raises(KeyringError, match="32 to"):
        KeyFile.read(short)


def test_new_rings_refuse_short_passphrases_and_overwriting(tmp_path: Path) -> None:
    path = tmp_path / "ar.ring"
    with pytest.raises(KeyringError, match="at least 12"):
        create_keyring(path, Passphrase("short"), state="AR")
    create_keyring(path, PASSPHRASE, state="AR")
    assert read_keyring(path, PASSPHRASE).records == []
    with pytest.raises(KeyringError, match="already exists"):
        create_keyring(path, PASSPHRASE, state="AR")


def test_a_file_that_is_not_a_ring_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.ring"
    path.write_bytes(b'{"format":"something-else"}')
    with pytest.raises(KeyringError, match="not a key ring"):
        read_keyring(path, PASSPHRASE)
    path.write_bytes(b'{"format":"puente-keyring","format":"puente-keyring"}')
    with pytest.raises(KeyringError, match="duplicate"):
        read_keyring(path, PASSPHRASE)
    with pytest.raises(KeyringError, match="cannot read"):
        read_keyring(tmp_path / "missing.ring", PASSPHRASE)
