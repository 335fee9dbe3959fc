"""Campaigns: the full comparison table with totals, then 2 to 5 picked campaigns side by side
(bars, overlaid trends, CTR and CVR gaps with their uncertainty, age x gender breakdown)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from insights.figures import campaigns, metrics
from insights.figures.filters import Filters
from insights.render import campaign_charts
from insights.ui import campaign_grid, columns, context, fmt_table
from insights.ui import filters as global_filters
from insights.ui import format as fmt
from insights.ui.refresh import refresh_panel, start_if_empty
from insights.ui.text import md
from insights.ui.view_state import ViewControl
from insights.ui.widgets import csv_download

PICK_URL_KEY = "pick"
TREND_METRICS = ("spend", "impressions", "clicks", "ctr", "cpc", "conversions", "cpa", "roas")
HEATMAP_METRICS = ("cpa", "roas", "ctr", "cvr", "spend", "conversions", "cpm")
SCALES = ("Absolute", "Indexed to first day")
TREND_METRIC = ViewControl("cmp_metric", "trend", TREND_METRICS, TREND_METRICS[0], what="metric")
TREND_SCALE = ViewControl("cmp_mode", "scale", SCALES, SCALES[0], what="scale")
HEATMAP_METRIC = ViewControl(
    "cmp_heat_metric", "heat", HEATMAP_METRICS, HEATMAP_METRICS[0], what="metric"
)
# the fewest events (purchases, clicks ...) a heatmap cell must rest on to be coloured
MIN_EVENTS = ViewControl(
    "cmp_min_cell", "heat_min", range(1, 1001), 10, int, "fewest events per cell"
)


def render() -> None:
    """The Campaigns page."""
    if start_if_empty():
        refresh_panel(divider=False)
        st.title("Campaigns")
        st.info("The demo data is being loaded (see the sidebar); campaigns appear when saved.")
        return
    filters = global_filters.current()
    refresh_panel()
    st.title("Campaigns")
    table = context.frame(campaigns.campaign_table, filters)
    if table.empty:
        st.info(
            "No campaign delivered in this period under the current filters. "
            "Widen the date range or clear some filters."
        )
        return
    _table(table, filters)
    picked = _pick(table)
    if len(picked) < 2:
        st.info("Pick at least two campaigns above to compare them side by side.")
        return
    colours = campaign_charts.campaign_colours(list(context.options()["campaigns"]["campaign_id"]))
    names = dict(zip(table["campaign_id"], table["campaign_name"], strict=True))
    chosen = table.set_index("campaign_id").loc[list(picked)].reset_index()
    _bars(chosen, colours)
    _trends(filters, picked, names, colours)
    _gaps(table, picked)
    _breakdown(filters, picked)


def _table(table: pd.DataFrame, filters: Filters) -> None:
    st.subheader(f"All campaigns ({len(table)})")
    found = fmt_table.table_currencies(table)
    total_table = campaigns.totals(table)
    shown = context.figure_key(campaigns.campaign_table, filters)
    campaign_grid.campaign_grid(
        table, total_table, key="campaigns_all", budgets=True, figures=shown
    )
    several = (
        f" The campaigns spend in {len(found)} currencies: money is totalled per currency, "
        "never added across them."
        if len(found) > 1
        else ""
    )
    st.caption(
        "Click a column header to sort (a metric: highest first); the total stays at the "
        "bottom. Scroll the table sideways for more columns: the name stays. The total "
        "row's ratios are ratios of the sums (total CTR = all clicks / all impressions). "
        "Results are what each campaign's objective seeks (purchases, leads, link clicks, "
        "reach ...); CPA and ROAS are taken over the campaigns that sell." + several
    )
    csv_download(
        "Download campaign table (CSV)",
        lambda: fmt_table.campaign_download(table, total_table, budgets=True),
        f"campaigns_{filters.since}_{filters.until}.csv",
        "campaigns_all_csv",
    )


def _pick(table: pd.DataFrame) -> tuple[str, ...]:
    """The 2 to 5 campaigns to compare, kept in the URL ('pick') so a link reproduces them."""
    available = list(table["campaign_id"])
    names = dict(zip(table["campaign_id"], table["campaign_name"], strict=True))
    state = st.session_state
    if "cmp_pick" not in state:
        wanted = [v for v in st.query_params.get(PICK_URL_KEY, "").split(",") if v]
        kept = [v for v in dict.fromkeys(wanted) if v in names][: campaigns.MAX_PICKED]
        if len(kept) < len(wanted):
            st.toast("Some campaigns of the link are not in this view and were left out.")
        state["cmp_pick"] = kept or list(campaigns.default_pick(table))
    else:  # filters changed: keep only what is still in the table
        state["cmp_pick"] = [v for v in state["cmp_pick"] if v in names]
    st.subheader("Compare campaigns")
    picked = st.multiselect(
        "Campaigns to compare (2 to 5)",
        available,
        key="cmp_pick",
        max_selections=campaigns.MAX_PICKED,
        format_func=lambda cid: names.get(cid, cid),
    )
    if picked:
        st.query_params[PICK_URL_KEY] = ",".join(picked)
    else:
        st.query_params.pop(PICK_URL_KEY, None)
    return tuple(picked)


def _bars(chosen: pd.DataFrame, colours: dict[str, str]) -> None:
    st.plotly_chart(
        campaign_charts.comparison_bars(chosen, colours),
        key="cmp_bars",
        config={"displaylogo": False},
    )
    shown = chosen[["campaign_name", *campaign_charts.BAR_METRICS]]
    shown = fmt_table.metric_columns(shown, chosen["currency"]).rename(
        columns={"campaign_name": "Campaign"}
    )
    csv_download("Download bar chart data (CSV)", shown, "campaigns_compared.csv", "cmp_bars_csv")


def _trends(
    filters: Filters,
    picked: tuple[str, ...],
    names: dict[str, str],
    colours: dict[str, str],
) -> None:
    left, right = st.columns([2, 3])
    metric_key = TREND_METRIC.selectbox(left, "Trend metric", _metric_label)
    TREND_SCALE.seed()
    mode = TREND_SCALE.keep(right.segmented_control("Scale", list(SCALES), key=TREND_SCALE.key))
    indexed = mode == "Indexed to first day"
    daily = context.frame(campaigns.daily, filters, picked)
    shown = campaigns.indexed(daily, metric_key) if indexed else daily
    table = context.frame(campaigns.campaign_table, filters)
    currency_of = {
        str(cid): None if pd.isna(c) else str(c)
        for cid, c in zip(table["campaign_id"], table["currency"], strict=True)
        if cid in picked
    }
    if len(set(currency_of.values())) > 1 and metrics.ALL_METRICS[metric_key].unit == "money":
        st.caption("The picked campaigns spend in different currencies: each line is in its own.")
    st.plotly_chart(
        campaign_charts.overlaid_trend(shown, metric_key, indexed, names, colours, currency_of),
        key="cmp_trend",
        config={"displaylogo": False},
    )
    columns = ["campaign_id", "date", "day", metric_key] + (["index"] if indexed else [])
    out = shown[columns].assign(campaign_name=shown["campaign_id"].map(names))
    out = out[["campaign_name", "date", "day", metric_key] + (["index"] if indexed else [])]
    out["date"] = pd.to_datetime(out["date"]).dt.date
    out["day"] = out["day"].astype("Int64")
    if indexed:
        out["index"] = out["index"].round(1)
    out = fmt_table.metric_columns(out, shown["campaign_id"].map(currency_of)).rename(
        columns={
            "campaign_name": "Campaign",
            "date": "Date",
            "day": "Day of delivery",
            "index": "Index (first day = 100)",
        }
    )
    csv_download(
        "Download trend data (CSV)", out, f"campaign_trend_{metric_key}.csv", "cmp_trend_csv"
    )


def _gaps(table: pd.DataFrame, picked: tuple[str, ...]) -> None:
    st.subheader("Are the gaps real?")
    st.caption(
        "Difference in click-through rate (clicks / impressions) and conversion rate "
        "(conversions / clicks) between each pair, with a 95% confidence interval. A gap is "
        "real when its interval does not include zero; with several pairs, expect about one "
        "in twenty intervals to miss by chance."
    )
    gaps = campaigns.rate_differences(table, picked)
    for rate in ("ctr", "cvr"):
        if gaps[(gaps["rate"] == rate)]["ci_low"].notna().any():
            st.plotly_chart(
                campaign_charts.rate_intervals(gaps, rate),
                key=f"cmp_gap_{rate}",
                config={"displaylogo": False},
            )
        else:
            st.info(f"Too little data for a {rate.upper()} interval.")
    shown = pd.DataFrame(
        {
            "Rate": gaps["rate"].str.upper(),
            "Campaign A": gaps["name_a"],
            "Campaign B": gaps["name_b"],
            "A (%)": (gaps["rate_a"] * 100).round(3),
            "B (%)": (gaps["rate_b"] * 100).round(3),
            "Gap (points)": (gaps["difference"] * 100).round(3),
            "95% low": (gaps["ci_low"] * 100).round(3),
            "95% high": (gaps["ci_high"] * 100).round(3),
            "Verdict": gaps["verdict"],
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="cmp_gaps",
        column_config={
            "A (%)": columns.percent("A", places=3),
            "B (%)": columns.percent("B", places=3),
            "Gap (points)": columns.points("Gap", places=3),
            "95% low": columns.points(places=3),
            "95% high": columns.points(places=3),
        },
    )
    csv_download("Download gaps (CSV)", shown, "campaign_rate_gaps.csv", "cmp_gaps_csv")


def _best_sentence(
    cells: pd.DataFrame,
    metric_key: str,
    currency: str | None,
    basis: tuple[str, str] | None,
    min_events: int,
) -> str:
    """Which cell is best, among the cells shown only (a blanked cell is never named)."""
    label = _metric_label(metric_key)
    best = campaigns.best_cell(cells, metric_key)
    if best is None:
        if basis is None or cells["value"].isna().all():  # e.g. money over several currencies
            return f"No cell has a {label} here."
        return (
            f"No cell rests on {min_events:,} {basis[1]} or more: too few to name a best "
            f"{label}. Widen the range, pick more campaigns or lower the minimum."
        )
    value = fmt.value(best["shown"], metrics.ALL_METRICS[metric_key].unit, currency)
    where = f"**{md(str(best['gender']).capitalize())}, {md(best['age'])}**"
    if basis is None:  # a sum is large or small, not good or bad
        return f"Most {label}: {where}, {value}."
    over = f" over {int(best['n']):,} {basis[1]}"
    highest = "lowest" if not metrics.ALL_METRICS[metric_key].higher_is_better else "highest"
    return f"Best cell: {where}, the {highest} {label}: {value}{over}."


def _metric_label(key: str) -> str:
    return metrics.ALL_METRICS[key].label


def _breakdown(filters: Filters, picked: tuple[str, ...]) -> None:
    st.subheader("Audience: age group x gender")
    left, right = st.columns([3, 1])
    with left:
        metric_key = HEATMAP_METRIC.selectbox(st, "Heatmap metric", _metric_label)
    basis = campaigns.RESTS_ON.get(metric_key)
    MIN_EVENTS.seed()
    min_events = int(
        MIN_EVENTS.keep(
            right.number_input(
                f"Fewest {basis[1]} per cell" if basis else "Fewest events per cell",
                min_value=1,
                max_value=1000,
                key=MIN_EVENTS.key,
                help="A cell whose metric rests on fewer events is left blank and never "
                "named the best: too few to judge.",
                disabled=basis is None,
            )
        )
    )
    frame = context.frame(campaigns.breakdown, filters, picked)
    if frame.empty:
        st.info("No delivery by age and gender for these campaigns in this period.")
        return
    found = frame.attrs.get("currencies", [])
    one = found[0] if len(found) == 1 else None
    cells = campaigns.breakdown_cells(frame, metric_key, min_events)
    st.plotly_chart(
        campaign_charts.breakdown_heatmap(cells, metric_key, one, basis[1] if basis else None),
        key="cmp_heatmap",
        config={"displaylogo": False},
    )
    st.markdown(_best_sentence(cells, metric_key, one, basis, min_events))
    several = (
        " They spend in several currencies, so money figures (spend, CPA, CPM, ROAS) are left "
        "empty here: pick campaigns of one currency to see them."
        if len(found) > 1
        else ""
    )
    thin = ""
    if basis is not None:
        blanked = int((cells["value"].notna() & cells["shown"].isna()).sum())
        thin = (
            f" n is the number of {basis[1]} a cell's {_metric_label(metric_key)} rests on; "
            f"{blanked} cells with fewer than {min_events:,} are left blank: too few to judge."
        )
    st.caption(f"Over the {len(picked)} picked campaigns together.{thin}{several}")
    sums = [s for s in metrics.PAID_SUMS if s in metrics.ALL_METRICS]  # not the helper sums
    shown = frame[["age", "gender", *sums, metric_key]]
    shown = shown.loc[:, ~shown.columns.duplicated()]
    csv_download(
        "Download breakdown (CSV)",
        fmt_table.metric_columns(shown, one).rename(columns={"age": "Age", "gender": "Gender"}),
        "campaign_breakdown.csv",
        "cmp_heat_csv",
    )
