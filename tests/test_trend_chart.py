"""The Overview's trend chart as the render function builds it, on the demo store: what is
shaded, where the post figures have gaps, how partial weeks and months are drawn, the colours
of a series and its average, and where the legend sits. Expectations come from pandas over
the raw demo files."""

from __future__ import annotations

import calendar
import colorsys
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from insights.figures import anomalies, overview
from insights.figures.filters import Filters
from insights.render import overview_charts
from insights.store.database import Store
from tests.conftest import campaigns_in

# which ad figures can still move after delivery: the conversions and their value, and what
# is computed from them (the spec: conversions and conversion_value are the attributed
# actions); spend, impressions and clicks are counted when served
SETTLE_LATE = {"conversions": True, "conversion_value": True, "cvr": True, "cpa": True}
SETTLE_LATE |= {"roas": True, "spend": False, "impressions": False, "clicks": False}
SETTLE_LATE |= {"ctr": False, "cpc": False, "cpm": False}


@pytest.fixture
def store(demo_store_copy):
    with Store(demo_store_copy) as opened:
        yield opened


def _figure(store, raw, filters: Filters, paid: str, organic: str, grain: str, window: int = 0):
    with store.cursor() as cur:
        series = overview.trend_view(cur, filters, grain, window)
        settling = anomalies.provisional(cur, filters)
    averaged = None
    if window:
        rolled = [c for c in series.columns if c.endswith("_avg")]
        averaged = series[["period", *rolled]].rename(columns=lambda c: c.removesuffix("_avg"))
    provisional = (settling["since"].iloc[0], settling["until"].iloc[0])
    return overview_charts.trend_figure(
        series,
        paid,
        organic,
        grain,
        averaged,
        provisional=provisional,
        currency="USD",
        since=filters.since,
        until=filters.until,
    )


def _usd(raw, demo_range, days: int) -> Filters:
    until = demo_range[1]
    return Filters(until - timedelta(days=days - 1), until, campaign_ids=campaigns_in(raw, "USD"))


@pytest.mark.parametrize("paid", sorted(SETTLE_LATE))
def test_only_figures_that_settle_late_are_shaded(store, raw, demo_range, paid):
    figure = _figure(store, raw, _usd(raw, demo_range, 28), paid, "engagement", "day")
    shaded = [s for s in figure.layout.shapes if s.type == "rect"]
    assert len(shaded) == (1 if SETTLE_LATE[paid] else 0)
    assert anomalies.settles_late(paid) == SETTLE_LATE[paid]


def _posts_per_day(raw, since: date, until: date) -> pd.DataFrame:
    media = raw["ig_media"]
    day = pd.to_datetime(media["timestamp"], utc=True).dt.tz_localize(None).dt.normalize()
    engagement = pd.to_numeric(media["total_interactions"])
    frame = pd.DataFrame({"day": day, "engagement": engagement})
    frame = frame[(frame["day"] >= pd.Timestamp(since)) & (frame["day"] <= pd.Timestamp(until))]
    return frame.groupby("day")["engagement"].sum()


def test_days_without_a_post_are_gaps_not_zeros(store, raw, demo_range):
    filters = _usd(raw, demo_range, 28)
    figure = _figure(store, raw, filters, "spend", "engagement", "day", 7)
    line = next(t for t in figure.data if t.name == "Engagement")
    days = pd.to_datetime(pd.Series(line.x))
    values = pd.Series(line.y, dtype="float64")
    per_day = _posts_per_day(raw, filters.since, filters.until)
    quiet = ~days.isin(per_day.index)
    assert quiet.sum() > 0  # the demo has days without a post in the last 28
    assert values[quiet].isna().all()
    assert list(values[~quiet]) == list(per_day.reindex(days[~quiet]).astype(float))
    assert "markers" in line.mode and line.connectgaps is False  # a lone post day is a point
    # the spend series has no gaps: a day without delivery is a real zero
    spend = next(t for t in figure.data if t.name == "Spend")
    assert not pd.Series(spend.y, dtype="float64").isna().any()


def _hue(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(red, green, blue)[0]


def test_a_series_and_its_average_share_a_colour(store, raw, demo_range):
    figure = _figure(store, raw, _usd(raw, demo_range, 28), "spend", "engagement", "day", 7)
    for label in ("Spend", "Engagement"):
        series = next(t for t in figure.data if t.name == label)
        average = next(t for t in figure.data if t.name == f"{label}, 7-day average")
        assert average.line.dash == "dash" and series.line.dash in (None, "solid")
        assert _hue(average.line.color) == pytest.approx(_hue(series.line.color), abs=0.01)
    hues = {
        _hue(next(t for t in figure.data if t.name == n).line.color)
        for n in ("Spend", "Engagement")
    }
    assert len(hues) == 2  # paid and organic stay apart


@pytest.mark.parametrize("grain", ["month", "week"])
def test_partial_first_and_last_periods_are_marked(store, raw, demo_range, grain):
    filters = _usd(raw, demo_range, 90)
    figure = _figure(store, raw, filters, "spend", "engagement", grain)
    since, until = filters.since, filters.until
    if grain == "month":
        first_start = since.replace(day=1)
        last_end = until.replace(day=calendar.monthrange(until.year, until.month)[1])
        whole_first = calendar.monthrange(since.year, since.month)[1]
        whole_last = last_end.day
    else:
        first_start = since - timedelta(days=since.weekday())
        last_end = until + timedelta(days=6 - until.weekday())
        whole_first = whole_last = 7
    cut_first, cut_last = first_start < since, last_end > until
    assert cut_first or cut_last  # the demo's last 90 days do not fall on whole periods
    series = next(t for t in figure.data if t.name == "Spend")
    periods = pd.to_datetime(pd.Series(series.x))
    values = pd.Series(series.y, dtype="float64")
    assert np.isnan(values.iloc[0]) == cut_first and np.isnan(values.iloc[-1]) == cut_last
    assert values.iloc[1:-1].notna().all()  # whole periods on the solid line
    dotted = next(t for t in figure.data if t.name == "Spend, partial" and t.mode == "lines")
    assert dotted.line.dash == "dot" and dotted.line.color == series.line.color
    points = next(t for t in figure.data if t.name == "Spend, partial" and t.mode == "markers")
    expected = []
    if cut_first:
        held = (min(first_start + timedelta(days=whole_first - 1), until) - since).days + 1
        expected.append((periods.iloc[0], f"{held} of {whole_first} days"))
    if cut_last:
        last_start = periods.iloc[-1].date()
        held = (until - max(last_start, since)).days + 1
        expected.append((periods.iloc[-1], f"{held} of {whole_last} days"))
    assert list(pd.to_datetime(pd.Series(points.x))) == [x for x, _ in expected]
    for text, (_, days) in zip(points.text, expected, strict=True):
        assert f"partial {grain}" in text and days in text
    assert "%{text}" in points.hovertemplate


def test_a_day_grain_has_no_partial_period(store, raw, demo_range):
    figure = _figure(store, raw, _usd(raw, demo_range, 28), "spend", "engagement", "day")
    assert not any(t.name and t.name.endswith(", partial") for t in figure.data)


def test_the_legend_sits_under_the_chart_clear_of_the_toolbar(store, raw, demo_range):
    figure = _figure(store, raw, _usd(raw, demo_range, 28), "conversions", "engagement", "day", 7)
    legend = figure.layout.legend
    assert legend.orientation == "h" and legend.yanchor == "top" and legend.y < 0


def test_a_short_follower_history_is_drawn_with_whole_ticks_a_day_apart():
    # one snapshot (a store refreshed once): the axis must not repeat '108,690' or '22 Nov'
    history = pd.DataFrame({"date": [date(2026, 11, 23)], "followers": [108_690]})
    layout = overview_charts.follower_figure(history).to_dict()["layout"]
    low, high = layout["yaxis"]["range"]
    assert low < 108_690 < high
    assert layout["yaxis"]["dtick"] >= 1 and layout["yaxis"]["tickformat"] == ",d"
    assert layout["xaxis"]["dtick"] == 24 * 3600 * 1000  # one tick a day, each a new day
