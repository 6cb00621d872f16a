"""Benchmark: parsing and serializing message documents, against plain JSON in the same run.

    .venv/bin/python bench/schema.py [--rounds N]

The baseline is ``json.loads``/``json.dumps`` of the same bytes: what any JSON-based wire format
costs. The ratio shows what strict validation (patterns, enumerations, legal rules) adds.
The last line reads ``documents/s = N`` (full validation, the rate the gateway's inbox sees).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

from messages.registry import all_examples, parse_document


def rate(label: str, payloads: list[bytes], work: Callable[[bytes], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for payload in payloads:
            work(payload)
        samples.append(len(payloads) / (time.perf_counter() - start))
    median = statistics.median(samples)
    print(f"{label:<40} {median:>12,.0f} documents/s")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=50, help="copies of each example per round")
    args = parser.parse_args()
    documents = all_examples()
    payloads = [d.to_json() for d in documents] * args.copies
    size = sum(len(p) for p in payloads) / len(payloads)
    print(f"{len(documents)} example documents, mean {size:,.0f} bytes, x{args.copies} per round")
    baseline = rate("baseline: json.loads", payloads, json.loads, args.rounds)
    parsed = [parse_document(p) for p in payloads]
    rate("baseline: json.dumps", payloads, lambda p: json.dumps(json.loads(p)), args.rounds)
    by_payload = dict(zip(payloads, parsed, strict=True))
    rate("Document.to_json", payloads, lambda p: by_payload[p].to_json(), args.rounds)
    full = rate("parse_document (strict validation)", payloads, parse_document, args.rounds)
    print(f"validation costs {baseline / full:.1f}x plain JSON parsing")
    print(f"documents/s = {full:.0f}")


if __name__ == "__main__":
    main()
