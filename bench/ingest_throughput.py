"""Ingest throughput from the local demo API into DuckDB: this project's ingester, and dlt's
rest_api source (a well-known generic REST loader) moving the same load as the peer.

The load: the ad account's campaigns and two years of daily age x gender ad insights
(about 56,000 rows), fetched in the same windows from the same demo API; with --copies N the
API serves N copies of every campaign (N x the rows) to show the rate at scale. The API runs
in a child process, as a remote API would: its work is not charged to the ingester's process.
Runs alternate (ours, peer, ours, ...); each writes a new DuckDB file. One warm-up run each.

Run: .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/ingest_throughput.py
Options: --runs N (default 3), --copies N [N ...] (default 1 10; the peer runs on 1 only).
Prints rows, medians, rows per second and the ratio.
Note: dlt stores the API's numbers as the strings they arrive as (it does not parse money
into DECIMAL or pick one conversion action type), so the peer does less work per row.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from insights.demo.dataset import DemoDataset, load
from insights.demo.server import DEMO_TOKEN, DemoApi
from insights.ingest.fetch_ads import AD_INSIGHT_FIELDS, AD_WINDOW_DAYS
from insights.ingest.model import date_windows
from insights.ingest.run import IngestOptions, run_ingest
from insights.settings import Settings
from insights.store.database import Store


def ours(api: ChildApi, folder: Path, run: int, first, last) -> tuple[float, int]:
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


def peer(api: ChildApi, folder: Path, run: int, first, last) -> tuple[float, int]:
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


class ChildApi:
    """The demo API serving `copies` copies of the demo campaigns, in a child process."""

    def __init__(self, copies: int) -> None:
        self.copies = copies

    def __enter__(self) -> ChildApi:
        self._folder = tempfile.TemporaryDirectory()
        port_file = Path(self._folder.name) / "port"
        self._process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(self.copies), "--port-file", str(port_file)]
        )
        deadline = time.monotonic() + 300
        while not port_file.exists() or not port_file.read_text().strip():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the demo API child did not start")
            time.sleep(0.1)
        info = json.loads(port_file.read_text())
        self.base_url = info["base_url"]
        self.ad_account_ids = info["ad_account_ids"]
        self.first, self.last = date.fromisoformat(info["first"]), date.fromisoformat(info["last"])
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.wait(30)
        self._folder.cleanup()


def scaled(copies: int) -> DemoDataset:
    """The demo data set with every campaign (and its insight rows) repeated `copies` times."""
    base = load()
    campaigns, insights = [], []
    for k in range(copies):
        suffix = f"{k:03d}" if k else ""
        c = base.ad_campaigns.copy()
        c["campaign_id"] = c["campaign_id"] + suffix
        c["name"] = c["name"] + (f" #{k + 1}" if k else "")
        i = base.ad_insights_daily.copy()
        i["campaign_id"] = i["campaign_id"] + suffix
        campaigns.append(c)
        insights.append(i)
    return replace(
        base,
        ad_campaigns=pd.concat(campaigns, ignore_index=True),
        ad_insights_daily=pd.concat(insights, ignore_index=True),
    )


def serve(copies: int, port_file: Path) -> None:
    dataset = scaled(copies)
    api = DemoApi(dataset).start()
    dates = dataset.ad_insights_daily["date"]
    info = {
        "base_url": api.base_url,
        "ad_account_ids": api.ad_account_ids,
        "first": dates.min(),
        "last": dates.max(),
    }
    port_file.write_text(json.dumps(info))
    while True:
        time.sleep(3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port_file)
        return
    logging.getLogger("dlt").setLevel(logging.WARNING)
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"{machine}, DuckDB {duckdb.__version__}")
    for copies in args.copies:
        with_peer = copies == 1
        with ChildApi(copies) as api, tempfile.TemporaryDirectory() as tmp:
            first, last = api.first, api.last
            folder = Path(tmp)
            results: dict[str, list[tuple[float, int]]] = {"ours": [], "peer": []}
            ours(api, folder, -1, first, last)  # warm-up: imports, caches, the API's too
            if with_peer:
                peer(api, folder, -1, first, last)
            for run in range(args.runs):
                results["ours"].append(ours(api, folder, run, first, last))
                if with_peer:
                    results["peer"].append(peer(api, folder, run, first, last))
        print(f"load: {copies} x the demo campaigns")
        medians = {}
        for name, label in (("ours", "this project"), ("peer", "dlt rest_api")):
            if not results[name]:
                continue
            times = [t for t, _ in results[name]]
            rows = results[name][0][1]
            medians[name] = statistics.median(times)
            print(
                f"  {label:13} rows {rows:>9,}  wall s min {min(times):.2f} "
                f"median {medians[name]:.2f} max {max(times):.2f}  "
                f"rows/s {rows / medians[name]:>9,.0f}"
            )
        if with_peer:
            pairs = zip(results["ours"], results["peer"], strict=True)
            ratios = [p[0] / o[0] for o, p in pairs]
            print(
                f"  peer time / our time, pair by pair: median {statistics.median(ratios):.2f} "
                f"(min {min(ratios):.2f}, max {max(ratios):.2f}; above 1 means we are faster)"
            )


if __name__ == "__main__":
    main()
