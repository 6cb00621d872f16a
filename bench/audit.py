"""Benchmark: the transparency log tree (``crypto.transparency``) at a million entries.

    .venv/bin/python bench/audit.py [--entries N] [--samples S]

In one run, over the same ``N`` log entries (about 190 bytes each, the size of an exchange
event's leaf: envelope hash, states, jti, time, verdict):

- the baseline: raw ``hashlib`` SHA-256 of every leaf (``H(0x00 || entry)``), nothing else;
- ``append``: :meth:`LogTree.append` of each entry one by one, leaf hashing included (what the
  node does per exchange event); ``extend``: the same in batches of 1,000 (one store write per
  batch); ``append_leaf_hash``: the tree alone, leaf hashes computed beforehand;
- at size ``N``: the root (from the right edge kept in memory, and at a past size from the
  store), then over ``S`` random leaves / old sizes the median time to generate and to verify
  an inclusion proof and a consistency proof.

The issue asks appending to reach at least ten times the full-path rate of
``bench/exchange.py``. The last line reads ``appends/s = N``: one-by-one appends with leaf
hashing, the slowest of the three ways to append.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# This directory holds crypto.py (another bench): keep it off the import path, so that
# ``crypto`` below is the package and not that file.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]

from crypto.transparency.merkle import verify_consistency, verify_inclusion  # noqa: E402
from crypto.transparency.tree import LogTree  # noqa: E402

BATCH = 10_000
"""Entries are made in batches of this many, outside the timed sections."""
EXTEND = 1_000
"""Entries per :meth:`LogTree.extend` call."""


def entries(start: int, stop: int) -> list[bytes]:
    """Deterministic log entries shaped like an exchange event's leaf."""
    return [
        b'{"seq":%d,"env":"%s","iss":"AR","aud":"PY","jti":"%032x","t":%d,"v":"accepted"}'
        % (i, hashlib.sha256(b"%d" % i).hexdigest().encode(), i * 7919, 1_767_225_600 + i)
        for i in range(start, stop)
    ]


def leaf_hashes(batch: list[bytes]) -> list[bytes]:
    return [hashlib.sha256(b"\x00" + entry).digest() for entry in batch]


def timed_over_batches(
    total: int,
    work: Callable[[list[bytes]], None],
    prepare: Callable[[list[bytes]], list[bytes]] = list,
) -> float:
    """Seconds spent in ``work`` over all the entries, batch by batch (each batch made, and
    ``prepare``-d, outside the timed section)."""
    spent = 0.0
    for start in range(0, total, BATCH):
        batch = prepare(entries(start, min(start + BATCH, total)))
        begin = time.perf_counter()
        work(batch)
        spent += time.perf_counter() - begin
    return spent


def median_us(samples: list[float]) -> float:
    return statistics.median(samples) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="log size (default 1e6)")
    parser.add_argument("--samples", type=int, default=1_000, help="proofs timed at that size")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random indexes")
    args = parser.parse_args()
    n = args.entries
    if n < 2:
        parser.error("--entries must be at least 2")

    def baseline(batch: list[bytes]) -> None:
        sha256 = hashlib.sha256
        for entry in batch:
            sha256(b"\x00" + entry).digest()

    appended = LogTree()

    def append(batch: list[bytes]) -> None:
        add = appended.append
        for entry in batch:
            add(entry)

    extended = LogTree()

    def extend(batch: list[bytes]) -> None:
        for start in range(0, len(batch), EXTEND):
            extended.extend(batch[start : start + EXTEND])

    hashed = LogTree()

    def append_leaf_hash(batch: list[bytes]) -> None:
        add = hashed.append_leaf_hash
        for value in batch:
            add(value)

    seconds = {
        "baseline: hashlib SHA-256 of each leaf": timed_over_batches(n, baseline),
        "append (leaf hashing included)": timed_over_batches(n, append),
        f"extend, batches of {EXTEND:,} (leaf hashing included)": timed_over_batches(n, extend),
        "append_leaf_hash (the tree alone)": timed_over_batches(n, append_leaf_hash, leaf_hashes),
    }
    if not appended.root() == extended.root() == hashed.root():
        raise SystemExit("the three trees differ")

    print(f"{n:,} entries, {len(entries(0, 1)[0])} bytes each")
    print(f"{'operation':<52} {'per second':>12} {'us each':>8}")
    for name, value in seconds.items():
        print(f"{name:<52} {n / value:>12,.0f} {value / n * 1e6:>8.2f}")
    base = seconds["baseline: hashlib SHA-256 of each leaf"]
    print(f"append costs {seconds['append (leaf hashing included)'] / base:.1f}x the leaf hash")

    tree = appended
    rng = random.Random(args.seed)  # noqa: S311 - which leaves to time, not a secret
    begin = time.perf_counter()
    root = tree.root()
    current_root = time.perf_counter() - begin
    past: list[float] = []
    for _ in range(args.samples):
        size = rng.randrange(1, n)
        begin = time.perf_counter()
        tree.root(size)
        past.append(time.perf_counter() - begin)
    print(f"root at size {n:,}: {current_root * 1e6:.1f} us (right edge in memory)")
    print(f"root at a past size: median {median_us(past):.1f} us ({args.samples} sizes)")

    make: list[float] = []
    check: list[float] = []
    lengths: list[int] = []
    for _ in range(args.samples):
        index = rng.randrange(n)
        begin = time.perf_counter()
        proof = tree.inclusion_proof(index)
        middle = time.perf_counter()
        verify_inclusion(tree.leaf_hash(index), index, n, proof, root)
        end = time.perf_counter()
        make.append(middle - begin)
        check.append(end - middle)
        lengths.append(len(proof))
    print(
        f"inclusion proof at size {n:,}: generate median {median_us(make):.1f} us, verify "
        f"median {median_us(check):.1f} us, {max(lengths)} hashes at most"
    )

    make, check, lengths = [], [], []
    for _ in range(args.samples):
        old = rng.randrange(1, n)
        old_root = tree.root(old)
        begin = time.perf_counter()
        proof = tree.consistency_proof(old)
        middle = time.perf_counter()
        verify_consistency(old, n, proof, old_root, root)
        end = time.perf_counter()
        make.append(middle - begin)
        check.append(end - middle)
        lengths.append(len(proof))
    print(
        f"consistency proof to size {n:,}: generate median {median_us(make):.1f} us, verify "
        f"median {median_us(check):.1f} us, {max(lengths)} hashes at most"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MiB (three trees of {n:,} leaves in memory, 64 B per leaf)")
    print(f"appends/s = {n / seconds['append (leaf hashing included)']:.0f}")


if __name__ == "__main__":
    main()
