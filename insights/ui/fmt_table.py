"""How the campaign table is shown (and so exported): columns, units, rounding."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from insights.dashboard import CAMPAIGN_COLUMNS

PERCENT_COLUMNS = ("ctr", "cvr")
MONEY_COLUMNS = ("spend", "cpc", "cpm", "cpa", "conversion_value")


def campaign_display(table: pd.DataFrame) -> pd.DataFrame:
    """The campaign table as shown: labelled columns, percents as numbers of percent, money to
    the cent. The CSV download is this very frame."""
    shown = table[list(CAMPAIGN_COLUMNS)].copy()
    for column in PERCENT_COLUMNS:
        shown[column] = (shown[column] * 100).round(2)
    for column in MONEY_COLUMNS:
        shown[column] = shown[column].round(2)
    shown["roas"] = shown["roas"].round(2)
    shown["objective"] = shown["objective"].map(objective_label)
    labels = {
        k: v + (" (%)" if k in PERCENT_COLUMNS else " ($)" if k in MONEY_COLUMNS else "")
        for k, v in CAMPAIGN_COLUMNS.items()
    }
    return shown.rename(columns=labels)


def objective_label(objective: object) -> object:
    """'OUTCOME_SALES' -> 'Sales' (the API's objective names, readable)."""
    if not isinstance(objective, str):
        return objective
    return objective.removeprefix("OUTCOME_").replace("_", " ").capitalize()


MEDIA_TYPES = {"IMAGE": "Image", "VIDEO": "Video", "CAROUSEL_ALBUM": "Carousel"}
PRODUCT_TYPES = {"FEED": "Feed", "REELS": "Reel", "STORY": "Story", "AD": "Ad"}


def media_type_label(media_type: str) -> str:
    """'CAROUSEL_ALBUM' -> 'Carousel'; unknown types are shown readable as they come."""
    return MEDIA_TYPES.get(media_type, media_type.replace("_", " ").capitalize())


def product_type_label(product_type: str) -> str:
    return PRODUCT_TYPES.get(product_type, product_type.replace("_", " ").capitalize())


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
