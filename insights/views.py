"""The exportable views (`insights export VIEW`): the same figures as the pages, as plain
columns with stable names. Ratios are ratios of sums; money keeps two decimals."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import duckdb
import pandas as pd

from insights import dashboard, metrics, queries
from insights.dashboard import Filters

PAID_COLUMNS = [
    "spend",
    "impressions",
    "clicks",
    "ctr",
    "cpc",
    "cpm",
    "conversions",
    "cvr",
    "cpa",
    "conversion_value",
    "roas",
]
MONEY = {"spend", "cpc", "cpm", "cpa", "conversion_value"}
COUNTS = {"impressions", "clicks", "conversions", "reach", "engagement"}
RATIO_DECIMALS = 6


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if column in MONEY:  # exact cents, written with two decimals ("43.30")
            out[column] = [
                None if pd.isna(v) else Decimal(f"{v:.2f}") for v in out[column].astype("float64")
            ]
        elif column in COUNTS:
            out[column] = out[column].astype("int64")
        elif column in ("ctr", "cvr", "roas", "engagement_rate"):
            out[column] = out[column].astype("float64").round(RATIO_DECIMALS)
    return out


def campaigns(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per campaign with delivery under the filters."""
    table = dashboard.campaign_table(cur, filters)
    return _rounded(table[["campaign_id", "campaign_name", *PAID_COLUMNS]])


def daily(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every day of the range with the paid metrics over the filters (zeros where nothing
    was delivered)."""
    series = dashboard.trend(cur, filters, "day")
    out = series[["period", *PAID_COLUMNS]].rename(columns={"period": "date"})
    out["date"] = pd.to_datetime(out["date"]).dt.date
    return _rounded(out)


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
