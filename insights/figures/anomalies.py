"""Unusual days and figures still settling, for the trend chart.

An unusual day is one whose value is far from what the same weekday usually shows: the median
of the same weekday over the previous HISTORY_WEEKS weeks is the usual level, the median
absolute deviation (MAD) of the days' residuals from their usual levels over those weeks is
the spread, and a day is flagged when its robust z-score (0.6745 x residual / MAD) exceeds
THRESHOLD, with at least MIN_HISTORY earlier weeks behind it, and it is MIN_RELATIVE away
from the usual level. Medians and MADs are not
pulled by the outliers they are looking for, and the weekday comparison keeps a quiet Sunday
from looking like a collapse. A flagged paid day is explained by the campaign whose own value
that day left its usual level the most. The organic figures of posts (engagement, reach,
engagement rate) are judged post by post against each post's own account instead (see
post_outliers): a day is unusual when one of its posts is.

Ad insights of the last SETTLING_DAYS days can still change (conversions are attributed late),
so charts mark them as provisional; only the metrics that rest on conversions or their value
settle late (settles_late): spend, impressions and clicks are final when delivered.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from insights.figures import metrics, overview, post_outliers
from insights.figures.filters import PAID, Filters, follows
from insights.figures.frames import FrameSource
from insights.store import queries

SETTLING_DAYS = 28
HISTORY_WEEKS = 8
MIN_HISTORY = 4
THRESHOLD = 3.5
MIN_RELATIVE = 0.25  # and at least this far from the usual value, relatively: it must matter
MAD_TO_SIGMA = 0.6745
MEDIA_NOUNS = {"IMAGE": "image", "VIDEO": "video", "CAROUSEL_ALBUM": "carousel"}


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


def unusual_days(
    frames: FrameSource,
    filters: Filters,
    metric_key: str,
    currency: str | None = overview.ALL_CURRENCIES,
) -> pd.DataFrame:
    """The days of the filter range where a paid or organic daily metric left its usual range:
    date, value, usual, z, and what explains it (paid: the campaign that moved most that day;
    post engagement, reach and rate: the post far from its own account's usual level, see
    post_outliers). The daily series with its history comes from `frames`, so the paid and
    the organic metric share it; `currency` is the history's, as the trend panel reads it
    (the organic figures are the same in every currency's history)."""
    metric = metrics.ALL_METRICS[metric_key]
    longer = with_history(filters)
    # every day, zeros where nothing happened; asked with the very arguments the trend panel
    # gives, so the page's cache computes it once for both
    series = frames(overview.trend, longer, "day", currency)
    empty = pd.DataFrame(columns=["date", "value", "usual", "z", "explanation"])
    if series.empty or metric_key not in series:
        return empty
    by_day = series.set_index("period")
    if metric_key in post_outliers.JUDGED:  # judged post by post, each against its account
        return _post_days(frames, filters, metric_key, by_day)
    daily = by_day[metric_key]
    if metric_key == "posts":  # a day without a post has nothing to judge
        daily = daily.where(daily > 0)
    scored = robust_z(daily, log=metric.numerator is None)
    inside = scored.index >= pd.Timestamp(filters.since)
    found = scored[inside & flagged(scored)].copy()
    if found.empty:
        return empty
    found["explanation"] = ""
    if metric in metrics.PAID_METRICS:
        found["explanation"] = _paid_explanations(frames, longer, metric, found.index)
    found = found.reset_index(names="date")
    return found[["date", "value", "usual", "z", "explanation"]]


def _post_days(
    frames: FrameSource, filters: Filters, metric_key: str, by_day: pd.DataFrame
) -> pd.DataFrame:
    """The days with a post far from its own account's usual level (post_outliers): the
    day's value, what it would have been had those posts been usual, the strongest post's z,
    and that post."""
    posts = frames(post_outliers.unusual_posts, filters, metric_key, HISTORY_WEEKS)
    rows = []
    for day, group in posts.groupby("date", sort=True):
        if day not in by_day.index:
            continue
        strongest = group.loc[group["z"].abs().idxmax()]
        sums = by_day.loc[day]
        if metric_key == "engagement_rate":  # the day's rate with usual rates for those posts
            excess = float((group["reach"] * (group["value"] - group["usual"])).sum())
            usual = metrics.ratio(sums["engagement"] - excess, sums["post_reach"])
        else:
            usual = float(sums[metric_key] - (group["value"] - group["usual"]).sum())
        rows.append(
            {
                "date": day,
                "value": float(sums[metric_key]),
                "usual": usual,
                "z": float(strongest["z"]),
                "explanation": _post_explanation(strongest, metric_key, len(group) - 1),
            }
        )
    return pd.DataFrame(rows, columns=["date", "value", "usual", "z", "explanation"])


def _post_explanation(post: pd.Series, metric_key: str, others: int) -> str:
    """'a video post of @shop: 38,444 engagements, 14.5x its usual 2,652'."""
    kind = MEDIA_NOUNS.get(str(post["media_type"]))
    what = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} post" if kind else "a post"
    what = f"{what} of {post['account']}"
    value, usual = float(post["value"]), float(post["usual"])
    if metric_key == "engagement_rate":
        figure = f"engagement rate {value:.2%}, usual {usual:.2%}"
    else:
        noun = "engagements" if metric_key == "engagement" else "reach"
        times = f"{value / usual:.1f}x" if usual > 0 else "far above"
        figure = f"{value:,.0f} {noun}, {times} its usual {usual:,.0f}"
    more = f" (and {others} more unusual post{'s' if others > 1 else ''})" if others else ""
    return f"{what}: {figure}{more}"


@follows(PAID)
def campaign_days(
    cur: duckdb.DuckDBPyConnection, filters: Filters, days: tuple[date, ...]
) -> pd.DataFrame:
    """Paid sums per campaign (with its name) on the listed days of the range only."""
    return queries.run(cur, "campaign_days", days=list(days), **filters.paid_params())


# the sums over the campaigns that sell, and what they are of one campaign that sells
SALES_SUM_OF = {
    "sales_spend": "spend",
    "sales_conversions": "conversions",
    "sales_value": "conversion_value",
}


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
    # a campaign that does not sell has no sales figures: nothing of a CPA's or ROAS's sums
    sums = found[column].astype("float64").fillna(0.0).to_numpy()
    grid[axis.get_indexer(pd.to_datetime(found["date"])), codes] = sums
    by_key = {m.key: m for m in metrics.PAID_METRICS}
    own = SALES_SUM_OF.get(column, column)  # a campaign's sales spend is its spend
    label = by_key[own].label if own in by_key else own.replace("_", " ")
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


LATE_SUMS = frozenset({"conversions", "conversion_value", "sales_conversions", "sales_value"})


def settles_late(key: str) -> bool:
    """Whether a metric's recent days may still change: it is, or is a ratio over, the
    conversions or their value (attributed up to 28 days after the click); spend,
    impressions and clicks (and CTR, CPC, CPM) are final when delivered."""
    metric = metrics.ALL_METRICS.get(key)
    if metric is None:
        return False
    return bool({metric.key, metric.numerator, metric.denominator} & LATE_SUMS)


@follows()
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
