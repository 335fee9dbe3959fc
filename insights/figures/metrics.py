"""Every metric of the product, defined once.

Ratios over a period or a group are ratios of SUMS (CTR = sum(clicks) / sum(impressions)),
never the mean of daily ratios. A zero (or missing) denominator gives an empty value (NaN),
never inf, 0 or a crash.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Unit = Literal["count", "money", "percent", "ratio"]


@dataclass(frozen=True)
class Metric:
    """One metric: how it is computed from sums, shown, and judged (is up good?)."""

    key: str
    label: str
    unit: Unit
    numerator: str | None = None  # column of sums; None for a plain sum metric
    denominator: str | None = None
    scale: float = 1.0
    higher_is_better: bool = True
    help: str = ""


PAID_METRICS: tuple[Metric, ...] = (
    Metric("spend", "Spend", "money", help="Amount spent."),
    Metric(
        "impressions",
        "Impressions",
        "count",
        help="Times the ads were on a screen (one person can see an ad several times).",
    ),
    Metric("clicks", "Clicks", "count", help="All clicks."),
    Metric(
        "ctr",
        "CTR",
        "percent",
        "clicks",
        "impressions",
        help="Click-through rate = clicks / impressions.",
    ),
    Metric(
        "cpc",
        "CPC",
        "money",
        "spend",
        "clicks",
        higher_is_better=False,
        help="Cost per click = spend / clicks.",
    ),
    Metric(
        "cpm",
        "CPM",
        "money",
        "spend",
        "impressions",
        1000.0,
        higher_is_better=False,
        help="Cost per 1,000 impressions.",
    ),
    Metric(
        "conversions",
        "Conversions",
        "count",
        help="Conversions of the configured action type (default: purchase).",
    ),
    Metric(
        "cvr",
        "CVR",
        "percent",
        "conversions",
        "clicks",
        help="Conversion rate = conversions / clicks.",
    ),
    Metric(
        "cpa",
        "CPA",
        "money",
        "sales_spend",
        "sales_conversions",
        higher_is_better=False,
        help="Cost per purchase = spend of the sales campaigns / their purchases (a lead, "
        "traffic or awareness campaign is judged on its own result: see Cost per result).",
    ),
    Metric(
        "sales_spend",
        "Spend on sales",
        "money",
        help="Spend of the campaigns that report conversion value (sales campaigns): what "
        "CPA and ROAS are taken over.",
    ),
    Metric(
        "conversion_value",
        "Conversion value",
        "money",
        help="Value of the conversions, as the pixel or the Conversions API reported it "
        "(purchase value).",
    ),
    Metric(
        "roas",
        "ROAS",
        "ratio",
        "sales_value",
        "sales_spend",
        help="Return on ad spend = conversion value / spend, both over the campaigns that "
        "report conversion value (sales campaigns): other campaigns' spend is not counted.",
    ),
)

ORGANIC_METRICS: tuple[Metric, ...] = (
    Metric("posts", "Posts", "count", help="Posts published in the period."),
    Metric(
        "post_reach",
        "Post reach (sum)",
        "count",
        help="Sum of each post's lifetime reach. People reached by several posts count "
        "once per post, so this is not unique reach.",
    ),
    Metric(
        "engagement",
        "Engagement",
        "count",
        help="Interactions on the posts, as Instagram Insights counts them: likes, comments, "
        "saves and shares, net of unlikes, unsaves and deleted comments (Meta's "
        "total_interactions; the sum of the parts where Meta gave none).",
    ),
    Metric(
        "engagement_rate",
        "Engagement rate",
        "percent",
        "rated_engagement",
        "post_reach",
        help="Engagement / post reach, over the posts of the period that have insights.",
    ),
    Metric("new_followers", "New followers", "count", help="Meta's follower_count: 30 days."),
    Metric(
        "followers",
        "Followers",
        "count",
        help="Followers at the last refresh of the period (a snapshot per refresh and day).",
    ),
    Metric(
        "net_followers",
        "Net follower growth",
        "count",
        help="Followers at the last snapshot of the period minus the last one before it "
        "(or the first in it): follows minus unfollows. Empty until two refreshes on "
        "different days.",
    ),
    Metric(
        "reach",
        "Reach",
        "count",
        help="Unique accounts reached in the period, as Meta counts them for the whole "
        "period (summed over accounts). Shown only for the periods Meta was asked about "
        "(the last 7 and 28 days and the periods before them).",
    ),
    Metric(
        "daily_reach",
        "Daily reach (sum of days)",
        "count",
        help="Account reach summed over days. Reach is not additive: a person reached "
        "on three days counts three times.",
    ),
    Metric(
        "account_views",
        "Views",
        "count",
        help="Times the account's content was shown in the period (Meta's views, one total per "
        "day, summed: views are counted each time, so the days add up).",
    ),
    Metric(
        "profile_views", "Profile views", "count", help="Visits to the profile (per day, summed)."
    ),
    Metric(
        "website_clicks",
        "Website clicks",
        "count",
        help="Taps on the profile's website link (per day, summed).",
    ),
    Metric("stories", "Stories", "count", help="Stories published in the period."),
    Metric(
        "story_reach",
        "Story reach (sum)",
        "count",
        help="Sum of each story's reach: people who saw several stories count once per story.",
    ),
)

# The Content page's cards that are not KPIs of the Overview: defined here all the same, so
# every card says what it counts.
CONTENT_METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("reels", "Reels", "count", help="Reels published in the period."),
        Metric(
            "reels_average_watch",
            "Average watch time per view",
            "count",
            help="Total watch time / views over the reels that have Meta's watch time "
            "(ig_reels_video_view_total_time).",
        ),
        Metric(
            "reels_watch_hours",
            "Total watch time",
            "count",
            help="Hours the period's reels were watched in all, over the reels that have "
            "Meta's watch time.",
        ),
        Metric(
            "story_replies",
            "Replies",
            "count",
            help="Replies to the period's stories (messages sent from a story).",
        ),
        Metric(
            "story_exit_rate",
            "Exit rate",
            "percent",
            help="Exits / reach over the stories with navigation figures.",
            higher_is_better=False,
        ),
    )
}

# Engagement of ONE post, in SQL: installed in the store as the macro post_engagement, which
# organic_posts (the posts every organic query reads) calls for its `engagement` column. Meta
# defines total_interactions as "likes, saves, comments and shares, minus unlikes, unsaves and
# deleted comments" (IG Media Insights reference) and it is what Instagram Insights shows as
# Interactions; it also counts likes the owner hides, where like_count is absent. Where Meta
# gave no total_interactions (posts before the business conversion, CSV imports) the parts are
# summed, the likes insight standing in for a hidden like_count. The README explains the choice.
POST_ENGAGEMENT_SQL = (
    "coalesce(total_interactions, coalesce(like_count, likes, 0) + coalesce(comments_count, 0)"
    " + coalesce(saved, 0) + coalesce(shares, 0))"
)
SQL_MACROS = (
    "CREATE OR REPLACE MACRO post_engagement(total_interactions, like_count, likes, "
    f"comments_count, saved, shares) AS {POST_ENGAGEMENT_SQL}",
)

# the organic metrics the trend chart can draw per day, week or month (the others are figures
# of a whole period: followers at its end, its unique reach, its stories)
ORGANIC_TREND_KEYS = (
    "posts",
    "post_reach",
    "engagement",
    "engagement_rate",
    "new_followers",
    "daily_reach",
)

ALL_METRICS: dict[str, Metric] = {m.key: m for m in (*PAID_METRICS, *ORGANIC_METRICS)}


def ratio(numerator: float | None, denominator: float | None, scale: float = 1.0) -> float:
    """numerator / denominator * scale, or NaN when the denominator is zero or missing."""
    if numerator is None or denominator is None:
        return math.nan
    num, den = float(numerator), float(denominator)
    if den == 0 or math.isnan(den) or math.isnan(num):
        return math.nan
    return num / den * scale


def add_ratios(frame: pd.DataFrame, metrics: tuple[Metric, ...] = PAID_METRICS) -> pd.DataFrame:
    """A copy of `frame` (one row per group, columns of sums) with each ratio metric whose
    inputs are present added as a column, computed row-wise as a ratio of the sums."""
    columns: dict[str, np.ndarray] = {}

    def values(name: str) -> np.ndarray:
        if name not in columns:
            numbers = pd.to_numeric(frame[name], errors="coerce")
            columns[name] = numbers.to_numpy(dtype="float64", na_value=np.nan)
        return columns[name]

    added: dict[str, np.ndarray] = {}
    for metric in metrics:
        if metric.numerator is None or metric.denominator is None:
            continue
        if metric.numerator not in frame or metric.denominator not in frame:
            continue
        num, den = values(metric.numerator), values(metric.denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            added[metric.key] = np.where(den != 0, num / den, np.nan) * metric.scale
    if not added:
        return frame.copy()
    kept = frame.drop(columns=[key for key in added if key in frame])
    return pd.concat([kept, pd.DataFrame(added, index=frame.index)], axis=1)


# Sums that are empty (not zero) when no row has one: the spend of the campaigns that sell is
# empty where no campaign sells, so a ROAS or a CPA over them is empty, not 0.
NULLABLE_SUMS = frozenset({"sales_spend", "sales_conversions", "sales_value"})


def totals(frame: pd.DataFrame, columns: list[str]) -> dict[str, float]:
    """Column sums of the given sum-columns (missing columns are skipped)."""
    return {
        c: float(
            pd.to_numeric(frame[c], errors="coerce")
            .astype("float64")  # a nullable column's missing values as NaN, never pd.NA
            .sum(min_count=1 if c in NULLABLE_SUMS else 0)
        )
        for c in columns
        if c in frame
    }


def kpis(sums: Mapping[str, float | None], metrics: tuple[Metric, ...]) -> dict[str, float]:
    """Every metric's value from a mapping of sums (one period, one group)."""
    out: dict[str, float] = {}
    for metric in metrics:
        if metric.numerator is None or metric.denominator is None:
            value = sums.get(metric.key)
            out[metric.key] = math.nan if value is None else float(value)
        else:
            out[metric.key] = ratio(
                sums.get(metric.numerator), sums.get(metric.denominator), metric.scale
            )
    return out


def change(current: float, previous: float) -> float:
    """Relative change current vs previous (0.1 = +10%); NaN when previous is 0 or empty."""
    return ratio(current - previous, previous) if not math.isnan(current) else math.nan


# The sums the pages read from the store, from which every ratio above is computed.
PAID_SUMS = [
    "spend",
    "impressions",
    "clicks",
    "link_clicks",
    "conversions",
    "conversion_value",
    "sales_spend",
    "sales_conversions",
    "sales_value",
]
# the sums that are money: each is in its ad account's currency, never added across currencies
MONEY_SUMS = ("spend", "conversion_value", "sales_spend", "sales_value")
ORGANIC_SUMS = [
    "posts",
    "post_reach",
    "likes",
    "comments",
    "saves",
    "shares",
    "engagement",
    "rated_engagement",
    "new_followers",
    "daily_reach",
]
