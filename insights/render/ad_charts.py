"""Plotly figures of the Ads page: where the ads ran (platform, format, device)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from insights.figures.ad_drill import placement_groups
from insights.figures.metrics import ALL_METRICS
from insights.render import plotly_spec
from insights.render.overview_charts import axis_format, axis_title, hover_format

# one colour per platform, on every chart (Meta's own brand colours would read as logos)
PLATFORM_COLOURS = {
    "Facebook": "#1f77b4",
    "Instagram": "#d62728",
    "Audience Network": "#7f7f7f",
    "Messenger": "#9467bd",
    "Threads": "#2ca02c",
}
FORMAT_ORDER = ("Feed", "Stories", "Reels", "Other")


def placement_bars(frame: pd.DataFrame, metric_key: str, currency: str | None) -> go.Figure:
    """Two panels of a `placements` frame's `metric_key`: by format (feed, stories, reels,
    other) with a bar per platform, and by device."""
    metric = ALL_METRICS[metric_key]
    layout = plotly_spec.subplot_grid(
        rows=1,
        cols=2,
        subplot_titles=("By platform and format", "By device"),
        horizontal_spacing=0.1,
    )
    hover = hover_format(metric.unit, currency)
    by_format = placement_groups(frame, ["platform", "format"])
    formats = [f for f in FORMAT_ORDER if f in set(by_format["format"])]
    bars = []
    for platform in dict.fromkeys(by_format["platform"]):
        part = by_format[by_format["platform"] == platform].set_index("format")
        bars.append(
            {
                "type": "bar",
                "x": formats,
                "y": [part[metric_key].get(f) for f in formats],
                "name": platform,
                "marker": {"color": PLATFORM_COLOURS.get(platform, "#8c564b")},
                "hovertemplate": f"{platform}, %{{x}}<br>{metric.label}: {hover}<extra></extra>",
                **plotly_spec.cell_axes(1, 1, 2),
            }
        )
    by_device = placement_groups(frame, ["device"])
    bars.append(
        {
            "type": "bar",
            "x": list(by_device["device"]),
            "y": list(by_device[metric_key]),
            "name": "All platforms",
            "marker": {"color": "#17becf"},
            "showlegend": False,
            "hovertemplate": f"%{{x}}<br>{metric.label}: {hover}<extra></extra>",
            **plotly_spec.cell_axes(1, 2, 2),
        }
    )
    for col in (1, 2):
        axis = layout[plotly_spec.axis_name("y", 1, col, 2)]
        axis["tickformat"] = axis_format(metric.unit, currency)
        axis["title"] = {"text": axis_title(metric, currency)} if col == 1 else None
    layout |= {
        "title": {"text": f"{metric.label} by placement"},
        "height": 380,
        "barmode": "group",
        "margin": {"l": 10, "r": 10, "t": 70, "b": 20},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
    }
    return plotly_spec.figure(bars, layout)
