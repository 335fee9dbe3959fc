"""Why a paid KPI moved, in words: the campaign whose own numbers explain most of the change
(and what moved inside it: its conversion or click rate when those explain a cost or a
return), or, when the change is one of mix, the campaign whose share of the whole grew or
shrank. The movers of "In plain words" (narratives.py) end their sentence with it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from insights.figures import metrics
from insights.figures.formatting import value as fmt

MIX_SHARE = 0.5  # a mix effect is named when it explains this share of the change and one
# campaign this share of the mix effect
DENOMINATOR_NOUNS = {
    "impressions": "impressions",
    "clicks": "clicks",
    "sales_conversions": "conversions",
    "sales_spend": "spend on sales",
}


def driver(
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
