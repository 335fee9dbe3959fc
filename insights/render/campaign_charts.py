"""Plotly figures of the Campaigns page. Each campaign keeps one colour on every chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from insights.figures import money
from insights.figures.metrics import ALL_METRICS
from insights.render import plotly_spec
from insights.render.overview_charts import axis_format, axis_title, hover_format
from insights.render.plotly_spec import Spec

PALETTE: tuple[str, ...] = tuple(qualitative.D3) + tuple(qualitative.Set2)
BAR_METRICS: tuple[str, ...] = ("spend", "ctr", "cpa", "roas")


def campaign_colours(campaign_ids: Sequence[str]) -> dict[str, str]:
    """A colour per campaign from the store's full list (stable whatever the filters)."""
    return {cid: PALETTE[i % len(PALETTE)] for i, cid in enumerate(campaign_ids)}


def _layout(title: str, height: int = 380, legend_y: float = -0.22, **axes: Spec) -> Spec:
    return {
        "title": {"text": title},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 60, "b": 20},
        "legend": {"orientation": "h", "yanchor": "top", "y": legend_y, "x": 0},
        **axes,
    }


def comparison_bars(
    table: pd.DataFrame, colours: Mapping[str, str], metrics: Sequence[str] = BAR_METRICS
) -> go.Figure:
    """Side-by-side bars of the picked campaigns, one panel per metric; money in each
    campaign's currency (a panel's title names it when the campaigns share one)."""
    found = (
        {None if pd.isna(c) else c for c in table["currency"]} if "currency" in table else {None}
    )
    one = next(iter(found)) if len(found) == 1 else None
    cols = len(metrics)
    layout = plotly_spec.subplot_grid(
        rows=1,
        cols=cols,
        subplot_titles=tuple(
            axis_title(ALL_METRICS[m], one)
            if len(found) == 1 or ALL_METRICS[m].unit != "money"
            else f"{ALL_METRICS[m].label} (each in its currency)"
            for m in metrics
        ),
        horizontal_spacing=0.06,
    )
    bars = []
    campaigns = list(table.itertuples())  # once: a row of the wide table is slow to build
    for col, key in enumerate(metrics, start=1):
        metric = ALL_METRICS[key]
        for row in campaigns:
            currency = getattr(row, "currency", None)
            currency = None if pd.isna(currency) else currency
            bars.append(
                {
                    "type": "bar",
                    "x": [row.campaign_name],
                    "y": [getattr(row, key)],
                    "name": row.campaign_name,
                    "marker": {"color": colours.get(row.campaign_id, PALETTE[0])},
                    "showlegend": col == 1,
                    "legendgroup": row.campaign_id,
                    "hovertemplate": (
                        f"%{{x}}<br>{metric.label}: "
                        + hover_format(metric.unit, currency)
                        + "<extra></extra>"
                    ),
                    **plotly_spec.cell_axes(1, col, cols),
                }
            )
        yaxis = layout[plotly_spec.axis_name("y", 1, col, cols)]
        yaxis["tickformat"] = axis_format(metric.unit, one)
        layout[plotly_spec.axis_name("x", 1, col, cols)]["showticklabels"] = False
    layout |= _layout("Picked campaigns side by side", height=360)
    return plotly_spec.figure(bars, layout)


def overlaid_trend(
    daily: pd.DataFrame,
    metric_key: str,
    indexed: bool,
    names: Mapping[str, str],
    colours: Mapping[str, str],
    currencies: Mapping[str, str | None] | None = None,
) -> go.Figure:
    """One line per picked campaign: the metric per calendar day, or (indexed) as 100 = its
    first day of delivery in the range, against days since that day. Money is in each
    campaign's currency (`currencies`: campaign id -> currency)."""
    metric = ALL_METRICS[metric_key]
    of = dict(currencies or {})
    found = set(of.values()) or {None}
    one = next(iter(found)) if len(found) == 1 else None
    lines = []
    x_column, y_column = ("day", "index") if indexed else ("date", metric_key)
    for cid, group in daily.groupby("campaign_id", sort=False):
        name = names.get(str(cid), str(cid))
        value = "%{y:,.0f}" if indexed else hover_format(metric.unit, of.get(str(cid)))
        when = "Day %{x}" if indexed else "%{x|%d %b %Y}"
        lines.append(
            {
                "type": "scatter",
                "x": group[x_column],
                "y": group[y_column],
                "name": name,
                "mode": "lines",
                "line": {"color": colours.get(str(cid), PALETTE[0]), "width": 2},
                "hovertemplate": f"{name}<br>{when}: {value}<extra></extra>",
            }
        )
    shapes = []
    if indexed:
        shapes.append(plotly_spec.hline(100, line={"color": "#9ca3af", "dash": "dot", "width": 1}))
        xaxis = {"title": {"text": "Days since first delivery in the range"}}
        yaxis = {
            "title": {"text": f"{metric.label} (index, first day = 100)"},
            "tickformat": ",.0f",
        }
        title = f"{metric.label} per day, indexed to each campaign's first day"
    else:
        xaxis = {"title": {"text": "Date"}}
        title_y = (
            axis_title(metric, one)
            if len(found) == 1 or metric.unit != "money"
            else f"{metric.label} (each in its campaign's currency)"
        )
        yaxis = {"title": {"text": title_y}, "tickformat": axis_format(metric.unit, one)}
        title = f"{metric.label} per day"
    yaxis["rangemode"] = "tozero"
    # the legend sits below the two-line date ticks and the axis title
    layout = _layout(title, height=420, legend_y=-0.3, xaxis=xaxis, yaxis=yaxis)
    if shapes:
        layout["shapes"] = shapes
    return plotly_spec.figure(lines, layout)


def rate_intervals(differences: pd.DataFrame, rate: str) -> go.Figure:
    """The difference of a rate between two campaigns, per pair, in percentage points, with
    its 95% interval."""
    shown = differences[(differences["rate"] == rate) & differences["ci_low"].notna()]
    labels = shown["name_a"] + "<br>vs " + shown["name_b"]
    real = shown["verdict"] == "real gap"
    points = shown["difference"] * 100
    gaps = {
        "type": "scatter",
        "x": points,
        "y": labels,
        "mode": "markers",
        "marker": {"color": ["#16a34a" if r else "#9ca3af" for r in real], "size": 11},
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": shown["ci_high"] * 100 - points,
            "arrayminus": points - shown["ci_low"] * 100,
            "thickness": 2,
        },
        "customdata": shown[["ci_low", "ci_high"]].to_numpy() * 100,
        "hovertemplate": (
            "%{y}<br>gap: %{x:+.2f} points"
            "<br>95% interval: %{customdata[0]:+.2f} to %{customdata[1]:+.2f}<extra></extra>"
        ),
    }
    name = rate.upper()
    layout = _layout(
        f"{name} gaps with 95% intervals (green: real gap)",
        140 + 60 * len(shown),
        xaxis={
            "title": {"text": f"{name} of A minus {name} of B (percentage points)"},
            "ticksuffix": " pt",
        },
        yaxis={"autorange": "reversed"},
    )
    layout["shapes"] = [plotly_spec.vline(0, line={"color": "#6b7280", "width": 1})]
    return plotly_spec.figure([gaps], layout)


def breakdown_heatmap(
    cells: pd.DataFrame, metric_key: str, currency: str | None = None, basis: str | None = None
) -> go.Figure:
    """Age group (rows) x gender (columns) of `breakdown_cells`, coloured by the metric where a
    cell is shown, its value and n (the `basis` count it rests on) written in each cell; a
    blanked cell (too few to judge) keeps only its n (money in `currency`)."""
    metric = ALL_METRICS[metric_key]
    shown = cells.pivot(index="age", columns="gender", values="shown").sort_index()
    value = cells.pivot(index="age", columns="gender", values="value").reindex_like(shown)
    n = cells.pivot(index="age", columns="gender", values="n").reindex_like(shown)
    text_format = {"percent": "{:.2%}", "ratio": "{:.2f}x", "count": "{:,.0f}"}

    def written(v: float) -> str:
        if pd.isna(v):
            return "–"
        if metric.unit == "money":
            return money.amount(v, currency)
        return text_format[metric.unit].format(v)

    # each cell's figures by position (a lookup by label per cell costs more than the chart)
    shown_at, value_at, n_at = shown.to_numpy(), value.to_numpy(), n.to_numpy()

    def cell(i: int, j: int) -> str:
        count = n_at[i, j]
        if basis is None or pd.isna(count):
            return written(shown_at[i, j])
        if pd.isna(shown_at[i, j]):
            return f"n={count:,.0f}"
        return f"{written(value_at[i, j])}<br>n={count:,.0f}"

    def hover(i: int, j: int) -> str:
        count = n_at[i, j]
        said = f"Age {shown.index[i]}, {str(shown.columns[j]).capitalize()}<br>{metric.label}: "
        said += written(value_at[i, j])
        if basis is not None and not pd.isna(count):
            said += f"<br>over {count:,.0f} {basis}"
            if pd.isna(shown_at[i, j]) and not pd.isna(value_at[i, j]):
                said += " (too few to judge: left blank)"
        return said

    rows, columns = range(len(shown.index)), range(len(shown.columns))
    text = [[cell(i, j) for j in columns] for i in rows]
    reverse = not metric.higher_is_better
    heatmap = {
        "type": "heatmap",
        "z": shown.to_numpy(dtype="float64"),
        "x": [str(g).capitalize() for g in shown.columns],
        "y": list(shown.index),
        "text": text,
        "texttemplate": "%{text}",
        "customdata": [[hover(i, j) for j in columns] for i in rows],
        "colorscale": plotly_spec.colorscale("Blues_r" if reverse else "Blues"),
        "colorbar": {
            "title": {"text": axis_title(metric, currency)},
            "tickformat": axis_format(metric.unit, currency),
        },
        "hovertemplate": "%{customdata}<extra></extra>",
        "xgap": 1,
        "ygap": 1,
    }
    title = f"{metric.label} by age group and gender" + (f" (n = {basis})" if basis else "")
    layout = _layout(
        title,
        height=420,
        xaxis={"title": {"text": "Gender"}},
        yaxis={"title": {"text": "Age group"}, "autorange": "reversed", "type": "category"},
    )
    return plotly_spec.figure([heatmap], layout)
