"""Creative fatigue per ad: an ad whose people see it more and more often while they click it
less and less has tired, and a fresh creative or a wider audience would do better (issue 18).
Nothing here imports Streamlit.

An ad is judged over the last full 7-day weeks of the view (week k: the 7 days ending k weeks
before its last day). Its frequency is each week's average daily frequency: impressions over
the sum of its daily reach, i.e. how many times a person who saw the ad on a day saw it that
day, on average (a week's reach is not the sum of its days' reach, so a weekly frequency cannot
be read from daily rows). Its CTR is clicks / impressions (metrics.py).
"""

from __future__ import annotations

import math
from datetime import timedelta

import duckdb
import numpy as np
import pandas as pd

from insights.figures import campaigns
from insights.figures.filters import PAID, Filters, follows
from insights.store import queries

# -- what makes an ad "tiring" (each must hold) ----------------------------------------------
# at least this many weeks judged: over two weeks a change is a change, not a trend
MIN_WEEKS = 3
# the last week's frequency at least this much above the first week's (a fifth more views per
# person a day): a smaller rise is within an audience's weekly ups and downs
MIN_FREQUENCY_RISE = 0.20
# the last week's CTR at least this much below the first week's: with enough impressions a
# fall of a few percent is "real" by the test below yet no reason to change a creative
MIN_CTR_FALL = 0.15
# impressions in each of the first and the last week: below this, the clicks of a week are too
# few for the test of their rates to mean much (3,000 impressions at a 1% CTR are 30 clicks)
MIN_WEEK_IMPRESSIONS = 3_000
# the ad's share of the spend of all the ads in the view (in its currency) over the weeks
# judged: an ad below it moves less than 1% of the results whatever is done with it, so it is
# not worth a sentence; a share rather than an amount, which would mean nothing across currencies
MIN_SPEND_SHARE = 0.01

COLUMNS = [
    "ad_id",
    "ad_name",
    "adset_id",
    "campaign_id",
    "campaign_name",
    "currency",
    "spend",
    "impressions",
    "clicks",
    "weeks",
    "weeks_with_delivery",
    "impressions_first",
    "impressions_last",
    "clicks_first",
    "clicks_last",
    "frequency_first",
    "frequency_last",
    "ctr_first",
    "ctr_last",
    "frequency_slope",
    "ctr_slope",
    "ctr_fall_ci_low",
    "spend_share",
    "tiring",
    "sample",
]


def judged_weeks(filters: Filters, weeks: int) -> int:
    """How many full weeks ending at `filters.until` are judged: `weeks`, or as many as the
    view holds when it is shorter (a fatigue signal never reads days outside the view)."""
    return max(0, min(weeks, ((filters.until - filters.since).days + 1) // 7))


@follows(PAID)
def ad_fatigue(cur: duckdb.DuckDBPyConnection, filters: Filters, weeks: int = 4) -> pd.DataFrame:
    """One row per ad with delivery in the last `weeks` full weeks of the view (fewer when the
    view is shorter; none under MIN_WEEKS), under the paid filters: its sums over those weeks,
    its first and last week's average daily frequency and CTR, their least-squares slopes
    (per week, relative to their mean over the weeks), the CTR fall's 95% interval low end,
    its share of its currency's spend and whether it is tiring (the rule of the constants
    above), with `sample` = the impressions the judgement rests on. Biggest spenders first."""
    n = judged_weeks(filters, weeks)
    if n < MIN_WEEKS:
        return pd.DataFrame(columns=COLUMNS)
    params = filters.ad_params()
    params["since"] = filters.until - timedelta(days=7 * n - 1)
    found = queries.run(cur, "ad_fatigue_weeks", **params)
    if found.empty:
        return pd.DataFrame(columns=COLUMNS)
    for column in ("spend", "impressions", "clicks", "reached_impressions", "daily_reach"):
        found[column] = pd.to_numeric(found[column], errors="coerce").astype("float64")
    rows = [_judged(group, n) for _, group in found.groupby("ad_id", sort=True)]
    out = pd.DataFrame(rows)
    currency = out["currency"].fillna("")
    total = out.groupby(currency)["spend"].transform("sum")
    out["spend_share"] = (out["spend"] / total.where(total > 0)).astype("float64")
    out["tiring"] = out["tiring"] & (out["spend_share"] >= MIN_SPEND_SHARE)
    out = out.sort_values(["spend", "ad_id"], ascending=[False, True], ignore_index=True)
    return out[COLUMNS]


def _judged(weeks: pd.DataFrame, n: int) -> dict[str, object]:
    """One ad's row from its weekly rows (weeks_back 0 .. n-1)."""
    by_week = weeks.set_index("weeks_back").reindex(range(n - 1, -1, -1))  # oldest first
    impressions = by_week["impressions"].fillna(0).to_numpy()
    clicks = by_week["clicks"].fillna(0).to_numpy()
    reached = by_week["reached_impressions"].fillna(0).to_numpy()
    reach = by_week["daily_reach"].fillna(0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        frequency = np.where(reach > 0, reached / reach, np.nan)
        ctr = np.where(impressions > 0, clicks / impressions, np.nan)
    frequency_slope, ctr_slope = relative_slope(frequency), relative_slope(ctr)
    first = weeks.iloc[0]
    row: dict[str, object] = {
        "ad_id": first["ad_id"],
        "ad_name": first["ad_name"],
        "adset_id": first["adset_id"],
        "campaign_id": first["campaign_id"],
        "campaign_name": first["campaign_name"],
        "currency": first["currency"] if isinstance(first["currency"], str) else None,
        "spend": float(weeks["spend"].sum()),
        "impressions": float(impressions.sum()),
        "clicks": float(clicks.sum()),
        "weeks": n,
        "weeks_with_delivery": int((impressions > 0).sum()),
        "impressions_first": float(impressions[0]),
        "impressions_last": float(impressions[-1]),
        "clicks_first": float(clicks[0]),
        "clicks_last": float(clicks[-1]),
        "frequency_first": float(frequency[0]),
        "frequency_last": float(frequency[-1]),
        "ctr_first": float(ctr[0]),
        "ctr_last": float(ctr[-1]),
        "frequency_slope": frequency_slope,
        "ctr_slope": ctr_slope,
        "sample": int(impressions.sum()),
    }
    # the first week's CTR minus the last's, with its 95% interval (two independent
    # proportions, as the Campaigns page compares two campaigns' rates)
    gap = campaigns._difference(clicks[0], impressions[0], clicks[-1], impressions[-1])
    row["ctr_fall_ci_low"] = ci_low = float(gap["ci_low"])  # type: ignore[arg-type]
    known = np.isfinite([frequency[0], frequency[-1], ctr[0], ctr[-1]]).all()
    row["tiring"] = bool(
        known
        and row["weeks_with_delivery"] == n
        and min(impressions[0], impressions[-1]) >= MIN_WEEK_IMPRESSIONS
        and frequency[-1] >= (1 + MIN_FREQUENCY_RISE) * frequency[0]
        and frequency_slope > 0
        and ctr[-1] <= (1 - MIN_CTR_FALL) * ctr[0]
        and ctr_slope < 0
        and gap["verdict"] == "real gap"
        and ci_low > 0  # the fall, not a rise, is larger than chance
    )
    return row


def relative_slope(values: np.ndarray) -> float:
    """The least-squares slope of `values` over their weeks (equally spaced, oldest first),
    per week, relative to their mean: 0.1 is a rise of a tenth of the mean a week. Empty
    weeks are left out; NaN with fewer than two values or a mean of zero."""
    x = np.arange(len(values), dtype="float64")
    keep = np.isfinite(values)
    if keep.sum() < 2:
        return math.nan
    x, y = x[keep], values[keep]
    mean = float(y.mean())
    if mean == 0:
        return math.nan
    slope = float(((x - x.mean()) * (y - mean)).sum() / ((x - x.mean()) ** 2).sum())
    return slope / mean


def tiring_ads(table: pd.DataFrame) -> pd.DataFrame:
    """The tiring rows of an `ad_fatigue` table, biggest spenders first."""
    return table[table["tiring"].astype(bool)]
