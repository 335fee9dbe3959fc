"""The Overview's trend is assembled once, outside the UI: the page and the report draw the
same panel (series, averages, unusual and provisional days), and a rerun reads the store's
data version once."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from insights.figures.filters import Filters, followed
from insights.figures.frames import Frames
from insights.figures.trend_panel import trend_panel
from insights.render import report
from insights.store.database import Store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def _calls(path: Path) -> set[str]:
    """The dotted names a module calls (`overview.trend_view(...)` -> 'overview.trend_view')."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call):
            target = node.func
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                out.add(f"{target.value.id}.{target.attr}")
            elif isinstance(target, ast.Name):
                out.add(target.id)
    return out


def test_the_page_and_the_report_build_the_trend_with_one_function():
    for module in ("insights/ui/overview.py", "insights/render/report.py"):
        calls = _calls(ROOT / module)
        assert "trend_panel" in calls, module
        # neither assembles the series, averages or unusual days itself
        for own in (
            "overview.trend",
            "overview.trend_view",
            "overview.daily_view",
            "anomalies.unusual_days",
            "anomalies.provisional",
        ):
            assert own not in calls, (module, own)


def test_the_panel_is_the_raw_rows_per_day_with_their_7_day_average(
    demo_store_file, raw, demo_range
):
    until = demo_range[1]
    since = until - timedelta(days=27)
    with Store(demo_store_file, read_only=True) as store, store.cursor() as cur:
        panel = trend_panel(Frames(cur), Filters(since, until), "impressions", "posts")
    ads = raw["ad_insights_daily"]
    daily = (
        ads.assign(impressions=ads["impressions"].astype(int)).groupby("date")["impressions"].sum()
    )
    days = pd.date_range(since - timedelta(days=6), until).strftime("%Y-%m-%d")
    daily = daily.reindex(days, fill_value=0)
    expected_avg = daily.rolling(7).mean().iloc[6:].to_numpy()
    assert list(panel.series["impressions"]) == list(daily.iloc[6:])
    assert panel.averaged is not None
    assert list(panel.averaged["impressions"].round(6)) == list(expected_avg.round(6))
    assert not any(c.endswith("_avg") for c in panel.series.columns)
    shown = panel.download()
    assert list(shown.columns) == [
        "day",
        "impressions",
        "posts",
        "impressions_7day_average",
        "posts_7day_average",
    ]
    # the last days of ad data are still settling: the panel says from when
    last_ad_day = pd.Timestamp(ads["date"].max()).date()
    assert panel.provisional is not None and panel.provisional[1] == min(last_ad_day, until)


def test_the_report_draws_the_panels_figures(demo_store_file, demo_range):
    until = demo_range[1]
    since = until - timedelta(days=27)
    filters = Filters(since, until)
    with Store(demo_store_file, read_only=True) as store, store.cursor() as cur:
        page = report.html_report(cur, filters, "Report")
        panel = trend_panel(Frames(cur), filters, "impressions", "engagement")
    notes = panel.unusual_notes()
    # the report's chart has the unusual days the page lists, and its provisional shading
    for note in notes:
        assert note.split(":")[0] in page
    assert "Unusual days" in page if notes else "Unusual days" not in page


def test_a_rerun_reads_the_data_version_once(app_env, monkeypatch):
    reads = []
    original = Store.data_version

    def counted(self: Store) -> int:
        reads.append(1)
        return original(self)

    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    monkeypatch.setattr(Store, "data_version", counted)  # counts the real reads
    at.run()
    assert not at.exception and len(at.metric) > 0
    assert len(reads) == 1


class _Counting(Frames):
    """Frames that count the computations they run (a cached one is not run again)."""

    def __init__(self, cur) -> None:
        super().__init__(cur)
        self.runs: list[str] = []

    def __call__(self, compute, filters, /, *extra):
        if (compute, followed(compute, filters), *extra) not in self._done:
            self.runs.append(compute.__name__)
        return super().__call__(compute, filters, *extra)


def test_the_panel_computes_its_daily_history_once_whatever_the_currency(
    demo_store_file, demo_range
):
    until = demo_range[1]
    filters = Filters(until - timedelta(days=89), until)  # both currencies, viral posts too
    with Store(demo_store_file, read_only=True) as store, store.cursor() as cur:
        every = _Counting(cur)
        all_currencies = trend_panel(every, filters, "impressions", "engagement")
        usd = _Counting(cur)
        one_currency = trend_panel(usd, filters, "spend", "engagement", currency="USD")
    # the chart and its unusual days (paid and organic) read one daily history
    assert every.runs.count("trend") == 1, every.runs
    assert usd.runs.count("trend") == 1, usd.runs
    # and a view of one currency of several marks the same organic days as every currency's
    organic_every, organic_usd = all_currencies.unusual[1], one_currency.unusual[1]
    assert organic_every is not None and organic_usd is not None
    assert not organic_every.empty
    pd.testing.assert_frame_equal(organic_every, organic_usd)


def test_the_figures_asked_ahead_are_computed_once_and_are_the_pages(app_env, monkeypatch):
    """The Overview asks its heaviest figures of the store ahead, on worker threads: each is
    still computed once per new view (the page waits for it, never computes it again), and
    the page shows the same figures as without the workers."""
    import functools
    import threading

    from insights.figures import campaigns, overview
    from insights.ui import context

    runs: list[tuple[str, str]] = []
    for module, name in (
        (overview, "kpi_table"),
        (overview, "trend"),
        (campaigns, "campaign_table"),
    ):
        original = getattr(module, name)

        @functools.wraps(original)  # its name (the cache's key) and its @follows mark
        def counted(*args, _original=original, _name=name, **kwargs):
            runs.append((_name, threading.current_thread().name))
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["range"] = "last_90"
    at.run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    names = [name for name, _ in runs]
    assert names.count("kpi_table") == 1 and names.count("trend") == 1
    assert names.count("campaign_table") == 2  # the period and the one it is compared with
    assert any(thread.startswith("figures") for _, thread in runs)  # asked ahead
    # the same view with nothing asked ahead shows the same cards
    context._cached.clear()
    monkeypatch.setattr(context, "prefetch", lambda *calls: None)
    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params["range"] = "last_90"
    again.run()
    assert {m.label: m.value for m in again.metric} == shown
