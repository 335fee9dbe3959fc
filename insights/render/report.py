"""A stakeholder report of the current view: one self-contained HTML file.

KPI cards with their change, the insight sentences, the trend chart (plotly.js inlined, so the
file opens in any browser without a network) and the campaign table. Every text that comes from
the data (campaign names, sentences) is escaped.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any, Literal

import duckdb
import pandas as pd

from insights.figures import campaigns, money, narratives, overview
from insights.figures.filters import Filters
from insights.figures.formatting import change as fmt_change
from insights.figures.formatting import is_flat
from insights.figures.formatting import value as fmt_value
from insights.figures.frames import Frames
from insights.figures.metrics import Unit
from insights.render import overview_charts as charts

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #1e293b; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } .period { color: #64748b; margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr));
         gap: 0.6rem; }
.card { border: 1px solid #e2e8f0; border-radius: 8px; padding: 0.6rem 0.8rem; }
.label { color: #475569; font-size: 0.85rem; } .value { font-size: 1.5rem; }
.good { color: #15803d; } .bad { color: #b91c1c; } .flat { color: #64748b; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 0.3rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
"""

TABLE_KEYS = (  # the campaign table's columns the report keeps (labels and units from there)
    "campaign_name",
    "currency",
    "spend",
    "results",
    "cost_per_result",
    "conversions",
    "cpa",
    "conversion_value",
    "roas",
    "impressions",
    "clicks",
    "ctr",
    "cpc",
)
TABLE_COLUMNS: list[tuple[str, str, Unit | Literal["results"] | None]] = [
    (
        key,
        campaigns.CAMPAIGN_COLUMNS[key],
        "results"
        if key == "results"
        else None
        if (unit := campaigns.CAMPAIGN_UNITS[key]) == "text"
        else unit,
    )
    for key in TABLE_KEYS
]


def html_report(cur: duckdb.DuckDBPyConnection, filters: Filters, title: str) -> str:
    """The report of the view under `filters` as one HTML document."""
    frames = Frames(cur)
    kpis = frames(overview.kpi_table, filters)
    sentences = narratives.overview_table(frames, filters)
    series = frames(overview.trend_view, filters, "day", 7)
    table = frames(campaigns.campaign_table, filters)
    compared = filters.comparison_range()
    period = f"{filters.since:%d %b %Y} – {filters.until:%d %b %Y}" + (
        f", changes against {compared[0]:%d %b %Y} – {compared[1]:%d %b %Y}" if compared else ""
    )
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="period">{html.escape(period)} · made {datetime.now(UTC):%d %b %Y %H:%M} '
        "UTC</p>",
    ]
    paid = kpis[kpis["group"] == "paid"]
    found = money.currencies(paid) or [None]
    for currency in found:  # money is never added across currencies: cards per currency
        heading = "Paid (Meta ads)" + (f" · {money.label(currency)}" if len(found) > 1 else "")
        parts.append(f"<h2>{html.escape(heading)}</h2><div class='cards'>")
        mine = (
            paid[paid["currency"].isna()]
            if currency is None
            else paid[paid["currency"] == currency]
        )
        for row in mine.to_dict("records"):
            parts.append(_card(row, currency))
        parts.append("</div>")
    if len(found) > 1:
        parts.append(
            f"<p>The ad accounts in this view spend in {len(found)} currencies: paid figures "
            "are shown per currency, never added across them.</p>"
        )
    parts.append("<h2>Organic (Instagram)</h2><div class='cards'>")
    for row in kpis[kpis["group"] == "organic"].to_dict("records"):
        parts.append(_card(row))
    parts.append("</div>")
    parts.append("<h2>In plain words</h2>")
    if sentences.empty:
        parts.append("<p>Nothing stands out with enough evidence in this period.</p>")
    else:
        items = "".join(f"<li>{html.escape(text)}</li>" for text in sentences["text"])
        parts.append(f"<ul>{items}</ul>")
    if not series.empty:
        rolled = [c for c in series.columns if c.endswith("_avg")]
        averaged = series[["period", *rolled]].rename(columns=lambda c: c.removesuffix("_avg"))
        trend_currencies = series.attrs.get("currencies", [])
        paid_key = "spend" if len(trend_currencies) <= 1 else "impressions"
        figure = charts.trend_figure(
            series,
            paid_key,
            "engagement",
            "day",
            averaged,
            currency=trend_currencies[0] if trend_currencies else None,
        )
        parts.append("<h2>Trend</h2>")
        parts.append(figure.to_html(full_html=False, include_plotlyjs=True))
    parts.append(f"<h2>Campaigns ({len(table)})</h2>")
    parts.append(_table(table))
    parts.append("</body></html>")
    return "\n".join(parts)


def _card(row: dict[str, Any], currency: str | None = None) -> str:
    shown = fmt_change(row["change"])
    good = row["good"]
    flat = good is None or good != good or is_flat(row["change"])  # NaN: flat
    tone = "flat" if flat else ("good" if good else "bad")
    change_html = f'<div class="{tone}">{html.escape(shown)}</div>' if shown else ""
    return (
        f'<div class="card"><div class="label">{html.escape(str(row["label"]))}</div>'
        f'<div class="value">{html.escape(fmt_value(row["value"], row["unit"], currency))}</div>'
        f"{change_html}</div>"
    )


def _cell(record: dict[str, Any], key: str, unit: str | None) -> str:
    raw = record.get(key)
    if unit is None:
        return "" if raw is None or pd.isna(raw) else str(raw)
    if unit == "results":
        return campaigns.results_text(raw, record.get("result_type"))
    currency = record.get("currency")
    currency = None if currency is None or pd.isna(currency) else str(currency)
    return fmt_value(raw, unit, currency)  # type: ignore[arg-type]


def _row(record: dict[str, Any]) -> str:
    cells = (f"<td>{html.escape(_cell(record, k, unit))}</td>" for k, _, unit in TABLE_COLUMNS)
    return f"<tr>{''.join(cells)}</tr>"


def _table(table: pd.DataFrame) -> str:
    """The campaigns by spend, money in each campaign's currency, and a total row per
    currency (never one total across currencies)."""
    if table.empty:
        return "<p>No campaign delivered in this period.</p>"
    head = "".join(f"<th>{label}</th>" for _, label, _ in TABLE_COLUMNS)
    ordered = table.sort_values("spend", ascending=False).to_dict("records")
    rows = [_row(record) for record in ordered]
    total_rows = [_row(record) for record in campaigns.totals(table).to_dict("records")]
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f"<tfoot>{''.join(total_rows)}</tfoot></table>"
    )
