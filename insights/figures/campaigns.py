"""The Campaigns page's figures: totals, side-by-side trends, rate differences with their
uncertainty, and the age x gender breakdown. Nothing here imports Streamlit."""

from __future__ import annotations

import itertools
import math
from typing import Literal

import duckdb
import numpy as np
import pandas as pd

from insights.figures import metrics, money
from insights.figures.filters import PAID, Filters, follows
from insights.figures.metrics import PAID_SUMS
from insights.figures.objectives import RESULT_TYPES
from insights.store import queries

ColumnUnit = metrics.Unit | Literal["text"]
MAX_PICKED = 5
Z_95 = 1.959963984540054  # two-sided 95% quantile of the standard normal


def totals(table: pd.DataFrame) -> pd.DataFrame:
    """Sums over a campaign table, with the ratios computed from those sums: one row per
    currency (money is never added across currencies; the row is 'Total' when the table holds
    one currency, 'Total EUR' ... when it holds several). Results are summed where every
    campaign of the currency seeks the same result, else left empty."""
    found = money.currencies(table) or [None]
    rows = []
    for currency in found:
        part = (
            table[table["currency"].isna()]
            if currency is None
            else table[table["currency"] == currency]
        )
        sums = metrics.totals(part, PAID_SUMS)
        given = part["result_type"].dropna()
        kinds = {k for k in given.unique() if isinstance(k, str)}
        one_kind = len(kinds) == 1 and len(given) == len(part)
        kind = next(iter(kinds)) if one_kind else None
        reach = kind == "reach"  # a sum of campaigns' reach is not the reach of them all
        name = "Total" if len(found) == 1 else f"Total {money.label(currency)}"
        rows.append(
            {
                "campaign_id": "",
                "campaign_name": name,
                "objective": None,
                "status": None,
                "daily_budget": None,
                "lifetime_budget": None,
                "currency": currency,
                "result_type": kind if one_kind and not reach else None,
                **sums,
                "results": part["results"].sum() if one_kind and not reach else math.nan,
            }
        )
    row = pd.DataFrame(rows)
    return with_results(metrics.add_ratios(row, metrics.PAID_METRICS))


def _picked_params(filters: Filters, picked: tuple[str, ...] | None) -> dict[str, object]:
    return {**filters.paid_params(), "picked": list(picked) if picked else None}


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    for column in PAID_SUMS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


@follows(PAID)
def daily(
    cur: duckdb.DuckDBPyConnection, filters: Filters, picked: tuple[str, ...]
) -> pd.DataFrame:
    """Every day of the range for each picked campaign (zeros where it did not deliver), with
    every paid metric per day, and `day` = days since the campaign's first delivery in the
    range (empty before it)."""
    if not picked:
        return pd.DataFrame(columns=["campaign_id", "date", "day", *PAID_SUMS])
    found = queries.run(cur, "campaign_daily", **_picked_params(filters, picked))
    # a campaigns x days x sums grid, zero where a campaign did not deliver (built in numpy:
    # the same grid through a pandas reindex costs several times the query)
    days = pd.date_range(filters.since, filters.until, freq="D")
    row = pd.Index(picked).get_indexer(found["campaign_id"])
    col = days.get_indexer(pd.to_datetime(found["date"]))
    keep = (row >= 0) & (col >= 0)
    row, col = row[keep], col[keep]
    grid = np.zeros((len(picked), len(days), len(PAID_SUMS)))
    # a campaign that does not sell has no sales spend (empty: no ROAS, no CPA of its own)
    grid[row, col] = found[PAID_SUMS].to_numpy(dtype="float64", na_value=np.nan)[keep]
    first = np.full(len(picked), len(days))
    np.minimum.at(first, row, col)  # each campaign's first day with delivery (or none)
    offset = np.arange(len(days))[None, :] - first[:, None]
    frame = pd.DataFrame(
        {
            "campaign_id": pd.Series(np.repeat(np.asarray(picked), len(days)), dtype="str"),
            "date": np.tile(days.to_numpy(), len(picked)),
            **{column: grid[:, :, k].ravel() for k, column in enumerate(PAID_SUMS)},
            "day": np.where(offset >= 0, offset, np.nan).ravel(),
        }
    )
    return metrics.add_ratios(frame, metrics.PAID_METRICS)


def indexed(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Each campaign's `metric` as an index: 100 = its value on its first day of delivery in
    the range (empty where that first value is zero or empty)."""
    out = frame[frame["day"].notna()].copy()
    base = out[out["day"] == 0].set_index("campaign_id")[metric]
    start = out["campaign_id"].map(base)
    out["index"] = out[metric] / start.where(start != 0) * 100
    return out


@follows(PAID)
def breakdown(
    cur: duckdb.DuckDBPyConnection, filters: Filters, picked: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Sums and metrics per age group and gender, over the picked campaigns (or all)."""
    params = _picked_params(filters, picked)
    del params["paid_source"]  # the breakdown always reads the age x gender detail
    frame = _numeric(queries.run(cur, "campaign_breakdown", **params))
    # campaigns in several currencies: counts and rates add up, money does not
    frame = money.one_currency(frame, ["age", "gender"])
    out = metrics.add_ratios(frame, metrics.PAID_METRICS)
    out.attrs["currencies"] = frame.attrs["currencies"]
    return out


# The count each heatmap metric rests on (its `n`): a rate over a handful of events is noise,
# so a cell with fewer than the page's minimum is left blank and never named the best. Sums
# (spend, conversions) rest on nothing but themselves and are never blanked.
RESTS_ON: dict[str, tuple[str, str]] = {  # metric -> (column of counts, what they are)
    "cpa": ("sales_conversions", "purchases"),
    "roas": ("sales_conversions", "purchases"),
    "cvr": ("conversions", "conversions"),
    "ctr": ("clicks", "clicks"),
    "cpc": ("clicks", "clicks"),
    "cpm": ("impressions", "impressions"),
}


def breakdown_cells(frame: pd.DataFrame, metric_key: str, min_count: int) -> pd.DataFrame:
    """One row per age group and gender of a `breakdown` frame: `value` (the metric), `n`
    (the count it rests on, RESTS_ON; empty for a sum) and `shown` (the value, or empty where
    n is below `min_count`: too few to judge)."""
    basis = RESTS_ON.get(metric_key)
    out = frame[["age", "gender"]].copy()
    out["value"] = pd.to_numeric(frame[metric_key], errors="coerce").astype("float64")
    if basis is None:
        out["n"] = np.nan
        out["shown"] = out["value"]
        return out
    n = pd.to_numeric(frame[basis[0]], errors="coerce").fillna(0).astype("int64")
    out["n"] = n
    out["shown"] = out["value"].where(n >= min_count)
    return out


def best_cell(cells: pd.DataFrame, metric_key: str) -> pd.Series | None:
    """The best cell among those shown (never a blanked one): the highest value, or the
    lowest for a cost; None when no cell is shown."""
    shown = cells[cells["shown"].notna()]
    if shown.empty:
        return None
    better = metrics.ALL_METRICS[metric_key].higher_is_better
    order = shown.sort_values(["shown", "age", "gender"], ascending=[not better, True, True])
    return order.iloc[0]


RATE_TESTS: dict[str, tuple[str, str]] = {  # rate -> (successes, trials)
    "ctr": ("clicks", "impressions"),
    "cvr": ("conversions", "clicks"),
}


def rate_differences(table: pd.DataFrame, picked: tuple[str, ...]) -> pd.DataFrame:
    """For every pair of picked campaigns, the difference of their CTR and of their CVR with a
    95% confidence interval (normal approximation for two independent proportions) and
    whether the gap is statistically real (the interval excludes zero).

    A rate whose successes exceed its trials (e.g. view-through conversions above clicks) is
    not a proportion and gets no interval; nor does a rate with no trials or an interval
    that the normal approximation cannot give (fewer than 5 successes or failures on a side).
    """
    rows = table.set_index("campaign_id")
    out = []
    for first, second in itertools.combinations([p for p in picked if p in rows.index], 2):
        a, b = rows.loc[first], rows.loc[second]
        for rate, (hits, trials) in RATE_TESTS.items():
            out.append(
                {
                    "rate": rate,
                    "campaign_a": first,
                    "name_a": a["campaign_name"],
                    "campaign_b": second,
                    "name_b": b["campaign_name"],
                    **_difference(a[hits], a[trials], b[hits], b[trials]),
                }
            )
    return pd.DataFrame(
        out,
        columns=[
            "rate",
            "campaign_a",
            "name_a",
            "campaign_b",
            "name_b",
            "rate_a",
            "rate_b",
            "difference",
            "ci_low",
            "ci_high",
            "verdict",
        ],
    )


def _difference(hits_a: float, n_a: float, hits_b: float, n_b: float) -> dict[str, object]:
    found = differences(
        *(np.array([value], dtype="float64") for value in (hits_a, n_a, hits_b, n_b))
    )
    return {key: value[0].item() for key, value in found.items()}


def differences(
    hits_a: np.ndarray, n_a: np.ndarray, hits_b: np.ndarray, n_b: np.ndarray
) -> dict[str, np.ndarray]:
    """Rate a minus rate b for each pair of proportions (hits over trials), with its 95%
    interval (two independent proportions, normal approximation) and a verdict: "real gap"
    when the interval leaves out zero, "could be chance", or why there is no interval ("no
    data", "not a proportion", "too little data": under 5 hits or misses on a side)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_a = np.where(n_a > 0, hits_a / n_a, np.nan)
        rate_b = np.where(n_b > 0, hits_b / n_b, np.nan)
        error = np.sqrt(rate_a * (1 - rate_a) / n_a + rate_b * (1 - rate_b) / n_b)
    no_data = np.isnan(rate_a) | np.isnan(rate_b)
    improper = ~no_data & ((hits_a > n_a) | (hits_b > n_b))
    thin = (
        ~no_data & ~improper & (np.minimum.reduce([hits_a, n_a - hits_a, hits_b, n_b - hits_b]) < 5)
    )
    judged = ~(no_data | improper | thin)
    low = np.where(judged, rate_a - rate_b - Z_95 * error, np.nan)
    high = np.where(judged, rate_a - rate_b + Z_95 * error, np.nan)
    verdict = np.select(
        [no_data, improper, thin, (low > 0) | (high < 0)],
        ["no data", "not a proportion", "too little data", "real gap"],
        "could be chance",
    )
    return {
        "rate_a": rate_a,
        "rate_b": rate_b,
        "difference": rate_a - rate_b,
        "ci_low": low,
        "ci_high": high,
        "verdict": verdict,
    }


def default_pick(table: pd.DataFrame, count: int = 3) -> tuple[str, ...]:
    """The campaigns to compare when none are picked: the biggest spenders."""
    return tuple(table.sort_values("spend", ascending=False)["campaign_id"].head(count))


# -- the campaign table -------------------------------------------------------------------------


@follows(PAID)
def campaign_table(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every campaign with delivery under the filters, with all paid KPIs."""
    frame = queries.run(cur, "campaign_comparison", **filters.paid_params())
    for column in PAID_SUMS + ["daily_budget", "lifetime_budget", "results"]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return with_results(metrics.add_ratios(frame, metrics.PAID_METRICS))


def with_results(frame: pd.DataFrame) -> pd.DataFrame:
    """Add each row's cost per result (spend / results; per 1,000 people for reach, as Ads
    Manager writes it) and what its result is called, from `result_type` and `results`."""
    out = frame.copy()
    # each result type looked up once: a table of thousands of ads has a handful of them
    codes, types = pd.factorize(out["result_type"].astype(object))
    kinds = [RESULT_TYPES.get(k) if isinstance(k, str) else None for k in types]
    scales = np.array([1000.0 if k is not None and k.key == "reach" else 1.0 for k in kinds])
    labels = np.array([k.label if k is not None else None for k in kinds] + [None], dtype=object)
    scale = np.append(scales, 1.0)[codes]  # code -1: no result type
    spend = out["spend"].to_numpy(dtype="float64", na_value=np.nan)
    results = pd.to_numeric(out["results"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cost_per_result"] = np.where(results > 0, spend / results * scale, np.nan)
    out["result_label"] = labels[codes]
    return out


def results_text(results: object, result_type: object) -> str:
    """'12 leads', '340 link clicks', '1 purchase'; '' when not known."""
    kind = RESULT_TYPES.get(result_type) if isinstance(result_type, str) else None
    if kind is None or results is None or pd.isna(results):  # type: ignore[call-overload]
        return ""
    count = float(results)  # type: ignore[arg-type]
    noun = kind.singular if count == 1 else _plural(kind.singular)
    return f"{count:,.0f} {noun}"


def cost_per_result_label(result_type: object) -> str:
    """'Cost per lead', 'Cost per 1,000 people reached'; 'Cost per result' when not known."""
    kind = RESULT_TYPES.get(result_type) if isinstance(result_type, str) else None
    if kind is None:
        return "Cost per result"
    if kind.key == "reach":
        return "Cost per 1,000 people reached"
    return f"Cost per {kind.singular}"


def _plural(noun: str) -> str:
    if noun.startswith("person "):
        return "people " + noun.removeprefix("person ")
    return noun + "s"


def money_text(number: object, currency: object) -> str:
    """An amount in its currency (see insights.figures.money)."""
    return money.amount(number, currency)


# -- what the campaign table shows -------------------------------------------------------------
# Every paid metric of metrics.PAID_METRICS, with its label and unit from there (nothing here
# repeats one), among the columns that describe a campaign and the result its objective seeks.
# The order is a marketer's: what it cost and what it brought first, so that ROAS is on screen
# beside the pinned name at 1280 px; how it was delivered after; the descriptive columns
# (status, budget, objective, currency) last.
CAMPAIGN_ORDER: tuple[str, ...] = (
    "campaign_name",
    "spend",
    "results",
    "result_label",
    "cost_per_result",
    "roas",
    "cpa",
    "conversions",
    "conversion_value",
    "sales_spend",
    "ctr",
    "cvr",
    "cpc",
    "cpm",
    "impressions",
    "clicks",
    "status",
    "objective",
    "currency",
)
NON_METRIC_COLUMNS: dict[str, tuple[str, ColumnUnit]] = {  # key -> (label, unit)
    "campaign_name": ("Campaign", "text"),
    "status": ("Status", "text"),
    "results": ("Results", "count"),
    "result_label": ("Result type", "text"),
    "cost_per_result": ("Cost per result", "money"),
    "objective": ("Objective", "text"),
    "currency": ("Currency", "text"),
}


def _column(key: str) -> tuple[str, ColumnUnit]:
    if key in NON_METRIC_COLUMNS:
        return NON_METRIC_COLUMNS[key]
    metric = metrics.ALL_METRICS[key]
    return metric.label, metric.unit


CAMPAIGN_COLUMNS: dict[str, str] = {k: _column(k)[0] for k in CAMPAIGN_ORDER}  # key -> label
CAMPAIGN_UNITS: dict[str, ColumnUnit] = {k: _column(k)[1] for k in CAMPAIGN_ORDER}
