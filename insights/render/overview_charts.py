"""Plotly figures of the dashboard, built from the frames of insights.figures.overview."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from insights.figures import money
from insights.figures.anomalies import settles_late
from insights.figures.formatting import value as fmt_value
from insights.figures.metrics import ALL_METRICS, Metric, Unit
from insights.render import plotly_spec
from insights.render.plotly_spec import Spec

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


# organic figures summed over the posts published in a period: a period without a post has
# no such figure (a gap), not a zero
POST_DAY_METRICS = frozenset({"post_reach", "engagement", "engagement_rate"})
GRAIN_NOUNS = {"day": "day", "week": "week", "month": "month"}


def lighter(colour: str, amount: float = 0.55) -> str:
    """A '#rrggbb' colour mixed with white by `amount` (0: itself, 1: white)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(c + (255 - c) * amount) for c in (red, green, blue))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def period_bounds(
    periods: pd.Series, grain: str, since: date | None, until: date | None
) -> tuple[list[str], list[bool]]:
    """For each period start of a trend: a note for the hover and whether it is partial (a week
    or month of which the range holds only some days: its sum is not comparable with the
    others'). Without a range (or by day) no period is partial."""
    notes, partial = [], []
    for start in pd.to_datetime(periods):
        if grain == "week":
            end = start + pd.Timedelta(days=6)
        elif grain == "month":
            end = start + pd.offsets.MonthEnd(0)
        else:
            notes.append("")
            partial.append(False)
            continue
        first = max(start.date(), since) if since else start.date()
        last = min(end.date(), until) if until else end.date()
        cut = first > start.date() or last < end.date()
        partial.append(cut)
        held = (last - first).days + 1
        whole = (end - start).days + 1
        notes.append(
            f" (partial {GRAIN_NOUNS[grain]}: {first:%d %b}–{last:%d %b}, {held} of {whole} days)"
            if cut
            else ""
        )
    return notes, partial


def _trend_traces(
    frame: pd.DataFrame,
    metric: Metric,
    rolling: pd.DataFrame | None,
    row: int,
    currency: str | None = None,
    partial: tuple[list[str], list[bool]] | None = None,
) -> tuple[list[Spec], Spec]:
    """A metric's line, in one colour: the series solid, its 7-day average the same colour
    dashed; periods without a post left as gaps for the post figures (points where a post
    day stands alone); partial first and last periods drawn dotted with an open marker and
    said so in the hover. The traces of row `row` of the trend's grid, and its y axis."""
    colour = PRIMARY if row == 1 else GREEN
    values = pd.to_numeric(frame[metric.key], errors="coerce").astype("float64")
    if metric.key in POST_DAY_METRICS and "posts" in frame:
        values = values.where(frame["posts"].to_numpy() > 0)
    notes, cut = partial or ([""] * len(frame), [False] * len(frame))
    cut_at = pd.Series(cut, index=values.index, dtype=bool)
    value = hover_format(metric.unit, currency)
    gaps = metric.key in POST_DAY_METRICS
    axes = plotly_spec.cell_axes(row, 1, 1)
    traces: list[Spec] = [
        {
            "type": "scatter",
            "x": frame["period"],
            "y": values.where(~cut_at),
            "name": metric.label,
            "mode": "lines+markers" if gaps else "lines",
            "marker": {"color": colour, "size": 5},
            "line": {"color": colour, "width": 2},
            "connectgaps": False,
            "legendgroup": f"{row}-series",
            "hovertemplate": f"{metric.label}: {value}<extra></extra>",
            **axes,
        }
    ]
    if cut_at.any():
        # dotted from each partial period to its neighbour; the partial points themselves
        # carry the hover that says what they hold
        xs: list[object] = []
        ys: list[object] = []
        positions = list(range(len(frame)))
        for i in positions:
            if not cut[i]:
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(frame) and not cut[j]:
                    xs += [frame["period"].iloc[j], frame["period"].iloc[i], None]
                    ys += [values.iloc[j], values.iloc[i], None]
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "line": {"color": colour, "width": 2, "dash": "dot"},
                "hoverinfo": "skip",
                "showlegend": False,
                "legendgroup": f"{row}-series",
                "name": f"{metric.label}, partial",
                **axes,
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": frame["period"][cut_at.to_numpy()],
                "y": values[cut_at],
                "mode": "markers",
                "marker": {"color": "white", "size": 8, "line": {"color": colour, "width": 2}},
                "text": [n for n, c in zip(notes, cut, strict=True) if c],
                "showlegend": False,
                "legendgroup": f"{row}-series",
                "name": f"{metric.label}, partial",
                "hovertemplate": f"{metric.label}: {value}%{{text}}<extra></extra>",
                **axes,
            }
        )
    if rolling is not None:
        traces.append(
            {
                "type": "scatter",
                "x": rolling["period"],
                "y": rolling[metric.key],
                "name": f"{metric.label}, 7-day average",
                "mode": "lines",
                "line": {"color": lighter(colour, 0.35), "width": 2.5, "dash": "dash"},
                "legendgroup": f"{row}-average",
                "hovertemplate": f"7-day average: {value}<extra></extra>",
                **axes,
            }
        )
    yaxis = {
        "title": {"text": axis_title(metric, currency)},
        "tickformat": axis_format(metric.unit, currency),
        "rangemode": "tozero",
    }
    return traces, yaxis


def _unusual_markers(
    days: pd.DataFrame, metric: Metric, row: int, currency: str | None = None
) -> Spec:
    """Red rings on the days a metric left its usual range, with why in the hover."""
    usual = [fmt_value(v, metric.unit, currency) for v in days["usual"]]
    notes = [
        f"Unusual day: usual for this weekday {u} (robust z {z:+.1f})" + (f"<br>{e}" if e else "")
        for u, z, e in zip(usual, days["z"], days["explanation"], strict=True)
    ]
    return {
        "type": "scatter",
        "x": days["date"],
        "y": days["value"],
        "name": "Unusual day",
        "mode": "markers",
        "marker": {
            "color": "rgba(0,0,0,0)",
            "size": 13,
            "line": {"color": "#dc2626", "width": 2},
        },
        "text": notes,
        "hovertemplate": "%{text}<extra></extra>",
        "showlegend": row == 1,
        "legendgroup": "unusual",
        **plotly_spec.cell_axes(row, 1, 1),
    }


def trend_figure(
    frame: pd.DataFrame,
    paid_key: str,
    organic_key: str,
    grain: str,
    rolling: pd.DataFrame | None = None,
    unusual: tuple[pd.DataFrame | None, pd.DataFrame | None] = (None, None),
    provisional: tuple[object, object] | None = None,
    currency: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> go.Figure:
    """Paid (top) and organic (bottom) metrics per period on one shared time axis, each with
    an optional rolling average line (the series' colour, dashed), markers on unusual days
    (paid, organic) and the paid days still settling shaded (`provisional` = first and last
    day) when the paid metric settles late (conversions and what rests on them; spend is
    final). A week or month only partly inside `since`..`until` is drawn dotted and says so
    in the hover. Paid money is in `currency`, the one currency of the view. The legend sits
    under the chart, clear of the toolbar."""
    paid, organic = ALL_METRICS[paid_key], ALL_METRICS[organic_key]
    layout = plotly_spec.subplot_grid(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(f"Paid: {paid.label} per {grain}", f"Organic: {organic.label} per {grain}"),
    )
    partial = period_bounds(frame["period"], grain, since, until)
    data: list[Spec] = []
    for row, metric, money_in in ((1, paid, currency), (2, organic, None)):
        traces, yaxis = _trend_traces(frame, metric, rolling, row, money_in, partial)
        data += traces
        layout[plotly_spec.axis_name("y", row, 1, 1)].update(yaxis)
    for row, (days, metric) in enumerate(zip(unusual, (paid, organic), strict=True), start=1):
        if days is not None and not days.empty:
            data.append(_unusual_markers(days, metric, row, currency if row == 1 else None))
    if provisional is not None and settles_late(paid_key):
        start, end = provisional
        x0 = pd.Timestamp(start) - pd.Timedelta(hours=12)  # type: ignore[arg-type]
        x1 = pd.Timestamp(end) + pd.Timedelta(hours=12)  # type: ignore[arg-type]
        shade: Spec = {"fillcolor": "#94a3b8", "opacity": 0.15, "line": {"width": 0}}
        layout["shapes"] = [plotly_spec.vrect(x0, x1, **shade)]
        layout["annotations"].append(  # at the band's bottom left, as add_vrect puts it
            {
                "text": "provisional: late conversions may still arrive",
                "x": x0,
                "xref": "x",
                "xanchor": "left",
                "y": 0,
                "yref": "y domain",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": "#475569"},
            }
        )
    layout |= {
        "height": 600,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 30},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.13, "x": 0, "xanchor": "left"},
        "hovermode": "x unified",
    }
    for row in (1, 2):
        xaxis = layout[plotly_spec.axis_name("x", row, 1, 1)]
        xaxis["hoverformat"] = "%a %d %b %Y" if grain == "day" else "%d %b %Y"
        if grain == "month":  # one tick a month, named as a month
            xaxis |= {"dtick": "M1", "tickformat": "%b %Y"}
    layout[plotly_spec.axis_name("x", 2, 1, 1)]["title"] = {"text": "Date"}
    return plotly_spec.figure(data, layout)


FOLLOWERS_COLOUR = "#059669"


def follower_figure(history: pd.DataFrame) -> go.Figure:
    """Followers per day (`history`: date, followers), one point per snapshot kept."""
    line: Spec = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "Followers",
        "x": [pd.Timestamp(d).date().isoformat() for d in history["date"]],
        "y": [int(n) for n in history["followers"]],
        "line": {"color": FOLLOWERS_COLOUR, "width": 2},
        "marker": {"size": 5, "color": FOLLOWERS_COLOUR},
        "hovertemplate": "%{x|%d %b %Y}: %{y:,} followers<extra></extra>",
    }
    counts, days = line["y"], pd.to_datetime(history["date"])
    xaxis: Spec = {"type": "date", "tickformat": "%d %b"}
    yaxis: Spec = {"title": {"text": "Followers"}, "tickformat": ",d"}
    if len(days) and (days.max() - days.min()).days < 7:  # a few snapshots: one tick a day
        first, last = days.min() - pd.Timedelta(days=1), days.max() + pd.Timedelta(days=1)
        xaxis |= {"dtick": 86_400_000, "range": [first.isoformat(), last.isoformat()]}
    if counts and max(counts) - min(counts) < 10:  # a flat count: whole ticks around it
        yaxis |= {"range": [min(counts) - 5, max(counts) + 5], "dtick": 2}
    layout: Spec = {
        "height": 240,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "showlegend": False,
        "xaxis": xaxis,
        "yaxis": yaxis,
    }
    return plotly_spec.figure([line], layout)
