"""Ingest throughput: the whole demo data set from the local demo API into a fresh store.

Run: .venv/bin/python bench/ingest_demo.py [--runs 3]
Prints rows written, HTTP requests, and the median wall time and rows per second over the runs
(each run into a new temporary DuckDB file, all runs in this one process).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from insights.ingest import run_ingest
from insights.settings import Settings
from insights.store import Store


def one_run(folder: Path, index: int) -> tuple[float, int, int]:
    path = folder / f"bench{index}.duckdb"
    with Store(path) as store:
        start = time.perf_counter()
        result = run_ingest(store, Settings(db_path=path, source="demo"))
        elapsed = time.perf_counter() - start
    return elapsed, result.total_rows, result.requests_made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = [one_run(Path(folder), i) for i in range(args.runs)]
    times = [r[0] for r in results]
    rows, requests = results[0][1], results[0][2]
    median = statistics.median(times)
    print(f"runs: {args.runs}  rows per run: {rows:,}  HTTP requests per run: {requests:,}")
    print(f"wall s  min {min(times):.2f}  median {median:.2f}  max {max(times):.2f}")
    print(f"rows/s  median {rows / median:,.0f}")


if __name__ == "__main__":
    main()
