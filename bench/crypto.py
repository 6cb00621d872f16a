"""Benchmark: sealing and opening puente/1 envelopes, beside the raw primitives they are made of.

    .venv/bin/python bench/crypto.py [--seconds S]

For each body size (the message document's JSON: 1 KiB and 64 KiB) and suite, in one run:

- ``seal``: :func:`crypto.envelope.seal_envelope`; its raw ceiling is two Ed25519 signatures
  (inner and outer, over the very bytes the envelope signs) and one HPKE seal of the padded
  plaintext;
- ``open``: :func:`crypto.envelope.open_envelope` (every step, including the strict parsing and
  the schema validation of the document); its raw ceiling is two Ed25519 verifications and one
  HPKE open of the same bytes.

The issue asks open to reach at least 60% of its raw ceiling. The last line reads
``open/ceiling = R`` for 1 KiB bodies with the classic suite.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# This script is named crypto.py: keep its directory off the import path, so that ``crypto``
# below is the package and not this file.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]

from crypto._hazmat.b64 import b64url_decode  # noqa: E402
from crypto._hazmat.jws import hpke_info, split_compact  # noqa: E402
from crypto.envelope import open_envelope, seal_envelope, unpad  # noqa: E402
from crypto.jwk import HybridPrivateKey, HybridPublicKey  # noqa: E402
from crypto.replay import InMemoryReplayStore  # noqa: E402
from crypto.suites import Suite  # noqa: E402
from crypto.trust import RecipientKey, SenderIdentity  # noqa: E402
from crypto.vectors import NOW, Parties  # noqa: E402
from messages.document import Document  # noqa: E402
from messages.registry import all_examples, parse_document  # noqa: E402

SIZES = {"1 KiB": 1024, "64 KiB": 64 * 1024}


def _example(message_type: str) -> dict[str, Any]:
    for document in all_examples():
        if document.header.message_type == message_type and document.header.sender.state == "AR":
            value: dict[str, Any] = json.loads(document.to_json())
            return value
    raise LookupError(message_type)


def _size(value: dict[str, Any]) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def document_of_size(target: int) -> Document[Any]:
    """A valid AR -> PY document of exactly ``target`` bytes of JSON (prose lengthened)."""
    if target < 8 * 1024:
        value = _example("InformationReply")
        text = value["body"]["answers"][0]["answer"]
    else:
        value = _example("EvidenceRequest")
        measure = value["body"]["measures"][0]
        number = len(value["body"]["measures"])
        while _size(value) < target - 20_000:  # facts_summary takes up to 20,000 characters
            number += 1
            extra = copy.deepcopy(measure)
            extra["measure_id"] = f"M{number}"
            extra["description"]["text"] = "Medida adicional. " * 200
            for item in extra["targets"]:
                item["target_ref"] = f"T{number}"
            value["body"]["measures"].append(extra)
        text = value["body"]["facts_summary"]
    text["text"] = text["text"][:100]
    text["text"] += "a" * (target - _size(value))
    raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    assert len(raw) == target, len(raw)
    return parse_document(raw)


def rates(works: dict[str, Callable[[], object]], seconds: float) -> dict[str, float]:
    """Operations per second of each work: the median over seven rounds, each round running a
    batch of every work in turn (so that a change in the machine's load hits them all alike)."""
    batches = {}
    for name, work in works.items():
        batch = 1
        while True:
            start = time.perf_counter()
            for _ in range(batch):
                work()
            if time.perf_counter() - start > seconds / 7:
                break
            batch *= 2
        batches[name] = batch
    samples: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(7):
        for name, work in works.items():
            start = time.perf_counter()
            for _ in range(batches[name]):
                work()
            samples[name].append(batches[name] / (time.perf_counter() - start))
    return {name: statistics.median(values) for name, values in samples.items()}


def measure(suite: Suite, document: Document[Any], seconds: float) -> dict[str, float]:
    """Seal, open and their raw ceilings for one suite and document, in operations per second."""
    parties = Parties.generate("AR", "PY", suite)
    sender = SenderIdentity("AR", parties.sender_key)
    public = parties.recipient_key.public_key()
    recipient = RecipientKey("PY", suite, parties.rkid, public)
    identity, directory = parties.identity(), parties.directory()
    token = seal_envelope(
        document, sender=sender, recipient=recipient, directory_version=1, now=NOW
    ).token

    def seal() -> object:
        return seal_envelope(
            document, sender=sender, recipient=recipient, directory_version=1, now=NOW
        )

    def open_() -> object:
        replay = InMemoryReplayStore()
        return open_envelope(token, recipient=identity, directory=directory, replay=replay, now=NOW)

    # the very bytes the envelope signs and seals
    head, body, signature = split_compact(token)
    outer_input, outer_signature = head + b"." + body, b64url_decode(signature)
    sealed, info = b64url_decode(body), hpke_info(head)
    private = parties.recipient_key
    hpke_private = private.for_hpke() if isinstance(private, HybridPrivateKey) else private
    hpke_public = public.for_hpke() if isinstance(public, HybridPublicKey) else public
    plaintext = suite.hpke().decrypt(sealed, hpke_private, info=info)
    inner_head, inner_body, inner_signature = split_compact(unpad(plaintext))
    inner_input, inner_signature = inner_head + b"." + inner_body, b64url_decode(inner_signature)
    signing, verifying = parties.sender_key, parties.sender_key.public_key()

    def raw_seal() -> object:
        signing.sign(inner_input)
        suite.hpke().encrypt(plaintext, hpke_public, info=info)
        return signing.sign(outer_input)

    def raw_open() -> object:
        verifying.verify(outer_signature, outer_input)
        suite.hpke().decrypt(sealed, hpke_private, info=info)
        verifying.verify(inner_signature, inner_input)
        return None

    works = {"seal": seal, "raw seal": raw_seal, "open": open_, "raw open": raw_open}
    return {**rates(works, seconds), "envelope": len(token)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    args = parser.parse_args()
    print(
        f"{'suite':<9} {'body':>7} {'envelope':>9} {'seal/s':>8} {'raw seal/s':>11} {'ratio':>6}"
        f" {'open/s':>8} {'raw open/s':>11} {'ratio':>6}"
    )
    ratio = 0.0
    for suite, label in ((Suite.X25519, "X25519"), (Suite.MLKEM768_X25519, "MLKEM768")):
        for size_label, size in SIZES.items():
            r = measure(suite, document_of_size(size), args.seconds)
            seal_ratio, open_ratio = r["seal"] / r["raw seal"], r["open"] / r["raw open"]
            print(
                f"{label:<9} {size_label:>7} {r['envelope']:>9,.0f} {r['seal']:>8,.0f}"
                f" {r['raw seal']:>11,.0f} {seal_ratio:>6.2f} {r['open']:>8,.0f}"
                f" {r['raw open']:>11,.0f} {open_ratio:>6.2f}"
            )
            if suite is Suite.X25519 and size == 1024:
                ratio = open_ratio
    print("raw seal = 2 Ed25519 signs + 1 HPKE seal; raw open = 2 verifies + 1 HPKE open")
    print(f"open/ceiling = {ratio:.2f}")


if __name__ == "__main__":
    main()
