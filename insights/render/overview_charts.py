"""Plotly figures of the dashboard, built from the frames of insights.figures.overview."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from insights.figures import money
from insights.figures.anomalies import settles_late
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
    figure: go.Figure,
    frame: pd.DataFrame,
    metric: Metric,
    rolling: pd.DataFrame | None,
    row: int,
    currency: str | None = None,
    partial: tuple[list[str], list[bool]] | None = None,
) -> None:
    """A metric's line, in one colour: the series solid, its 7-day average the same colour
    dashed; periods without a post left as gaps for the post figures (points where a post
    day stands alone); partial first and last periods drawn dotted with an open marker and
    said so in the hover."""
    colour = PRIMARY if row == 1 else GREEN
    values = pd.to_numeric(frame[metric.key], errors="coerce").astype("float64")
    if metric.key in POST_DAY_METRICS and "posts" in frame:
        values = values.where(frame["posts"].to_numpy() > 0)
    notes, cut = partial or ([""] * len(frame), [False] * len(frame))
    cut_at = pd.Series(cut, index=values.index, dtype=bool)
    value = hover_format(metric.unit, currency)
    gaps = metric.key in POST_DAY_METRICS
    figure.add_trace(
        go.Scatter(
            x=frame["period"],
            y=values.where(~cut_at),
            name=metric.label,
            mode="lines+markers" if gaps else "lines",
            marker={"color": colour, "size": 5},
            line={"color": colour, "width": 2},
            connectgaps=False,
            legendgroup=f"{row}-series",
            hovertemplate=f"{metric.label}: {value}<extra></extra>",
        ),
        row=row,
        col=1,
    )
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
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": colour, "width": 2, "dash": "dot"},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=f"{row}-series",
                name=f"{metric.label}, partial",
            ),
            row=row,
            col=1,
        )
        figure.add_trace(
            go.Scatter(
                x=frame["period"][cut_at.to_numpy()],
                y=values[cut_at],
                mode="markers",
                marker={"color": "white", "size": 8, "line": {"color": colour, "width": 2}},
                text=[n for n, c in zip(notes, cut, strict=True) if c],
                showlegend=False,
                legendgroup=f"{row}-series",
                name=f"{metric.label}, partial",
                hovertemplate=f"{metric.label}: {value}%{{text}}<extra></extra>",
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
                line={"color": lighter(colour, 0.35), "width": 2.5, "dash": "dash"},
                legendgroup=f"{row}-average",
                hovertemplate=f"7-day average: {value}<extra></extra>",
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
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=[f"Paid: {paid.label} per {grain}", f"Organic: {organic.label} per {grain}"],
    )
    partial = period_bounds(frame["period"], grain, since, until)
    _trend_traces(figure, frame, paid, rolling, 1, currency, partial)
    _trend_traces(figure, frame, organic, rolling, 2, None, partial)
    for row, (days, metric) in enumerate(zip(unusual, (paid, organic), strict=True), start=1):
        if days is not None and not days.empty:
            _unusual_markers(figure, days, metric, row, currency if row == 1 else None)
    if provisional is not None and settles_late(paid_key):
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
            annotation_position="bottom left",
            annotation_font_size=11,
            annotation_font_color="#475569",
        )
    figure.update_layout(
        height=600,
        margin={"l": 10, "r": 10, "t": 40, "b": 30},
        legend={"orientation": "h", "yanchor": "top", "y": -0.13, "x": 0, "xanchor": "left"},
        hovermode="x unified",
        template="plotly_white",
    )
    figure.update_xaxes(hoverformat="%a %d %b %Y" if grain == "day" else "%d %b %Y")
    if grain == "month":  # one tick a month, named as a month
        figure.update_xaxes(dtick="M1", tickformat="%b %Y")
    figure.update_xaxes(title="Date", row=2, col=1)
    return figure
