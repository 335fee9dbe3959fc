"""Server-side time of every page at the ad level's size: 50,000,000 ad-level rows.

A synthetic store is generated once (`insights demo-data --scale-ads N`, kept in bench/out/):
N rows of ad insights by day, age and gender in ad_level_daily, the placements of the same
ads and days in proportion (about 8 placements per ad and day), their sums at the campaign
level, ad sets, ads and creatives with pictures, and 1,000,000 posts. Then, each in a fresh
process, as bench/page_speed.py measures them:

- page: what a rerun after a filter change computes (a new filter each run, so no cache
  helps), median over --runs changes: every page of page_speed.py, and the Ads page as it
  opens (the campaign level with reach and totals, the creative grid, the placements), its
  drill-down (a campaign picked, then one of its ad sets: their tables, creatives and
  placements), the creative grid alone and the placements alone;
- floor: the same SQL statements alone, run straight on DuckDB and fetched as Arrow;
- naive: a typical Streamlit dashboard: the tables loaded into pandas once (the ad-level ones
  with their ids as categories, or 50M rows would not fit in memory as Python strings), then
  each change filtered and grouped in pandas;
- rss: the peak resident memory of each process;
- rerun (--reruns): the whole Ads page script through Streamlit's AppTest;
- memory (--memory): the peak memory of one query over every column of the big tables, in a
  store opened as the dashboard opens it, with DuckDB's default limit and within the
  dashboard's memory budget (INSIGHTS_READ_MEMORY_MB).

Run: .venv/bin/python bench/ad_level_speed.py [--rows 50000000] [--runs 7] [--reruns | --memory]
Prints one table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import page_speed
import pandas as pd

from insights.demo import ad_scale
from insights.figures import ad_drill, metrics
from insights.figures.filters import Filters
from insights.figures.frames import Frames
from insights.settings import Settings
from insights.store.database import Store

OUT = Path(__file__).resolve().parent / "out"
POSTS = 1_000_000
FIGURES = ["spend", "impressions", "clicks", "link_clicks", "conversions", "conversion_value"]


def store_for(rows: int) -> Path:
    path = OUT / f"ad_scale_{rows}.duckdb"
    if path.exists():
        Store(path).close()  # opened for writing once: the migrations it has not seen yet
    else:
        OUT.mkdir(exist_ok=True)
        started = time.perf_counter()
        counts = ad_scale.generate(path, rows, POSTS)
        print(
            f"generated {path.name}: {counts} in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return path


def picks(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The (campaign, ad set) pairs the drill-down picks, spread over the campaigns: a
    campaign and its first ad set by id."""
    found = con.execute(
        "SELECT campaign_id, min(adset_id) FROM ad_sets GROUP BY campaign_id ORDER BY campaign_id"
    ).fetchall()
    return [(str(c), str(a)) for c, a in found[:: max(1, len(found) // 17)]]


# -- our pages ------------------------------------------------------------------------------

PICKS: list[tuple[str, str]] = []


def _pick(f: Filters) -> tuple[str, str]:
    """The pair a filter change drills into (the same in our process and the naive one)."""
    return PICKS[(f.since.toordinal() + f.until.toordinal()) % len(PICKS)]


def ads_page(cur: duckdb.DuckDBPyConnection, f: Filters) -> None:
    """The Ads page as it opens: the campaign level, the creative grid and the placements of
    every ad, sharing the figures as the app's cache does."""
    frames = Frames(cur)
    table = frames(ad_drill.campaign_level_table, f)
    ad_drill.totals(table, "campaign")
    frames(ad_drill.reach_note, f)
    ad_drill.creative_grid(frames, f, None, None, "spend")
    frames(ad_drill.ad_table, f, None, None)
    frames(ad_drill.placements, f, None, None, None)


def ads_drill(cur: duckdb.DuckDBPyConnection, f: Filters) -> None:
    """A campaign picked (its ad sets, creatives, placements), then one of its ad sets (its
    ads, creatives, placements)."""
    campaign, adset = _pick(f)
    frames = Frames(cur)
    for scope in ((campaign, None), (campaign, adset)):
        table = (
            frames(ad_drill.ad_set_table, f, campaign)
            if scope[1] is None
            else frames(ad_drill.ad_table, f, *scope)
        )
        ad_drill.totals(table, "adset" if scope[1] is None else "ad")
        ad_drill.creative_grid(frames, f, *scope, "spend")
        frames(ad_drill.ad_table, f, *scope)
        frames(ad_drill.placements, f, *scope, None)


def creative_grid(cur: duckdb.DuckDBPyConnection, f: Filters) -> None:
    ad_drill.creative_grid(Frames(cur), f, None, None, "ctr")


def placements(cur: duckdb.DuckDBPyConnection, f: Filters) -> None:
    ad_drill.placements(cur, f, None, None, None)


AD_PAGES: dict[str, Callable[[duckdb.DuckDBPyConnection, Filters], None]] = {
    "Ads (as it opens)": ads_page,
    "Ads: drill-down to an ad set's ads": ads_drill,
    "Ads: creative grid": creative_grid,
    "Ads: placements": placements,
}


def measure_ours(rows: int, runs: int) -> dict[str, Any]:
    path = store_for(rows)
    with duckdb.connect(str(path), read_only=True) as con:
        PICKS[:] = picks(con)
    return page_speed.measure_pages(path, {**page_speed.PAGES, **AD_PAGES}, runs)


# -- the naive peer ---------------------------------------------------------------------------


def _ad_rows(frame: pd.DataFrame, f: Filters, **picked: str | None) -> pd.DataFrame:
    mask = (frame["date"] >= pd.Timestamp(f.since)) & (frame["date"] <= pd.Timestamp(f.until))
    if f.campaign_ids:
        mask &= frame["campaign_id"].isin(f.campaign_ids)
    if f.genders and "gender" in frame:
        mask &= frame["gender"].isin(f.genders)
    for column, value in picked.items():
        if value is not None:
            mask &= frame[column] == value
    return frame[mask]


def _table(rows: pd.DataFrame, by: str, objects: pd.DataFrame) -> pd.DataFrame:
    sums = rows.groupby(by, observed=True, as_index=False)[[*FIGURES, "results"]].sum()
    return metrics.add_ratios(sums.merge(objects, on=by, how="left"))


def _grid(data: dict[str, pd.DataFrame], f: Filters, rows: pd.DataFrame) -> None:
    """Ranked ads with their creatives, and the fatigue weeks of the view's last 4 weeks."""
    ads = _table(rows, "ad_id", data["ads"]).nlargest(ad_drill.MAX_CARDS, "spend")
    ads.merge(data["ad_creatives"], on="creative_id", how="left")
    recent = rows[rows["date"] > pd.Timestamp(f.until - timedelta(days=28))]
    back = (pd.Timestamp(f.until) - recent["date"]).dt.days // 7
    weekly = recent.groupby(["ad_id", back], observed=True)[["impressions", "clicks", "reach"]]
    weekly.sum()


def _placements(data: dict[str, pd.DataFrame], f: Filters, **picked: str | None) -> None:
    rows = _ad_rows(data["ad_level_placement_daily"], f, **picked)
    keys = ["publisher_platform", "platform_position", "impression_device"]
    metrics.add_ratios(rows.groupby(keys, observed=True, as_index=False)[FIGURES].sum())


def naive_ads_page(data: dict[str, pd.DataFrame], f: Filters) -> None:
    paid = page_speed._paid(data["ad_insights_daily"], data["ad_campaigns"], f)
    metrics.add_ratios(page_speed._sums(paid, ["campaign_id"]).merge(data["ad_campaigns"]))
    rows = _ad_rows(data["ad_level_daily"], f)
    _grid(data, f, rows)
    _placements(data, f)


def naive_drill(data: dict[str, pd.DataFrame], f: Filters) -> None:
    campaign, adset = _pick(f)
    rows = _ad_rows(data["ad_level_daily"], f, campaign_id=campaign)
    _table(rows, "adset_id", data["ad_sets"])
    _grid(data, f, rows)
    _placements(data, f, campaign_id=campaign)
    in_adset = rows[rows["adset_id"] == adset]
    _table(in_adset, "ad_id", data["ads"])
    _grid(data, f, in_adset)
    _placements(data, f, campaign_id=campaign, adset_id=adset)


def naive_grid(data: dict[str, pd.DataFrame], f: Filters) -> None:
    _grid(data, f, _ad_rows(data["ad_level_daily"], f))


def naive_placements(data: dict[str, pd.DataFrame], f: Filters) -> None:
    if not (f.ages or f.genders):  # as ours: no placement figures under an age or gender filter
        _placements(data, f)


NAIVE_AD_PAGES: dict[str, Callable[[dict[str, pd.DataFrame], Filters], None]] = {
    "Ads (as it opens)": naive_ads_page,
    "Ads: drill-down to an ad set's ads": naive_drill,
    "Ads: creative grid": naive_grid,
    "Ads: placements": naive_placements,
}


def load_ad_level(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """An ad-level table in pandas, read in batches with its text columns as categories (of
    the values the table holds, the same for every batch, so they concatenate as categories)."""
    texts = [
        c
        for (c, kind) in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = $t AND column_name != 'import_id'",
            {"t": table},
        ).fetchall()
        if kind == "VARCHAR"
    ]
    categories = {
        c: pd.Index(
            sorted(v for (v,) in con.execute(f"SELECT DISTINCT {c} FROM {table}").fetchall())
        )
        for c in texts
    }
    reader = con.sql(f"SELECT * EXCLUDE (import_id) FROM {table}").to_arrow_reader(5_000_000)
    parts = []
    for batch in reader:
        part = batch.to_pandas()
        for c in texts:
            part[c] = pd.Categorical(part[c], categories=categories[c])
        for c in ("spend", "conversion_value"):
            part[c] = part[c].astype("float64")
        part["date"] = pd.to_datetime(part["date"])
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def measure_naive(rows: int, runs: int) -> dict[str, Any]:
    path = store_for(rows)
    started = time.perf_counter()
    data = page_speed.load_naive(path)
    con = duckdb.connect(str(path), read_only=True)
    for table in ("ad_level_daily", "ad_level_placement_daily"):
        data[table] = load_ad_level(con, table)
    for table in ("ad_sets", "ads"):
        data[table] = con.execute(f"SELECT * FROM {table}").df()
    data["ad_creatives"] = con.execute("SELECT * FROM ad_creatives").df()
    PICKS[:] = picks(con)
    con.close()
    result: dict[str, Any] = {"naive load": (time.perf_counter() - started) * 1000}
    result.update(
        page_speed.measure_naive_pages(data, {**page_speed.NAIVE, **NAIVE_AD_PAGES}, runs)
    )
    result["naive_rss_mb"] = page_speed.peak_rss_mb()
    return result


# -- the table ------------------------------------------------------------------------------


def _child(kind: str, rows: int, runs: int, page: str = "") -> dict[str, Any]:
    """One measurement in a fresh process, so each peak memory figure is its own."""
    command = [sys.executable, __file__, "--child", kind, "--rows", str(rows), "--runs", str(runs)]
    done = subprocess.run(
        [*command, "--page", page] if page else command,
        check=True,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(done.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def table(rows: int, runs: int) -> list[str]:
    ours = _child("ours", rows, runs)
    naive = _child("naive", rows, runs)
    lines = [
        "| page | first load ms | filter change ms (median) | raw query floor ms "
        "| naive pandas ms | naive / ours | ours / floor |",
        "|" + " --- |" * 7,
    ]
    for page in {**page_speed.PAGES, **AD_PAGES}:
        lines.append(f"| {page} | {page_speed.page_cells(ours, naive, page)} |")
    lines.append(f"| (naive: load the tables into pandas) | {naive['naive load']:,.0f} | | | | | |")
    lines.append("")
    lines.append(f"peak RSS: ours {ours['rss_mb']:,.0f} MB, naive {naive['naive_rss_mb']:,.0f} MB")
    return lines


def reruns(rows: int, runs: int) -> list[str]:
    lines = [
        "| page | whole rerun ms (median) | worst ms | peak RSS MB |",
        "| --- | --- | --- | --- |",
    ]
    for page in ("Ads", *page_speed.RERUN_PAGES):
        found = _child("reruns", rows, runs, page)
        lines.append(
            f"| {page} | {found['rerun']:,.0f} | {found['worst']:,.0f} | {found['rss_mb']:,.0f} |"
        )
    return lines


BIG_TABLES = ("ad_level_daily", "ad_level_placement_daily", "ad_insights_daily")


def measure_budget(rows: int, budget_mb: int | None) -> dict[str, Any]:
    """One query over every column of each big table (what a long-lived dashboard's cache
    can come to hold), in a store opened as the dashboard opens it, within `budget_mb` (None:
    DuckDB's default limit); the process's peak memory and the time it took."""
    store = Store(store_for(rows), read_only=True)
    store.lock_down(read_memory_mb=budget_mb)
    started = time.perf_counter()
    with store.cursor() as cur:
        for name in BIG_TABLES:
            cur.execute(f"SELECT count(DISTINCT COLUMNS(*)) FROM {name}").fetchall()
    seconds = time.perf_counter() - started
    return {"budget": budget_mb, "seconds": seconds, "rss_mb": page_speed.peak_rss_mb()}


def budgets(rows: int) -> list[str]:
    lines = ["| memory budget | peak RSS MB | seconds |", "| --- | --- | --- |"]
    for budget in (None, Settings().read_memory_mb):
        command = [sys.executable, __file__, "--child", "budget", "--rows", str(rows)]
        if budget is not None:
            command += ["--budget", str(budget)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        found = json.loads(done.stdout.strip().splitlines()[-1])
        shown = "DuckDB's default" if budget is None else f"{budget} MB (the dashboard's)"
        lines.append(f"| {shown} | {found['rss_mb']:,.0f} | {found['seconds']:.1f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reruns", action="store_true", help="measure whole page reruns")
    parser.add_argument("--budget", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help="measure the memory budget")
    parser.add_argument(
        "--child", choices=["ours", "naive", "reruns", "budget"], help=argparse.SUPPRESS
    )
    parser.add_argument("--page", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "budget":
        print(json.dumps(measure_budget(args.rows, args.budget)))
        return
    if args.child == "reruns":
        found = page_speed.measure_reruns_at(store_for(args.rows), args.runs, args.page)
        print(json.dumps({**found, "rss_mb": page_speed.peak_rss_mb()}))
        return
    if args.child:
        measure = measure_ours if args.child == "ours" else measure_naive
        print(json.dumps(measure(args.rows, args.runs)))
        return
    path = store_for(args.rows)  # generated outside the measured processes
    with duckdb.connect(str(path), read_only=True) as con:
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("ad_level_daily", "ad_level_placement_daily", "ad_insights_daily", "ads")
        }
        posts = con.execute("SELECT count(*) FROM ig_media").fetchone()[0]  # type: ignore[index]
    print(f"runs per figure: {args.runs}; machine: {page_speed._machine()}")
    print(", ".join(f"{t} {n:,}" for t, n in counts.items()) + f", ig_media {posts:,}")
    if args.memory:
        print("\n".join(budgets(args.rows)))
    elif args.reruns:
        print("\n".join(reruns(args.rows, args.runs)))
    else:
        print("\n".join(table(args.rows, args.runs)))


if __name__ == "__main__":
    main()
