"""Server-side time of each dashboard page after a filter change, at several store sizes.

For each size (ad insight rows; posts are a tenth of that) a synthetic store is generated once
(`insights demo-data --scale N`, kept in bench/out/) and measured in a fresh process:

- page: the page's compute functions (what a rerun after a filter change computes, the cache
  missing because the filters are new), median over --runs different filter changes;
- first: the first computation of each page after the store is opened;
- floor: the same SQL statements alone, run straight on DuckDB and fetched as Arrow;
- naive: the way a typical Streamlit dashboard does it: every table loaded into pandas once
  (its load time is 'naive load'), then each filter change filtered and grouped in pandas;
- rss: the peak resident memory of the process measuring our pages, and of the naive one;
- rerun (--reruns): everything the server does for a filter change, the whole script of the
  page run through Streamlit's AppTest (the filters set in the sidebar as a person sets them:
  widgets, figures, plotly serialization, the message to the browser), median over --runs
  filter changes, one fresh process per page so no page reuses another's cache.

Run: .venv/bin/python bench/page_speed.py [--sizes 10000,1000000,10000000] [--runs 7]
     .venv/bin/python bench/page_speed.py --reruns [--sizes 10000000] [--runs 7]
Prints one table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from insights.demo import scale as scale_data
from insights.figures import anomalies, campaigns, content, metrics, narratives
from insights.figures import overview as overview_figures
from insights.figures.filters import Filters
from insights.figures.frames import Frames
from insights.settings import Settings
from insights.store import queries
from insights.store.database import DERIVED, Store

OUT = Path(__file__).resolve().parent / "out"
LAST = scale_data.LAST_DAY


def store_for(rows: int) -> Path:
    path = OUT / f"scale_{rows}.duckdb"
    if path.exists():
        Store(path).close()  # opened for writing once: the migrations it has not seen yet
    else:
        OUT.mkdir(exist_ok=True)
        started = time.perf_counter()
        counts = scale_data.generate(path, rows, max(1, rows // 10))
        print(
            f"generated {path.name}: {counts} in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return path


def filter_changes(runs: int, campaign_ids: list[str]) -> list[Filters]:
    """Different filters each run, as a marketer clicks through: ranges, a campaign, a gender."""
    out = []
    for k in range(runs):
        until = LAST - timedelta(days=k)
        since = until - timedelta(days=[27, 89, 6, 27, 364][k % 5])
        extra: dict[str, Any] = {}
        if k % 3 == 1:
            extra["campaign_ids"] = tuple(campaign_ids[k : k + 3])
        if k % 4 == 2:
            extra["genders"] = ("female",)
        out.append(Filters(since, until, **extra))
    return out


# -- our pages ------------------------------------------------------------------------------


def _overview_figures(frames: Frames, f: Filters) -> None:
    frames(overview_figures.kpi_table, f)
    frames(overview_figures.trend_view, f, "day", 7)
    frames(campaigns.campaign_table, f)


def overview(cur: duckdb.DuckDBPyConnection, f: Filters) -> None:
    """The Overview's figures: KPI cards, trend chart, campaign table."""
    _overview_figures(Frames(cur), f)


def overview_with_insights(cur: duckdb.DuckDBPyConnection, f: Filters) -> None:
    """The whole Overview as the app computes it: the figures, then the sentences, unusual
    days and settling days built on them (sharing the figures, as the app's cache does)."""
    frames = Frames(cur)
    frames(overview_figures.kpi_table, f)
    history = frames(overview_figures.trend, anomalies.with_history(f), "day")
    overview_figures.daily_view(history, f.since, 7)
    frames(campaigns.campaign_table, f)
    narratives.overview_table(frames, f)
    anomalies.unusual_days(frames, f, "spend")
    anomalies.unusual_days(frames, f, "engagement")
    frames(anomalies.provisional, f)


def campaigns_page(cur: duckdb.DuckDBPyConnection, f: Filters) -> None:
    table = campaigns.campaign_table(cur, f)
    campaigns.totals(table)
    picked = campaigns.default_pick(table)
    campaigns.daily(cur, f, picked)
    campaigns.rate_differences(table, picked)
    campaigns.breakdown(cur, f, picked)


def content_page(cur: duckdb.DuckDBPyConnection, f: Filters) -> None:
    """The Content page's figures: formats, top posts, best time, hashtags."""
    content.formats(cur, f)
    content.top_posts(cur, f, "engagement_rate", 10)
    content.best_time(cur, f, "Europe/Paris")
    content.hashtags(cur, f, 5)


def content_with_recommendations(cur: duckdb.DuckDBPyConnection, f: Filters) -> None:
    """The whole Content page: its figures and what to post next, per account."""
    content_page(cur, f)
    content.recommendations(cur, f, "Europe/Paris")


def data_page(cur: duckdb.DuckDBPyConnection, f: Filters) -> None:
    queries.run(cur, "table_freshness")
    queries.run(cur, "ingest_runs", limit=20)


PAGES: dict[str, Callable[[duckdb.DuckDBPyConnection, Filters], None]] = {
    "Overview": overview,
    "Overview with insights": overview_with_insights,
    "Campaigns": campaigns_page,
    "Content": content_page,
    "Content with recommendations": content_with_recommendations,
    "Data": data_page,
}


class Recorder:
    """Records the (query, params) a page runs, as frames or as Arrow, to replay them raw as
    the floor."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._run, self._arrow = queries.run, queries.arrow

    def __enter__(self) -> Recorder:
        def run(cur: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
            self.calls.append((name, params))
            return self._run(cur, name, **params)

        def arrow(cur: duckdb.DuckDBPyConnection, name: str, **params: Any) -> Any:
            self.calls.append((name, params))
            return self._arrow(cur, name, **params)

        queries.run, queries.arrow = run, arrow  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        queries.run, queries.arrow = self._run, self._arrow  # type: ignore[assignment]


def measure_ours(rows: int, runs: int) -> dict[str, Any]:
    return {"rows": rows, **measure_pages(store_for(rows), PAGES, runs)}


def measure_pages(
    path: Path, pages: dict[str, Callable[[duckdb.DuckDBPyConnection, Filters], None]], runs: int
) -> dict[str, Any]:
    """Each page's first computation, its median over `runs` filter changes and the median of
    its SQL alone (the floor), in this process; with its peak memory. The store is opened
    as the dashboard opens it: locked down, within its memory budget."""
    store = Store(path, read_only=True)
    store.lock_down(read_memory_mb=Settings().read_memory_mb)
    result: dict[str, Any] = {}
    with store.cursor() as cur:
        ids = list(queries.run(cur, "campaign_options")["campaign_id"])
        changes = filter_changes(runs + 1, ids)
        for name, page in pages.items():
            started = time.perf_counter()
            page(cur, changes[0])
            result[f"{name}.first"] = (time.perf_counter() - started) * 1000
            times, floors = [], []
            for f in changes[1:]:
                with Recorder() as recorded:
                    started = time.perf_counter()
                    page(cur, f)
                    times.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                for query, params in recorded.calls:
                    sql, values = queries.get(query).bind(params)
                    cur.sql(sql, params=values).to_arrow_table()
                floors.append((time.perf_counter() - started) * 1000)
            result[f"{name}.page"] = statistics.median(times)
            result[f"{name}.floor"] = statistics.median(floors)
    result["rss_mb"] = peak_rss_mb()
    return result


# -- whole reruns ---------------------------------------------------------------------------

RERUN_PAGES = ("Overview", "Campaigns", "Content", "Data")
# the entry script (insights/ui/app.py) with one page in its router, so AppTest opens that page
ONE_PAGE_APP = """
import streamlit as st
from insights.ui import ads_page, campaigns_page, content_page, context, data_page, frame, overview
RENDER = {{"Overview": overview.render, "Campaigns": campaigns_page.render,
          "Ads": ads_page.render, "Content": content_page.render, "Data": data_page.render}}
st.set_page_config(page_title="Marketing insights", layout="wide")
context.settings()
context.new_run()
page = st.navigation([st.Page(RENDER[{title!r}], title={title!r}, default=True)])
frame.draw(page)
page.run()
"""


def sidebar_changes(runs: int) -> list[dict[str, Any]]:
    """Filter changes as a person makes them in the sidebar, each a new view."""
    cycle: list[dict[str, Any]] = [
        {"f_preset": "last_90"},
        {"f_preset": "last_7"},
        {"f_genders": ["female"]},
        {"f_preset": "this_month", "f_genders": []},
        {"f_compare": "last_year"},
        {"f_preset": "ytd", "f_compare": "previous"},
        {"f_preset": "last_30"},
    ]
    return [cycle[k % len(cycle)] for k in range(runs)]


def measure_reruns(rows: int, runs: int, page: str) -> dict[str, Any]:
    return {"rows": rows, **measure_reruns_at(store_for(rows), runs, page)}


def measure_reruns_at(path: Path, runs: int, page: str) -> dict[str, Any]:
    """The median and worst whole rerun of `page` over `runs` sidebar changes, on the store
    at `path`, through AppTest."""
    from streamlit.testing.v1 import AppTest

    os.environ["INSIGHTS_DB"] = str(path)
    at = AppTest.from_string(ONE_PAGE_APP.format(title=page), default_timeout=600)
    at.run()  # the first load of the page (its caches filled for the default view)
    if at.exception:
        raise SystemExit(f"{page}: {at.exception[0].message}")
    result: dict[str, Any] = {"page": page}
    times = []
    # the Data page follows no filter: a rerun there is what any click on it costs
    changes = sidebar_changes(runs) if page != "Data" else [{} for _ in range(runs)]
    for change in changes:
        for key, value in change.items():
            widget = at.multiselect(key=key) if isinstance(value, list) else at.selectbox(key=key)
            widget.set_value(value)
        started = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - started) * 1000)
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].message}")
    result["rerun"] = statistics.median(times)
    result["worst"] = max(times)
    return result


def reruns_table(sizes: list[int], runs: int) -> list[str]:
    lines = [
        "| ad rows | page | whole rerun ms (median) | worst ms |",
        "| --- | --- | --- | --- |",
    ]
    for rows in sizes:
        for page in RERUN_PAGES:
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "reruns",
                    "--page",
                    page,
                    "--sizes",
                    str(rows),
                    "--runs",
                    str(runs),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            found = json.loads(done.stdout.strip().splitlines()[-1])
            lines.append(f"| {rows:,} | {page} | {found['rerun']:,.0f} | {found['worst']:,.0f} |")
    return lines


# -- the naive peer ---------------------------------------------------------------------------


def _sums(frame: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    columns = ["spend", "impressions", "clicks", "link_clicks", "conversions", "conversion_value"]
    if by:
        return frame.groupby(by, as_index=False)[columns].sum()
    return frame[columns].sum().to_frame().T


def _paid(ads: pd.DataFrame, campaigns_frame: pd.DataFrame, f: Filters) -> pd.DataFrame:
    mask = (ads["date"] >= pd.Timestamp(f.since)) & (ads["date"] <= pd.Timestamp(f.until))
    if f.campaign_ids:
        mask &= ads["campaign_id"].isin(f.campaign_ids)
    if f.genders:
        mask &= ads["gender"].isin(f.genders)
    if f.ages:
        mask &= ads["age"].isin(f.ages)
    return ads[mask]


def _posts(media: pd.DataFrame, f: Filters) -> pd.DataFrame:
    day = media["posted_at"].dt.tz_convert("UTC").dt.normalize().dt.tz_localize(None)
    return media[(day >= pd.Timestamp(f.since)) & (day <= pd.Timestamp(f.until))]


def naive_overview(data: dict[str, pd.DataFrame], f: Filters) -> None:
    ads, media, daily = data["ad_insights_daily"], data["ig_media"], data["ig_account_daily"]
    before = f.comparison_range() or (f.since, f.until)
    for window in (f, f.with_range(*before)):
        metrics.add_ratios(_sums(_paid(ads, data["ad_campaigns"], window)))
        posts = _posts(media, window)
        posts[["reach", "like_count", "comments_count", "saved", "shares"]].sum()
        daily[(daily["date"] >= pd.Timestamp(window.since))]["reach"].sum()
    paid = _paid(ads, data["ad_campaigns"], f)
    metrics.add_ratios(_sums(paid, ["date"]))
    extended = _paid(ads, data["ad_campaigns"], f.with_range(f.since - timedelta(days=6), f.until))
    metrics.add_ratios(_sums(extended, ["date"]).set_index("date").rolling(7).sum())
    table = _sums(paid, ["campaign_id"]).merge(data["ad_campaigns"], on="campaign_id")
    metrics.add_ratios(table)


def naive_campaigns(data: dict[str, pd.DataFrame], f: Filters) -> None:
    paid = _paid(data["ad_insights_daily"], data["ad_campaigns"], f)
    table = metrics.add_ratios(_sums(paid, ["campaign_id"]).merge(data["ad_campaigns"]))
    picked = list(table.sort_values("spend").campaign_id.tail(3))
    chosen = paid[paid["campaign_id"].isin(picked)]
    metrics.add_ratios(_sums(chosen, ["campaign_id", "date"]))
    metrics.add_ratios(_sums(chosen, ["age", "gender"]))


def naive_content(data: dict[str, pd.DataFrame], f: Filters) -> None:
    posts = _posts(data["ig_media"], f).copy()
    posts["engagement"] = posts[["like_count", "comments_count", "saved", "shares"]].sum(axis=1)
    posts["rate"] = posts["engagement"] / posts["reach"].where(posts["reach"] > 0)
    posts.nlargest(10, "rate")
    posts.groupby("media_type")["rate"].quantile([0.1, 0.25, 0.5, 0.75, 0.9])
    posts.groupby("media_product_type")["rate"].quantile([0.1, 0.25, 0.5, 0.75, 0.9])
    local = posts["posted_at"].dt.tz_convert("Europe/Paris")
    posts.groupby([local.dt.day_of_week, local.dt.hour])[["reach", "engagement"]].sum()
    tags = posts["caption"].str.lower().str.findall(r"#\w+").map(lambda t: sorted(set(t)))
    exploded = posts.assign(tag=tags).explode("tag")
    counted = exploded.groupby("tag")[["reach", "engagement"]].agg(["size", "sum"])
    counted[counted[("reach", "size")] >= 5]


def naive_data(data: dict[str, pd.DataFrame], f: Filters) -> None:
    {name: len(frame) for name, frame in data.items()}


NAIVE = {
    "Overview": naive_overview,
    "Campaigns": naive_campaigns,
    "Content": naive_content,
    "Data": naive_data,
}


def measure_naive(rows: int, runs: int) -> dict[str, Any]:
    started = time.perf_counter()
    data = load_naive(store_for(rows))
    result: dict[str, Any] = {"naive load": (time.perf_counter() - started) * 1000}
    result.update(measure_naive_pages(data, NAIVE, runs))
    result["naive_rss_mb"] = peak_rss_mb()
    return result


def load_naive(path: Path) -> dict[str, pd.DataFrame]:
    """Every table the naive pages read, loaded into pandas once."""
    con = duckdb.connect(str(path), read_only=True)
    # the tables as the API fills them: without the hashtags the store derives for our pages
    # (the naive peer extracts them from the captions itself)
    data = {
        name: con.execute(f"SELECT * EXCLUDE ({derived}) FROM {name}").df()
        if (derived := ", ".join(c for c, _, _ in DERIVED.get(name, ())))
        else con.execute(f"SELECT * FROM {name}").df()
        for name in ("ad_insights_daily", "ad_campaigns", "ig_media", "ig_account_daily")
    }
    for frame in data.values():
        if "date" in frame:
            frame["date"] = pd.to_datetime(frame["date"])
    for column in ("spend", "conversion_value"):
        data["ad_insights_daily"][column] = data["ad_insights_daily"][column].astype("float64")
    con.close()
    return data


def measure_naive_pages(
    data: dict[str, pd.DataFrame],
    pages: dict[str, Callable[[dict[str, pd.DataFrame], Filters], None]],
    runs: int,
) -> dict[str, Any]:
    """Each naive page's median over the same filter changes as ours."""
    result: dict[str, Any] = {}
    changes = filter_changes(runs + 1, list(data["ad_campaigns"]["campaign_id"]))
    for name, page in pages.items():
        times = []
        for f in changes[1:]:
            started = time.perf_counter()
            page(data, f)
            times.append((time.perf_counter() - started) * 1000)
        result[f"{name}.naive"] = statistics.median(times)
    return result


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own memory map;
    ru_maxrss is not reset by exec on Linux, so a child started by a big parent (one that
    has just generated a 10M-row store) would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(kind: str, rows: int, runs: int) -> dict[str, Any]:
    """Run one measurement in a fresh process, so each peak memory figure is its own."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--sizes", str(rows), "--runs", str(runs)],
        check=True,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(done.stderr)
    return dict(json.loads(done.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000,10000000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--reruns", action="store_true", help="measure whole page reruns")
    parser.add_argument("--child", choices=["ours", "naive", "reruns"], help=argparse.SUPPRESS)
    parser.add_argument("--page", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child == "reruns":
        print(json.dumps(measure_reruns(sizes[0], args.runs, args.page)))
        return
    if args.reruns:
        for rows in sizes:
            store_for(rows)
        print(f"runs per figure: {args.runs}; machine: {_machine()}")
        print("\n".join(reruns_table(sizes, args.runs)))
        return
    if args.child:
        measure = measure_ours if args.child == "ours" else measure_naive
        print(json.dumps(measure(sizes[0], args.runs)))
        return
    for rows in sizes:
        store_for(rows)  # generate outside the measured processes
    lines = []
    header = (
        "| ad rows | page | first load ms | filter change ms (median) | raw query floor ms "
        "| naive pandas ms | naive / ours | ours / floor | peak RSS MB (ours / naive) |"
    )
    lines += [header, "|" + " --- |" * 9]
    for rows in sizes:
        ours = _child("ours", rows, args.runs)
        naive = _child("naive", rows, args.runs)
        for page in PAGES:
            lines.append(
                f"| {rows:,} | {page} | {page_cells(ours, naive, page)} "
                f"| {ours['rss_mb']:,.0f} / {naive['naive_rss_mb']:,.0f} |"
            )
        lines.append(
            f"| {rows:,} | (naive: load every table into pandas) | {naive['naive load']:,.0f} "
            "| | | | | | |"
        )
    print(f"runs per figure: {args.runs}; machine: {_machine()}")
    print("\n".join(lines))


def page_cells(ours: dict[str, Any], naive: dict[str, Any], page: str) -> str:
    """A page's table cells: first load, median change, floor, naive, naive / ours, ours /
    floor (a page without a naive peer says so)."""
    mine, floor = ours[f"{page}.page"], ours[f"{page}.floor"]
    peer = naive.get(f"{page}.naive")
    peer_ms, ratio = (
        (f"{peer:,.{1 if peer >= 1 else 3}f}", f"{peer / mine:,.{1 if peer >= 1 else 3}f}x")
        if peer is not None
        else ("– (no peer)", "–")
    )
    return (
        f"{ours[f'{page}.first']:,.0f} | {mine:,.1f} | {floor:,.1f} | {peer_ms} | {ratio} "
        f"| {mine / floor:,.2f}x"
    )


def _machine() -> str:
    cores = len(os.sched_getaffinity(0))
    memory_gib = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    python = sys.version.split()[0]
    return f"{cores} cores, {memory_gib:.0f} GiB, Python {python}, DuckDB {duckdb.__version__}"


if __name__ == "__main__":
    main()
