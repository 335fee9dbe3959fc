"""How the campaign table is shown (and so exported): columns, units, rounding."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from insights.figures import formatting, metrics, money
from insights.figures.ad_drill import AD_COLUMNS, LevelUnit
from insights.figures.campaigns import CAMPAIGN_COLUMNS, CAMPAIGN_UNITS
from insights.figures.money import currencies

# the unit of every column a level table (campaigns, ad sets, ads) can show
UNITS: dict[str, LevelUnit] = {**CAMPAIGN_UNITS, **{k: u for k, (_, u) in AD_COLUMNS.items()}}
PERCENT_COLUMNS = tuple(k for k, u in UNITS.items() if u == "percent")
MONEY_COLUMNS = tuple(k for k, u in UNITS.items() if u == "money")
COUNT_COLUMNS = tuple(k for k, u in UNITS.items() if u == "count")
RATIO_COLUMNS = tuple(k for k, u in UNITS.items() if u == "ratio")
DECIMAL_COLUMNS = tuple(k for k, u in UNITS.items() if u == "decimal")


def shown_number(value: object, unit: str, currency: object = None) -> Decimal | int | None:
    """A figure as the screen writes it, as a number for a CSV cell: money to its currency's
    decimals (43.30, 4330 yen), a percent as a number of percent to two decimals (1.15), a
    ratio to two decimals (3.40), a count whole (103); None when empty."""
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return None
    if unit == "money":
        return Decimal(f"{number:.{money.decimals(currency)}f}")
    if unit == "percent":
        return Decimal(f"{number * 100:.2f}")
    if unit in ("ratio", "decimal"):
        return Decimal(f"{number:.2f}")
    return int(round(number))


def unit_label(unit: str, currency: object = None) -> str:
    """What a figure is in, for a CSV column: 'EUR' (money), '%', 'x' (a ratio), '' (a count)."""
    return {"money": money.label(currency), "percent": "%", "ratio": "x"}.get(unit, "")


def metric_columns(frame: pd.DataFrame, currency: object = None) -> pd.DataFrame:
    """A chart's data as shown: each metric column (a key of metrics.ALL_METRICS) rounded as
    the screen writes it and headed with its label and unit ('CTR (%)', 'Spend (EUR)').
    `currency`: the money's currency, or a Series of each row's (then a Currency column is
    added when the rows hold several, and money headings name none)."""
    out = frame.copy()
    names = {}
    if isinstance(currency, pd.Series):
        each = list(currency)
        found = list(dict.fromkeys(money.code(c) or None for c in each))
        currency = found[0] if len(found) == 1 else None
        if len(found) > 1:
            out["Currency"] = [money.label(c) for c in each]
    else:
        each = [currency] * len(frame)
    for column in frame.columns:
        base = str(column).removesuffix("_7day_average")
        metric = metrics.ALL_METRICS.get(base)
        if metric is None:
            continue
        out[column] = pd.Series(
            [shown_number(v, metric.unit, c) for v, c in zip(frame[column], each, strict=True)],
            index=frame.index,
            dtype=object,
        )
        unit = (
            "" if metric.unit == "money" and currency is None else unit_label(metric.unit, currency)
        )
        label = metric.label + (", 7-day average" if base != column else "")
        names[column] = f"{label} ({unit})" if unit and unit != "x" else label
    return out.rename(columns=names)


def _each_once(column: pd.Series, label: Any) -> pd.Series:
    """`label` of every value of a column, called once per distinct value (a column of
    thousands of rows holds a few statuses, goals or currencies); an empty value is None."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    labels = np.array([*(label(u) for u in uniques), label(None)], dtype=object)
    return pd.Series(labels[codes], index=column.index, dtype=object)


def _floats(column: pd.Series) -> list[float]:
    """A column as Python floats, NaN where empty (None, NaN or pd.NA)."""
    return pd.to_numeric(column, errors="coerce").astype("float64").tolist()  # type: ignore[no-any-return]


def budget_labels(table: pd.DataFrame, codes: list[Any]) -> list[str]:
    """Each row's budget as Ads Manager writes it: '$150.00 daily', '¥6,000 lifetime' or ''
    (`codes`: each row's currency), a column at a time."""
    daily, lifetime = _floats(table["daily_budget"]), _floats(table["lifetime_budget"])
    daily_texts = money.amounts(daily, codes)
    lifetime_texts = money.amounts(lifetime, codes)
    return [
        f"{d} daily" if dv == dv else f"{lt} lifetime" if lv == lv else ""
        for d, dv, lt, lv in zip(daily_texts, daily, lifetime_texts, lifetime, strict=True)
    ]


def table_currencies(table: pd.DataFrame) -> list[str | None]:
    """The currencies a campaign table's money is in."""
    return currencies(table)


def money_heading(label: str, found: list[str | None]) -> str:
    """'Spend (EUR)' when the table holds one currency; 'Spend' beside a Currency column when
    it holds several."""
    return f"{label} ({money.label(found[0])})" if len(found) == 1 else label


def campaign_columns(
    budgets: bool = False, columns: dict[str, str] | None = None
) -> dict[str, str]:
    """The campaign table's columns (key -> label; `columns`: another level's, e.g. the ad
    sets'), each budget after the status with `budgets`."""
    columns = CAMPAIGN_COLUMNS if columns is None else columns
    items = list(columns.items())
    if budgets:
        at = list(columns).index("status") + 1
        items = [*items[:at], ("budget", "Budget"), *items[at:]]
    return dict(items)


def heading(
    key: str,
    found: list[str | None],
    budgets: bool = False,
    columns: dict[str, str] | None = None,
) -> str:
    """A column's heading as shown: 'CTR (%)', 'Spend (EUR)' (one currency) or 'Spend'."""
    label = campaign_columns(budgets, columns)[key]
    if key in PERCENT_COLUMNS:
        return f"{label} (%)"
    if key in MONEY_COLUMNS:
        return money_heading(label, found)
    return label


def campaign_values(
    table: pd.DataFrame, budgets: bool = False, columns: dict[str, str] | None = None
) -> pd.DataFrame:
    """The campaign table as shown, under its keys: percents as numbers of percent, money to
    its currency's decimals, ROAS to two decimals, counts as whole numbers, readable names.
    `columns`: another level's table (ad sets, ads) and its columns."""
    columns = campaign_columns(budgets, columns)
    codes = table["currency"].tolist()
    if budgets:
        table = table.assign(budget=budget_labels(table, codes))
    shown = table[list(columns)].copy()
    for column in _present(PERCENT_COLUMNS, shown):
        shown[column] = (shown[column].astype("float64") * 100).round(2)
    present = _present(MONEY_COLUMNS, shown)
    if present:  # each currency's decimals looked up once: thousands of rows on every rerun
        places = _each_once(table["currency"], money.decimals).tolist()
        for column in present:
            amounts = _floats(shown[column])
            shown[column] = pd.Series(
                [v if v != v else round(v, p) for v, p in zip(amounts, places, strict=True)],
                index=shown.index,
                dtype="float64",
            )
    for column in _present((*RATIO_COLUMNS, *DECIMAL_COLUMNS), shown):
        shown[column] = shown[column].astype("float64").round(2)
    for column in _present(COUNT_COLUMNS, shown):  # 103, never 103.0
        shown[column] = shown[column].astype("float64").round().astype("Int64")
    shown["currency"] = _each_once(table["currency"], money.label)
    shown["result_label"] = shown["result_label"].fillna("")
    shown["objective"] = _each_once(shown["objective"], objective_label)
    shown["objective"] = shown["objective"].fillna("")
    for column in ("status", "optimization_goal"):
        if column in shown:
            shown[column] = _each_once(shown[column], _readable)
    if "attribution_setting" in shown:
        shown["attribution_setting"] = _each_once(shown["attribution_setting"], attribution_label)
    for column in ("adset_name", "campaign_name", "ad_name", "targeting_summary"):
        if column in shown:
            shown[column] = shown[column].fillna("")
    return shown.reset_index(drop=True)


def _present(keys: tuple[str, ...], frame: pd.DataFrame) -> list[str]:
    return [k for k in keys if k in frame.columns]


def _readable(value: object) -> str:
    """'ACTIVE' -> 'Active', 'OFFSITE_CONVERSIONS' -> 'Offsite conversions'; '' when empty."""
    return value.replace("_", " ").capitalize() if isinstance(value, str) else ""


def attribution_label(setting: object) -> str:
    """Meta's name of an ad set's attribution windows as Ads Manager writes them:
    '7d_click_1d_view' -> '7-day click, 1-day view'; '' when not known; a name of another
    shape with its underscores as spaces."""
    if not isinstance(setting, str) or not setting:
        return ""
    words = setting.split("_")  # '7d', 'click', '1d', 'view'
    days, kinds = words[::2], words[1::2]
    if len(words) % 2 or not all(d.endswith("d") and d[:-1].isdigit() for d in days):
        return setting.replace("_", " ")
    return ", ".join(f"{d[:-1]}-day {k}" for d, k in zip(days, kinds, strict=True))


def campaign_display(
    table: pd.DataFrame,
    budgets: bool = False,
    found: list[str | None] | None = None,
    columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The campaign table as shown, under its headings: the CSV download is this very frame
    (see `campaign_values`); money columns are headed with the currency when the view holds
    one (`found`: the view's currencies, so a totals table gets the same headings), and stand
    beside a Currency column when it holds several. With `budgets`, each campaign's budget
    follows its status."""
    found = table_currencies(table) if found is None else found
    shown = campaign_values(table, budgets, columns)
    for key in _present(
        (*MONEY_COLUMNS, *PERCENT_COLUMNS, *RATIO_COLUMNS, *DECIMAL_COLUMNS), shown
    ):
        unit = UNITS[key]  # '43.30', not '43.3'

        scale = 0.01 if unit == "percent" else 1.0  # shown already as a number of percent
        shown[key] = pd.Series(
            [
                shown_number(None if pd.isna(v) else v * scale, unit, c)
                for v, c in zip(shown[key], table["currency"], strict=True)
            ],
            dtype=object,
        )
    return shown.rename(columns={k: heading(k, found, budgets, columns) for k in shown.columns})


def campaign_download(
    table: pd.DataFrame,
    totals: pd.DataFrame,
    budgets: bool = False,
    columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The campaign table's CSV: its rows and then its totals, as the grid shows them
    (`columns`: another level's, e.g. the ad sets')."""
    found = table_currencies(table)
    shown = campaign_display(table, budgets, found=found, columns=columns)
    total = campaign_display(totals, budgets, found=found, columns=columns)
    return pd.concat([shown, total], ignore_index=True)


def cell_text(key: str, value: object, currency: object) -> str:
    """A value of `campaign_values` written as the grid shows it: '€1,234.56', '1.15%',
    '3.40x', '12,345'; '–' when empty."""
    unit = UNITS.get(key, "text")
    if unit == "text":
        return "" if value is None or pd.isna(value) else str(value)  # type: ignore[call-overload]
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "–"
    number = float(value)  # type: ignore[arg-type]
    if unit == "percent":  # the table holds percents as numbers of percent (1.15 for 1.15%)
        number /= 100
    if unit == "decimal":
        return f"{number:,.2f}"
    known = currency is not None and not pd.isna(currency)  # type: ignore[call-overload]
    code = str(currency) if known else None
    return formatting.value(number, unit, code)  # written as the cards write it


def cell_texts(key: str, values: list[Any], currencies: list[str | None]) -> list[str]:
    """`cell_text` of a whole column (`currencies`: each row's ISO code or None)."""
    unit = UNITS.get(key, "text")
    if unit == "text":
        return ["" if v is None or v is pd.NA or v != v else str(v) for v in values]
    per = 100.0 if unit == "percent" else 1.0  # percents are held as numbers of percent
    shown = [
        None if v is None or v is pd.NA or v != v else float(v) / per  # type: ignore[arg-type]
        for v in values
    ]
    if unit == "decimal":
        return ["–" if n is None else f"{n:,.2f}" for n in shown]
    return formatting.values(shown, unit, currencies)


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
