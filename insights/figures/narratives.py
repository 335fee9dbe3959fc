"""Insights in plain words: ranked sentences a marketer can act on and paste into a report.

Each sentence is computed from the same functions the pages use (so its figures are the
page's figures, written the same way), states the sample it rests on, and is left out when the
evidence is too thin:

- movers: a paid KPI that changed against the comparison period by more than chance allows
  (the change must exceed MIN_CHANGE and three standard errors of a Poisson count on the
  events behind the KPI in both periods), with the campaign that drove it (by its own
  numbers, or by its share of the whole when the change is one of mix); an organic KPI
  (engagement, reach, engagement rate, followers) by the same rule, ranked with the paid ones;
- campaigns: the best and the weakest return (ROAS) among campaigns that spent enough to matter;
- content: a format that reaches more accounts per post than another, over enough posts;
- ads: an ad with real spend that is tiring (fatigue.py: its people see it more often each
  week while its CTR falls by more than chance), at most MAX_TIRING, the biggest spenders first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from insights.figures import campaigns, content, drivers, fatigue, metrics, money
from insights.figures import overview as overview_figures
from insights.figures.filters import Filters
from insights.figures.formatting import value as fmt
from insights.figures.frames import FrameSource

MAX_SENTENCES = 7
MIN_CHANGE = 0.10  # a relative change below this is not worth a sentence
Z = 3.0  # a change must exceed Z standard errors of its events (Poisson) to be reported
MIN_EVENTS = 30  # events (clicks or conversions) behind a KPI in each period
MIN_SPEND_SHARE = 0.10  # a campaign ranked by ROAS spent at least this share of the total
MIN_RANKED = 3  # campaigns needed before naming a best and a weakest
MIN_POSTS = 10  # posts of each format before comparing formats
MIN_REACH_RATIO = 1.2  # a format must reach this many times more accounts per post
MAX_TIRING = 2  # tiring ads named, the biggest spenders (by share of their currency's) first

# the events a KPI rests on: its noise shrinks as these grow
EVENTS = {
    "ctr": "clicks",
    "cpc": "clicks",
    "cpm": "clicks",
    "cvr": "conversions",
    "cpa": "conversions",
    "roas": "conversions",
    "conversions": "conversions",
    "clicks": "clicks",
}
MOVERS = ("cpa", "roas", "cvr", "ctr", "cpc", "cpm", "conversions", "spend")
# the organic KPIs a sentence may be about, with the events behind each (the same Poisson rule:
# interactions and accounts reached are counts drawn from the audience like clicks)
ORGANIC_MOVERS = {
    "engagement": "engagement",
    "post_reach": "post_reach",
    "reach": "reach",
    "engagement_rate": "engagement",
    "followers": "followers",
}
# the sample a sentence names (post reach rests on the posts the sentence already counts)
ORGANIC_NOUNS = {
    "engagement": "interactions",
    "reach": "accounts reached",
    "followers": "followers",
}
FORMAT_NAMES = {
    "IMAGE": "image",
    "VIDEO": "video",
    "CAROUSEL_ALBUM": "carousel",
    "REELS": "Reels",
    "FEED": "feed",
}


@dataclass(frozen=True)
class Insight:
    """One sentence, its kind, how much it matters (for ranking) and the sample behind it."""

    text: str
    kind: str  # mover | campaigns | content | ads
    score: float
    sample: int


def overview(frames: FrameSource, filters: Filters) -> list[Insight]:
    """The ranked sentences for the Overview under `filters` (none when nothing is solid),
    from the page's own computations (`frames`: the app's cache, or `Frames`)."""
    found = [
        *movers(frames, filters),
        *organic_movers(frames, filters),
        *campaign_returns(frames, filters),
        *formats(frames, filters),
        *tiring_ads(frames, filters),
    ]
    return sorted(found, key=lambda i: -i.score)[:MAX_SENTENCES]


def overview_table(frames: FrameSource, filters: Filters) -> pd.DataFrame:
    """`overview` as a table (text, kind, score, sample), for display and export."""
    rows = [vars(i) for i in overview(frames, filters)]
    return pd.DataFrame(rows, columns=["text", "kind", "score", "sample"])


# -- movers -----------------------------------------------------------------------------------


def _enough(change: float, events_now: float, events_before: float) -> bool:
    if not math.isfinite(change) or abs(change) < MIN_CHANGE:
        return False
    if min(events_now, events_before) < MIN_EVENTS:
        return False
    return abs(change) > Z * math.sqrt(1 / events_now + 1 / events_before)


def movers(frames: FrameSource, filters: Filters) -> list[Insight]:
    compared = filters.comparison_range()
    if compared is None:
        return []
    all_kpis = frames(overview_figures.kpi_table, filters)
    paid = all_kpis[all_kpis["group"] == "paid"]
    found = money.currencies(paid) or [None]
    all_now = frames(campaigns.campaign_table, filters)
    all_before = frames(campaigns.campaign_table, filters.with_range(*compared))
    out = []
    for currency in found:  # money moves within one currency only
        kpis = _of_currency(paid, currency).set_index("metric")
        now_table = _of_currency(all_now, currency)
        before_table = _of_currency(all_before, currency)
        prefix = f"In {money.label(currency)}: " if len(found) > 1 else ""
        out += _movers(kpis, now_table, before_table, currency, prefix)
    return out[:3] if len(found) == 1 else sorted(out, key=lambda i: -i.score)[:3]


def _of_currency(frame: pd.DataFrame, currency: str | None) -> pd.DataFrame:
    """The rows of a frame with a `currency` column that are in this currency."""
    if "currency" not in frame:
        return frame
    keep = frame["currency"].isna() if currency is None else frame["currency"] == currency
    return frame[keep]


def _movers(
    kpis: pd.DataFrame,
    now_table: pd.DataFrame,
    before_table: pd.DataFrame,
    currency: str | None,
    prefix: str,
) -> list[Insight]:
    # the events behind each KPI are KPIs themselves (clicks, conversions): no second query
    now_sums, before_sums = kpis["value"].to_dict(), kpis["previous"].to_dict()
    by_key = {m.key: m for m in metrics.PAID_METRICS}
    out = []
    for key in MOVERS:
        row = kpis.loc[key]
        change = float(row["change"])
        basis = EVENTS.get(key)
        events = (
            (now_sums[basis], before_sums[basis]) if basis else (math.inf, math.inf)
        )  # spend is set by budgets, not drawn by chance
        if not _enough(change, *events):
            continue
        metric = by_key[key]
        direction = "up" if change > 0 else "down"
        text = (
            f"{prefix}{metric.label} {direction} {abs(change):.0%} against the comparison "
            f"period ({fmt(row['previous'], metric.unit, currency)} → "
            f"{fmt(row['value'], metric.unit, currency)})"
        )
        driver = drivers.driver(metric, now_table, before_table, change, currency)
        if driver:
            text += f", {driver}"
        if basis:
            shown, noun = events[0], basis
        else:  # spend: its sample is the campaigns that spent
            shown, noun = float((now_table["spend"] > 0).sum()), "campaigns with spend"
        text += f". Based on {shown:,.0f} {noun} this period."
        out.append(Insight(text, "mover", min(abs(change), 2.0) + 0.5, int(shown)))
    return out[:3]


def organic_movers(frames: FrameSource, filters: Filters) -> list[Insight]:
    """The organic KPIs that moved against the comparison period by more than chance allows
    (the rule of the paid movers, on the interactions, accounts reached or followers behind
    each), scored as the paid ones are so that both rank together; at most three. Unique reach
    is left out when post reach moved (the same audience, said once)."""
    if filters.comparison_range() is None:
        return []
    kpis = frames(overview_figures.kpi_table, filters)
    kpis = kpis[kpis["group"] == "organic"].set_index("metric")
    out: list[Insight] = []
    for key, basis in ORGANIC_MOVERS.items():
        if key not in kpis.index or basis not in kpis.index:
            continue
        if key == "reach" and any(i.text.startswith("Post reach") for i in out):
            continue
        row = kpis.loc[key]
        change = float(row["change"])
        events = float(kpis.at[basis, "value"]), float(kpis.at[basis, "previous"])
        if not all(math.isfinite(e) for e in events) or not _enough(change, *events):
            continue
        metric = metrics.ALL_METRICS[key]
        direction = "up" if change > 0 else "down"
        text = (
            f"{metric.label} {direction} {abs(change):.0%} against the comparison period "
            f"({fmt(row['previous'], metric.unit)} → {fmt(row['value'], metric.unit)})"
        )
        if "posts" in kpis.index and key in ("engagement", "post_reach", "engagement_rate"):
            posts = kpis.loc["posts"]
            text += (
                f", over {fmt(posts['value'], 'count')} posts "
                f"({fmt(posts['previous'], 'count')} before)"
            )
        noun = ORGANIC_NOUNS.get(basis)
        text += f". Based on {events[0]:,.0f} {noun} this period." if noun else "."
        out.append(Insight(text, "mover", min(abs(change), 2.0) + 0.5, int(events[0])))
    return sorted(out, key=lambda i: -i.score)[:3]


# -- campaigns by return ---------------------------------------------------------------------


def campaign_returns(frames: FrameSource, filters: Filters) -> list[Insight]:
    """The best and the weakest return among the campaigns that sell, within each currency
    (a ROAS is a ratio, but "of spend" is money)."""
    table = frames(campaigns.campaign_table, filters)
    found = money.currencies(table)
    out = []
    for currency in found:
        prefix = f"In {money.label(currency)}: " if len(found) > 1 else ""
        out += _returns(_of_currency(table, currency), currency, prefix)
    return out[:1] if len(found) <= 1 else out


def _returns(table: pd.DataFrame, currency: str | None, prefix: str) -> list[Insight]:
    table = table[table["sales_spend"] > 0]  # the campaigns that sell: a ROAS of their own
    total = float(table["spend"].sum()) if not table.empty else 0.0
    if total <= 0:
        return []
    ranked = table[table["spend"] >= MIN_SPEND_SHARE * total].sort_values("roas")
    ranked = ranked[ranked["roas"].notna()]
    if len(ranked) < MIN_RANKED:
        return []
    best, worst = ranked.iloc[-1], ranked.iloc[0]
    if best["roas"] <= worst["roas"]:
        return []
    text = (
        f"{prefix}Best return: {best['campaign_name']} at {fmt(best['roas'], 'ratio')} ROAS "
        f"on {fmt(best['spend'], 'money', currency)} of spend; weakest: "
        f"{worst['campaign_name']} at {fmt(worst['roas'], 'ratio')} on "
        f"{fmt(worst['spend'], 'money', currency)}. Among the {len(ranked)} sales campaigns "
        f"with at least {MIN_SPEND_SHARE:.0%} of their spend."
    )
    return [Insight(text, "campaigns", 0.6, len(ranked))]


# -- content ----------------------------------------------------------------------------------


def formats(frames: FrameSource, filters: Filters) -> list[Insight]:
    table = frames(content.formats, filters)
    out = []
    for dimension in ("product_type", "media_type"):
        rows = table[(table["dimension"] == dimension) & (table["posts"] >= MIN_POSTS)]
        if len(rows) < 2:
            continue
        per_post = rows["post_reach"] / rows["posts"]
        top, bottom = rows.loc[per_post.idxmax()], rows.loc[per_post.idxmin()]
        high, low = per_post.max(), per_post.min()
        if low <= 0 or high / low < MIN_REACH_RATIO:
            continue
        name = FORMAT_NAMES.get(str(top["value"]), str(top["value"]).lower())
        other = FORMAT_NAMES.get(str(bottom["value"]), str(bottom["value"]).lower())
        posts = int(top["posts"] + bottom["posts"])
        text = (
            f"{name[0].upper() + name[1:]} posts reached {high / low:.1f}x more accounts per "
            f"post than {other} posts ({high:,.0f} vs {low:,.0f}), over {posts:,} posts "
            f"({int(top['posts']):,} and {int(bottom['posts']):,})."
        )
        out.append(Insight(text, "content", 0.4 + min(high / low - 1, 2.0) / 4, posts))
    return out[:1]


# -- ads --------------------------------------------------------------------------------------


def tiring_ads(frames: FrameSource, filters: Filters) -> list[Insight]:
    """A sentence for each tiring ad (fatigue.ad_fatigue over the view's last weeks), the
    biggest spenders first, at most MAX_TIRING; scored by how far its CTR fell, so that a
    halved CTR ranks with a large KPI move and a fall of a fifth below it."""
    table = fatigue.tiring_ads(frames(fatigue.ad_fatigue, filters))
    table = table.sort_values(["spend_share", "ad_id"], ascending=[False, True])
    out = []
    for row in table.head(MAX_TIRING).to_dict("records"):
        weeks = int(row["weeks"])
        fall = 1 - row["ctr_last"] / row["ctr_first"]
        text = (
            f"The ad “{row['ad_name']}” ({row['campaign_name']}) is tiring: each person it "
            f"reached saw it {row['frequency_last']:.1f} times a day in the last week, up from "
            f"{row['frequency_first']:.1f} {_weeks_before(weeks - 1)}, while its CTR fell from "
            f"{fmt(row['ctr_first'], 'percent')} to {fmt(row['ctr_last'], 'percent')} "
            f"(over {fmt(row['sample'], 'count')} impressions in {weeks} weeks). Refresh its "
            "creative or widen its audience."
        )
        out.append(Insight(text, "ads", 0.5 + min(fall, 1.0), int(row["sample"])))
    return out


def _weeks_before(weeks: int) -> str:
    words = {1: "a week", 2: "two weeks", 3: "three weeks", 4: "four weeks", 5: "five weeks"}
    return f"{words.get(weeks, f'{weeks} weeks')} earlier"
