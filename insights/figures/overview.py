"""What the dashboard pages show, as DataFrames: filters in, figures out.

Pages ask this module for a frame and display it; DuckDB filters and aggregates (queries/),
pandas applies the metric definitions (metrics.py). Nothing here imports Streamlit.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal, Protocol

import duckdb
import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from insights.figures import metrics, money
from insights.figures.objectives import RESULT_TYPES
from insights.store import queries

Comparison = Literal["previous", "last_year", "none"]
Grain = Literal["day", "week", "month"]
COMPARISONS: dict[str, str] = {
    "previous": "Previous period",
    "last_year": "Same period last year",
    "none": "No comparison",
}
GRAINS: tuple[str, ...] = ("day", "week", "month")
PRESETS: dict[str, str] = {
    "yesterday": "Yesterday",
    "last_7": "Last 7 days",
    "last_28": "Last 28 days",
    "last_30": "Last 30 days",
    "last_90": "Last 90 days",
    "this_month": "This month",
    "last_month": "Last month",
    "ytd": "Year to date",
    "custom": "Custom",
}
# How a period is compared with the one before it: a run of days with the same number of days
# just before; a calendar month with the whole month before; a month or a year to date with the
# same days of the month or the year before (1-22 Nov against 1-22 Oct, as Ads Manager does).
PeriodKind = Literal["days", "month", "month_to_date", "year_to_date"]
PRESET_KINDS: dict[str, PeriodKind] = {
    "this_month": "month_to_date",
    "last_month": "month",
    "ytd": "year_to_date",
}
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


@dataclass(frozen=True)
class Filters:
    """The global filters of every page. An empty tuple means 'all'.

    Paid figures follow campaigns, objectives, ages and genders; organic figures follow
    accounts and media types (account-level daily insights follow accounts only)."""

    since: date
    until: date
    compare: Comparison = "previous"
    campaign_ids: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    media_types: tuple[str, ...] = ()
    ages: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    period_kind: PeriodKind = "days"

    def comparison_range(self) -> tuple[date, date] | None:
        """The period the KPI changes are measured against, or None."""
        if self.compare == "previous":
            return _previous_period(self.since, self.until, self.period_kind)
        if self.compare == "last_year":
            return _year_before(self.since), _year_before(self.until)
        return None

    def with_range(self, since: date, until: date) -> Filters:
        return replace(self, since=since, until=until)

    @property
    def paid_source(self) -> str:
        """The table the paid queries read: the smallest that still has the columns the
        filters need (the age x gender detail only for an age filter)."""
        if self.ages:
            return "ad_insights_daily"
        return "ad_campaign_gender_daily_all" if self.genders else "ad_campaign_daily_all"

    def paid_params(self) -> dict[str, object]:
        """Parameters of the paid queries (with the table they read, from an allow-list)."""
        return {
            "paid_source": self.paid_source,
            "since": self.since,
            "until": self.until,
            "campaign_ids": list(self.campaign_ids) or None,
            "objectives": list(self.objectives) or None,
            "ages": list(self.ages) or None,
            "genders": list(self.genders) or None,
        }

    def account_params(self) -> dict[str, object]:
        return {
            "since": self.since,
            "until": self.until,
            "account_ids": list(self.account_ids) or None,
        }

    def organic_params(self) -> dict[str, object]:
        return {**self.account_params(), "media_types": list(self.media_types) or None}

    @property
    def narrows_paid(self) -> bool:
        return bool(self.campaign_ids or self.objectives or self.ages or self.genders)

    @property
    def narrows_organic(self) -> bool:
        return bool(self.account_ids or self.media_types)


def _previous_period(since: date, until: date, kind: PeriodKind) -> tuple[date, date]:
    if kind == "month":
        last = since - timedelta(days=1)
        return last.replace(day=1), last
    if kind == "month_to_date":
        first = (since - timedelta(days=1)).replace(day=1)
        return first, min(first + timedelta(days=until.day - 1), month_end(first))
    if kind == "year_to_date":
        return since.replace(year=since.year - 1), _year_before(until)
    length = (until - since).days + 1
    return since - timedelta(days=length), since - timedelta(days=1)


def _year_before(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def preset_range(preset: str, anchor: date) -> tuple[date, date]:
    """The inclusive date range of a preset, ending at `anchor` (the last day with data; for
    "yesterday", the last full day up to it)."""
    if preset == "yesterday":
        day = min(anchor, date.today() - timedelta(days=1))
        return day, day
    if preset in ("last_7", "last_28", "last_30", "last_90"):
        days = int(preset.split("_")[1])
        return anchor - timedelta(days=days - 1), anchor
    if preset == "this_month":
        return anchor.replace(day=1), anchor
    if preset == "last_month":
        last = anchor.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "ytd":
        return anchor.replace(month=1, day=1), anchor
    raise ValueError(f"unknown preset {preset!r}")


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


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


def currencies(frame: pd.DataFrame) -> list[str | None]:
    """The currencies of a frame with a `currency` column, in order (None: not known)."""
    if "currency" not in frame or frame.empty:
        return []
    found = {None if pd.isna(c) else str(c) for c in frame["currency"]}
    return sorted(found, key=lambda c: (c is None, c or ""))


def one_currency(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """A frame of sums per `keys` and currency summed over currencies: the counts add up, the
    money sums only where the frame holds one currency (NaN otherwise: money is never added
    across currencies). `currency` is that one currency, or None; the frame's
    `attrs["currencies"]` lists them all."""
    found = currencies(frame)
    if len(found) <= 1:
        out = frame.copy()
        out["currency"] = found[0] if found else None
        out.attrs["currencies"] = found
        return out
    sums = [c for c in PAID_SUMS if c in frame]
    numbers = frame[keys].copy()
    for column in sums:
        numbers[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    out = numbers.groupby(keys, as_index=False, sort=False)[sums].sum()
    for column in MONEY_SUMS:
        if column in out:
            out[column] = math.nan
    out["currency"] = None
    out.attrs["currencies"] = found
    return out


def _paid_sums(
    cur: duckdb.DuckDBPyConnection, filters: Filters
) -> list[tuple[str | None, dict[str, float], dict[str, float]]]:
    """The paid sums of the range and of its comparison, per currency."""
    frame = queries.run(cur, "paid_totals", **_period_params(filters, filters.paid_params()))
    found = currencies(frame) or [None]
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


# -- shared computations -------------------------------------------------------------------------

Compute = Callable[..., pd.DataFrame]  # compute(cur, filters, *extra) -> a page's frame


class FrameSource(Protocol):
    """Where insights get the page computations they build on: `source(compute, filters,
    *extra)` is `compute(cur, filters, *extra)`, possibly from a cache. Insights take a source
    rather than a cursor so that they reuse the figures the page has already computed."""

    def __call__(self, compute: Compute, filters: Filters, /, *extra: Any) -> pd.DataFrame: ...


class Frames:
    """A FrameSource over one cursor that runs each (computation, filters, arguments) once:
    what a report, the CLI or a test shares between figures and the insights on them. (The app
    passes its cache instead, which has the same call shape.) The frames it returns are shared,
    so callers must not change them in place."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self.cur = cur
        self._done: dict[tuple[Hashable, ...], pd.DataFrame] = {}

    def __call__(self, compute: Compute, filters: Filters, /, *extra: Any) -> pd.DataFrame:
        key = (compute, filters, *extra)
        if key not in self._done:
            self._done[key] = compute(self.cur, filters, *extra)
        return self._done[key]


# -- trend -------------------------------------------------------------------------------------


ALL_CURRENCIES = "*"  # trend(currency=...): every currency of the view


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
    paid = one_currency(found, ["period"])
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
    """Add engagement and every ratio metric to a frame of sums (row-wise ratio of sums)."""
    out = frame.copy()
    if {"likes", "comments", "saves", "shares"} <= set(out.columns) and "engagement" not in out:
        out["engagement"] = out["likes"] + out["comments"] + out["saves"] + out["shares"]
    return metrics.add_ratios(out, (*metrics.PAID_METRICS, *metrics.ORGANIC_METRICS))


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


def trend_view(
    cur: duckdb.DuckDBPyConnection, filters: Filters, grain: str, window: int = 0
) -> pd.DataFrame:
    """What the trend chart shows: `trend` per period, and with a `window` (day grain only)
    the rolling average of every metric too, as `<metric>_avg` columns, from one query."""
    if grain != "day":
        return trend(cur, filters, grain)
    lead = timedelta(days=max(window - 1, 0))
    history = trend(cur, filters.with_range(filters.since - lead, filters.until), "day")
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


# -- campaigns ----------------------------------------------------------------------------------


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
    kinds = [RESULT_TYPES.get(k) if isinstance(k, str) else None for k in out["result_type"]]
    scale = np.array([1000.0 if k is not None and k.key == "reach" else 1.0 for k in kinds])
    spend = out["spend"].to_numpy(dtype="float64", na_value=np.nan)
    results = pd.to_numeric(out["results"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cost_per_result"] = np.where(results > 0, spend / results * scale, np.nan)
    out["result_label"] = [k.label if k is not None else None for k in kinds]
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


CAMPAIGN_COLUMNS: dict[str, str] = {  # what the campaign table shows, in this order
    "campaign_name": "Campaign",
    "objective": "Objective",
    "status": "Status",
    "currency": "Currency",
    "spend": "Spend",
    "results": "Results",
    "result_label": "Result type",
    "cost_per_result": "Cost per result",
    "conversions": "Conversions",
    "cpa": "CPA",
    "conversion_value": "Conversion value",
    "roas": "ROAS",
    "impressions": "Impressions",
    "clicks": "Clicks",
    "ctr": "CTR",
    "cpc": "CPC",
    "cpm": "CPM",
    "cvr": "CVR",
}


# -- options and freshness ---------------------------------------------------------------------


def data_bounds(cur: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    frame = queries.run(cur, "data_bounds")
    first, last = frame.iloc[0]["first_day"], frame.iloc[0]["last_day"]
    if pd.isna(first) or pd.isna(last):
        return None
    return pd.Timestamp(first).date(), pd.Timestamp(last).date()
