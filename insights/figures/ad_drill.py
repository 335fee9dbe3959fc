"""The Ads page's figures: campaign -> ad set -> ad, each level with the campaign table's KPI
columns (results and cost per result by objective, ROAS and CPA over what sells), and the
placements of any of them. The ad-level rows add up to the campaign level's, so a campaign's
ad sets and ads together show its figures. Nothing here imports Streamlit."""

from __future__ import annotations

import math
from typing import Literal

import duckdb
import pandas as pd

from insights.figures import campaigns, fatigue, formatting, metrics, money, reach
from insights.figures.campaigns import ColumnUnit
from insights.figures.filters import PAID, Filters, follows
from insights.figures.frames import FrameSource
from insights.figures.metrics import PAID_SUMS
from insights.store import queries

Level = Literal["campaign", "adset", "ad"]
# "decimal": a plain number to two decimals (a frequency: 1.85, as Ads Manager writes it)
LevelUnit = ColumnUnit | Literal["decimal"]
ID_COLUMNS: dict[str, str] = {"campaign": "campaign_id", "adset": "adset_id", "ad": "ad_id"}
NAME_COLUMNS: dict[str, str] = {"campaign": "campaign_name", "adset": "adset_name", "ad": "ad_name"}


def _params(filters: Filters, **narrowed: str | None) -> dict[str, object]:
    return {**filters.ad_params(), **narrowed}


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    for column in [*PAID_SUMS, "results", "daily_budget", "lifetime_budget"]:
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


@follows(PAID)
def campaign_level_table(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The campaign table (the campaign level's own figures, as the Campaigns page shows
    them) with each campaign's reach and frequency for the period."""
    return _with_reach(cur, filters, campaigns.campaign_table(cur, filters), "campaign")


def _with_reach(
    cur: duckdb.DuckDBPyConnection, filters: Filters, frame: pd.DataFrame, level: Level
) -> pd.DataFrame:
    """`frame` with each row's reach and frequency for the period, as Meta counted them
    (empty where the period has none stored: see reach.reach_note)."""
    found = reach.period_reach(cur, filters, level).set_index("object_id")
    ids = frame[ID_COLUMNS[level]]
    frame["reach"] = ids.map(found["reach"]).astype("float64")
    frame["frequency"] = ids.map(found["frequency"]).astype("float64")
    return frame


@follows(PAID)
def ad_set_table(
    cur: duckdb.DuckDBPyConnection, filters: Filters, campaign: str | None = None
) -> pd.DataFrame:
    """Every ad set with delivery under the filters (of `campaign`, or of all), with every
    paid KPI, its results and cost per result, budget, goal, targeting and attribution."""
    frame = _numeric(queries.run(cur, "ad_set_table", **_params(filters, campaign=campaign)))
    frame = campaigns.with_results(metrics.add_ratios(frame, metrics.PAID_METRICS))
    return _with_reach(cur, filters, frame, "adset")


@follows(PAID)
def ad_table(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    campaign: str | None = None,
    adset: str | None = None,
) -> pd.DataFrame:
    """Every ad with delivery under the filters (of `campaign` and `adset`, or of all), with
    every paid KPI, its results and cost per result, and its creative's id."""
    frame = queries.run(cur, "ad_table", **_params(filters, campaign=campaign, adset=adset))
    frame = campaigns.with_results(metrics.add_ratios(_numeric(frame), metrics.PAID_METRICS))
    return _with_reach(cur, filters, frame, "ad")


def totals(table: pd.DataFrame, level: Level) -> pd.DataFrame:
    """The level table's total rows (one per currency), as the campaign table's: ratios of
    the sums, results only where every row seeks the same result; no reach or frequency (the
    people several rows reached are not the sum of their reach)."""
    out = campaigns.totals(table).rename(columns={"campaign_name": NAME_COLUMNS[level]})
    for column in level_columns(level):
        if column not in out:
            out[column] = None
    out["reach"] = math.nan
    out["frequency"] = math.nan
    return out


@follows(PAID)
def reach_note(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Why the view has no reach and frequency (a one-row frame, `note`), or an empty frame
    when it has them."""
    note = reach.reach_note(cur, filters)
    return pd.DataFrame({"note": [] if note is None else [note]}, dtype=object)


# -- placements --------------------------------------------------------------------------------

PLATFORM_LABELS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "audience_network": "Audience Network",
    "messenger": "Messenger",
    "threads": "Threads",
}
DEVICE_LABELS = {
    "iphone": "iPhone",
    "ipad": "iPad",
    "android_smartphone": "Android smartphone",
    "android_tablet": "Android tablet",
    "desktop": "Desktop",
    "ipod": "iPod",
    "other": "Other",
}
POSITION_LABELS = {  # the names Ads Manager gives Meta's platform_position values
    "feed": "Feed",
    "facebook_stories": "Stories",
    "facebook_reels": "Reels",
    "facebook_reels_overlay": "Reels overlay",
    "instagram_stories": "Stories",
    "instagram_reels": "Reels",
    "instagram_explore": "Explore",
    "instagram_explore_grid_home": "Explore home",
    "instagram_profile_feed": "Profile feed",
    "instagram_search": "Search results",
    "right_hand_column": "Right column",
    "instream_video": "In-stream video",
    "marketplace": "Marketplace",
    "video_feeds": "Video feeds",
    "search": "Search results",
    "an_classic": "Native, banner and interstitial",
    "rewarded_video": "Rewarded video",
    "messenger_inbox": "Inbox",
    "messenger_stories": "Stories",
}
# what a placement is, in the words of the chart: feed, stories or reels (the rest: other)
FORMATS = {
    "feed": "Feed",
    "instagram_profile_feed": "Feed",
    "video_feeds": "Feed",
    "facebook_stories": "Stories",
    "instagram_stories": "Stories",
    "messenger_stories": "Stories",
    "facebook_reels": "Reels",
    "facebook_reels_overlay": "Reels",
    "instagram_reels": "Reels",
}


def _label(labels: dict[str, str], value: object) -> str:
    if not isinstance(value, str) or not value:
        return "Unknown"
    return labels.get(value, value.replace("_", " ").capitalize())


@follows(PAID)
def placements(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    campaign: str | None = None,
    adset: str | None = None,
    ad: str | None = None,
) -> pd.DataFrame:
    """Sums and metrics per placement (platform x position x device) of a campaign, ad set or
    ad (or all), with readable labels and the placement's format (feed, stories, reels,
    other). Meta serves placements apart from age and gender, so under an age or gender
    filter there is none (empty, `attrs["no_breakdown"]` True): figures for all ages would be
    read as the filtered ones."""
    if filters.ages or filters.genders:
        empty = pd.DataFrame(columns=["publisher_platform", "platform_position", *PAID_SUMS])
        empty.attrs["no_breakdown"] = True
        return empty
    params = _params(filters, campaign=campaign, adset=adset, ad=ad)
    for name in ("ages", "genders", "ad_source"):  # the placement rows are a table of their own
        del params[name]
    by_ad = adset is not None or ad is not None
    params["placement_source"] = (
        "ad_level_placement_daily_all" if by_ad else "ad_placement_campaign_daily_all"
    )
    frame = _numeric(queries.run(cur, "ad_placements", **params))
    keys = ["publisher_platform", "platform_position", "impression_device"]
    frame = money.one_currency(frame, keys)
    found = frame.attrs["currencies"]
    out = metrics.add_ratios(frame, metrics.PAID_METRICS)
    out["platform"] = [_label(PLATFORM_LABELS, v) for v in out["publisher_platform"]]
    out["position"] = [_label(POSITION_LABELS, v) for v in out["platform_position"]]
    out["device"] = [_label(DEVICE_LABELS, v) for v in out["impression_device"]]
    out["format"] = [FORMATS.get(str(v), "Other") for v in out["platform_position"]]
    out = out.sort_values(["spend", "impressions"], ascending=False, na_position="last")
    out = out.reset_index(drop=True)
    out.attrs["currencies"] = found
    return out


# -- what the level tables show ----------------------------------------------------------------
# The campaign table's KPI columns in its order, after the names that place a row (its ad set
# and campaign), then what describes it. Reach and frequency stand after the results.
_KPIS = [k for k in campaigns.CAMPAIGN_ORDER if k not in ("campaign_name", "status", "objective")]
_AT = _KPIS.index("cost_per_result") + 1
KPI_ORDER: tuple[str, ...] = (*_KPIS[:_AT], "reach", "frequency", *_KPIS[_AT:])
AD_SET_ORDER: tuple[str, ...] = (
    "adset_name",
    "campaign_name",
    *KPI_ORDER[: KPI_ORDER.index("currency")],
    "status",
    "optimization_goal",
    "targeting_summary",
    "attribution_setting",
    "objective",
    "currency",
)
AD_ORDER: tuple[str, ...] = (
    "ad_name",
    "adset_name",
    "campaign_name",
    *KPI_ORDER[: KPI_ORDER.index("currency")],
    "status",
    "objective",
    "currency",
)
CAMPAIGN_LEVEL_ORDER: tuple[str, ...] = (
    "campaign_name",
    *KPI_ORDER[: KPI_ORDER.index("currency")],
    "status",
    "objective",
    "currency",
)
LEVEL_ORDERS: dict[str, tuple[str, ...]] = {
    "campaign": CAMPAIGN_LEVEL_ORDER,
    "adset": AD_SET_ORDER,
    "ad": AD_ORDER,
}
AD_COLUMNS: dict[str, tuple[str, LevelUnit]] = {  # key -> (label, unit), beside the campaign's
    "adset_name": ("Ad set", "text"),
    "ad_name": ("Ad", "text"),
    "optimization_goal": ("Optimisation", "text"),
    "targeting_summary": ("Targeting", "text"),
    "attribution_setting": ("Attribution", "text"),
    "reach": ("Reach", "count"),
    "frequency": ("Frequency", "decimal"),
}


def level_columns(level: Level) -> dict[str, str]:
    """The level table's columns (key -> label), in order."""
    labels = {**campaigns.CAMPAIGN_COLUMNS, **{k: v[0] for k, v in AD_COLUMNS.items()}}
    return {k: labels[k] for k in LEVEL_ORDERS[level]}


# -- the creative grid -------------------------------------------------------------------------
# What the creative grid can rank by: the metric, and whether a higher value is better.
CREATIVE_RANKS: dict[str, str] = {
    "spend": "Spend",
    "results": "Results",
    "cpa": "CPA",
    "ctr": "CTR",
    "roas": "ROAS",
}
MAX_CARDS = 24  # a screenful of cards, four across


def creative_order(table: pd.DataFrame, rank: str, count: int = MAX_CARDS) -> pd.DataFrame:
    """The ads of an `ad_table` frame ranked by `rank` (highest first; lowest first for a
    cost), the first `count`; ads without that figure (no purchase for a CPA) come last, by
    spend."""
    better_high = rank in ("spend", "results") or metrics.ALL_METRICS[rank].higher_is_better
    value = pd.to_numeric(table[rank], errors="coerce").astype("float64")
    order = table.assign(_rank=value if better_high else -value, _empty=value.isna())
    order = order.sort_values(["_empty", "_rank", "spend"], ascending=[True, False, False])
    return order.drop(columns=["_rank", "_empty"]).head(count).reset_index(drop=True)


@follows()
def creative_cards(
    cur: duckdb.DuckDBPyConnection, filters: Filters, creative_ids: tuple[str, ...]
) -> pd.DataFrame:
    """The creatives of `creative_ids` as the grid shows them: the picture kept by the last
    refresh, title, body, call to action, destination URL and its url_tags (they follow no
    filter: the filters chose the ads)."""
    return queries.run(cur, "ad_creative_cards", creative_ids=list(creative_ids))


def creative_grid(
    frames: FrameSource,
    filters: Filters,
    campaign: str | None = None,
    adset: str | None = None,
    rank: str = "spend",
) -> pd.DataFrame:
    """The ads of the view (of `campaign` and `adset`, or all) ranked by `rank` (see
    `creative_order`), each with its figures, its creative (`creative_cards`) and its fatigue
    signal; built from the frames the page computes anyway (its ad table and the fatigue
    table), so a change of ranking computes nothing new."""
    ads = creative_order(frames(ad_table, filters, campaign, adset), rank)
    ids = tuple(sorted(str(c) for c in ads["creative_id"].dropna().unique()))
    out = ads.merge(frames(creative_cards, filters, ids), how="left", on="creative_id")
    judged = frames(fatigue.ad_fatigue, filters).set_index("ad_id")
    out["tiring"] = out["ad_id"].map(judged["tiring"]).astype("boolean").fillna(False)
    out["tiring"] = out["tiring"].astype(bool)
    out["fatigue_sample"] = out["ad_id"].map(judged["sample"]).astype("float64")
    out["fatigue_text"] = [
        fatigue_line(judged.loc[a]) if a in judged.index else "" for a in out["ad_id"]
    ]
    return out


def fatigue_line(row: pd.Series) -> str:
    """An ad's fatigue figures in one line, with the sample they rest on: 'Last 4 weeks:
    seen 1.52 → 2.09 times a day per person, CTR 1.08% → 0.66% (76,586 impressions)'."""
    weeks, delivered = int(row["weeks"]), int(row["weeks_with_delivery"])
    known = [row[c] for c in ("frequency_first", "frequency_last", "ctr_first", "ctr_last")]
    if not all(math.isfinite(float(v)) for v in known):  # a first or last week without a figure
        return (
            f"Last {weeks} weeks: no frequency or CTR for the first or the last of them, so no "
            f"fatigue judged (delivered in {delivered} of the {weeks} weeks, "
            f"{int(row['sample']):,} impressions)"
        )
    return (
        f"Last {weeks} weeks: seen {row['frequency_first']:.2f} → "
        f"{row['frequency_last']:.2f} times a day per person, CTR "
        f"{formatting.value(row['ctr_first'], 'percent')} → "
        f"{formatting.value(row['ctr_last'], 'percent')} "
        f"({int(row['sample']):,} impressions)"
    )


def placement_groups(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """A `placements` frame summed by `by` (e.g. platform and format, or device), with every
    metric computed from the sums (a ratio of sums, never a mean of ratios)."""
    sums = [c for c in PAID_SUMS if c in frame]
    out = frame.groupby(by, as_index=False, sort=False)[sums].sum(min_count=1)
    out = metrics.add_ratios(out, metrics.PAID_METRICS)
    return out.sort_values("spend", ascending=False, na_position="last").reset_index(drop=True)
