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

import numpy as np
import pandas as pd

from insights.figures import campaigns, content, fatigue, metrics, money
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
MIX_SHARE = 0.5  # a mix effect is named when it explains this share of the change and one
# campaign this share of the mix effect
DENOMINATOR_NOUNS = {
    "impressions": "impressions",
    "clicks": "clicks",
    "sales_conversions": "conversions",
    "sales_spend": "spend on sales",
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
        driver = _driver(metric, now_table, before_table, change, currency)
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


def _value(table: pd.DataFrame, metric: metrics.Metric) -> pd.Series:
    return table[metric.key] if metric.key in table else table[metric.numerator]


def _driver(
    metric: metrics.Metric,
    now: pd.DataFrame,
    before: pd.DataFrame,
    change: float,
    currency: str | None = None,
) -> str | None:
    """The campaign whose own numbers explain most of the change: the change with that
    campaign left out moves least toward the total change."""
    columns = [c for c in (metric.numerator, metric.denominator) if c] or [metric.key]
    ids = pd.Index(now["campaign_id"]).union(pd.Index(before["campaign_id"]))  # sorted
    if len(ids) < 2:
        return None

    def aligned(table: pd.DataFrame) -> np.ndarray:
        """The table's columns on the `ids` axis, zero where a campaign is absent."""
        out = np.zeros((len(ids), len(columns)))
        out[ids.get_indexer(table["campaign_id"])] = table[columns].to_numpy(
            dtype="float64", na_value=0.0
        )
        return out

    a, b = aligned(now), aligned(before)
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric.numerator is None:
            contribution = a[:, 0] - b[:, 0]
            total = float(contribution.sum())
        else:
            (num_n, den_n), (num_b, den_b) = a.T, b.T
            scale = metric.scale
            total = float(scale * (num_n.sum() / den_n.sum() - num_b.sum() / den_b.sum()))
            without = scale * (
                (num_n.sum() - num_n) / (den_n.sum() - den_n)
                - (num_b.sum() - num_b) / (den_b.sum() - den_b)
            )
            contribution = total - without
    signed = np.where(np.isfinite(contribution), contribution * math.copysign(1, total), np.nan)
    if np.isnan(signed).all() or total == 0 or not math.isfinite(total):
        return None
    best = int(np.nanargmax(signed))  # the first of equals, in campaign id order
    if signed[best] < 0.3 * abs(total):
        if metric.numerator is not None:
            mix = _mix_driver(metric, ids, a, b, total, now, currency)
            if mix:
                return mix
        return "spread across campaigns"
    campaign = ids[best]
    own = _own_change(metric, now, before, campaign, currency)
    return f"driven by {_name(now, campaign) or _name(before, campaign) or campaign}{own}"


def _mix_driver(
    metric: metrics.Metric,
    ids: pd.Index,
    now: np.ndarray,
    before: np.ndarray,
    total: float,
    table: pd.DataFrame,
    currency: str | None,
) -> str | None:
    """The campaign behind a change of mix, when there is one: a ratio over all campaigns is
    their own ratios weighted by their shares of its denominator, so a campaign whose share
    grew (a new one) or shrank moves the total without any campaign's own ratio moving. Its
    part of the mix effect is (share now - share before) x (its ratio - the total's ratio
    before). Named when the mix effect explains at least MIX_SHARE of the change and that
    campaign at least MIX_SHARE of the mix effect; None otherwise."""
    (num_n, den_n), (num_b, den_b) = now.T, before.T
    if den_n.sum() <= 0 or den_b.sum() <= 0:
        return None
    share_n, share_b = den_n / den_n.sum(), den_b / den_b.sum()
    before_total = metric.scale * num_b.sum() / den_b.sum()
    with np.errstate(divide="ignore", invalid="ignore"):  # both branches are computed
        own = np.where(den_n > 0, num_n / den_n, num_b / den_b) * metric.scale
        parts = np.where(np.isfinite(own), (share_n - share_b) * (own - before_total), 0.0)
    sign = math.copysign(1, total)
    mix = float(parts.sum())
    if mix * sign < MIX_SHARE * abs(total):
        return None
    best = int(np.argmax(parts * sign))
    if parts[best] * sign < MIX_SHARE * abs(mix):
        return None
    noun = DENOMINATOR_NOUNS.get(str(metric.denominator), str(metric.denominator))
    name = _name(table, ids[best]) or str(ids[best])
    value = fmt(own[best], metric.unit, currency)
    if share_b[best] == 0:
        moved = f"{name} (new in this period) took {share_n[best]:.0%} of the {noun}"
    elif share_n[best] == 0:
        moved = f"{name} (no delivery now) had {share_b[best]:.0%} of the {noun} before"
    else:
        verb = "rose" if share_n[best] > share_b[best] else "fell"
        moved = (
            f"{name}'s share of the {noun} {verb} from {share_b[best]:.0%} to {share_n[best]:.0%}"
        )
    return f"mostly a change of mix: {moved}, at a {metric.label} of {value}"


def _name(table: pd.DataFrame, campaign: str) -> str | None:
    names = table.loc[table["campaign_id"] == campaign, "campaign_name"]
    return str(names.iloc[0]) if len(names) else None


def _own_change(
    metric: metrics.Metric,
    now: pd.DataFrame,
    before: pd.DataFrame,
    campaign: str,
    currency: str | None = None,
) -> str:
    """What moved inside the driving campaign: its conversion or click rate when those
    explain a cost or a return, else the KPI itself."""
    a = now.set_index("campaign_id")
    b = before.set_index("campaign_id")
    if campaign not in a.index or campaign not in b.index:
        return " (new in this period)" if campaign in a.index else " (no delivery now)"
    by_key = {m.key: m for m in metrics.PAID_METRICS}
    candidates = {"cpa": ("cvr", "cpc"), "roas": ("cvr", "cpc"), "cpc": ("ctr", "cpm")}
    pick = metric
    options = candidates.get(metric.key)
    if options:
        moves = {
            k: abs(metrics.change(float(a.at[campaign, k]), float(b.at[campaign, k])))
            for k in options
        }
        moves = {k: v for k, v in moves.items() if math.isfinite(v)}
        if moves:
            pick = by_key[max(moves, key=lambda k: moves[k])]
    then, now_value = float(b.at[campaign, pick.key]), float(a.at[campaign, pick.key])
    if not (math.isfinite(then) and math.isfinite(now_value)) or then == now_value:
        return ""
    verb = "rose" if now_value > then else "fell"
    return (
        f", whose {pick.label} {verb} from {fmt(then, pick.unit, currency)} to "
        f"{fmt(now_value, pick.unit, currency)}"
    )


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
