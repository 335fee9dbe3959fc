"""The unvalidated figures of insights.render.plotly_spec against the same figures built the
slow way, through plotly's validating graph_objects API: the JSON a browser receives must be
the same (so the chart drawn is the same)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.subplots import make_subplots

from insights.render import plotly_spec


def _json(figure: go.Figure) -> dict:
    return json.loads(pio.to_json(figure))


@pytest.fixture
def days() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.date_range("2026-03-01", periods=6, freq="D"),
            "value": [1.5, np.nan, 3.25, 0.0, 7.0, 2.0],
            "posts": [3, 0, 1, 2, 5, 1],
        }
    )


def test_a_figure_equals_the_validated_one(days):
    slow = go.Figure(
        go.Scatter(x=days["period"], y=days["value"], name="Spend", marker_color="#2563eb")
    )
    slow.add_trace(go.Bar(x=days["period"], y=days["posts"], text=["a", "b", "c", "d", "e", "f"]))
    slow.add_hline(y=2, line={"color": "#9ca3af", "dash": "dot"})
    slow.add_vline(x=0, line={"width": 1})
    slow.update_xaxes(title="Date")
    slow.update_layout(title="Per day", height=300, template="plotly_white")
    fast = plotly_spec.figure(
        [
            {
                "type": "scatter",
                "x": days["period"],
                "y": days["value"],
                "name": "Spend",
                "marker": {"color": "#2563eb"},
            },
            {
                "type": "bar",
                "x": days["period"],
                "y": days["posts"],
                "text": ["a", "b", "c", "d", "e", "f"],
            },
        ],
        {
            "title": {"text": "Per day"},
            "height": 300,
            "xaxis": {"title": {"text": "Date"}},
            "shapes": [
                plotly_spec.hline(2, line={"color": "#9ca3af", "dash": "dot"}),
                plotly_spec.vline(0, line={"width": 1}),
            ],
        },
    )
    assert isinstance(fast, go.Figure)
    assert _json(fast) == _json(slow)
    assert _json(fast)["layout"]["template"] == pio.templates["plotly_white"].to_plotly_json()


@pytest.mark.parametrize(
    "titles",
    [
        ("Paid: Spend per day", "Organic: Reach per day"),
        ("Paid: CPA (€) per week", "Organic: Posts per week"),  # the same grid, new titles
        ("", "Organic only"),
    ],
)
def test_a_grid_equals_make_subplots(days, titles):
    slow = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, subplot_titles=titles
    )
    slow.add_trace(go.Scatter(x=days["period"], y=days["value"]), row=1, col=1)
    slow.add_trace(go.Scatter(x=days["period"], y=days["posts"]), row=2, col=1)
    slow.add_vrect(
        x0=days["period"].iloc[1],
        x1=days["period"].iloc[3],
        fillcolor="#94a3b8",
        opacity=0.15,
        line_width=0,
        row=1,
        col=1,
    )
    slow.update_yaxes(title="Spend", row=1, col=1)
    slow.update_layout(template="plotly_white")
    layout = plotly_spec.subplot_grid(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, subplot_titles=titles
    )
    layout[plotly_spec.axis_name("y", 1, 1, 1)]["title"] = {"text": "Spend"}
    layout["shapes"] = [
        plotly_spec.vrect(
            days["period"].iloc[1],
            days["period"].iloc[3],
            fillcolor="#94a3b8",
            opacity=0.15,
            line={"width": 0},
        )
    ]
    fast = plotly_spec.figure(
        [
            {"type": "scatter", "x": days["period"], "y": days["value"]}
            | plotly_spec.cell_axes(1, 1, 1),
            {"type": "scatter", "x": days["period"], "y": days["posts"]}
            | plotly_spec.cell_axes(2, 1, 1),
        ],
        layout,
    )
    assert _json(fast) == _json(slow)


def test_a_grid_is_a_fresh_copy_each_time():
    first = plotly_spec.subplot_grid(rows=1, cols=3, subplot_titles=("a", "b", "c"))
    first["xaxis3"]["showticklabels"] = False
    first["annotations"][0]["text"] = "changed"
    again = plotly_spec.subplot_grid(rows=1, cols=3, subplot_titles=("a", "b", "c"))
    assert "showticklabels" not in again["xaxis3"]
    assert again["annotations"][0]["text"] == "a"
    assert plotly_spec.cell_axes(1, 3, 3) == {"xaxis": "x3", "yaxis": "y3"}


@pytest.mark.parametrize("name", ["Blues", "Blues_r", "Greens"])
def test_a_named_colour_scale_is_written_as_validation_writes_it(name):
    slow = _json(go.Figure(go.Heatmap(z=[[1, 2]], colorscale=name)))
    fast = _json(plotly_spec.figure([{"type": "heatmap", "z": [[1, 2]]}], {}))
    fast_scaled = _json(
        plotly_spec.figure(
            [{"type": "heatmap", "z": [[1, 2]], "colorscale": plotly_spec.colorscale(name)}], {}
        )
    )
    assert fast_scaled["data"] == slow["data"]
    assert "colorscale" not in fast["data"][0]
