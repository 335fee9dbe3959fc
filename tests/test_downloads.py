"""Each CSV download of the pages, as shown: the units, rounding and labels of the screen (a
count is 103, never 103.0; a rate is 1.15 under a '(%)' heading in every file)."""

from __future__ import annotations

import csv
import io
import math
from datetime import date

import pandas as pd

from insights.figures import campaigns, metrics
from insights.figures.filters import Filters
from insights.render.csv_export import to_csv_bytes
from insights.ui import fmt_table, overview
from tests.test_campaign_columns import _campaign_table

FILTERS = Filters(since=date(2026, 11, 1), until=date(2026, 11, 28))


def _rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(to_csv_bytes(frame).decode("utf-8"))))


def _kpis() -> pd.DataFrame:
    def row(key: str, value: float, previous: float, currency: str | None = "EUR") -> dict:
        metric = metrics.ALL_METRICS[key]
        group = "paid" if metric in metrics.PAID_METRICS else "organic"
        return {
            "group": group,
            "currency": currency if group == "paid" else None,
            "metric": key,
            "label": metric.label,
            "unit": metric.unit,
            "value": value,
            "previous": previous,
            "change": metrics.change(value, previous),
            "help": metric.help,
        }

    return pd.DataFrame(
        [
            row("spend", 2931.175, 2847.36),
            row("impressions", 343492.0, 337125.0),
            row("ctr", 0.011527, 0.0126),
            row("roas", 3.0349, math.nan),
            row("spend", 20345.4, 20345.0, "JPY"),
            row("posts", 103.0, 103.0),
            row("engagement_rate", 0.04567, 0.05),
        ]
    )


def test_the_kpi_csv_is_the_cards_rounding_and_units():
    rows = _rows(overview._kpi_export(_kpis(), FILTERS))
    assert list(rows[0]) == [
        "Group", "Currency", "KPI", "Unit", "Since", "Until", "Value", "Comparison since",
        "Comparison until", "Comparison value", "Change (%)",
    ]  # fmt: skip
    by = {(r["Currency"], r["KPI"]): r for r in rows}
    assert by[("EUR", "Spend")]["Value"] == "2931.18" and by[("EUR", "Spend")]["Unit"] == "EUR"
    assert by[("EUR", "Spend")]["Change (%)"] == "2.9"
    assert by[("EUR", "Impressions")]["Value"] == "343492"  # never 343492.0
    assert by[("EUR", "CTR")]["Value"] == "1.15" and by[("EUR", "CTR")]["Unit"] == "%"
    assert by[("EUR", "ROAS")]["Value"] == "3.03" and by[("EUR", "ROAS")]["Unit"] == "x"
    assert by[("EUR", "ROAS")]["Comparison value"] == "" == by[("EUR", "ROAS")]["Change (%)"]
    assert by[("JPY", "Spend")]["Value"] == "20345"  # yen have no decimals
    assert by[("JPY", "Spend")]["Change (%)"] == "0.0"  # a change too small to show
    assert by[("", "Posts")]["Value"] == "103" and by[("", "Posts")]["Group"] == "Organic"
    assert by[("", "Engagement rate")]["Value"] == "4.57"
    assert by[("EUR", "Spend")]["Since"] == "2026-11-01"
    assert by[("EUR", "Spend")]["Comparison until"] == "2026-10-31"


def test_the_campaign_csv_writes_a_rate_as_the_kpi_csv_does():
    table = _campaign_table()
    shown = fmt_table.campaign_display(table, budgets=True)
    total = fmt_table.campaign_display(campaigns.totals(table), budgets=True)
    rows = _rows(pd.concat([shown, total], ignore_index=True))
    first = rows[0]
    assert first["Campaign"] == "@northwind sale"  # not prefixed
    assert first["CTR (%)"] == "1.15" and first["Conversions"] == "103"
    assert first["Spend"] == "1234.57" and first["ROAS"] == "3.50" and first["Clicks"] == "1387"
    assert rows[2]["Spend"] == "20345" and rows[2]["Currency"] == "JPY"
    assert [r["Campaign"] for r in rows[3:]] == ["Total JPY", "Total USD"]
    assert rows[4]["Spend"] == "1274.57" and rows[4]["Impressions"] == "125345"


def test_chart_downloads_are_labelled_and_rounded_as_shown():
    trend = pd.DataFrame(
        {
            "Day": [date(2026, 11, 1), date(2026, 11, 2)],
            "spend": [12.345, math.nan],
            "ctr": [0.011527, 0.02],
            "engagement": [1003.0, 0.0],
            "ctr_7day_average": [0.0123, 0.015],
        }
    )
    rows = _rows(fmt_table.metric_columns(trend, "EUR"))
    assert list(rows[0]) == [
        "Day",
        "Spend (EUR)",
        "CTR (%)",
        "Engagement",
        "CTR, 7-day average (%)",
    ]
    assert rows[0] == {
        "Day": "2026-11-01",
        "Spend (EUR)": "12.35",  # as the chart's hover writes it: to the cent
        "CTR (%)": "1.15",
        "Engagement": "1003",
        "CTR, 7-day average (%)": "1.23",
    }
    assert rows[1]["Spend (EUR)"] == "" and rows[1]["Engagement"] == "0"
    # the bars of picked campaigns in two currencies: money beside a Currency column
    bars = pd.DataFrame({"campaign_name": ["A", "B"], "spend": [10.0, 2000.4], "roas": [2.5, 1]})
    rows = _rows(fmt_table.metric_columns(bars, pd.Series(["USD", "JPY"])))
    assert rows == [
        {"campaign_name": "A", "Spend": "10.00", "ROAS": "2.50", "Currency": "USD"},
        {"campaign_name": "B", "Spend": "2000", "ROAS": "1.00", "Currency": "JPY"},
    ]
    followers = pd.DataFrame({"Date": [date(2026, 11, 1)], "followers": [15230.0]})
    assert _rows(fmt_table.metric_columns(followers)) == [
        {"Date": "2026-11-01", "Followers": "15230"}
    ]
