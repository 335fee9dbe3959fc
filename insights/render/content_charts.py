"""Plotly figures of the Content page. Each media type keeps one colour on every chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from insights.figures.content import WEEKDAYS
from insights.render import plotly_spec
from insights.render.plotly_spec import Spec

TYPE_COLOURS = {
    "IMAGE": "#2563eb",
    "VIDEO": "#f97316",
    "CAROUSEL_ALBUM": "#059669",
    "FEED": "#6366f1",
    "REELS": "#db2777",
    "STORY": "#ca8a04",
}


def _layout(title: str, height: int = 380, **axes: Spec) -> Spec:
    return {
        "title": {"text": title},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        **axes,
    }


def format_spread(frame: pd.DataFrame, labels: dict[str, str], title: str) -> go.Figure:
    """Box per format from the quantiles of its posts' engagement rates (whiskers: 10th and
    90th percentile), with the number of posts under each box."""
    boxes = []
    for row in frame.itertuples():
        name = f"{labels.get(row.value, row.value)}<br>{row.posts:,} posts"
        boxes.append(
            {
                "type": "box",
                "name": name,
                "x": [name],
                "q1": [row.er_p25],
                "median": [row.er_median],
                "q3": [row.er_p75],
                "lowerfence": [row.er_p10],
                "upperfence": [row.er_p90],
                "mean": [row.engagement_rate],
                "marker": {"color": TYPE_COLOURS.get(str(row.value), "#6b7280")},
                "boxmean": True,
                "showlegend": False,
                "hoverinfo": "y",
            }
        )
    yaxis = {
        "title": {"text": "Engagement rate per post (%)"},
        "tickformat": ".1%",
        "rangemode": "tozero",
    }
    return plotly_spec.figure(boxes, _layout(title, height=400, yaxis=yaxis))


def best_time_heatmap(frame: pd.DataFrame, min_posts: int, tz: str) -> go.Figure:
    """Weekday x hour, coloured by the engagement rate over the posts of each cell, the number
    of posts written in it; cells with fewer than `min_posts` posts stay blank."""
    ordered = frame.sort_values(["weekday", "hour"])
    rate = ordered["engagement_rate"].where(ordered["posts"] >= min_posts)
    z = rate.to_numpy(dtype="float64").reshape(7, 24)
    posts = ordered["posts"].to_numpy().reshape(7, 24)
    text = np.where(posts > 0, posts.astype(str), "")
    heatmap = {
        "type": "heatmap",
        "z": z,
        "x": [f"{h:02d}" for h in range(24)],
        "y": list(WEEKDAYS),
        "text": text,
        "texttemplate": "%{text}",
        "textfont": {"size": 10},
        "customdata": posts,
        "colorscale": plotly_spec.colorscale("Greens"),
        "colorbar": {"title": {"text": "Engagement<br>rate"}, "tickformat": ".1%"},
        "hoverongaps": False,
        "hovertemplate": (
            "%{y} %{x}:00<br>%{customdata} posts<br>engagement rate: %{z:.2%}<extra></extra>"
        ),
        "xgap": 1,
        "ygap": 1,
    }
    layout = _layout(
        "Engagement rate by publication time (number = posts)",
        height=380,
        xaxis={"title": {"text": f"Hour of publication ({tz})"}, "type": "category"},
        yaxis={"autorange": "reversed", "type": "category"},
    )
    return plotly_spec.figure([heatmap], layout)


def hashtag_bars(frame: pd.DataFrame, count: int = 20) -> go.Figure:
    """The best hashtags by engagement rate, with the number of posts behind each."""
    shown = frame.head(count).iloc[::-1]
    bars = {
        "type": "bar",
        "x": shown["engagement_rate"],
        "y": shown["hashtag"],
        "orientation": "h",
        "marker": {"color": "#2563eb"},
        "text": [f"{p:,} posts" for p in shown["posts"]],
        "textposition": "auto",
        "customdata": shown[["posts", "post_reach"]].to_numpy(),
        "hovertemplate": (
            "%{y}<br>engagement rate: %{x:.2%}<br>%{customdata[0]:,} posts, "
            "reach %{customdata[1]:,}<extra></extra>"
        ),
    }
    layout = _layout(
        f"Top {len(shown)} hashtags by engagement rate",
        120 + 24 * len(shown),
        xaxis={"title": {"text": "Engagement rate (%)"}, "tickformat": ".1%"},
    )
    return plotly_spec.figure([bars], layout)
