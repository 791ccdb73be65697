"""Directory query latency on SQLite and PostgreSQL: `python -m bench.directory [N]`.

Times what one referral costs the action server: `Directory.find` (the SQL filter on need and
nation, then ranking) for a mix of needs, nations, languages and audiences, after a warm-up.
PostgreSQL runs in a schema of its own, dropped afterwards; if it cannot be reached it is reported
as skipped, not as a failure.
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from actions.directory.catalogue import NATIONS, default_catalogue
from actions.directory.finder import Directory
from actions.directory.ranking import ReferralRequest
from actions.directory.store import Store, make_engine, temporary_schema_store
from tooling.stats import percentile

PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
WARM_UP = 20


def requests() -> Iterator[ReferralRequest]:
    """An endless, repeatable mix of the referrals people ask for."""
    needs = ["domestic_abuse", "forced_marriage", "immigration_advice", "men", "suicide", "modern_slavery", "nrpf"]
    combos = itertools.product(needs, (None, *NATIONS), (None, "spanish"), ("public", "staff"))
    return itertools.cycle(
        [ReferralRequest(need, nation, language, audience) for need, nation, language, audience in combos]
    )


def time_queries(directory: Directory, n: int) -> dict[str, float]:
    directory.prepare()
    mix = requests()
    for _ in range(WARM_UP):
        directory.find(next(mix))
    samples = []
    for _ in range(n):
        request = next(mix)
        started = time.perf_counter()
        directory.find(request)
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "n": n,
        "p50_ms": round(percentile(samples, 50), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "mean_ms": round(statistics.fmean(samples), 2),
    }


@contextmanager
def sqlite_store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory(prefix="bench-directory-") as folder:
        store = Store(make_engine(f"sqlite+pysqlite:///{folder}/directory.sqlite3"))
        try:
            yield store
        finally:
            store.engine.dispose()


def postgres_store() -> Iterator[Store]:
    return temporary_schema_store(PG_URL, "directory_bench")


def measure(n: int = 500) -> dict[str, Any]:
    """p50/p95 latency (ms) of one referral lookup, per database."""
    catalogue = default_catalogue()
    results: dict[str, Any] = {}
    with sqlite_store() as store:
        results["sqlite"] = time_queries(Directory(store, catalogue), n)
    try:
        with postgres_store() as store:
            results["postgresql"] = time_queries(Directory(store, catalogue), n)
    except Exception as error:  # no PostgreSQL here: say so rather than fail the whole benchmark
        results["postgresql"] = {"skipped": f"{type(error).__name__}: PostgreSQL not reachable"}
    return results


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 500
    print(f"Directory referral lookup (Directory.find), {n} queries after {WARM_UP} warm-up:")
    for backend, figures in measure(n).items():
        if "skipped" in figures:
            print(f"  {backend:<11} skipped ({figures['skipped']})")
        else:
            print(f"  {backend:<11} p50 {figures['p50_ms']:7.2f} ms   p95 {figures['p95_ms']:7.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
