"""How the campaign table is shown (and so exported): columns, units, rounding."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from insights.figures import money
from insights.figures.campaigns import CAMPAIGN_COLUMNS
from insights.figures.money import currencies
from insights.ui import columns

PERCENT_COLUMNS = ("ctr", "cvr")
MONEY_COLUMNS = ("spend", "cost_per_result", "cpc", "cpm", "cpa", "conversion_value")


def budget_label(daily: object, lifetime: object, currency: object = None) -> str:
    """'$150.00 daily', '¥6,000 lifetime' or '' (as Ads Manager writes a budget)."""
    for amount, kind in ((daily, "daily"), (lifetime, "lifetime")):
        if amount is not None and not pd.isna(amount):  # type: ignore[call-overload]
            return f"{money.amount(amount, currency)} {kind}"
    return ""


def table_currencies(table: pd.DataFrame) -> list[str | None]:
    """The currencies a campaign table's money is in."""
    return currencies(table)


def money_heading(label: str, found: list[str | None]) -> str:
    """'Spend (EUR)' when the table holds one currency; 'Spend' beside a Currency column when
    it holds several."""
    return f"{label} ({money.label(found[0])})" if len(found) == 1 else label


def campaign_display(
    table: pd.DataFrame, budgets: bool = False, found: list[str | None] | None = None
) -> pd.DataFrame:
    """The campaign table as shown: labelled columns, percents as numbers of percent, money
    to its currency's decimals in a column headed with the currency (or beside a Currency
    column when the view holds several; `found`: the view's currencies, so a totals table
    gets the same headings). The CSV download is this very frame. With `budgets`, each
    campaign's budget follows its status."""
    found = table_currencies(table) if found is None else found
    columns = dict(CAMPAIGN_COLUMNS)
    if budgets:
        at = list(columns).index("status") + 1
        items = list(columns.items())
        columns = dict([*items[:at], ("budget", "Budget"), *items[at:]])
        table = table.assign(
            budget=[
                budget_label(d, lt, c)
                for d, lt, c in zip(
                    table["daily_budget"], table["lifetime_budget"], table["currency"], strict=True
                )
            ]
        )
    shown = table[list(columns)].copy()
    for column in PERCENT_COLUMNS:
        shown[column] = (shown[column] * 100).round(2)
    for column in MONEY_COLUMNS:
        shown[column] = [
            v if pd.isna(v) else money.rounded(v, c)
            for v, c in zip(shown[column], table["currency"], strict=True)
        ]
    shown["roas"] = shown["roas"].round(2)
    shown["currency"] = [money.label(c) for c in table["currency"]]
    shown["result_label"] = shown["result_label"].fillna("")
    shown["objective"] = shown["objective"].map(objective_label).fillna("")
    shown["status"] = shown["status"].map(
        lambda s: s.replace("_", " ").capitalize() if isinstance(s, str) else ""
    )
    labels = {
        k: v + " (%)"
        if k in PERCENT_COLUMNS
        else money_heading(v, found)
        if k in MONEY_COLUMNS
        else v
        for k, v in columns.items()
    }
    return shown.rename(columns=labels)


def objective_label(objective: object) -> object:
    """'OUTCOME_SALES' -> 'Sales' (the API's objective names, readable)."""
    if not isinstance(objective, str):
        return objective
    return objective.removeprefix("OUTCOME_").replace("_", " ").capitalize()


MEDIA_TYPES = {"IMAGE": "Image", "VIDEO": "Video", "CAROUSEL_ALBUM": "Carousel"}
PRODUCT_TYPES = {"FEED": "Feed", "REELS": "Reel", "STORY": "Story", "AD": "Ad"}


def media_type_label(media_type: object) -> str:
    """'CAROUSEL_ALBUM' -> 'Carousel'; other types readable as they come; a missing type (a
    file without a post-type column) 'Unknown'."""
    return _type_label(MEDIA_TYPES, media_type)


def product_type_label(product_type: object) -> str:
    return _type_label(PRODUCT_TYPES, product_type)


def _type_label(known: dict[str, str], value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        return "Unknown"
    return known.get(value, value.replace("_", " ").capitalize())


WIDTHS = {  # fixed widths, so the totals row lines up under the campaign table
    "Campaign": 230,
    "Objective": 95,
    "Status": 70,
    "Budget": 130,
    "Currency": 75,
    "Spend": 110,
    "Results": 85,
    "Result type": 120,
    "Cost per result": 120,
    "Conversions": 95,
    "CPA": 90,
    "Conversion value": 140,
    "ROAS": 65,
    "Impressions": 100,
    "Clicks": 75,
    "CTR (%)": 75,
    "CPC": 80,
    "CPM": 85,
    "CVR (%)": 75,
}


def _base(heading: str) -> str:
    """'Spend (EUR)' -> 'Spend' (a money heading without its currency)."""
    return heading.split(" (")[0] if not heading.endswith("(%)") else heading


def fixed_width_config(config: dict[str, Any], shown: pd.DataFrame) -> dict[str, Any]:
    """The campaign columns' config with fixed pixel widths."""
    fixed: dict[str, Any] = {}
    for label in shown.columns:
        width = WIDTHS.get(_base(label))
        if width is None:
            continue
        base = config.get(label, st.column_config.Column())
        if isinstance(base, str):
            base = st.column_config.Column(base)
        fixed[label] = {**base, "width": width}
    return fixed


_PRESETS = {"USD": "dollar", "EUR": "euro", "JPY": "yen"}


def campaign_column_config(shown: pd.DataFrame, found: list[str | None]) -> dict[str, Any]:
    """How each column of `campaign_display` is drawn: money with its currency's symbol and
    decimals when the view holds one currency, plain localized numbers beside the Currency
    column when it holds several."""
    one = found[0] if len(found) == 1 else None
    symbol_shown = one is not None and money.code(one) in _PRESETS
    config: dict[str, Any] = {
        "Impressions": columns.count(),
        "Clicks": columns.count(),
        "Conversions": columns.count(),
        "Results": columns.count(),
        "CTR (%)": columns.percent("CTR"),  # the % is on each value, not in the heading
        "CVR (%)": columns.percent("CVR"),
        "ROAS": st.column_config.NumberColumn(format="%.2fx"),
        "Campaign": st.column_config.TextColumn(width="medium"),
    }
    money_labels = {_base(c) for c in shown.columns} & {CAMPAIGN_COLUMNS[k] for k in MONEY_COLUMNS}
    for label in shown.columns:
        if _base(label) in money_labels and label not in config:
            if symbol_shown:  # '$12,128.99' under 'Spend', not under 'Spend (USD)'
                preset = _PRESETS[money.code(one)]
                config[label] = st.column_config.NumberColumn(_base(label), format=preset)
            else:  # every amount to its currency's decimals (two across currencies)
                config[label] = columns.decimal(places=money.decimals(one) if one else 2)
    return config
