"""A stakeholder report of the current view: one small self-contained HTML file.

It says what it shows (the brand's accounts, the period and its comparison, the filters, the
currency of every amount), then the KPI cards with their change, the insight sentences, the
trend (a static SVG: a few kilobytes, offline, readable on a phone and in print) and the
campaign table. Every text that comes from the data (names, sentences) is escaped.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any, Literal

import duckdb
import pandas as pd

from insights.figures import campaigns, formatting, metrics, money, narratives, overview
from insights.figures.filters import Filters
from insights.figures.formatting import change as fmt_change
from insights.figures.formatting import is_flat
from insights.figures.formatting import value as fmt_value
from insights.figures.frames import Frames
from insights.figures.metrics import Unit
from insights.figures.scope import Scope, view_scope
from insights.figures.trend_panel import trend_panel
from insights.render import svg_trend

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #1e293b; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } .period { color: #64748b; margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
         gap: 0.6rem; }
.card { border: 1px solid #e2e8f0; border-radius: 8px; padding: 0.6rem 0.8rem; }
.label { color: #475569; font-size: 0.85rem; } .value { font-size: 1.4rem; }
.scope { color: #334155; margin: 0.2rem 0; } .scope b { color: #1e293b; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
.chart { width: 100%; min-width: 540px; height: auto; display: block; margin: 0.4rem 0; }
.chart .t { font-size: 13px; fill: #334155; } .chart .a { font-size: 11px; fill: #64748b; }
.note { color: #64748b; font-size: 0.85rem; }
@media (max-width: 600px) { body { margin: 1rem auto; } .value { font-size: 1.2rem; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
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


def html_report(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    title: str,
    filter_line: list[str] | None = None,
) -> str:
    """The report of the view under `filters` as one HTML document. `filter_line`: the
    filters in force as the page states them (the period first); without it the report says
    the period, its comparison and the narrowed filters in its own words."""
    frames = Frames(cur)
    kpis = frames(overview.kpi_table, filters)
    sentences = narratives.overview_table(frames, filters)
    # spend when the view has one currency (a money line is never drawn across two)
    paid_key = (
        "spend" if len(money.currencies(kpis[kpis["group"] == "paid"])) <= 1 else "impressions"
    )
    panel = trend_panel(frames, filters, paid_key, "engagement")
    table = frames(campaigns.campaign_table, filters)
    scope = _scope(view_scope(cur, filters, table))
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for name, text in scope:
        parts.append(f'<p class="scope"><b>{html.escape(name)}:</b> {html.escape(text)}</p>')
    shown = filter_line or _filter_phrases(filters, scope)
    parts.append(
        f'<p class="scope"><b>View:</b> {html.escape(" · ".join(shown))}</p>'
        f'<p class="note">Made {formatting.moment(datetime.now(UTC))}.</p>'
    )
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
    if not panel.series.empty:
        parts.append("<h2>Trend</h2>")
        parts.append(svg_trend.trend_svg(panel))
        legend = (
            f"Line: {metrics.ALL_METRICS[panel.paid_key].label} per day; bars: "
            f"{metrics.ALL_METRICS[panel.organic_key].label} per day"
            + ("; dashed: 7-day average" if panel.averaged is not None else "")
            + "; red rings: unusual days."
        )
        parts.append(f'<p class="note">{html.escape(legend)}</p>')
        notes = panel.unusual_notes()
        if notes:
            parts.append(f'<p class="note">Unusual days: {html.escape(" · ".join(notes))}</p>')
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
        f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
        f"</tbody><tfoot>{''.join(total_rows)}</tfoot></table></div>"
    )


def _scope(scope: Scope) -> list[tuple[str, str]]:
    """Whose figures these are, in words: the accounts of the view and the currency of every
    amount."""
    out = []
    if scope.instagram:
        out.append(("Instagram", ", ".join(scope.instagram)))
    if scope.ad_accounts:
        out.append(
            (
                "Ad accounts",
                ", ".join(f"{name} ({money.label(code)})" for name, code in scope.ad_accounts),
            )
        )
    names = ", ".join(money.label(c) for c in scope.currencies)
    if len(scope.currencies) > 1:
        out.append(
            (
                "Currency",
                f"every amount is in its ad account's currency ({names}); amounts in "
                "different currencies are never added up",
            )
        )
    elif scope.currencies:
        out.append(("Currency", f"every amount is in {names}"))
    return out


def _filter_phrases(filters: Filters, scope: list[tuple[str, str]]) -> list[str]:
    """The view in words when the page gave none: the period, the comparison, and which
    filters narrow it (by what they filter on)."""
    compared = filters.comparison_range()
    parts = [formatting.days(filters.since, filters.until)]
    if compared:
        parts.append(f"vs {formatting.days(*compared)}")
    for what, values in (
        ("campaigns", filters.campaign_ids),
        ("objectives", filters.objectives),
        ("age groups", filters.ages),
        ("genders", filters.genders),
        ("Instagram accounts", filters.account_ids),
        ("media types", filters.media_types),
    ):
        if values:
            parts.append(f"{len(values)} {what}: {', '.join(values)}")
    return parts
