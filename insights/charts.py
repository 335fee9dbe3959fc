"""Plotly figures of the dashboard, built from the frames of insights.dashboard."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from insights.metrics import ALL_METRICS, Metric

_HOVER = {"money": "$%{y:,.2f}", "percent": "%{y:.2%}", "ratio": "%{y:.2f}x", "count": "%{y:,.0f}"}
_AXIS = {"money": "$,.2~f", "percent": ".1%", "ratio": ".2f", "count": ",.0f"}
PRIMARY = "#2563eb"
SECONDARY = "#f97316"


def axis_title(metric: Metric) -> str:
    unit = {"money": " (USD)", "percent": " (%)", "ratio": " (x)", "count": ""}[metric.unit]
    return metric.label + unit


def trend_figure(
    frame: pd.DataFrame, metric_key: str, grain: str, rolling: pd.DataFrame | None = None
) -> go.Figure:
    """A line of one metric per period, with an optional rolling average line."""
    metric = ALL_METRICS[metric_key]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=frame["period"],
            y=frame[metric_key],
            name=metric.label,
            mode="lines",
            line={"color": PRIMARY, "width": 1.5 if rolling is not None else 2.5},
            hovertemplate=(
                f"%{{x|%d %b %Y}}<br>{metric.label}: {_HOVER[metric.unit]}<extra></extra>"
            ),
        )
    )
    if rolling is not None:
        figure.add_trace(
            go.Scatter(
                x=rolling["period"],
                y=rolling[metric_key],
                name="7-day average",
                mode="lines",
                line={"color": SECONDARY, "width": 2.5},
                hovertemplate=f"%{{x|%d %b %Y}}<br>7-day: {_HOVER[metric.unit]}<extra></extra>",
            )
        )
    figure.update_layout(
        title=f"{metric.label} per {grain}",
        height=360,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": 1.08, "x": 1, "xanchor": "right"},
        hovermode="x unified",
        template="plotly_white",
    )
    figure.update_yaxes(title=axis_title(metric), tickformat=_AXIS[metric.unit], rangemode="tozero")
    figure.update_xaxes(title="Date")
    return figure
