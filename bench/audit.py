"""Benchmark: the transparency log tree (``crypto.transparency``) at a million entries.

    .venv/bin/python bench/audit.py [--entries N] [--samples S] [--db [--batch B]]

In one run, over the same ``N`` log entries (about 190 bytes each, the size of an exchange
event's leaf: envelope hash, states, jti, time, verdict):

- the baseline: raw ``hashlib`` SHA-256 of every leaf (``H(0x00 || entry)``), nothing else;
- ``append``: :meth:`LogTree.append` of each entry one by one, leaf hashing included (what the
  node does per exchange event); ``extend``: the same in batches of 1,000 (one store write per
  batch); ``append_leaf_hash``: the tree alone, leaf hashes computed beforehand;
- at size ``N``: the root (from the right edge kept in memory, and at a past size from the
  store), then over ``S`` random leaves / old sizes the median time to generate and to verify
  an inclusion proof and a consistency proof.

With ``--db``, after the above, the log in a database as the node keeps it (``gateway/tlog.py``):
``N`` entries of the same size (:class:`~gateway.tlog.LogEntry`, encoded by the node) appended
to a SQLite file in a temporary directory (``gateway.store.make_engine``: WAL, synchronous
NORMAL, ``BEGIN IMMEDIATE``) by :func:`~gateway.tlog.append_entries`, one committed transaction
per ``B`` entries (default 100: the gateway judges deliveries in batches of up to 100); then at
size ``N`` the median time to read an inclusion proof from the database
(:func:`~gateway.tlog.inclusion_proof`) and to verify it (``crypto.transparency``) over
``--db-samples`` random leaves (default 200). A million entries into SQLite took about a
minute on the development machine (the whole run with ``--db``: about 80 s, a 400 MiB file).

The issue asks appending to reach at least ten times the full-path rate of
``bench/exchange.py``. The last line reads ``appends/s = N``: without ``--db``, one-by-one
appends in memory with leaf hashing, the slowest of the three ways to append; with ``--db``,
the database append rate (entries committed per second), the figure that matters for the
exchange, since the node logs into its database.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# This directory holds crypto.py (another bench): keep it off the import path, so that
# ``crypto`` below is the package and not that file.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]

from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402
from sqlmodel.ext.asyncio.session import AsyncSession  # noqa: E402

from crypto.transparency import leaf_hash  # noqa: E402
from crypto.transparency.merkle import verify_consistency, verify_inclusion  # noqa: E402
from crypto.transparency.tree import LogTree  # noqa: E402
from gateway import tlog  # noqa: E402
from gateway.store import make_engine  # noqa: E402

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


def log_entries(start: int, stop: int) -> list[tlog.LogEntry]:
    """The same events as :func:`entries`, as the node logs them (:class:`tlog.LogEntry`)."""
    return [
        tlog.LogEntry(
            "received-accepted",
            1_767_225_600 + i,
            {
                "envelope_sha256": hashlib.sha256(b"%d" % i).hexdigest(),
                "iss": "AR",
                "aud": "PY",
                "jti": f"{i * 7919:032x}",
            },
        )
        for i in range(start, stop)
    ]


async def create_log_tables(engine: AsyncEngine) -> None:
    """The tables of ``gateway/tlog.py`` only (what ``create_tables`` makes of them)."""
    tables = [
        model.__table__  # type: ignore[attr-defined]
        for model in (tlog.TlogEntry, tlog.TlogNode, tlog.TlogHead, tlog.TlogCheckpoint)
    ]
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: SQLModel.metadata.create_all(sync, tables=tables))


async def database_run(n: int, batch: int, samples: int, seed: int) -> float:
    """Append ``n`` entries to a SQLite log in transactions of ``batch``, print the figures
    and the proof times at size ``n``; returns the append rate (entries per second)."""
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as directory:
        path = Path(directory) / "tlog.db"
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await create_log_tables(engine)
            spent = 0.0
            for start in range(0, n, BATCH):
                made = log_entries(start, min(start + BATCH, n))
                begin = time.perf_counter()
                for first in range(0, len(made), batch):
                    async with AsyncSession(engine) as session, session.begin():
                        await tlog.append_entries(session, made[first : first + batch])
                spent += time.perf_counter() - begin
            rate = n / spent
            size_mib = sum(f.stat().st_size for f in Path(directory).iterdir()) / 2**20
            print(
                f"SQLite log ({size_mib:,.0f} MiB, WAL included): {n:,} entries of "
                f"{len(log_entries(0, 1)[0].encode())} bytes, transactions of {batch:,} "
                f"(append_entries + commit): {rate:,.0f} appends/s, "
                f"{spent / n * 1e6:.1f} us each, {spent:,.1f} s in all"
            )

            rng = random.Random(seed)  # noqa: S311 - which leaves to time, not a secret
            make: list[float] = []
            check: list[float] = []
            lengths: list[int] = []
            async with engine.connect() as connection:
                size = await tlog.log_size(connection)
                if size != n:
                    raise SystemExit(f"the database log holds {size} entries, not {n}")
                begin = time.perf_counter()
                root = await tlog.root_at(connection)
                root_time = time.perf_counter() - begin
                for _ in range(samples):
                    index = rng.randrange(n)
                    leaf = leaf_hash(log_entries(index, index + 1)[0].encode())
                    begin = time.perf_counter()
                    proof = await tlog.inclusion_proof(connection, index)
                    middle = time.perf_counter()
                    verify_inclusion(leaf, index, n, proof, root)
                    end = time.perf_counter()
                    make.append(middle - begin)
                    check.append(end - middle)
                    lengths.append(len(proof))
            print(f"SQLite root at size {n:,}: {root_time * 1e6:.0f} us (read from the nodes)")
            print(
                f"SQLite inclusion proof at size {n:,}: read median {median_us(make):.0f} us, "
                f"verify median {median_us(check):.1f} us ({samples} indexes, all verified), "
                f"{max(lengths)} hashes at most"
            )
        finally:
            await engine.dispose()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="log size (default 1e6)")
    parser.add_argument("--samples", type=int, default=1_000, help="proofs timed at that size")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random indexes")
    parser.add_argument(
        "--db", action="store_true", help="also append to a SQLite log (gateway/tlog.py)"
    )
    parser.add_argument(
        "--batch", type=int, default=100, help="entries per database transaction (default 100)"
    )
    parser.add_argument(
        "--db-samples", type=int, default=200, help="inclusion proofs read from the database"
    )
    args = parser.parse_args()
    n = args.entries
    if n < 2:
        parser.error("--entries must be at least 2")
    if args.batch < 1:
        parser.error("--batch must be at least 1")
    if args.db_samples < 1:
        parser.error("--db-samples must be at least 1")

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
    rate = n / seconds["append (leaf hashing included)"]
    if args.db:
        rate = asyncio.run(database_run(n, args.batch, args.db_samples, args.seed))
    print(f"appends/s = {rate:.0f}")


if __name__ == "__main__":
    main()
