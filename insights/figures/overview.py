"""The Overview's figures as DataFrames: the KPI cards with their change, and the trend with
its rolling averages. DuckDB filters and aggregates (store/sql/), pandas applies the metric
definitions (metrics.py). Nothing here imports Streamlit."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from insights.figures import metrics, money
from insights.figures.filters import ACCOUNTS, GRAINS, ORGANIC, PAID, Filters, follows
from insights.figures.metrics import MONEY_SUMS, ORGANIC_SUMS, PAID_SUMS
from insights.store import queries

# -- KPI cards ----------------------------------------------------------------------------------


def _split(frame: pd.DataFrame, columns: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Sums of the current period and of the comparison period from a frame with a `current`
    flag (a period without rows sums to zero)."""
    flags = frame["current"].astype(bool)
    return metrics.totals(frame[flags], columns), metrics.totals(frame[~flags], columns)


def _period_params(filters: Filters, params: dict[str, object]) -> dict[str, object]:
    before = filters.comparison_range()
    return {
        **params,
        "prev_since": before[0] if before else None,
        "prev_until": before[1] if before else None,
    }


def _paid_sums(
    cur: duckdb.DuckDBPyConnection, filters: Filters
) -> list[tuple[str | None, dict[str, float], dict[str, float]]]:
    """The paid sums of the range and of its comparison, per currency."""
    frame = queries.run(cur, "paid_totals", **_period_params(filters, filters.paid_params()))
    found = money.currencies(frame) or [None]
    out = []
    for currency in found:
        part = (
            frame[frame["currency"].isna()]
            if currency is None
            else frame[frame["currency"] == currency]
        )
        now, before = _split(part, PAID_SUMS)
        out.append((currency, now, before))
    return out


def _organic_sums(
    cur: duckdb.DuckDBPyConnection, filters: Filters
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    posts = queries.run(
        cur, "organic_post_totals", **_period_params(filters, filters.organic_params())
    )
    accounts = queries.run(
        cur, "organic_account_totals", **_period_params(filters, filters.account_params())
    )
    more = queries.run(
        cur, "organic_more_totals", **_period_params(filters, filters.account_params())
    )
    post_columns = ["posts", "post_reach", "likes", "comments", "saves", "shares"]
    post_columns += ["engagement", "rated_engagement"]
    account_columns = ["daily_reach", "account_views", "new_followers", "profile_views"]
    account_columns += ["website_clicks"]
    out = []
    for post_sums, account_sums, flag in zip(
        _split(posts, post_columns), _split(accounts, account_columns), (True, False), strict=True
    ):
        sums: dict[str, float | None] = {**post_sums, **account_sums}
        row = more[more["current"].astype(bool) == flag]
        for column in ("followers", "net_followers", "reach", "stories", "story_reach"):
            value = row[column].iloc[0] if len(row) else None
            sums[column] = None if value is None or pd.isna(value) else float(value)
        out.append(sums)
    return out[0], out[1]


@follows(ACCOUNTS)
def follower_history(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Followers per day over the range (date, followers), from the snapshot each refresh
    keeps: the API has no follower history of its own."""
    return queries.run(cur, "organic_followers", **filters.account_params())


def kpi_table(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per KPI: group (paid/organic), key, label, unit, value, previous, change, and
    whether the change is good news (a falling CPA is). One query per source reads both the
    period and its comparison period. The paid KPIs come once per currency of the view
    (`currency`; None when not known): money is never added across currencies."""
    compared = filters.comparison_range() is not None
    rows = []
    parts: list[tuple[str, str | None, Any, Any, tuple[metrics.Metric, ...]]] = [
        ("paid", currency, now, before, metrics.PAID_METRICS)
        for currency, now, before in _paid_sums(cur, filters)
    ]
    parts.append(("organic", None, *_organic_sums(cur, filters), metrics.ORGANIC_METRICS))
    for group, currency, now_sums, before_sums, defs in parts:
        current = metrics.kpis(now_sums, defs)
        previous = metrics.kpis(before_sums, defs) if compared else {}
        for metric in defs:
            value = current[metric.key]
            before = previous.get(metric.key, math.nan)
            delta = metrics.change(value, before)
            good = (
                None
                if math.isnan(delta) or delta == 0
                else ((delta > 0) == metric.higher_is_better)
            )
            rows.append(
                {
                    "group": group,
                    "currency": currency,
                    "metric": metric.key,
                    "label": metric.label,
                    "unit": metric.unit,
                    "value": value,
                    "previous": before,
                    "change": delta,
                    "good": good,
                    "help": metric.help,
                }
            )
    return pd.DataFrame(rows)


# -- trend -------------------------------------------------------------------------------------


ALL_CURRENCIES = "*"  # trend(currency=...): every currency of the view


@follows(PAID, ORGANIC)
def trend(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    grain: str,
    currency: str | None = ALL_CURRENCIES,
) -> pd.DataFrame:
    """Paid and organic sums per period on one time axis, every period present (zeros where
    nothing was delivered or posted), with every metric computed per period. Paid money is
    left empty when the view spans several currencies (`attrs["currencies"]` names them);
    `currency` keeps the paid figures of that one currency only (None: not known)."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    found = queries.run(cur, "paid_trend", grain=grain, **filters.paid_params())
    if currency != ALL_CURRENCIES:
        keep = found["currency"].isna() if currency is None else found["currency"] == currency
        found = found[keep]
    paid = money.one_currency(found, ["period"])
    paid_currencies = paid.attrs["currencies"]
    paid = paid.drop(columns="currency")
    organic = queries.run(cur, "organic_trend", grain=grain, **filters.organic_params())
    start = (
        pd.Timestamp(filters.since)
        .to_period({"day": "D", "week": "W-SUN", "month": "M"}[grain])
        .start_time
    )
    axis = pd.DataFrame(
        {
            "period": pd.date_range(
                start,
                pd.Timestamp(filters.until),
                freq={"day": "D", "week": "W-MON", "month": "MS"}[grain],
            )
        }
    )
    frame = axis
    for part in (paid, organic):
        part = part.assign(period=pd.to_datetime(part["period"]))
        frame = frame.merge(part, on="period", how="left")
    for column in PAID_SUMS + ORGANIC_SUMS:
        if column in frame:
            numbers = pd.to_numeric(frame[column], errors="coerce")
            if column in metrics.NULLABLE_SUMS and numbers.isna().all():
                frame[column] = numbers.astype("float64")  # no campaign sells: no ROAS
            else:
                frame[column] = numbers.fillna(0.0)
    if len(paid_currencies) > 1:  # no money line that adds two currencies up
        for column in MONEY_SUMS:
            frame[column] = math.nan
    out = with_metrics(frame)
    out.attrs["currencies"] = paid_currencies
    return out


def with_metrics(frame: pd.DataFrame) -> pd.DataFrame:
    """Add every ratio metric to a frame of sums (row-wise ratio of sums)."""
    return metrics.add_ratios(frame, (*metrics.PAID_METRICS, *metrics.ORGANIC_METRICS))


def rolling(frame: pd.DataFrame, window: int = 7) -> pd.DataFrame:
    """A rolling average over `window` periods. Sums are averaged per period; ratios are
    recomputed from the rolling sums (a rolling CTR is rolling clicks / rolling impressions,
    not a mean of daily CTRs). Periods without a full window are empty."""
    sums = [c for c in PAID_SUMS + ORGANIC_SUMS if c in frame]
    values = frame[sums].to_numpy(dtype="float64", na_value=np.nan)
    averages = np.full(values.shape, np.nan)
    if len(values) >= window:  # each full window's sum, in numpy (pandas' own costs more)
        averages[window - 1 :] = sliding_window_view(values, window, axis=0).sum(axis=-1)
    averages /= window  # sums become per-period averages; ratios of averages = of sums
    columns = {"period": frame["period"].to_numpy(), **dict(zip(sums, averages.T, strict=True))}
    return with_metrics(pd.DataFrame(columns, index=frame.index))


def trend_with_rolling(
    cur: duckdb.DuckDBPyConnection, filters: Filters, window: int = 7
) -> pd.DataFrame:
    """The daily trend's rolling average over the filter's range, computed from the
    `window - 1` days before the range too, so the line starts on the first day."""
    lead = timedelta(days=window - 1)
    extended = trend(cur, filters.with_range(filters.since - lead, filters.until), "day")
    averaged = rolling(extended, window)
    return averaged[averaged["period"] >= pd.Timestamp(filters.since)].reset_index(drop=True)


@follows(PAID, ORGANIC)
def trend_view(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    grain: str,
    window: int = 0,
    currency: str | None = ALL_CURRENCIES,
) -> pd.DataFrame:
    """What the trend chart shows: `trend` per period, and with a `window` (day grain only)
    the rolling average of every metric too, as `<metric>_avg` columns, from one query
    (`currency`: the paid figures of that currency only, as in `trend`)."""
    if grain != "day":
        return trend(cur, filters, grain, currency)
    lead = timedelta(days=max(window - 1, 0))
    history = trend(cur, filters.with_range(filters.since - lead, filters.until), "day", currency)
    return daily_view(history, filters.since, window)


def daily_view(history: pd.DataFrame, since: date, window: int = 0) -> pd.DataFrame:
    """The days from `since` on of a daily `trend` that starts at least `window - 1` days
    earlier, with (given a window) the rolling average of every metric as `<metric>_avg`
    columns: `trend_view` of the day grain, from a longer history a page already has."""
    shown = (history["period"] >= pd.Timestamp(since)).to_numpy()
    if not window:
        out = history.loc[shown].reset_index(drop=True)
    else:
        averaged = rolling(history, window)
        columns = {c: history[c].to_numpy()[shown] for c in history.columns}
        for c in averaged.columns.drop("period"):
            columns[f"{c}_avg"] = averaged[c].to_numpy()[shown]
        out = pd.DataFrame(columns)  # built at once: a concat of frames costs more than this
    out.attrs["currencies"] = history.attrs.get("currencies", [])
    return out
