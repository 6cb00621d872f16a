"""The federation directory: thresholds, delegations, rotation, revocation, history, expiry.

A federation of AR, CO and PY (the states of the example documents) is founded on disk with
the real staging, signing and publishing code and read back with :class:`Directory`. Attacks
that the publishing code itself refuses are also written straight into the history, as a
compromised operator (who holds the online key) could do, to show that verification refuses
them on its own.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from tuf.api.metadata import Metadata, MetaFile, Snapshot, TargetFile, Targets, Timestamp

from crypto.directory import (
    Directory,
    Lifetimes,
    MemberKeys,
    PublishReport,
    Repository,
    choose_recipient_key,
    entry_from_keys,
)
from crypto.directory.entry import NodeEntry, parse_entry
from crypto.directory.layout import (
    read_history,
    read_staged,
    to_bytes,
    tuf_signer,
    utc,
    write_published,
    write_staged,
)
from crypto.envelope import SealedEnvelope, open_envelope, seal_envelope
from crypto.errors import DirectoryError, EnvelopeError
from crypto.jwk import kid_of, thumbprint
from crypto.keys import DAY, Keyring, Purpose
from crypto.replay import InMemoryReplayStore
from crypto.suites import Suite
from messages.document import Document
from messages.registry import all_examples
from messages.transport import EnvelopeReason
from messages.vocab import Family

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z
HOUR = 3600
STATES = ("AR", "CO", "PY")
SMALL_ORDER_ED25519 = bytes.fromhex(
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"
)


@dataclass
class Member:
    code: str
    authority: Keyring
    """Governance and delegation keys (offline in real life)."""
    node: Keyring
    """The node's signing and encryption keys."""

    def keys(self) -> MemberKeys:
        return MemberKeys(
            self.authority.current(Purpose.GOVERNANCE, T0).public_key,  # type: ignore[arg-type]
            self.authority.current(Purpose.DELEGATION, T0).public_key,  # type: ignore[arg-type]
        )

    def signing_keys(self) -> list[tuple[Purpose, ed25519.Ed25519PrivateKey]]:
        return [
            (r.purpose, r.private_key)
            for r in self.authority.records
            if isinstance(r.private_key, ed25519.Ed25519PrivateKey)
        ]

    def entry(self, now: int) -> NodeEntry:
        return entry_from_keys(
            state=self.code,
            node_id=f"{self.code.lower()}-node-1",
            broker=f"amqps://broker.puente.example/{self.code.lower()}",
            published=self.node.export(now)["keys"],
            issued_at=now,
            schema_versions=["1.0.0"],
        )


class Federation:
    """A directory founded by AR, CO and PY at T0 (threshold 2 of 3); PY also takes the
    post-quantum suite."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.repo = Repository(base)
        self.members: dict[str, Member] = {}
        for code in STATES:
            authority, node = Keyring(code), Keyring(code)
            authority.generate(Purpose.GOVERNANCE, now=T0)
            authority.generate(Purpose.DELEGATION, now=T0)
            node.generate(Purpose.SIGNING, now=T0)
            node.generate(Purpose.ENCRYPTION, now=T0)
            if code == "PY":
                node.generate(Purpose.ENCRYPTION, now=T0, suite=Suite.MLKEM768_X25519)
            self.members[code] = Member(code, authority, node)
        self.operator = Keyring(None)
        self.online = self.operator.generate(Purpose.ONLINE, now=T0).private_key
        assert isinstance(self.online, ed25519.Ed25519PrivateKey)
        self.repo.found(
            {code: m.keys() for code, m in self.members.items()},
            [self.online.public_key()],
            threshold=None,
            now=T0,
        )
        for code in ("AR", "CO"):
            self.repo.sign(self.members[code].signing_keys())
        for code in STATES:
            self.stage_entry(code, T0)
        report = self.publish(T0)
        assert report.waiting == ()

    def stage_entry(self, code: str, now: int, lifetimes: Lifetimes | None = None) -> None:
        member = self.members[code]
        self.repo.stage_entry(member.entry(now), now=now, lifetimes=lifetimes or Lifetimes())
        self.repo.sign(member.signing_keys(), [code])

    def publish(self, now: int) -> PublishReport:
        return self.repo.publish([self.online], now=now)

    def load(self, now: int) -> Directory:
        return Directory.load(self.base, now=now)

    def force(self, role: str, md: Metadata[Any], now: int) -> None:
        """What a compromised operator can do: put a file into the history and pin it with a
        snapshot and a timestamp signed with the online key."""
        write_published(self.base, role, md)
        history = read_history(self.base)
        targets = history.targets[max(history.targets)]
        meta = {"targets.json": MetaFile.from_data(targets.version, targets.raw, ["sha256"])}
        for state, versions in history.entries.items():
            stored = versions[max(versions)]
            meta[f"{state}.json"] = MetaFile.from_data(stored.version, stored.raw, ["sha256"])
        snapshot = Metadata(
            Snapshot(version=max(history.snapshots) + 1, expires=utc(now + DAY), meta=meta)
        )
        snapshot.sign(tuf_signer(self.online))
        write_published(self.base, "snapshot", snapshot)
        timestamp = Metadata(
            Timestamp(
                version=max(history.timestamps) + 1,
                expires=utc(now + DAY),
                snapshot_meta=MetaFile.from_data(
                    snapshot.signed.version, to_bytes(snapshot), ["sha256"]
                ),
            )
        )
        timestamp.sign(tuf_signer(self.online))
        write_published(self.base, "timestamp", timestamp)


@pytest.fixture
def fed(tmp_path: Path) -> Federation:
    return Federation(tmp_path / "directory")


def a_document(family: Family, sender: str, recipient: str) -> Document[Any]:
    return next(
        d
        for d in all_examples()
        if d.header.family == family
        and d.header.sender.state == sender
        and d.header.recipient.state == recipient
    )


def seal(
    fed: Federation, directory: Directory, family: Family, sender: str, recipient: str, now: int
) -> SealedEnvelope:
    return seal_envelope(
        a_document(family, sender, recipient),
        sender=fed.members[sender].node.sender(now),
        recipient=choose_recipient_key(directory, recipient, family, now),
        directory_version=directory.at(now).version,
        now=now,
    )


def open_at(
    fed: Federation, directory: Directory, token: bytes, recipient: str, now: int
) -> Document[Any]:
    return open_envelope(
        token,
        recipient=fed.members[recipient].node.recipient(now),
        directory=directory.at(now),
        replay=InMemoryReplayStore(),
        now=now,
    ).document


# --- the founded federation -----------------------------------------------------------------


def test_a_founded_federation_verifies_and_describes_every_state(fed: Federation) -> None:
    directory = fed.load(T0 + HOUR)
    assert directory.version == 1
    assert directory.states() == STATES
    assert directory.verified.threshold == 2
    assert directory.expires == T0 + DAY  # the timestamp's short expiry
    entry = directory.entry("PY")
    assert entry.node_id == "py-node-1"
    assert entry.suites == [str(Suite.X25519), str(Suite.MLKEM768_X25519)]
    assert entry.protocols == [1]
    assert [k.kid for k in entry.signing_keys] == [fed.members["PY"].node.sender(T0).kid]
    assert directory.supports("PY", Suite.MLKEM768_X25519)
    assert not directory.supports("AR", Suite.MLKEM768_X25519)
    assert sorted(p.name for p in fed.base.iterdir()) == [
        "1.root.json",
        "1.snapshot.json",
        "1.targets.json",
        "1.timestamp.json",
        "AR",
        "CO",
        "PY",
        "staged",
    ]


def test_an_envelope_sealed_from_key_rings_opens_with_the_directory(fed: Federation) -> None:
    directory = fed.load(T0 + HOUR)
    now = T0 + HOUR
    for family, sender in ((Family.MLA, "AR"), (Family.WITNESS_PROTECTION, "CO")):
        sealed = seal(fed, directory, family, sender, "PY", now)
        document = open_at(fed, directory, sealed.token, "PY", now + 60)
        assert document == a_document(family, sender, "PY")


def test_witness_protection_uses_the_post_quantum_suite_whenever_supported(
    fed: Federation,
) -> None:
    directory = fed.load(T0 + HOUR)
    now = T0 + HOUR
    wp = choose_recipient_key(directory, "PY", Family.WITNESS_PROTECTION, now)
    assert wp.suite is Suite.MLKEM768_X25519
    assert choose_recipient_key(directory, "PY", Family.MLA, now).suite is Suite.X25519
    assert choose_recipient_key(directory, "AR", "witness_protection", now).suite is Suite.X25519
    sealed = seal(fed, directory, Family.WITNESS_PROTECTION, "CO", "PY", now)
    header = json.loads(_b64(sealed.token.split(b".")[0]))
    assert header["pnt"]["enc"] == str(Suite.MLKEM768_X25519)
    assert header["pnt"]["dirv"] == 1


def _b64(segment: bytes) -> bytes:
    from crypto._hazmat.b64 import b64url_decode

    return b64url_decode(segment)


# --- a state cannot sign another state's entry ------------------------------------------------


def test_a_state_cannot_sign_another_states_entry(fed: Federation) -> None:
    ar, co = fed.members["AR"], fed.members["CO"]
    ar.node.rotate(Purpose.SIGNING, now=T0 + HOUR)
    fed.repo.stage_entry(ar.entry(T0 + HOUR), now=T0 + HOUR)
    # CO's ring holds no key that AR's entry needs: it signs nothing
    assert fed.repo.sign(co.signing_keys(), ["AR"]) == []
    # signed with CO's delegation key anyway, it stays staged
    staged = read_staged(fed.base)["AR"].md
    co_delegation = co.authority.current(Purpose.DELEGATION, T0).private_key
    assert isinstance(co_delegation, ed25519.Ed25519PrivateKey)
    staged.sign(tuf_signer(co_delegation))
    write_staged(fed.base, "AR", staged)
    report = fed.publish(T0 + HOUR)
    assert report.published == ("timestamp v2",)
    assert report.waiting == ("AR: entry AR v2: signed by 0 of the 1 keys required for AR",)
    # forced into the history by a compromised operator, verification refuses it
    fed.force("AR", staged, T0 + HOUR)
    with pytest.raises(DirectoryError, match="entry AR v2: signed by 0 of the 1 keys required"):
        fed.load(T0 + HOUR)


def test_a_state_cannot_publish_an_entry_for_another_state_in_its_own_role(
    fed: Federation,
) -> None:
    co, ar = fed.members["CO"], fed.members["AR"]
    forged = ar.entry(T0 + HOUR).to_data()
    forged["encryption_keys"] = co.entry(T0 + HOUR).to_data()["encryption_keys"]
    path = "AR/node.json"
    target = TargetFile.from_data(path, json.dumps(forged).encode(), ["sha256"])
    target.unrecognized_fields["custom"] = forged
    md = Metadata(Targets(version=2, expires=utc(T0 + DAY), targets={path: target}))
    delegation = co.authority.current(Purpose.DELEGATION, T0).private_key
    assert isinstance(delegation, ed25519.Ed25519PrivateKey)
    md.sign(tuf_signer(delegation))  # CO signs its own role, properly
    fed.force("CO", md, T0 + HOUR)
    with pytest.raises(DirectoryError, match="entry CO v2: must hold exactly the target CO/node"):
        fed.load(T0 + HOUR)


# --- the root: both thresholds ----------------------------------------------------------------


def test_a_root_rotated_without_the_old_threshold_is_refused(fed: Federation) -> None:
    # An attacker holds AR's governance key and replaces CO's and PY's with two of his own:
    # the new root meets its own threshold (3 of 3) but only 1 of the 2 old keys signed it.
    attacker = Keyring(None)
    co_new = attacker.generate(Purpose.GOVERNANCE, now=T0).private_key
    py_new = attacker.generate(Purpose.GOVERNANCE, now=T0).private_key
    assert isinstance(co_new, ed25519.Ed25519PrivateKey)
    assert isinstance(py_new, ed25519.Ed25519PrivateKey)
    fed.repo.rotate_root(
        now=T0 + HOUR, governance={"CO": co_new.public_key(), "PY": py_new.public_key()}
    )
    keys = [(Purpose.GOVERNANCE, co_new), (Purpose.GOVERNANCE, py_new)]
    fed.repo.sign([*fed.members["AR"].signing_keys(), *keys])
    status = {s.role: [str(r) for r in s.requirements] for s in fed.repo.status()}
    assert status["root"] == ["1/2 keys of root v1", "3/2 of its own keys"]
    report = fed.publish(T0 + HOUR)
    assert report.waiting[0] == (
        "root: root v2: signed by 1 of the 2 keys of root v1 required (a new root needs the "
        "old root's threshold)"
    )
    assert fed.load(T0 + HOUR).verified.root_version == 1
    write_published(fed.base, "root", read_staged(fed.base)["root"].md)
    with pytest.raises(DirectoryError, match="root v2: signed by 1 of the 2 keys of root v1"):
        fed.load(T0 + HOUR)


def test_a_root_rotated_with_both_thresholds_is_accepted(fed: Federation) -> None:
    co = fed.members["CO"]
    old_kid = co.authority.current(Purpose.GOVERNANCE, T0).kid
    new = co.authority.rotate(Purpose.GOVERNANCE, now=T0 + HOUR, start=T0 + HOUR)
    assert isinstance(new.public_key, ed25519.Ed25519PublicKey)
    fed.repo.rotate_root(now=T0 + HOUR, governance={"CO": new.public_key})
    for code in ("AR", "CO"):  # CO signs with its old key (old root) and its new one
        fed.repo.sign(fed.members[code].signing_keys())
    status = {s.role: [str(r) for r in s.requirements] for s in fed.repo.status()}
    assert status["root"] == ["2/2 keys of root v1", "2/2 of its own keys"]
    report = fed.publish(T0 + HOUR)
    assert report.published == ("root v2", "targets v2", "snapshot v2", "timestamp v2")
    directory = fed.load(T0 + HOUR)
    assert directory.verified.root_version == 2
    assert directory.verified.members["CO"] == new.kid != old_kid
    # CO's old key no longer counts: a root v3 signed with it and AR's key is refused
    fed.repo.rotate_root(now=T0 + 2 * HOUR)
    old = co.authority.get(old_kid).private_key
    assert isinstance(old, ed25519.Ed25519PrivateKey)
    fed.repo.sign([*fed.members["AR"].signing_keys()[:1], (Purpose.GOVERNANCE, old)])
    assert (
        fed.publish(T0 + 2 * HOUR)
        .waiting[0]
        .startswith("root: root v3: signed by 1 of the 2 keys of root v2")
    )


def test_a_root_must_also_meet_its_own_threshold(fed: Federation) -> None:
    br_authority = Keyring("BR")
    governance = br_authority.generate(Purpose.GOVERNANCE, now=T0).public_key
    delegation = br_authority.generate(Purpose.DELEGATION, now=T0).public_key
    assert isinstance(governance, ed25519.Ed25519PublicKey)
    assert isinstance(delegation, ed25519.Ed25519PublicKey)
    threshold = fed.repo.add_state(
        "BR", MemberKeys(governance, delegation), threshold=None, now=T0 + HOUR
    )
    assert threshold == 3  # two thirds of four, rounded up
    for code in ("AR", "CO"):
        fed.repo.sign(fed.members[code].signing_keys())
    report = fed.publish(T0 + HOUR)
    assert report.waiting[0].startswith(
        "root: root v2: signed by 2 of the 3 of its own keys required"
    )
    fed.repo.sign(fed.members["PY"].signing_keys())
    report = fed.publish(T0 + HOUR)
    assert report.published[:2] == ("root v2", "targets v2")
    directory = fed.load(T0 + HOUR)
    assert directory.states() == ("AR", "BR", "CO", "PY")
    with pytest.raises(DirectoryError, match="BR has not published a node entry"):
        directory.recipient_keys("BR")


# --- revocation and history ---------------------------------------------------------------


def test_a_revoked_keys_later_signatures_are_refused_and_earlier_ones_still_verify(
    fed: Federation,
) -> None:
    ar = fed.members["AR"]
    before = fed.load(T0 + HOUR)
    stolen = ar.node.sender(T0 + HOUR)  # the key an intruder copies
    early = seal(fed, before, Family.MLA, "AR", "PY", T0 + HOUR)
    revoked_at = T0 + 2 * HOUR
    late = seal_envelope(
        a_document(Family.MLA, "AR", "PY"),
        sender=stolen,
        recipient=choose_recipient_key(before, "PY", Family.MLA, revoked_at),
        directory_version=1,
        now=revoked_at,
    )
    # AR revokes the key from the time of the compromise and moves to a new one
    ar.node.revoke(stolen.kid, at=revoked_at, now=T0 + 3 * HOUR)
    ar.node.rotate(Purpose.SIGNING, now=T0 + 3 * HOUR, start=T0 + 3 * HOUR)
    fed.stage_entry("AR", T0 + 3 * HOUR)
    assert fed.publish(T0 + 3 * HOUR).published[0] == "entry AR v2"
    after = fed.load(T0 + 3 * HOUR)
    now = T0 + 3 * HOUR
    assert open_at(fed, after, early.token, "PY", now) == a_document(Family.MLA, "AR", "PY")
    with pytest.raises(EnvelopeError) as refused:
        open_at(fed, after, late.token, "PY", now)
    assert refused.value.reason is EnvelopeReason.UNKNOWN_KEY
    # years later, against the history: the early signature still verifies
    years = after.at(T0 + 3 * 365 * DAY)
    assert years.signing_key("AR", stolen.kid, T0 + HOUR) is not None
    assert years.signing_key("AR", stolen.kid, revoked_at) is None
    versions = after.history("AR")
    assert [v.version for v in versions] == [1, 2]
    first = versions[0].entry.signing_key_record(stolen.kid)
    last = versions[1].entry.signing_key_record(stolen.kid)
    assert first is not None
    assert (first.status, first.revoked_at) == ("active", None)
    assert last is not None
    assert (last.status, last.revoked_at) == ("revoked", revoked_at)


def test_a_key_outside_its_window_or_another_states_is_refused(fed: Federation) -> None:
    directory = fed.load(T0 + HOUR)
    record = directory.entry("AR").signing_keys[0]
    assert directory.signing_key("AR", record.kid, record.not_before) is not None
    assert directory.signing_key("AR", record.kid, record.not_before - 1) is None
    assert directory.signing_key("AR", record.kid, record.not_after) is None
    assert directory.signing_key("AR", record.kid, record.not_after - 1) is not None
    assert directory.signing_key("CO", record.kid, T0 + HOUR) is None  # not bound to CO
    assert directory.signing_key("BR", record.kid, T0 + HOUR) is None  # not a member


def test_history_never_loses_a_signing_key_nor_a_revocation(fed: Federation) -> None:
    ar = fed.members["AR"]
    data = ar.entry(T0 + HOUR).to_data()
    ar.node.generate(Purpose.SIGNING, now=T0 + HOUR)
    without_old = ar.entry(T0 + HOUR)
    dropped = parse_entry(
        {**without_old.to_data(), "signing_keys": without_old.to_data()["signing_keys"][1:]},
        "test",
    )
    fed.repo.stage_entry(dropped, now=T0 + HOUR)
    fed.repo.sign(ar.signing_keys())
    waiting = fed.publish(T0 + HOUR).waiting
    assert len(waiting) == 1
    assert "signing key" in waiting[0]
    assert f"{data['signing_keys'][0]['kid']} was removed (never delete)" in waiting[0]


def test_a_revocation_cannot_be_undone(fed: Federation) -> None:
    ar = fed.members["AR"]
    kid = ar.node.sender(T0).kid
    ar.node.revoke(kid, at=T0 + HOUR, now=T0 + HOUR)
    ar.node.generate(Purpose.SIGNING, now=T0 + HOUR)
    fed.stage_entry("AR", T0 + HOUR)
    assert fed.publish(T0 + HOUR).waiting == ()
    undone = ar.entry(T0 + 2 * HOUR).to_data()
    for key in undone["signing_keys"]:
        if key["kid"] == kid:
            key.update(status="retired", revoked_at=None, not_after=T0 + HOUR)
    fed.repo.stage_entry(parse_entry(undone, "test"), now=T0 + 2 * HOUR)
    fed.repo.sign(ar.signing_keys())
    waiting = fed.publish(T0 + 2 * HOUR).waiting
    assert waiting == (f"AR: entry AR v3: the revocation of key {kid} was undone",)


# --- rotation through the directory ---------------------------------------------------------


def test_senders_switch_to_a_rotated_encryption_key_at_its_start(fed: Federation) -> None:
    py = fed.members["PY"]
    old = py.node.current(Purpose.ENCRYPTION, T0, Suite.X25519)
    start = T0 + 2 * DAY
    new = py.node.rotate(Purpose.ENCRYPTION, now=T0 + HOUR, start=start, suite=Suite.X25519)
    fed.stage_entry("PY", T0 + HOUR)
    fed.publish(T0 + HOUR)
    fed.publish(start - HOUR)  # the operator's daily timestamp refresh
    directory = fed.load(start - HOUR)
    assert directory.version == 2
    assert choose_recipient_key(directory, "PY", Family.MLA, start - 1).kid == old.kid
    assert choose_recipient_key(directory, "PY", Family.MLA, start).kid == new.kid
    # an envelope sealed to the old key just before the switch still opens after it
    sealed = seal(fed, directory, Family.MLA, "AR", "PY", start - 1)
    assert open_at(fed, directory, sealed.token, "PY", start + DAY) == a_document(
        Family.MLA, "AR", "PY"
    )


# --- expiry ---------------------------------------------------------------------------------


def test_an_expired_directory_stops_sending(fed: Federation) -> None:
    directory = fed.load(T0 + DAY - 1)
    assert directory.version == 1
    expired = directory.at(T0 + DAY)
    with pytest.raises(DirectoryError, match=r"expired at 2026-01-02T00:00:00Z"):
        _ = expired.version
    with pytest.raises(DirectoryError, match="expired"):
        expired.recipient_keys("PY")
    with pytest.raises(DirectoryError, match="expired"):
        expired.supports("PY", Suite.X25519)
    with pytest.raises(DirectoryError, match="expired"):
        choose_recipient_key(directory, "PY", Family.MLA, T0 + DAY)
    with pytest.raises(DirectoryError, match="expired"):
        seal(fed, directory, Family.MLA, "AR", "PY", T0 + DAY)
    # receiving still judges keys by their windows (for audits, too)
    kid = fed.members["AR"].node.sender(T0).kid
    assert expired.signing_key("AR", kid, T0 + HOUR) is not None
    # the operator's refresh makes it usable again, same version
    report = fed.publish(T0 + DAY)
    assert report.published == ("timestamp v2",)
    assert fed.load(T0 + DAY).version == 1


def test_an_expired_entry_stops_sending_to_its_state(fed: Federation) -> None:
    fed.stage_entry("CO", T0 + HOUR, Lifetimes(entry=2 * DAY))
    fed.publish(T0 + HOUR)
    fed.publish(T0 + 3 * DAY)
    directory = fed.load(T0 + 3 * DAY)
    with pytest.raises(DirectoryError, match=r"the entry of CO \(v2\) expired"):
        choose_recipient_key(directory, "CO", Family.MLA, T0 + 3 * DAY)
    assert choose_recipient_key(directory, "PY", Family.MLA, T0 + 3 * DAY).state == "PY"


# --- weak and malformed keys --------------------------------------------------------------


def _published_with(raw_x: bytes, crv: str, template: dict[str, Any]) -> dict[str, Any]:
    from crypto._hazmat.b64 import b64url_encode

    x = b64url_encode(raw_x).decode()
    return {**template, "x": x, "kid": thumbprint({"crv": crv, "kty": "OKP", "x": x})}


def test_small_order_and_invalid_keys_are_refused_when_registered(fed: Federation) -> None:
    entry = fed.members["AR"].entry(T0).to_data()
    signing, encryption = entry["signing_keys"][0], entry["encryption_keys"][0]
    cases = {
        "Ed25519 public key of small order": {
            **entry,
            "signing_keys": [_published_with(SMALL_ORDER_ED25519, "Ed25519", signing)],
        },
        "X25519 public key of small order": {
            **entry,
            "encryption_keys": [_published_with(bytes(32), "X25519", encryption)],
        },
        "kid is not the key's RFC 7638 thumbprint": {
            **entry,
            "signing_keys": [{**signing, "kid": encryption["kid"]}],
        },
        "an encryption key has use enc": {
            **entry,
            "encryption_keys": [{**encryption, "suite": str(Suite.MLKEM768_X25519)}],
        },
        "status active is not its status at issued_at": {
            **entry,
            "signing_keys": [{**signing, "not_before": T0 + 1}],
        },
        "must not carry credentials": {**entry, "broker": "amqps://node:secret@broker.example/"},
    }
    for problem, data in cases.items():
        with pytest.raises(DirectoryError, match=problem):
            parse_entry(data, "entry AR")
    small = ed25519.Ed25519PublicKey.from_public_bytes(SMALL_ORDER_ED25519)
    delegation = fed.members["AR"].keys().delegation
    with pytest.raises(DirectoryError, match="small order"):
        fed.repo.add_state("BR", MemberKeys(small, delegation), threshold=None, now=T0)
    with pytest.raises(DirectoryError, match="already used"):
        fed.repo.add_state(
            "BR",
            MemberKeys(fed.members["CO"].keys().governance, delegation),
            threshold=None,
            now=T0,
        )


# --- tampering and the layout ---------------------------------------------------------------


def test_an_edited_history_file_is_refused(fed: Federation) -> None:
    path = fed.base / "PY" / "1.PY.json"
    path.write_bytes(path.read_bytes().replace(b"py-node-1", b"py-node-2"))
    with pytest.raises(DirectoryError, match="snapshot v1: entry PY v1 does not match its hash"):
        fed.load(T0)


def test_a_missing_or_unexpected_file_is_refused(fed: Federation) -> None:
    fed.publish(T0 + HOUR)
    (fed.base / "1.timestamp.json").unlink()
    with pytest.raises(DirectoryError, match="timestamp v1 is missing"):
        fed.load(T0 + HOUR)
    shutil.copy(fed.base / "2.timestamp.json", fed.base / "1.timestamp.json.bak")
    with pytest.raises(DirectoryError, match="unexpected file"):
        fed.load(T0 + HOUR)


def _pin(fed: Federation, meta: dict[str, MetaFile]) -> None:
    """A snapshot v3 and timestamp v3 pinning ``meta``, signed with the online key."""
    snapshot = Metadata(Snapshot(version=3, expires=utc(T0 + DAY), meta=meta))
    snapshot.sign(tuf_signer(fed.online))
    write_published(fed.base, "snapshot", snapshot)
    timestamp = Metadata(
        Timestamp(
            version=3,
            expires=utc(T0 + DAY),
            snapshot_meta=MetaFile.from_data(3, to_bytes(snapshot), ["sha256"]),
        )
    )
    timestamp.sign(tuf_signer(fed.online))
    write_published(fed.base, "timestamp", timestamp)


@pytest.mark.parametrize(
    ("pinned", "problem"),
    [
        ({"AR": 1, "CO": 1, "PY": 1}, "snapshot v3: AR goes back to v1 (rollback)"),
        ({"CO": 1, "PY": 1}, "snapshot v3: drops the entry of AR, still a member"),
    ],
)
def test_a_rollback_or_a_dropped_entry_is_refused(
    fed: Federation, pinned: dict[str, int], problem: str
) -> None:
    fed.stage_entry("AR", T0 + HOUR)
    fed.publish(T0 + HOUR)
    history = read_history(fed.base)
    meta = {"targets.json": MetaFile.from_data(1, history.targets[1].raw, ["sha256"])}
    for state, version in pinned.items():
        raw = history.entries[state][version].raw
        meta[f"{state}.json"] = MetaFile.from_data(version, raw, ["sha256"])
    _pin(fed, meta)
    with pytest.raises(DirectoryError, match=re.escape(problem)):
        fed.load(T0 + HOUR)


def test_the_pinned_anchor_must_be_the_historys_root(fed: Federation, tmp_path: Path) -> None:
    anchor = (fed.base / "1.root.json").read_bytes()
    assert Directory.load(fed.base, now=T0, anchor=anchor).version == 1
    other = Federation(tmp_path / "other")
    with pytest.raises(DirectoryError, match="not the pinned anchor"):
        Directory.load(fed.base, now=T0, anchor=(other.base / "1.root.json").read_bytes())


def test_publishing_needs_the_online_key_and_refuses_a_non_member_entry(fed: Federation) -> None:
    with pytest.raises(DirectoryError, match="none of the keys given is an online key"):
        fed.repo.publish([Keyring(None).generate(Purpose.ONLINE, now=T0).private_key], now=T0)  # type: ignore[list-item]
    br = Keyring("BR")
    br.generate(Purpose.SIGNING, now=T0)
    br.generate(Purpose.ENCRYPTION, now=T0)
    entry = entry_from_keys(
        state="BR",
        node_id="br-node-1",
        broker="/br",
        published=br.export(T0)["keys"],
        issued_at=T0,
        schema_versions=["1.0.0"],
    )
    with pytest.raises(DirectoryError, match="BR is not delegated"):
        fed.repo.stage_entry(entry, now=T0)
    assert kid_of(fed.online.public_key()) in fed.load(T0).verified.online_keys


def test_nothing_is_published_before_the_founders_sign(tmp_path: Path) -> None:
    founders = {code: Keyring(code) for code in ("AR", "CO")}
    members = {
        code: MemberKeys(
            ring.generate(Purpose.GOVERNANCE, now=T0).public_key,  # type: ignore[arg-type]
            ring.generate(Purpose.DELEGATION, now=T0).public_key,  # type: ignore[arg-type]
        )
        for code, ring in founders.items()
    }
    online = Keyring(None).generate(Purpose.ONLINE, now=T0).private_key
    assert isinstance(online, ed25519.Ed25519PrivateKey)
    repo = Repository(tmp_path / "fed")
    repo.found(members, [online.public_key()], threshold=None, now=T0)
    with pytest.raises(DirectoryError, match="signed by 0 of the 2 keys required for root"):
        repo.publish([online], now=T0)
    assert sorted(p.name for p in (tmp_path / "fed").iterdir()) == ["staged"]
    with pytest.raises(DirectoryError, match="already holds a directory"):
        repo.found(members, [online.public_key()], threshold=None, now=T0)
