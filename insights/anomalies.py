"""Unusual days and figures still settling, for the trend chart.

An unusual day is one whose value is far from what the same weekday usually shows: the median
of the same weekday over the previous HISTORY_WEEKS weeks is the usual level, the median
absolute deviation (MAD) of the days' residuals from their usual levels over those weeks is
the spread, and a day is flagged when its robust z-score (0.6745 x residual / MAD) exceeds
THRESHOLD, with at least MIN_HISTORY earlier weeks behind it, and it is MIN_RELATIVE away
from the usual level. Medians and MADs are not
pulled by the outliers they are looking for, and the weekday comparison keeps a quiet Sunday
from looking like a collapse. A flagged paid day is explained by the campaign whose own value
that day left its usual level the most.

Ad insights of the last SETTLING_DAYS days can still change (conversions are attributed late),
so charts mark them as provisional.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from insights import dashboard, metrics, queries
from insights.dashboard import Filters, FrameSource

SETTLING_DAYS = 28
HISTORY_WEEKS = 8
MIN_HISTORY = 4
THRESHOLD = 3.5
MIN_RELATIVE = 0.25  # and at least this far from the usual value, relatively: it must matter
MAD_TO_SIGMA = 0.6745
# organic metrics summed from the posts published that day
POST_METRICS = frozenset({"posts", "post_reach", "engagement", "engagement_rate"})


def robust_z(
    series: pd.Series,
    weeks: int = HISTORY_WEEKS,
    min_history: int = MIN_HISTORY,
    log: bool = False,
) -> pd.DataFrame:
    """For a daily series (indexed by consecutive dates): the usual value (median of the same
    weekday over the previous `weeks` weeks), the robust z and the number of weeks behind each
    day. With `log`, z is measured on log(1 + value): counts and money vary by a factor more
    than by an amount, and a burst of engagement is not judged against a normal's thin tails."""
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    scale = np.log1p(np.clip(values, 0, None)) if log else values
    # lagged[i, k - 1]: the value k weeks before day i (empty before the series starts)
    lagged = np.full((len(scale), weeks), np.nan)
    for k in range(1, weeks + 1):
        lagged[7 * k :, k - 1] = scale[: max(len(scale) - 7 * k, 0)]
    history = (~np.isnan(lagged)).sum(axis=1)
    centre = _nanmedian(lagged)
    # the spread: the median absolute residual (value minus its weekday's usual level) over
    # the previous weeks, pooled across weekdays: eight values per weekday alone give a MAD
    # so unsteady that one normal day in twenty-five would look unusual
    residual = scale - centre
    span = 7 * weeks  # the days before each day (the first days have fewer)
    earlier = np.concatenate([np.full(span, np.nan), np.abs(residual)[:-1]])
    windows = sliding_window_view(earlier, span)[: len(scale)]
    counted = (~np.isnan(windows)).sum(axis=1)
    mad = np.where(counted >= 7 * min_history, _nanmedian(windows), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = MAD_TO_SIGMA * residual / np.where(mad > 0, mad, np.nan)
    z = np.where(history >= min_history, z, np.nan)
    usual = np.expm1(centre) if log else centre
    return pd.DataFrame(
        {"value": values, "usual": usual, "z": z, "weeks": history}, index=series.index
    )


def _nanmedian(rows: np.ndarray) -> np.ndarray:
    """The median of each row's non-empty values (empty for a row with none)."""
    if rows.size == 0:
        return np.full(len(rows), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-empty rows: empty, as wanted
        return np.nanmedian(rows, axis=1)


def flagged(scored: pd.DataFrame) -> pd.Series:
    """Days far from usual both statistically and in size."""
    relative = (scored["value"] - scored["usual"]).abs() / scored["usual"].abs()
    return (scored["z"].abs() > THRESHOLD) & (relative >= MIN_RELATIVE)


def with_history(filters: Filters) -> Filters:
    """The filters over the range with the HISTORY_WEEKS weeks before it, which the unusual
    days of the range are judged against (the Overview draws its daily trend from it too)."""
    return filters.with_range(filters.since - timedelta(days=7 * HISTORY_WEEKS), filters.until)


def unusual_days(frames: FrameSource, filters: Filters, metric_key: str) -> pd.DataFrame:
    """The days of the filter range where a paid or organic daily metric left its usual range:
    date, value, usual, z, and (paid) the campaign that moved most that day. The daily series
    with its history comes from `frames`, so the paid and the organic metric share it."""
    metric = metrics.ALL_METRICS[metric_key]
    longer = with_history(filters)
    series = frames(dashboard.trend, longer, "day")  # every day, zeros where nothing happened
    empty = pd.DataFrame(columns=["date", "value", "usual", "z", "explanation"])
    if series.empty or metric_key not in series:
        return empty
    by_day = series.set_index("period")
    daily = by_day[metric_key]
    if metric_key in POST_METRICS:  # a day without a post has nothing to judge
        daily = daily.where(by_day["posts"] > 0)
    scored = robust_z(daily, log=metric.numerator is None)
    inside = scored.index >= pd.Timestamp(filters.since)
    found = scored[inside & flagged(scored)].copy()
    if found.empty:
        return empty
    found["explanation"] = ""
    if metric in metrics.PAID_METRICS:
        found["explanation"] = _paid_explanations(frames, longer, metric, found.index)
    elif metric_key in POST_METRICS:
        found["explanation"] = [
            _post_explanation(frames, filters, day, above=value > usual)
            for day, value, usual in zip(found.index, found["value"], found["usual"], strict=True)
        ]
    found = found.reset_index(names="date")
    return found[["date", "value", "usual", "z", "explanation"]]


def campaign_days(
    cur: duckdb.DuckDBPyConnection, filters: Filters, days: tuple[date, ...]
) -> pd.DataFrame:
    """Paid sums per campaign (with its name) on the listed days of the range only."""
    return queries.run(cur, "campaign_days", days=list(days), **filters.paid_params())


def _paid_explanations(
    frames: FrameSource,
    filters: Filters,
    metric: metrics.Metric,
    days: pd.DatetimeIndex,
) -> list[str]:
    """For each flagged day, the campaign whose own value of the metric's driving sum (the
    numerator of a ratio) left its same-weekday usual level the most. Reads only the flagged
    days and their same weekdays before them."""
    wanted = sorted(
        {(day - pd.Timedelta(days=7 * k)).date() for day in days for k in range(HISTORY_WEEKS + 1)}
    )
    found = frames(campaign_days, filters, tuple(wanted))
    if found.empty:
        return [""] * len(days)
    column = metric.numerator or metric.key
    # a days x campaigns grid of the sum (zero where a campaign did not deliver that day)
    codes, campaigns = pd.factorize(found["campaign_id"], sort=True)
    first_rows = np.unique(codes, return_index=True)[1]
    names = found["campaign_name"].to_numpy()[first_rows]
    axis = pd.DatetimeIndex(pd.to_datetime(wanted))
    grid = np.zeros((len(axis), len(campaigns)))
    grid[axis.get_indexer(pd.to_datetime(found["date"])), codes] = found[column].to_numpy(float)
    by_key = {m.key: m for m in metrics.PAID_METRICS}
    label = by_key[column].label if column in by_key else column.replace("_", " ")
    out = []
    for day in days:
        earlier = [day - pd.Timedelta(days=7 * k) for k in range(1, HISTORY_WEEKS + 1)]
        earlier = [d for d in earlier if d >= pd.Timestamp(filters.since)]
        if len(earlier) < MIN_HISTORY:
            out.append("")
            continue
        # every campaign at once: that day's value against its same-weekday median
        gaps = grid[axis.get_loc(day)] - np.median(grid[axis.get_indexer(earlier)], axis=0)
        strongest = int(np.abs(gaps).argmax())
        if abs(gaps[strongest]) <= 0:
            out.append("")
            continue
        out.append(f"{names[strongest]} moved most ({label} {gaps[strongest]:+,.0f} vs usual)")
    return out


def posts_published(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The posts published in the range under the organic filters, newest first."""
    return queries.run(cur, "posts_list", **filters.organic_params())


def _post_explanation(frames: FrameSource, filters: Filters, day: pd.Timestamp, above: bool) -> str:
    """The post that carried an unusually high day, or how many posts a low day had."""
    posts = frames(posts_published, filters.with_range(day.date(), day.date()))
    if posts.empty:
        return ""
    if not above:
        return f"{len(posts)} post{'s' if len(posts) > 1 else ''} that day, all below usual"
    engagement = posts[["likes", "comments", "saves", "shares"]].sum(axis=1)
    top = posts.loc[engagement.idxmax()]
    return (
        f"carried by a {str(top['media_type']).replace('_', ' ').lower()} post with "
        f"{int(engagement.max()):,} engagements and {int(top['reach']):,} reach"
    )


def provisional(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The part of the filter range whose ad figures are still provisional: one row (since,
    until) or none. The window is the last SETTLING_DAYS days up to the latest day of ad data."""
    bounds = queries.run(cur, "data_bounds")
    latest = bounds.iloc[0]["last_ad_day"] if not bounds.empty else None
    if latest is None or pd.isna(latest):
        return pd.DataFrame(columns=["since", "until"])
    last = pd.Timestamp(latest).date()
    since = max(last - timedelta(days=SETTLING_DAYS - 1), filters.since)
    until = min(last, filters.until)
    if since > until:
        return pd.DataFrame(columns=["since", "until"])
    return pd.DataFrame({"since": [since], "until": [until]})
