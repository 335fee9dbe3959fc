"""Reach and frequency of campaigns, ad sets and ads over a whole period, as Meta counts them
(issue 18): unique people over the period, read by the refresh for the periods of the date
presets (ad_period_reach). A sum of daily reach overstates reach, so a range that is not one
of those periods has no reach figure, and reach_note says why in a sentence. Nothing here
imports Streamlit."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from insights.figures import formatting
from insights.figures.filters import PAID, Filters, follows
from insights.figures.periods import REACH_LEVELS as LEVELS
from insights.figures.periods import REACH_PRESETS, preset_range
from insights.store import queries

COLUMNS = ("object_id", "reach", "impressions", "frequency")


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in COLUMNS})
    frame["object_id"] = frame["object_id"].astype(object)
    return frame


@follows(PAID)
def period_reach(cur: duckdb.DuckDBPyConnection, filters: Filters, level: str) -> pd.DataFrame:
    """Reach, impressions and frequency of each campaign, ad set or ad (`level`) of the
    filtered campaigns and objectives over the filters' range, as Meta counted them for that
    period. Empty when the range is not a stored period, and under an age or gender filter
    (a period's reach is of every age and gender together)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
    if filters.ages or filters.genders:
        return _empty()
    frame = queries.run(
        cur,
        "period_reach",
        level=level,
        since=filters.since,
        until=filters.until,
        campaign_ids=list(filters.campaign_ids) or None,
        objectives=list(filters.objectives) or None,
    )
    if frame.empty:
        return _empty()
    out = frame[list(COLUMNS)].reset_index(drop=True)
    for column in COLUMNS[1:]:
        out[column] = out[column].astype("float64")
    out["object_id"] = out["object_id"].astype(object)
    return out


def stored_periods(cur: duckdb.DuckDBPyConnection) -> list[tuple[date, date]]:
    """The periods whose reach the store holds, the latest first."""
    frame = queries.run(cur, "period_reach_periods")
    return [
        (pd.Timestamp(s).date(), pd.Timestamp(u).date())
        for s, u in zip(frame["since"], frame["until"], strict=True)
    ]


def reach_note(cur: duckdb.DuckDBPyConnection, filters: Filters) -> str | None:
    """None when the filters' range has Meta's reach and frequency; else one sentence
    saying why there are none and what to pick to see them."""
    what = "Reach and frequency are Meta's counts of unique people over a whole period"
    if filters.ages or filters.genders:
        return (
            f"{what}, for every age and gender together: clear the age and gender filters "
            "to see them."
        )
    periods = stored_periods(cur)
    if not periods:
        return (
            f"{what}, read from Meta's Marketing API by a refresh; the data here has none (an "
            "imported file does not carry them). Refresh from the API to see them."
        )
    if (filters.since, filters.until) in periods:
        return None
    anchor = max(until for _, until in periods)
    offered = [p for p in REACH_PRESETS if preset_range(p, anchor) in periods]
    if not offered:
        ranges = "; ".join(formatting.days(s, u) for s, u in periods[:6])
        return f"{what}; the last refresh read them for {ranges}. Pick one of those ranges."
    return (
        f"{what}; the last refresh read them for {_named(offered)} (up to "
        f"{formatting.day(anchor)}). Pick one of those ranges to see them."
    )


def _named(presets: list[str]) -> str:
    """'the last 7, 28 and 90 days, this month and last month' for those presets."""
    lengths = [p.split("_")[1] for p in presets if p.startswith("last_") and p[5:].isdigit()]
    parts = [f"the last {_listed(lengths)} days"] if lengths else []
    parts += [p.replace("_", " ") for p in presets if p in ("this_month", "last_month")]
    return _listed(parts)


def _listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
