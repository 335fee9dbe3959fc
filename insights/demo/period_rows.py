"""The demo's insight rows of a whole period (`time_increment=all_days`): one row per
campaign, ad set or ad that delivered in the `time_range`, its figures summed over the days
like the daily rows, and its reach counted as unique people over the period.

Modelled from Meta's Insights API reference ("time_increment: all_days", the default: one
result for the whole time range, `date_start` and `date_stop` the range's ends) and
GRAPH_API.md (reach is unique people: a sum of daily reach overstates a period's reach).

The demo's people: each day an object reaches its daily reach; of the people it reached on
the days other than its biggest day, 2 in 5 had been reached on an earlier day and are not
counted again (REPEAT). So a period's reach is at least the biggest daily reach and at most
the sum of the daily reach. An ad set's people are its ads' people, a campaign's its ad sets':
the same rule on the summed daily reach gives a parent at least the reach of its biggest
child and at most the sum of its children's (kept so after rounding by a clamp).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from insights.demo.ad_objects import AD_SETS_PER_CAMPAIGN, ADS_PER_AD_SET, ad_set_id, ad_set_name
from insights.demo.ad_table import AdLevelTable

NEW_SHARE = (3, 5)  # of the people reached outside the biggest day, 3 in 5 are new
LEVELS = ("campaign", "adset", "ad")


def unique_reach(daily: np.ndarray) -> int:
    """The period's unique people from its daily reach (see the module's docstring)."""
    if not len(daily):
        return 0
    biggest, total = int(daily.max()), int(daily.sum())
    new, of = NEW_SHARE
    return biggest + (total - biggest) * new // of


def _between(value: int, children: Sequence[int]) -> int:
    """A parent's reach kept between its biggest child's and the sum of its children's."""
    return min(max(value, max(children)), sum(children))


def period_rows(
    table: AdLevelTable,
    rows: Sequence[Mapping[str, Any]],
    level: str,
    since: str,
    until: str,
    without_actions: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """One row per object of `level` that delivered in `rows` (campaign rows by day, age and
    gender: those of the time range), in Meta's shape. `without_actions`: campaigns whose
    campaign-level rows come without actions (ad sets of mixed attribution settings)."""
    reach_col = table.metrics.index(("plain", "reach"))
    # campaign -> day -> ads x metrics (the day's age x gender rows summed)
    days: dict[str, dict[str, np.ndarray]] = {}
    first: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        cid, day = str(row["campaign_id"]), str(row["date_start"])
        first.setdefault(cid, row)
        numbers = table.ads[table.pos[id(row)]]
        by_day = days.setdefault(cid, {})
        if day in by_day:
            by_day[day] = by_day[day] + numbers
        else:
            by_day[day] = numbers.copy()
    out: list[dict[str, Any]] = []
    for cid in sorted(days):
        stack = np.stack([days[cid][d] for d in sorted(days[cid])])  # days x ads x metrics
        ad_reach = [unique_reach(stack[:, a, reach_col]) for a in range(stack.shape[1])]
        set_reach = []
        for s in range(AD_SETS_PER_CAMPAIGN):
            mine = slice(s * ADS_PER_AD_SET, (s + 1) * ADS_PER_AD_SET)
            own = unique_reach(stack[:, mine, reach_col].sum(axis=1))
            set_reach.append(_between(own, ad_reach[mine]))
        campaign_reach = _between(unique_reach(stack[:, :, reach_col].sum(axis=1)), set_reach)
        totals = stack.sum(axis=0)  # ads x metrics
        base = {k: v for k, v in first[cid].items() if k not in ("age", "gender")}
        base["date_start"], base["date_stop"] = since, until
        made: list[tuple[np.ndarray, int, dict[str, Any], tuple[str, ...]]]
        if level == "campaign":
            bare = ("actions", "action_values") if cid in without_actions else ()
            made = [(totals.sum(axis=0), campaign_reach, {}, bare)]
        elif level == "adset":
            made = []
            for s in range(AD_SETS_PER_CAMPAIGN):
                part = totals[s * ADS_PER_AD_SET : (s + 1) * ADS_PER_AD_SET].sum(axis=0)
                ids = {"adset_id": ad_set_id(cid, s), "adset_name": ad_set_name(s)}
                made.append((part, set_reach[s], ids, ()))
        else:
            made = [(totals[a], ad_reach[a], {"ad": a}, ()) for a in range(totals.shape[0])]
        for numbers, reach, ids, drop in made:
            if not numbers.any():
                continue  # no delivery in the range: left out, as Meta leaves it out
            numbers = numbers.copy()
            numbers[reach_col] = reach
            written = table.write_row(base, numbers, drop)
            if "ad" in ids:
                written = table.with_names(written, first[cid], int(ids["ad"]))
            else:
                written.update(ids)
            impressions = int(numbers[table.metrics.index(("plain", "impressions"))])
            if reach:
                # Meta sends frequency as a string of the ratio, impressions / reach
                written["frequency"] = repr(impressions / reach)
            out.append(written)
    return out
