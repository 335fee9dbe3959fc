"""The exportable views (`insights export VIEW`): the same figures as the pages, as plain
columns with stable names. Ratios are ratios of sums; money keeps its currency's decimals
(two for EUR or USD, none for JPY), beside a `currency` column (ISO 4217): no export adds
money across currencies."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import duckdb
import pandas as pd

from insights.figures import campaigns as campaign_figures
from insights.figures import metrics, money, overview
from insights.figures.filters import Filters
from insights.store import queries

# the paid metrics, their units and so their rounding, as metrics.PAID_METRICS defines them
PAID_COLUMNS = [m.key for m in metrics.PAID_METRICS]
_UNITS = {m.key: m.unit for m in metrics.ALL_METRICS.values()}
MONEY = {k for k, u in _UNITS.items() if u == "money"} | {"cost_per_result"}
COUNTS = {k for k, u in _UNITS.items() if u == "count"}
RATIOS = {k for k, u in _UNITS.items() if u in ("percent", "ratio")}
RESULT_COLUMNS = ["result_type", "results", "cost_per_result"]
RATIO_DECIMALS = 6


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    currency = out["currency"] if "currency" in out else pd.Series([None] * len(out))
    for column in out.columns:
        if column in MONEY:  # exact to the currency's minor unit ("43.30", "4330" yen)
            out[column] = [
                None if pd.isna(v) else Decimal(f"{v:.{money.decimals(c)}f}")
                for v, c in zip(out[column].astype("float64"), currency, strict=True)
            ]
        elif column == "results":
            out[column] = out[column].astype("Int64")
        elif column in COUNTS:
            out[column] = out[column].astype("int64")
        elif column in RATIOS:
            out[column] = out[column].astype("float64").round(RATIO_DECIMALS)
    return out


def campaigns(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per campaign with delivery under the filters, in its ad account's currency,
    with the result its objective seeks and the cost per result."""
    table = campaign_figures.campaign_table(cur, filters)
    table = table.assign(currency=[money.code(c) or None for c in table["currency"]])
    columns = ["campaign_id", "campaign_name", "currency", *PAID_COLUMNS, *RESULT_COLUMNS]
    return _rounded(table[columns])


def daily(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every day of the range with the paid metrics over the filters (zeros where nothing
    was delivered)."""
    series = overview.trend(cur, filters, "day")
    found = series.attrs["currencies"]
    if len(found) > 1:  # one row per day and currency: money is not added across them
        parts = [
            overview.trend(cur, filters, "day", currency=c).assign(currency=money.code(c) or None)
            for c in found
        ]
        series = pd.concat(parts, ignore_index=True).sort_values(["period", "currency"])
    else:
        series = series.assign(currency=money.code(found[0]) or None if found else None)
    out = series[["period", "currency", *PAID_COLUMNS]].rename(columns={"period": "date"})
    out["date"] = pd.to_datetime(out["date"]).dt.date
    return _rounded(out.reset_index(drop=True))


def posts(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every post published in the range under the filters, with its engagement rate."""
    frame = queries.run(cur, "posts_list", **filters.organic_params())
    frame["engagement_rate"] = [
        metrics.ratio(e, r) for e, r in zip(frame["engagement"], frame["reach"], strict=True)
    ]
    frame["posted_at"] = pd.to_datetime(frame["posted_at"], utc=True).dt.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    columns = [
        "media_id",
        "account_id",
        "posted_at",
        "media_type",
        "reach",
        "engagement",
        "engagement_rate",
    ]
    return _rounded(frame[columns])


VIEWS: dict[str, Callable[[duckdb.DuckDBPyConnection, Filters], pd.DataFrame]] = {
    "campaigns": campaigns,
    "daily": daily,
    "posts": posts,
}
