"""Overview: KPI cards with their change, a trend chart, and the campaign comparison."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from insights.figures import (
    anomalies,
    campaigns,
    fatigue,
    formatting,
    metrics,
    money,
    narratives,
    overview,
    post_outliers,
)
from insights.figures.filters import GRAINS, Filters
from insights.figures.trend_panel import TrendPanel, needs_one_currency, trend_panel
from insights.render import overview_charts as charts
from insights.ui import campaign_grid, context, fmt_table
from insights.ui import filters as global_filters
from insights.ui import format as fmt
from insights.ui.refresh import refresh_panel, start_if_empty
from insights.ui.text import md
from insights.ui.view_state import ViewControl
from insights.ui.widgets import csv_download


def render() -> None:
    """The Overview page."""
    if start_if_empty():
        refresh_panel(divider=False)
        st.title("Overview")
        st.info(
            "The store is empty. The demo data is being loaded now (see the progress in "
            "the sidebar); figures appear here as soon as it is saved. With your own "
            "account, set a token and ids (see the README) and press Refresh data."
        )
        return
    filters = global_filters.current()
    _prefetch(filters)
    refresh_panel()
    st.title("Overview")  # the period and its comparison are stated above, with the filters
    kpis = context.frame(overview.kpi_table, filters)
    paid_currencies = money.currencies(kpis[kpis["group"] == "paid"])
    for currency in paid_currencies or [None]:
        title = "Paid (Meta ads)"
        if len(paid_currencies) > 1:
            title += f" · {money.label(currency)}"
        _kpi_cards(kpis, "paid", title, currency)
    if len(paid_currencies) > 1:
        st.caption(
            f"The ad accounts in this view spend in {len(paid_currencies)} currencies: the "
            "paid figures are shown per currency, never added across them."
        )
    _kpi_cards(kpis, "organic", "Organic (Instagram)")
    _followers(filters)
    kpi_col, report_col = st.columns([1, 1])
    with kpi_col:
        csv_download(
            "Download KPIs (CSV)",
            lambda: _kpi_export(kpis, filters),
            f"kpis_{filters.since}_{filters.until}.csv",
            "kpis_csv",
        )
    line = tuple(global_filters.active_filters(filters))  # the report states them as the page
    report_col.download_button(
        "Download report for stakeholders (HTML)",
        lambda: context.report_html(filters, line),  # written on click, not on every rerun
        file_name=f"report_{filters.since}_{filters.until}.html",
        mime="text/html",
        key="report_html",
        on_click="ignore",
        icon=":material/description:",
        help="KPIs, the sentences below, the trend chart and the campaign table in one file "
        "that opens in any browser, offline.",
    )
    _sentences(filters)
    _trend(filters)
    _campaigns(filters)


def _prefetch(filters: Filters) -> None:
    """The page's heaviest figures that need no other, asked of the store at once (see
    context.prefetch): the trend's history and its unusual posts, the KPIs, the campaigns
    now and before (the sentences compare them), the ads' fatigue (a sentence names a tiring
    ad)."""
    calls: list[tuple[Any, ...]] = [
        (overview.kpi_table, filters),
        (campaigns.campaign_table, filters),
        (fatigue.ad_fatigue, filters),
    ]
    # the daily history every currency's, unless the chart will draw one currency of several
    several = len(context.options()["ad_currencies"]) > 1
    if not (several and needs_one_currency(PAID_TREND.current())):
        history = anomalies.with_history(filters)
        calls.append((overview.trend, history, "day", overview.ALL_CURRENCIES))
    organic = ORGANIC_TREND.current()
    if organic in post_outliers.JUDGED:
        calls.append((post_outliers.unusual_posts, filters, organic, anomalies.HISTORY_WEEKS))
    compared = filters.comparison_range()
    if compared is not None:
        calls.append((campaigns.campaign_table, filters.with_range(*compared)))
    context.prefetch(*calls)


def _sentences(filters: Filters) -> None:
    # built on the page's cached figures (the KPIs, the campaign tables, the formats, the ads)
    found = narratives.overview_table(context.frame, filters)
    st.subheader("In plain words")
    if found.empty:
        st.caption(
            "Nothing stands out with enough evidence in this period (changes smaller than "
            "chance allows, or too few clicks, conversions, campaigns or posts)."
        )
        return
    # the sentences quote campaign names: escaped, they (and dollar signs) read as written
    st.markdown("\n".join(f"- {md(text)}" for text in found["text"]))


def _kpi_export(kpis: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The cards as rows, as shown: each KPI with its value and its comparison value rounded
    as the card writes them (money to the cent, percents as percent, counts whole) and the
    change in percent to one decimal, beside the unit they are in."""
    compared = filters.comparison_range()
    rows = []
    for row in kpis.to_dict("records"):
        currency = row["currency"] if row["group"] == "paid" else None
        unit = row["unit"]
        change = row["change"]
        flat = fmt.is_flat(change)
        rows.append(
            {
                "Group": "Paid" if row["group"] == "paid" else "Organic",
                "Currency": (money.code(currency) or "") if row["group"] == "paid" else "",
                "KPI": row["label"],
                "Unit": fmt_table.unit_label(unit, currency),
                "Since": filters.since.isoformat(),
                "Until": filters.until.isoformat(),
                "Value": fmt_table.shown_number(row["value"], unit, currency),
                "Comparison since": compared[0].isoformat() if compared else "",
                "Comparison until": compared[1].isoformat() if compared else "",
                "Comparison value": fmt_table.shown_number(row["previous"], unit, currency),
                "Change (%)": None
                if change is None or pd.isna(change)
                else Decimal("0.0")
                if flat
                else Decimal(f"{change * 100:.1f}"),
            }
        )
    return pd.DataFrame(rows, dtype=object)


def _kpi_cards(kpis: pd.DataFrame, group: str, title: str, currency: str | None = None) -> None:
    st.subheader(title)
    mine = kpis[kpis["group"] == group]
    if group == "paid":
        mine = (
            mine[mine["currency"].isna()]
            if currency is None
            else mine[mine["currency"] == currency]
        )
    rows = mine.to_dict("records")
    per_line = 4  # whole labels and values (compact where the exact one is long) fit four across
    for start in range(0, len(rows), per_line):
        columns = st.columns(per_line)
        for column, row in zip(columns, rows[start : start + per_line], strict=False):
            metric = metrics.ALL_METRICS[row["metric"]]
            shown, exact = fmt.card_value(row["value"], row["unit"], currency)
            column.metric(
                row["label"],
                shown,
                fmt.change(row["change"]),
                delta_color="off"
                if fmt.is_flat(row["change"])
                else "normal"
                if metric.higher_is_better
                else "inverse",
                delta_arrow="off" if fmt.is_flat(row["change"]) else "auto",
                help=fmt.card_help(row["help"] or metric.help, exact),
                border=True,
            )
    if (mine["value"].fillna(0) == 0).all():
        st.caption("Nothing in this period under the current filters.")


def _followers(filters: Filters) -> None:
    """Followers over the period, from the snapshot each refresh keeps."""
    history = context.frame(overview.follower_history, filters)
    if history.empty:
        return
    with st.expander("Followers over time", expanded=len(history) > 1):
        if len(history) < 2:
            st.caption(
                "One snapshot so far: Meta gives only today's follower count, so the history "
                "grows by one point a day with each refresh."
            )
        st.plotly_chart(
            charts.follower_figure(history), key="followers_chart", config={"displaylogo": False}
        )
        csv_download(
            "Download followers (CSV)",
            lambda: fmt_table.metric_columns(history).rename(columns={"date": "Date"}),
            f"followers_{filters.since}_{filters.until}.csv",
            "followers_csv",
        )


PAID_TREND = ViewControl(
    "trend_paid",
    "paid_metric",
    tuple(m.key for m in metrics.PAID_METRICS),
    metrics.PAID_METRICS[0].key,
    what="metric",
)
ORGANIC_TREND = ViewControl(
    "trend_organic",
    "organic_metric",
    tuple(metrics.ORGANIC_TREND_KEYS),
    "engagement",
    what="metric",
)
TREND_GRAIN = ViewControl("trend_grain", "grain", GRAINS, "day", what="grain")
TREND_AVERAGE = ViewControl.flag("trend_rolling", "avg", True, "average setting")


def _trend(filters: Filters) -> None:
    st.subheader("Trend")
    paid_col, organic_col, grain_col, smooth_col = st.columns([3, 3, 3, 2])
    label = {m.key: m.label for m in (*metrics.PAID_METRICS, *metrics.ORGANIC_METRICS)}
    paid_key = PAID_TREND.selectbox(paid_col, "Paid metric", label.__getitem__)
    organic_key = ORGANIC_TREND.selectbox(organic_col, "Organic metric", label.__getitem__)
    TREND_GRAIN.seed()
    TREND_AVERAGE.seed()
    grain = TREND_GRAIN.keep(
        grain_col.segmented_control("Grain", list(GRAINS), key=TREND_GRAIN.key)
    )
    smooth = TREND_AVERAGE.keep(
        smooth_col.toggle("7-day average", key=TREND_AVERAGE.key, disabled=grain != "day")
    )
    # money is never added across currencies: a view spanning several charts one at a time,
    # chosen before the panel is built (the panel is built once)
    table = context.frame(campaigns.campaign_table, filters)
    spanned = money.currencies(table)
    currency: str | None = overview.ALL_CURRENCIES
    if len(spanned) > 1 and needs_one_currency(paid_key):
        currency = _trend_currency(table, spanned)
        st.caption(
            f"The ad accounts of this view spend in {len(spanned)} currencies: "
            f"the paid chart shows the campaigns in {money.label(currency)}, the organic chart "
            "every account."
        )
    panel = trend_panel(context.frame, filters, paid_key, organic_key, grain, smooth, currency)
    if panel.series.empty:
        st.info("No data in this period under the current filters.")
        return
    st.plotly_chart(
        charts.trend_figure(
            panel.series,
            paid_key,
            organic_key,
            grain,
            panel.averaged,
            panel.unusual,
            panel.provisional,
            panel.currency,
            filters.since,
            filters.until,
        ),
        key="trend_chart",
        config={"displaylogo": False},
    )
    notes = panel.unusual_notes()
    if notes:
        st.caption("Unusual days (red rings): " + md(" · ".join(notes)))
    if panel.provisional and anomalies.settles_late(paid_key):
        st.caption(
            f"{metrics.ALL_METRICS[paid_key].label} from "
            f"{formatting.day(panel.provisional[0])} on is "
            "provisional (shaded): conversions are attributed up to 28 days late, so it can "
            "still change. Spend, impressions and clicks are final when delivered."
        )
    if organic_key in charts.POST_DAY_METRICS:
        st.caption(
            f"{metrics.ALL_METRICS[organic_key].label} is a figure of the posts published in "
            f"each {grain}: a {grain} without a post has none (a gap, not a zero)."
        )
    view = (filters.since, filters.until)
    if grain != "day" and any(charts.period_bounds(panel.series["period"], grain, *view)[1]):
        st.caption(
            f"Dotted, with an open point: a {grain} only partly inside the range; its sums "
            f"hold fewer days than a whole {grain}'s (the hover says how many)."
        )
    csv_download(
        "Download chart data (CSV)",
        lambda: _trend_download(panel, grain),
        f"trend_{paid_key}_{organic_key}_{grain}.csv",
        "trend_csv",
    )


def _trend_download(panel: TrendPanel, grain: str) -> pd.DataFrame:
    shown = panel.download()
    shown[grain] = pd.to_datetime(shown[grain]).dt.date
    heading = {grain: grain.capitalize()}
    return fmt_table.metric_columns(shown, panel.currency).rename(columns=heading)


def _trend_currency(table: pd.DataFrame, found: list[str | None]) -> str | None:
    """The currency whose money the paid chart draws when the view spans several: a choice
    kept in the URL, by default the currency with the most spend (`table`: the campaigns)."""
    spend = table.groupby("currency", dropna=False)["spend"].sum()
    options = tuple(sorted(found, key=lambda c: -float(spend.get(c, 0.0))))
    control = ViewControl("trend_currency", "currency", options, options[0], what="currency")
    control.seed()
    return control.keep(  # type: ignore[no-any-return]
        st.segmented_control(
            "Currency of the paid chart", list(options), key=control.key, format_func=money.label
        )
    )


def _campaigns(filters: Filters) -> None:
    st.subheader("Campaigns")
    table = context.frame(campaigns.campaign_table, filters)
    if table.empty:
        st.info("No campaign delivered in this period under the current filters.")
        return
    total_table = campaigns.totals(table)
    shown = context.figure_key(campaigns.campaign_table, filters)
    campaign_grid.campaign_grid(table, total_table, key="campaign_table", figures=shown)
    csv_download(
        "Download campaign table (CSV)",
        lambda: fmt_table.campaign_download(table, total_table),
        f"campaigns_{filters.since}_{filters.until}.csv",
        "campaigns_csv",
    )
