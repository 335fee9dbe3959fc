"""How the campaign table is shown (and so exported): columns, units, rounding."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from insights.dashboard import CAMPAIGN_COLUMNS

PERCENT_COLUMNS = ("ctr", "cvr")
MONEY_COLUMNS = ("spend", "cpc", "cpm", "cpa", "conversion_value")


def budget_label(daily: object, lifetime: object) -> str:
    """'$150.00 daily', '$6,000.00 lifetime' or '' (as Ads Manager writes a budget)."""
    for amount, kind in ((daily, "daily"), (lifetime, "lifetime")):
        if amount is not None and not pd.isna(amount):  # type: ignore[call-overload]
            return f"${float(amount):,.2f} {kind}"  # type: ignore[arg-type]
    return ""


def campaign_display(table: pd.DataFrame, budgets: bool = False) -> pd.DataFrame:
    """The campaign table as shown: labelled columns, percents as numbers of percent, money to
    the cent. The CSV download is this very frame. With `budgets`, each campaign's budget
    follows its status."""
    columns = dict(CAMPAIGN_COLUMNS)
    if budgets:
        at = list(columns).index("status") + 1
        items = list(columns.items())
        columns = dict([*items[:at], ("budget", "Budget"), *items[at:]])
        table = table.assign(
            budget=[
                budget_label(d, lt)
                for d, lt in zip(table["daily_budget"], table["lifetime_budget"], strict=True)
            ]
        )
    shown = table[list(columns)].copy()
    for column in PERCENT_COLUMNS:
        shown[column] = (shown[column] * 100).round(2)
    for column in MONEY_COLUMNS:
        shown[column] = shown[column].round(2)
    shown["roas"] = shown["roas"].round(2)
    shown["objective"] = shown["objective"].map(objective_label).fillna("")
    shown["status"] = shown["status"].map(
        lambda s: s.replace("_", " ").capitalize() if isinstance(s, str) else ""
    )
    labels = {
        k: v + (" (%)" if k in PERCENT_COLUMNS else " ($)" if k in MONEY_COLUMNS else "")
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
    "Spend ($)": 105,
    "Conversions": 95,
    "CPA ($)": 80,
    "Conversion value ($)": 140,
    "ROAS": 65,
    "Impressions": 100,
    "Clicks": 75,
    "CTR (%)": 75,
    "CPC ($)": 75,
    "CPM ($)": 80,
    "CVR (%)": 75,
}


def fixed_width_config(config: dict[str, Any]) -> dict[str, Any]:
    """The campaign columns' config with fixed pixel widths."""
    fixed: dict[str, Any] = {}
    for label, width in WIDTHS.items():
        base = config.get(label, st.column_config.Column())
        if isinstance(base, str):
            base = st.column_config.Column(base)
        fixed[label] = {**base, "width": width}
    return fixed


def campaign_column_config() -> dict[str, Any]:
    money = st.column_config.NumberColumn(format="dollar")
    return {
        "Spend ($)": money,
        "CPC ($)": money,
        "CPM ($)": money,
        "CPA ($)": money,
        "Conversion value ($)": money,
        "Impressions": st.column_config.NumberColumn(format="localized"),
        "Clicks": st.column_config.NumberColumn(format="localized"),
        "Conversions": st.column_config.NumberColumn(format="localized"),
        "CTR (%)": st.column_config.NumberColumn(format="%.2f%%"),
        "CVR (%)": st.column_config.NumberColumn(format="%.2f%%"),
        "ROAS": st.column_config.NumberColumn(format="%.2fx"),
        "Campaign": st.column_config.TextColumn(width="medium"),
    }
