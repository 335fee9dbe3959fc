"""What a refresh changed in days already stored: ad figures keep moving for weeks (late
conversions, corrections), and a marketer who reported last week's ROAS needs to know.

Before an ingest rewrites ad days it already holds, the per-day sums of those days are read;
after, read again; every metric that moved is kept in `figure_changes` with the run."""

from __future__ import annotations

import math
from datetime import date

import duckdb
import pandas as pd

from insights.figures.formatting import value as fmt
from insights.figures.metrics import Unit
from insights.store import queries

METRICS: dict[str, tuple[str, Unit]] = {  # metric: (label, unit) compared per day
    "spend": ("Spend", "money"),
    "conversions": ("Conversions", "count"),
    "conversion_value": ("Conversion value", "money"),
    "roas": ("ROAS", "ratio"),
    "cpa": ("CPA", "money"),
}


def paid_days(cur: duckdb.DuckDBPyConnection, since: date, until: date) -> pd.DataFrame:
    """Per-day and per-currency sums and ratios of the stored ad figures in [since, until]
    (ROAS and CPA over the campaigns that sell, as on the pages)."""
    frame = cur.execute(
        "SELECT date, coalesce(v.currency, '') AS currency, sum(spend)::DOUBLE AS spend, "
        "sum(conversions)::DOUBLE AS conversions, "
        "sum(conversion_value)::DOUBLE AS conversion_value, "
        "coalesce(sum(spend) FILTER (WHERE v.sells IS NOT FALSE), 0)::DOUBLE AS sales_spend, "
        "coalesce(sum(conversions) FILTER (WHERE v.sells IS NOT FALSE), 0)::DOUBLE AS sales_n, "
        "coalesce(sum(conversion_value) FILTER (WHERE v.sells IS NOT FALSE), 0)::DOUBLE "
        "AS sales_value "
        "FROM ad_campaign_daily LEFT JOIN ad_campaign_values AS v USING (campaign_id) "
        "WHERE date BETWEEN $since AND $until GROUP BY date, coalesce(v.currency, '')",
        {"since": since, "until": until},
    ).df()
    sales = frame["sales_spend"]
    frame["roas"] = frame["sales_value"] / sales.where(sales > 0)
    frame["cpa"] = sales / frame["sales_n"].where(frame["sales_n"] > 0)
    extra = ["sales_spend", "sales_n", "sales_value"]
    return frame.drop(columns=extra).set_index(["date", "currency"])


def record(
    cur: duckdb.DuckDBPyConnection, run_id: int, before: pd.DataFrame, after: pd.DataFrame
) -> int:
    """Keep every metric of a day present before and after whose value moved. Returns rows."""
    both = before.add_suffix("_before").join(after.add_suffix("_after"), how="inner")
    rows = []
    for (day, currency), row in both.iterrows():
        for metric in METRICS:
            old, new = row[f"{metric}_before"], row[f"{metric}_after"]
            if _moved(old, new):
                rows.append((run_id, day, currency, metric, _none(old), _none(new)))
    if rows:
        cur.executemany(
            "INSERT INTO figure_changes (run_id, date, currency, metric, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def _none(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _moved(old: float, new: float) -> bool:
    was, now = _none(old), _none(new)
    if was is None or now is None:
        return (was is None) != (now is None)
    return abs(now - was) > 1e-9 * max(1.0, abs(was))


def last_changes(cur: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """The changes of the latest refresh that changed anything: one sentence per row, the
    largest relative moves first."""
    frame = queries.run(cur, "figure_changes_last")
    if frame.empty:
        columns = ["run_id", "date", "currency", "metric", "before", "after", "sentence"]
        return pd.DataFrame(columns=columns)
    relative = (frame["after"] - frame["before"]).abs() / frame["before"].abs().where(
        frame["before"] != 0
    )
    frame = frame.assign(order=relative.fillna(math.inf)).sort_values(
        ["order", "date"], ascending=[False, False]
    )
    several = frame["currency"].nunique() > 1
    frame["sentence"] = [
        f"{METRICS[m][0]}{f' ({c})' if several and c else ''} of {pd.Timestamp(d):%d %b %Y} "
        f"moved from {fmt(b, METRICS[m][1], c or None)} to {fmt(a, METRICS[m][1], c or None)}"
        for m, d, c, b, a in zip(
            frame["metric"],
            frame["date"],
            frame["currency"],
            frame["before"],
            frame["after"],
            strict=True,
        )
    ]
    return frame.drop(columns="order").head(limit).reset_index(drop=True)
