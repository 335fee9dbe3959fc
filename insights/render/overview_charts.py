"""Plotly figures of the dashboard, built from the frames of insights.figures.overview."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from insights.figures import money
from insights.figures.formatting import value as fmt_value
from insights.figures.metrics import ALL_METRICS, Metric, Unit

HOVER_FORMAT = {
    "money": "%{y:,.2f}",
    "percent": "%{y:.2%}",
    "ratio": "%{y:.2f}x",
    "count": "%{y:,.0f}",
}
AXIS_FORMAT = {"money": ",.2~f", "percent": ".1%", "ratio": ".2f", "count": ",.0f"}
PRIMARY = "#2563eb"
SECONDARY = "#f97316"
GREEN = "#059669"
PURPLE = "#7c3aed"


def hover_format(unit: Unit, currency: str | None = None, axis: str = "y") -> str:
    """A hover template's value: money with its currency's symbol (or code) and decimals."""
    template = HOVER_FORMAT[unit].replace("%{y", "%{" + axis)
    if unit != "money":
        return template
    number = "%{" + axis + ":,." + str(money.decimals(currency)) + "f}"
    sign = money.symbol(currency)
    return f"{sign}{number}" if sign else f"{number} {money.code(currency)}".rstrip()


def axis_format(unit: Unit, currency: str | None = None) -> str:
    if unit != "money":
        return AXIS_FORMAT[unit]
    return f",.{money.decimals(currency)}~f"


def axis_title(metric: Metric, currency: str | None = None) -> str:
    """'Spend (EUR)', 'CTR (%)'; a money axis without a known currency says so."""
    if metric.unit == "money":
        return f"{metric.label} ({money.label(currency)})"
    unit = {"percent": " (%)", "ratio": " (x)", "count": ""}[metric.unit]
    return metric.label + unit


def _trend_traces(
    figure: go.Figure,
    frame: pd.DataFrame,
    metric: Metric,
    rolling: pd.DataFrame | None,
    row: int,
    currency: str | None = None,
) -> None:
    figure.add_trace(
        go.Scatter(
            x=frame["period"],
            y=frame[metric.key],
            name=metric.label,
            mode="lines",
            line={
                "color": PRIMARY if row == 1 else GREEN,
                "width": 1.5 if rolling is not None else 2.5,
            },
            hovertemplate=f"{metric.label}: {hover_format(metric.unit, currency)}<extra></extra>",
        ),
        row=row,
        col=1,
    )
    if rolling is not None:
        figure.add_trace(
            go.Scatter(
                x=rolling["period"],
                y=rolling[metric.key],
                name=f"{metric.label}, 7-day average",
                mode="lines",
                line={"color": SECONDARY if row == 1 else PURPLE, "width": 2.5},
                hovertemplate=(
                    f"7-day average: {hover_format(metric.unit, currency)}<extra></extra>"
                ),
            ),
            row=row,
            col=1,
        )
    figure.update_yaxes(
        title=axis_title(metric, currency),
        tickformat=axis_format(metric.unit, currency),
        rangemode="tozero",
        row=row,
        col=1,
    )


def _unusual_markers(
    figure: go.Figure, days: pd.DataFrame, metric: Metric, row: int, currency: str | None = None
) -> None:
    """Red rings on the days a metric left its usual range, with why in the hover."""
    usual = [fmt_value(v, metric.unit, currency) for v in days["usual"]]
    notes = [
        f"Unusual day: usual for this weekday {u} (robust z {z:+.1f})" + (f"<br>{e}" if e else "")
        for u, z, e in zip(usual, days["z"], days["explanation"], strict=True)
    ]
    figure.add_trace(
        go.Scatter(
            x=days["date"],
            y=days["value"],
            name="Unusual day",
            mode="markers",
            marker={"color": "rgba(0,0,0,0)", "size": 13, "line": {"color": "#dc2626", "width": 2}},
            text=notes,
            hovertemplate="%{text}<extra></extra>",
            showlegend=row == 1,
            legendgroup="unusual",
        ),
        row=row,
        col=1,
    )


def trend_figure(
    frame: pd.DataFrame,
    paid_key: str,
    organic_key: str,
    grain: str,
    rolling: pd.DataFrame | None = None,
    unusual: tuple[pd.DataFrame | None, pd.DataFrame | None] = (None, None),
    provisional: tuple[object, object] | None = None,
    currency: str | None = None,
) -> go.Figure:
    """Paid (top) and organic (bottom) metrics per period on one shared time axis, each with
    an optional rolling average line, markers on unusual days (paid, organic) and the paid
    days still settling shaded (`provisional` = first and last day). Paid money is in
    `currency`, the one currency of the view."""
    paid, organic = ALL_METRICS[paid_key], ALL_METRICS[organic_key]
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=[f"Paid: {paid.label} per {grain}", f"Organic: {organic.label} per {grain}"],
    )
    _trend_traces(figure, frame, paid, rolling, 1, currency)
    _trend_traces(figure, frame, organic, rolling, 2)
    for row, (days, metric) in enumerate(zip(unusual, (paid, organic), strict=True), start=1):
        if days is not None and not days.empty:
            _unusual_markers(figure, days, metric, row, currency if row == 1 else None)
    if provisional is not None:
        start, end = provisional
        figure.add_vrect(
            x0=pd.Timestamp(start) - pd.Timedelta(hours=12),  # type: ignore[arg-type]
            x1=pd.Timestamp(end) + pd.Timedelta(hours=12),  # type: ignore[arg-type]
            fillcolor="#94a3b8",
            opacity=0.15,
            line_width=0,
            row=1,
            col=1,
            annotation_text="provisional: late conversions may still arrive",
            annotation_position="top left",
            annotation_font_size=11,
            annotation_font_color="#475569",
        )
    figure.update_layout(
        height=560,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.04, "x": 1, "xanchor": "right"},
        hovermode="x unified",
        template="plotly_white",
    )
    figure.update_xaxes(hoverformat="%a %d %b %Y" if grain == "day" else "%d %b %Y")
    figure.update_xaxes(title="Date", row=2, col=1)
    return figure
