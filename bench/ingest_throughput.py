"""Ingest throughput from the local demo API into DuckDB: this project's ingester, and dlt's
rest_api source (a well-known generic REST loader) moving the same load as the peer.

The load: the ad account's campaigns and two years of daily age x gender ad insights
(about 56,000 rows), fetched in the same 31-day windows from the same demo API server.
Runs alternate (ours, peer, ours, ...) in this one process; each writes a new DuckDB file.

Run: .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/ingest_throughput.py
Options: --runs N (default 3). Prints rows, medians, rows per second and the ratio.
Note: dlt stores the API's numbers as the strings they arrive as (it does not parse money
into DECIMAL or pick one conversion action type), so the peer does less work per row.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from pathlib import Path

from insights.demo_api import DEMO_TOKEN, DemoApi
from insights.ingest import (
    AD_INSIGHT_FIELDS,
    AD_WINDOW_DAYS,
    IngestOptions,
    date_windows,
    run_ingest,
)
from insights.settings import Settings
from insights.store import Store


def ours(api: DemoApi, folder: Path, run: int, first, last) -> tuple[float, int]:
    path = folder / f"ours{run}.duckdb"
    settings = Settings(
        source="graph",
        base_url=api.base_url,
        access_token=DEMO_TOKEN,
        ad_account_ids=tuple(api.ad_account_ids),
    )
    with Store(path) as store:
        started = time.perf_counter()
        result = run_ingest(store, settings, options=IngestOptions(first, last))
        elapsed = time.perf_counter() - started
    return elapsed, result.total_rows


def peer(api: DemoApi, folder: Path, run: int, first, last) -> tuple[float, int]:
    import dlt
    from dlt.sources.rest_api import rest_api_source

    account = api.ad_account_ids[0]
    insights = [
        {
            "name": f"ad_insights_{start:%Y%m%d}",
            "table_name": "ad_insights",
            "endpoint": {
                "path": f"act_{account}/insights",
                "params": {
                    "level": "campaign",
                    "time_increment": 1,
                    "breakdowns": "age,gender",
                    # dlt reads {..} in params as a template: double the JSON's braces
                    "time_range": json.dumps({"since": start.isoformat(), "until": end.isoformat()})
                    .replace("{", "{{")
                    .replace("}", "}}"),
                    "fields": AD_INSIGHT_FIELDS,
                    "limit": 500,
                },
            },
        }
        for start, end in date_windows(first, last, AD_WINDOW_DAYS)
    ]
    source = rest_api_source(
        {
            "client": {
                "base_url": api.base_url + "/",
                "auth": {"type": "bearer", "token": DEMO_TOKEN},
                "paginator": {"type": "json_link", "next_url_path": "paging.next"},
            },
            "resource_defaults": {
                "write_disposition": "replace",
                "endpoint": {"data_selector": "data"},
            },
            "resources": [
                {
                    "name": "campaigns",
                    "endpoint": {
                        "path": f"act_{account}/campaigns",
                        "params": {
                            "fields": "id,name,objective,status,start_time,stop_time,"
                            "daily_budget,lifetime_budget",
                            "limit": 100,
                        },
                    },
                },
                *insights,
            ],
        }
    )
    pipeline = dlt.pipeline(
        pipeline_name=f"peer{run}",
        pipelines_dir=str(folder / "dlt"),
        destination=dlt.destinations.duckdb(str(folder / f"peer{run}.duckdb")),
        dataset_name="peer",
        progress=None,
    )
    started = time.perf_counter()
    info = pipeline.run(source)
    elapsed = time.perf_counter() - started
    rows = sum(
        pipeline.last_trace.last_normalize_info.row_counts.get(t, 0)
        for t in ("campaigns", "ad_insights")
    )
    del info
    return elapsed, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("dlt").setLevel(logging.WARNING)
    with DemoApi() as api, tempfile.TemporaryDirectory() as tmp:
        dates = api.dataset.ad_insights_daily["date"]
        from datetime import date

        first, last = date.fromisoformat(dates.min()), date.fromisoformat(dates.max())
        folder = Path(tmp)
        results: dict[str, list[tuple[float, int]]] = {"ours": [], "peer": []}
        ours(api, folder, -1, first, last)  # warm-up: imports, caches
        peer(api, folder, -1, first, last)
        for run in range(args.runs):
            results["ours"].append(ours(api, folder, run, first, last))
            results["peer"].append(peer(api, folder, run, first, last))
    medians = {}
    for name, label in (("ours", "this project"), ("peer", "dlt rest_api")):
        times = [t for t, _ in results[name]]
        rows = results[name][0][1]
        medians[name] = statistics.median(times)
        print(
            f"{label:13} rows {rows:>7,}  wall s min {min(times):.2f} "
            f"median {medians[name]:.2f} max {max(times):.2f}  "
            f"rows/s {rows / medians[name]:>9,.0f}"
        )
    ratios = [p[0] / o[0] for o, p in zip(results["ours"], results["peer"], strict=True)]
    print(
        f"peer time / our time, pair by pair: median {statistics.median(ratios):.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}; above 1 means we are faster)"
    )


if __name__ == "__main__":
    main()
