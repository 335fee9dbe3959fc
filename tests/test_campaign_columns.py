"""The campaign table's columns come from metrics.PAID_METRICS: every paid metric is in the
table, the report and the exports under its own label and unit, none written twice."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from insights.figures import campaigns, exports, metrics
from insights.render import report
from insights.ui import campaign_grid, fmt_table

PAID = {m.key: m for m in metrics.PAID_METRICS}


def _table() -> pd.DataFrame:
    """Two campaigns in dollars, one in yen, with every column the query gives."""
    return pd.DataFrame(
        {
            "campaign_id": ["a", "b", "c"],
            "campaign_name": ["@northwind sale", "Leads", "Tokyo"],
            "objective": ["OUTCOME_SALES", "OUTCOME_LEADS", "OUTCOME_SALES"],
            "status": ["ACTIVE", "PAUSED", "ACTIVE"],
            "daily_budget": [50.0, None, 3000.0],
            "lifetime_budget": [None, 900.0, None],
            "currency": ["USD", "USD", "JPY"],
            "result_type": ["purchase", "lead", "purchase"],
            "results": [103.0, 12.0, 4.0],
            "spend": [1234.567, 40.0, 20345.4],
            "impressions": [120345.0, 5000.0, 9000.0],
            "clicks": [1387.0, 60.0, 90.0],
            "link_clicks": [1200.0, 50.0, 80.0],
            "conversions": [103.0, 0.0, 4.0],
            "conversion_value": [4321.0, None, 90000.0],
            "sales_spend": [1234.567, None, 20345.4],
            "sales_conversions": [103.0, None, 4.0],
            "sales_value": [4321.0, None, 90000.0],
        }
    )


def _campaign_table() -> pd.DataFrame:
    return campaigns.with_results(metrics.add_ratios(_table(), metrics.PAID_METRICS))


def test_every_paid_metric_is_a_column_with_its_label_and_unit():
    for key, metric in PAID.items():
        assert campaigns.CAMPAIGN_COLUMNS[key] == metric.label
        assert campaigns.CAMPAIGN_UNITS[key] == metric.unit
    shown = fmt_table.campaign_display(_campaign_table(), budgets=True)
    for metric in metrics.PAID_METRICS:  # two currencies: headings without a currency
        heading = metric.label + (" (%)" if metric.unit == "percent" else "")
        assert heading in shown.columns, heading
    one = fmt_table.campaign_display(_campaign_table().iloc[:2])
    assert {"Spend (USD)", "Spend on sales (USD)", "CPA (USD)", "CTR (%)", "ROAS"} <= set(
        one.columns
    )
    options = campaign_grid.grid_options(_campaign_table(), campaigns.totals(_campaign_table()))[1]
    headers = {c["field"]: c["headerName"] for c in options["columnDefs"]}
    for key, metric in PAID.items():
        assert headers[key].startswith(metric.label)
    assert options["columnDefs"][0]["pinned"] == "left"


def test_the_report_and_the_exports_take_labels_and_units_from_the_metrics():
    for key, label, unit in report.TABLE_COLUMNS:
        if key in PAID:
            assert (label, unit) == (PAID[key].label, PAID[key].unit)
    assert list(PAID) == exports.PAID_COLUMNS
    assert {k for k, m in PAID.items() if m.unit == "money"} <= exports.MONEY


def test_the_table_is_shown_rounded_as_on_the_screen():
    values = fmt_table.campaign_values(_campaign_table()).set_index("campaign_name")
    row = values.loc["@northwind sale"]
    assert row["spend"] == pytest.approx(1234.57) and row["conversions"] == 103
    assert str(values["conversions"].dtype) == "Int64"  # '103', never '103.0'
    assert row["ctr"] == pytest.approx(1.15)  # 1387 / 120345 as a percent, two decimals
    assert row["roas"] == pytest.approx(3.5)  # 4321 / 1234.567
    assert values.loc["Tokyo", "spend"] == 20345  # yen have no decimals
    assert fmt_table.cell_text("spend", row["spend"], "USD") == "$1,234.57"
    assert fmt_table.cell_text("ctr", row["ctr"], "USD") == "1.15%"
    assert fmt_table.cell_text("roas", row["roas"], "USD") == "3.50x"
    assert fmt_table.cell_text("impressions", row["impressions"], "USD") == "120,345"
    assert fmt_table.cell_text("cpa", None, "USD") == "–"
    assert Decimal(str(row["cpa"])) == Decimal("11.99")  # 1234.567 / 103


def test_the_grid_writes_each_cell_as_the_one_cell_writer_does():
    """The grid writes thousands of cells a column at a time; each must be the text and
    number that the one-cell writers give (cell_text, money.amount, money.rounded), for
    empty, negative and half-way values, in currencies with and without decimals."""
    import numpy as np

    from insights.figures import money

    rng = np.random.default_rng(7)
    n = 400
    table = pd.concat([_table()] * (n // 3 + 1), ignore_index=True).head(n)
    table["currency"] = rng.choice(["USD", "JPY", "CHF", "EUR", None], n)
    for column in ("spend", "conversion_value", "sales_spend", "sales_value"):
        drawn = rng.integers(-5, 2_000_000, n) / 1000  # 2.675-like amounts: half-way cases
        drawn[rng.random(n) < 0.15] = np.nan
        table[column] = drawn
    for column in ("daily_budget", "lifetime_budget"):
        table[column] = np.where(rng.random(n) < 0.5, rng.integers(0, 99_999, n) / 100, np.nan)
    table.loc[:, "results"] = rng.integers(0, 300, n).astype(float)
    shown = campaigns.with_results(metrics.add_ratios(table, metrics.PAID_METRICS))
    values = fmt_table.campaign_values(shown, budgets=True)
    codes = list(shown["currency"])
    for row, (daily, lifetime, code) in enumerate(
        zip(shown["daily_budget"], shown["lifetime_budget"], codes, strict=True)
    ):
        expected = (  # as Ads Manager writes a budget, one amount at a time
            f"{money.amount(daily, code)} daily"
            if not pd.isna(daily)
            else f"{money.amount(lifetime, code)} lifetime"
            if not pd.isna(lifetime)
            else ""
        )
        assert values["budget"][row] == expected
    for column in fmt_table.MONEY_COLUMNS:
        if column not in values:
            continue
        for row, (raw, code) in enumerate(zip(shown[column], codes, strict=True)):
            got = values[column][row]
            assert (np.isnan(got) and pd.isna(raw)) or got == money.rounded(raw, code), column
    rows, _ = campaign_grid.grid_options(shown, campaigns.totals(shown), budgets=True)
    for key in values.columns:
        written = f"{key}{campaign_grid.TEXT_SUFFIX}"
        texts = list(rows[written if written in rows else key])  # a text column: as it is
        assert texts == [
            fmt_table.cell_text(key, v, c) for v, c in zip(values[key], codes, strict=True)
        ], key
