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
    out = _judged(found, n)
    currency = out["currency"].fillna("")
    total = out.groupby(currency)["spend"].transform("sum")
    out["spend_share"] = (out["spend"] / total.where(total > 0)).astype("float64")
    out["tiring"] = out["tiring"] & (out["spend_share"] >= MIN_SPEND_SHARE)
    out = out.sort_values(["spend", "ad_id"], ascending=[False, True], ignore_index=True)
    return out[COLUMNS]


def _judged(found: pd.DataFrame, n: int) -> pd.DataFrame:
    """One row per ad (in the rows' order) from the weekly rows of every ad (weeks_back 0 .. n-1),
    judged all at once: each figure an array of ads x weeks, oldest week first."""
    # the rows come by ad (ORDER BY ad_id, weeks_back): an ad's first row starts its block
    starts = found["ad_id"].ne(found["ad_id"].shift()).to_numpy()
    first = found[starts].set_index("ad_id")  # what names the ad: its latest week's row
    ids = first.index
    at = (np.cumsum(starts) - 1, n - 1 - found["weeks_back"].to_numpy(dtype="int64"))

    def weekly(column: str) -> np.ndarray:
        grid = np.zeros((len(ids), n))
        grid[at] = found[column].fillna(0).to_numpy(dtype="float64")
        return grid

    impressions, clicks = weekly("impressions"), weekly("clicks")
    reached, reach, spend = weekly("reached_impressions"), weekly("daily_reach"), weekly("spend")
    with np.errstate(divide="ignore", invalid="ignore"):
        frequency = np.where(reach > 0, reached / reach, np.nan)
        ctr = np.where(impressions > 0, clicks / impressions, np.nan)
    out = pd.DataFrame(
        {
            "ad_id": ids,
            **{
                c: first[c].to_numpy()
                for c in ("ad_name", "adset_id", "campaign_id", "campaign_name")
            },
            "currency": first["currency"]
            .astype(object)
            .where(first["currency"].notna(), None)
            .to_numpy(),
            "spend": spend.sum(axis=1),
            "impressions": impressions.sum(axis=1),
            "clicks": clicks.sum(axis=1),
            "weeks": n,
            "weeks_with_delivery": (impressions > 0).sum(axis=1),
            "impressions_first": impressions[:, 0],
            "impressions_last": impressions[:, -1],
            "clicks_first": clicks[:, 0],
            "clicks_last": clicks[:, -1],
            "frequency_first": frequency[:, 0],
            "frequency_last": frequency[:, -1],
            "ctr_first": ctr[:, 0],
            "ctr_last": ctr[:, -1],
            "frequency_slope": relative_slopes(frequency),
            "ctr_slope": relative_slopes(ctr),
            "sample": impressions.sum(axis=1).astype("int64"),
        }
    )
    # the first week's CTR minus the last's, with its 95% interval (two independent
    # proportions, as the Campaigns page compares two campaigns' rates)
    gap = campaigns.differences(clicks[:, 0], impressions[:, 0], clicks[:, -1], impressions[:, -1])
    out["ctr_fall_ci_low"] = gap["ci_low"]
    known = np.isfinite(frequency[:, [0, -1]]).all(axis=1) & np.isfinite(ctr[:, [0, -1]]).all(
        axis=1
    )
    with np.errstate(invalid="ignore"):
        out["tiring"] = (
            known
            & (out["weeks_with_delivery"].to_numpy() == n)
            & (np.minimum(impressions[:, 0], impressions[:, -1]) >= MIN_WEEK_IMPRESSIONS)
            & (frequency[:, -1] >= (1 + MIN_FREQUENCY_RISE) * frequency[:, 0])
            & (out["frequency_slope"].to_numpy() > 0)
            & (ctr[:, -1] <= (1 - MIN_CTR_FALL) * ctr[:, 0])
            & (out["ctr_slope"].to_numpy() < 0)
            & (gap["verdict"] == "real gap")
            & (gap["ci_low"] > 0)  # the fall, not a rise, is larger than chance
        )
    return out


def relative_slopes(values: np.ndarray) -> np.ndarray:
    """`relative_slope` of each row of `values` (ads x weeks)."""
    x = np.broadcast_to(np.arange(values.shape[1], dtype="float64"), values.shape)
    keep = np.isfinite(values)
    count = keep.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_mean = np.where(keep, x, 0).sum(axis=1) / count
        y_mean = np.where(keep, values, 0).sum(axis=1) / count
        dx = np.where(keep, x - x_mean[:, None], 0)
        dy = np.where(keep, values - y_mean[:, None], 0)
        slope = (dx * dy).sum(axis=1) / (dx**2).sum(axis=1)
        out = slope / y_mean
    return np.where((count >= 2) & (y_mean != 0), out, np.nan)


def relative_slope(values: np.ndarray) -> float:
    """The least-squares slope of `values` over their weeks (equally spaced, oldest first),
    per week, relative to their mean: 0.1 is a rise of a tenth of the mean a week. Empty
    weeks are left out; NaN with fewer than two values or a mean of zero."""
    return float(relative_slopes(np.asarray(values, dtype="float64")[None, :])[0])


def tiring_ads(table: pd.DataFrame) -> pd.DataFrame:
    """The tiring rows of an `ad_fatigue` table, biggest spenders first."""
    return table[table["tiring"].astype(bool)]
