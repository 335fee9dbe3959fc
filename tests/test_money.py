"""Money in its ad account's currency: written with that currency's symbol (or code) and
decimals, never added across currencies; an Ads Manager export keeps its currency and results."""

from __future__ import annotations

import csv
import random
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from insights.csv_import import importer
from insights.figures import campaigns, formatting, money, narratives, overview
from insights.figures import exports as views
from insights.figures.filters import Filters
from insights.figures.formatting import value
from insights.figures.frames import Frames
from insights.store.database import Store
from insights.ui import fmt_table


def test_amounts_are_written_in_their_currency_with_its_decimals():
    assert money.amount(1234.5, "USD") == "$1,234.50"
    assert money.amount(1234.5, "eur") == "€1,234.50"
    assert money.amount(123456.7, "JPY") == "¥123,457"  # the yen has no minor unit
    assert money.amount(98765.4, "KRW") == "₩98,765"
    assert money.amount(12.3456, "KWD") == "12.346 KWD"  # three decimals, written with its code
    assert money.amount(1234.5, "CHF") == "1,234.50 CHF"
    assert money.amount(-5, "GBP") == "-£5.00"
    assert money.amount(1234.5, None) == "1,234.50"  # not known: no symbol rather than a wrong one
    assert money.amount(float("nan"), "USD") == "–"
    assert value(1234.5, "money", "JPY") == "¥1,235" and value(0.0123, "percent") == "1.23%"


STORE_ROWS = [  # account, currency, campaign, objective, result type, day, spend, results, value
    ("jp", "JPY", "c-jp", "OUTCOME_SALES", "purchase", 1, "12345.00", 7, "98000.00"),
    ("jp", "JPY", "c-jp", "OUTCOME_SALES", "purchase", 2, "8000.00", 3, "21000.00"),
    ("jp", "JPY", "c-jp-lead", "OUTCOME_LEADS", "lead", 1, "5000.00", 12, "0.00"),
    ("eu", "EUR", "c-eu", "OUTCOME_SALES", "purchase", 1, "150.25", 4, "600.00"),
    ("eu", "EUR", "c-eu-traffic", "OUTCOME_TRAFFIC", "link_click", 2, "40.10", 340, "0.00"),
]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "money.duckdb") as opened:
        with opened.transaction() as cur:
            for account, currency in {(r[0], r[1]) for r in STORE_ROWS}:
                cur.execute(
                    "INSERT INTO ad_accounts (ad_account_id, name, currency) VALUES (?, ?, ?)",
                    [account, account, currency],
                )
            for cid, account, goal, kind in {(r[2], r[0], r[3], r[4]) for r in STORE_ROWS}:
                cur.execute(
                    "INSERT INTO ad_campaigns (campaign_id, ad_account_id, name, objective, "
                    "result_type, daily_budget) VALUES (?, ?, ?, ?, ?, 3000)",
                    [cid, account, cid.upper(), goal, kind],
                )
            for account, _, cid, _, kind, day, spend, results, worth in STORE_ROWS:
                purchases = results if kind == "purchase" else 0
                cur.execute(
                    "INSERT INTO ad_insights_daily (ad_account_id, campaign_id, date, age, "
                    "gender, spend, impressions, clicks, link_clicks, conversions, "
                    "conversion_value, results) VALUES (?, ?, ?, '25-34', 'female', ?, 10000, "
                    "500, 400, ?, ?, ?)",
                    [account, cid, date(2026, 1, day), spend, purchases, worth, results],
                )
            opened.refresh_rollups(cur)
        yield opened


FILTERS = Filters(date(2026, 1, 1), date(2026, 1, 2), compare="none")


def _rows(currency: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        STORE_ROWS,
        columns=["account", "currency", "cid", "goal", "kind", "day", "spend", "n", "value"],
    )
    frame["spend"] = frame["spend"].map(Decimal)
    frame["value"] = frame["value"].map(Decimal)
    return frame[frame["currency"] == currency]


def test_kpis_and_totals_are_per_currency(store):
    with store.cursor() as cur:
        kpis = overview.kpi_table(cur, FILTERS)
        table = campaigns.campaign_table(cur, FILTERS)
    paid = kpis[kpis["group"] == "paid"]
    assert money.currencies(paid) == ["EUR", "JPY"]
    totals = campaigns.totals(table).set_index("currency")
    for code in ("EUR", "JPY"):
        rows = _rows(code)
        sales = rows[rows["kind"] == "purchase"]
        mine = paid[paid["currency"] == code].set_index("metric")["value"]
        assert mine["spend"] == pytest.approx(float(rows["spend"].sum()))
        # ROAS and CPA over the sales campaigns only
        assert mine["roas"] == pytest.approx(float(sales["value"].sum() / sales["spend"].sum()))
        assert mine["cpa"] == pytest.approx(float(sales["spend"].sum()) / sales["n"].sum())
        assert totals.loc[code, "spend"] == pytest.approx(float(rows["spend"].sum()))
        assert totals.loc[code, "campaign_name"] == f"Total {code}"
    # each campaign: its results, named by its objective, and its cost per result
    by_id = table.set_index("campaign_id")
    assert by_id.loc["c-jp-lead", "results"] == 12
    assert by_id.loc["c-jp-lead", "cost_per_result"] == pytest.approx(5000 / 12)
    assert pd.isna(by_id.loc["c-jp-lead", "roas"]) and pd.isna(by_id.loc["c-jp-lead", "cpa"])
    assert campaigns.results_text(340, "link_click") == "340 link clicks"
    assert campaigns.results_text(12, "lead") == "12 leads"
    assert campaigns.results_text(1, "purchase") == "1 purchase"


def test_the_table_export_and_sentences_write_each_currency(store):
    with store.cursor() as cur:
        table = campaigns.campaign_table(cur, FILTERS)
        exported = views.campaigns(cur, FILTERS).set_index("campaign_id")
        found = narratives.campaign_returns(Frames(cur), FILTERS)
    shown = fmt_table.campaign_display(table, budgets=True).set_index("Campaign")
    # two currencies: money columns without a currency in the heading, beside a Currency column
    assert {"Spend", "Cost per result", "Currency"} <= set(shown.columns)
    assert shown.loc["C-JP", "Spend"] == 20345 and shown.loc["C-JP", "Currency"] == "JPY"
    assert shown.loc["C-JP", "Budget"] == "¥3,000 daily"
    assert shown.loc["C-EU", "Budget"] == "€3,000.00 daily"
    assert shown.loc["C-EU-TRAFFIC", "Result type"] == "Link clicks"
    one = fmt_table.campaign_display(table[table["currency"] == "JPY"])
    assert "Spend (JPY)" in one.columns and "Cost per result (JPY)" in one.columns
    # the export: yen to the yen, euros to the cent
    assert str(exported.loc["c-jp", "spend"]) == "20345"
    assert str(exported.loc["c-eu", "spend"]) == "150.25"
    assert exported.loc["c-eu-traffic", "result_type"] == "link_click"
    assert exported.loc["c-eu-traffic", "results"] == 340
    assert not found  # fewer than three sales campaigns in any one currency: no ranking


ADS_HEADER = [
    "Reporting starts", "Reporting ends", "Campaign name", "Day", "Amount spent (EUR)",
    "Impressions", "Link clicks", "Results", "Result indicator",
]  # fmt: skip


def test_an_ads_manager_export_keeps_its_currency_and_results(tmp_path):
    rows = [
        ["2025-05-01", "2025-05-01", "Leads – Spring", "2025-05-01", "120.50", "9000", "300",
         "14", "actions:lead"],
        ["2025-05-02", "2025-05-02", "Leads – Spring", "2025-05-02", "99.50", "8000", "250",
         "11", "actions:lead"],
        ["2025-05-01", "2025-05-01", "Shop – Sale", "2025-05-01", "300.00", "20000", "900",
         "9", "actions:offsite_conversion.fb_pixel_purchase"],
    ]  # fmt: skip
    path = tmp_path / "export.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ADS_HEADER)
        writer.writerows(rows)
    with Store(tmp_path / "s.duckdb") as store:
        result = importer.import_file(store, path, account="act_777")
        assert result.currency == "EUR"
        with store.cursor() as cur:
            account = cur.execute("SELECT ad_account_id, currency FROM ad_accounts").fetchall()
            table = campaigns.campaign_table(
                cur, Filters(date(2025, 5, 1), date(2025, 5, 2), compare="none")
            ).set_index("campaign_name")
        assert account == [("777", "EUR")]
        assert list(table["currency"].unique()) == ["EUR"]
        assert table.loc["Leads – Spring", "result_type"] == "lead"
        assert table.loc["Leads – Spring", "results"] == 14 + 11
        assert table.loc["Leads – Spring", "cost_per_result"] == pytest.approx(220 / 25)
        assert table.loc["Shop – Sale", "result_type"] == "purchase"
        assert table.loc["Shop – Sale", "conversions"] == 9  # purchases: its results
        importer.remove_import(store, result.import_id)
        with store.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM ad_accounts").fetchone() == (0,)


def test_amounts_round_half_up_on_the_number_as_written_at_any_size():
    # the reference: the amount's shortest decimal form, rounded half up by hand on its digits
    def by_hand(value: float, places: int) -> str:
        digits = format(Decimal(repr(value)), "f")
        whole, _, fraction = digits.partition(".")
        fraction = fraction.ljust(places + 1, "0")
        kept = int(whole + fraction[:places]) + (fraction[places] >= "5")
        text = str(kept).rjust(places + 1, "0")
        head, tail = text[: len(text) - places], text[len(text) - places :]
        return f"{int(head):,}" + (f".{tail}" if places else "")

    generator = random.Random(7)
    values = [2.675, 1.005, 0.125, 0.5, 1.5, 2.5, 1e-7, 123456789.125, 0.0, 1e16, 999.995]
    values += [
        round(generator.uniform(0, 10 ** generator.randint(0, 9)), generator.randint(0, 6))
        for _ in range(3000)
    ]
    for number in values:
        for currency, places in (("CHF", 2), ("JPY", 0), ("KWD", 3)):
            expected = by_hand(number, places)
            assert money.amount(number, currency).removesuffix(f" {currency}").lstrip("¥") == (
                expected
            ), (number, currency)
            if expected.strip("0.,"):
                assert money.amount(-number, currency).startswith("-"), (number, currency)


def test_a_column_of_amounts_is_written_as_each_amount_alone():
    generator = random.Random(11)
    known = ["USD", "eur", "JPY", "KWD", "CHF", None, "", "xyz"]
    numbers: list[object] = [generator.uniform(-1e7, 1e7) for _ in range(2000)]
    numbers += [round(generator.uniform(-1e4, 1e4), 2) for _ in range(2000)]
    numbers += [None, float("nan"), 0.0, -0.0, -0.004, 2.675, 7, "12.5", pd.NA]
    currencies = [generator.choice(known) for _ in numbers]
    assert money.amounts(numbers, currencies) == [
        money.amount(n, c) for n, c in zip(numbers, currencies, strict=True)
    ]
    for unit in ("money", "percent", "ratio", "count"):
        plain = [n if isinstance(n, float) else None for n in numbers]
        assert formatting.values(plain, unit, currencies) == [
            value(n, unit, c) for n, c in zip(plain, currencies, strict=True)
        ]
