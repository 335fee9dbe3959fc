"""The campaign table as one grid (AG Grid, served from the installed package: no network):
the campaign name pinned on the left while the metrics scroll sideways, the totals (one row per
currency) pinned at the bottom of the same grid, under their columns whatever the sort, and
metric columns that sort highest first on the first click (what a marketer looks for: the
biggest spender, the best ROAS; a second click sorts lowest first).

Streamlit's own st.dataframe pins a column but sorts every row it holds, totals included, and
always ascending first; a sort control beside it would leave the headers' sort in place.

The cells are written here (the same rounding and units as the CSV download, see
fmt_table.campaign_values); the grid sorts on the numbers behind them."""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any

import pandas as pd
import streamlit as st
from st_aggrid import AgGrid, JsCode

from insights.figures import metrics
from insights.ui import fmt_table

TEXT_SUFFIX = "__text"
WIDTHS = {  # pixels: the name, then what it cost and brought, fit beside it at 1280 px
    "campaign_name": 210,
    "adset_name": 210,
    "ad_name": 210,
    "optimization_goal": 150,
    "targeting_summary": 260,
    "attribution_setting": 160,
    "reach": 95,
    "frequency": 90,
    "status": 80,
    "budget": 130,
    "spend": 105,
    "results": 80,
    "result_label": 115,
    "cost_per_result": 110,
    "roas": 72,
    "cpa": 90,
    "conversions": 100,
    "conversion_value": 120,
    "sales_spend": 120,
    "ctr": 78,
    "cvr": 78,
    "cpc": 80,
    "cpm": 85,
    "impressions": 105,
    "clicks": 80,
    "objective": 105,
    "currency": 80,
}
ROW_PX = 29  # the theme's row and header heights, and the sideways scroll bar
HEADER_PX = 34
SCROLLBAR_PX = 18
MAX_HEIGHT_PX = 560
# the cell shows the text written in Python beside the number it sorts on
_WRITTEN = JsCode(
    "function(p) { const t = p.data ? p.data[p.colDef.field + '__text'] : null;"
    " return t == null ? '' : t; }"
)


def _cells(values: pd.DataFrame, currencies: pd.Series) -> dict[str, list[Any]]:
    """The grid's columns: each metric's numbers and beside them the texts shown; each text
    column as it is shown. Written a column at a time (a table of thousands of campaigns is
    built on every rerun)."""
    codes = [None if _empty(c) else str(c) for c in currencies]
    out: dict[str, list[Any]] = {}
    for key in values.columns:
        key = str(key)
        unit = fmt_table.UNITS.get(key, "text")
        if unit == "text":  # shown as it is: no written text beside it
            out[key] = ["" if _empty(v) else str(v) for v in values[key].tolist()]
            continue
        column = values[key].astype("float64").tolist()  # NaN where empty, then a JSON null
        out[key] = [None if v != v else v for v in column]
        out[f"{key}{TEXT_SUFFIX}"] = fmt_table.cell_texts(key, column, codes)
    return out


def _empty(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _records(values: pd.DataFrame, currencies: pd.Series) -> list[dict[str, Any]]:
    """Rows for the grid: each column's number (or text), and beside it the text shown."""
    cells = _cells(values, currencies)
    return [dict(zip(cells, row, strict=True)) for row in zip(*cells.values(), strict=True)]


def _column(
    key: str, found: list[str | None], budgets: bool, columns: dict[str, str] | None, first: bool
) -> dict[str, Any]:
    unit = fmt_table.UNITS.get(key, "text")
    column: dict[str, Any] = {
        "field": key,
        "headerName": fmt_table.heading(key, found, budgets, columns),
        "width": WIDTHS.get(key, 100),
        "cellDataType": False,
    }
    if key in metrics.ALL_METRICS and metrics.ALL_METRICS[key].help:
        column["headerTooltip"] = metrics.ALL_METRICS[key].help
    if unit == "text":
        column["sortingOrder"] = ["asc", "desc", None]
    else:  # a metric: highest first on the first click, its written text shown
        column["sortingOrder"] = ["desc", "asc", None]
        column["type"] = "rightAligned"
        column["valueFormatter"] = _WRITTEN
    if unit == "text":
        column["tooltipField"] = key  # a long name or targeting, whole on hover
    if first:  # the row's name
        column["pinned"] = "left"
        column["lockPinned"] = True
    return column


def grid_options(
    table: pd.DataFrame,
    totals: pd.DataFrame,
    budgets: bool = False,
    columns: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The grid's rows (as a frame) and its options: columns (the campaign table's, or
    `columns`: another level's), the pinned totals."""
    found = fmt_table.table_currencies(table)
    values = fmt_table.campaign_values(table, budgets, columns)
    total_values = fmt_table.campaign_values(totals, budgets, columns)
    rows = pd.DataFrame(_cells(values, table["currency"].reset_index(drop=True)))
    rows["row_id"] = [f"row-{n}" for n in range(len(rows))]
    pinned = _records(total_values, totals["currency"].reset_index(drop=True))
    for n, record in enumerate(pinned):
        record["row_id"] = f"total-{n}"
    options: dict[str, Any] = {
        "columnDefs": [
            _column(str(k), found, budgets, columns, n == 0) for n, k in enumerate(values.columns)
        ],
        "defaultColDef": {"sortable": True, "resizable": True, "filter": False},
        "pinnedBottomRowData": pinned,
        "alwaysShowHorizontalScroll": True,
        "suppressColumnVirtualisation": True,
        "ensureDomOrder": True,
        "tooltipShowDelay": 300,
        # every row, totals too, its own id (else the grid keeps one total row of several)
        "getRowId": JsCode("function(p) { return p.data.row_id; }"),
        "getRowStyle": JsCode(
            "function(p) { return p.node.rowPinned ? {fontWeight: '600'} : undefined; }"
        ),
    }
    return rows, options


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _built(
    figures: Hashable,
    _table: pd.DataFrame,
    _totals: pd.DataFrame,
    budgets: bool,
    columns: dict[str, str] | None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    return grid_options(_table, _totals, budgets, columns)


def campaign_grid(
    table: pd.DataFrame,
    totals: pd.DataFrame,
    key: str,
    budgets: bool = False,
    figures: Hashable | None = None,
    columns: dict[str, str] | None = None,
) -> None:
    """Draw the campaign table (or another level's: `columns`, its columns, the first one the
    name pinned on the left) with its totals as one grid. `figures`: the cache key of the
    table (context.figure_key), so a rerun that leaves it as it was (a new trend metric, a
    new comparison) does not write its thousands of cells again."""
    if figures is None:
        rows, options = grid_options(table, totals, budgets, columns)
    else:
        rows, options = _built(figures, table, totals, budgets, columns)
    # as tall as its rows up to a screenful (the totals then stay in view below the scroll)
    height = min(MAX_HEIGHT_PX, HEADER_PX + ROW_PX * (len(rows) + len(totals)) + SCROLLBAR_PX)
    AgGrid(
        rows,
        gridOptions=options,
        height=height,
        key=key,
        theme="streamlit",
        allow_unsafe_jscode=True,  # the two functions above, our own code: no data runs
        update_on=[],  # sorting stays in the browser: no rerun of the page
        show_toolbar=False,
        show_search=False,
        show_download_button=False,
        use_json_serialization=True,
        server_sync_strategy="server_wins",  # new filters, new rows: never the last view's
    )
