"""The trend as a small static SVG, for the stakeholder report: a few kilobytes that open in
any browser or mail client, offline, print as they look and fit a phone's width. The paid
metric is a line per day with its 7-day average in the same colour, dashed; the organic metric
is a bar per day (a day without a post is an empty day, not a fall of a line to zero); unusual
days are ringed, the days whose ad figures may still change are shaded."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from insights.figures import anomalies
from insights.figures.formatting import value as fmt_value
from insights.figures.metrics import ALL_METRICS, Metric
from insights.figures.trend_panel import TrendPanel

WIDTH, HEIGHT = 720, 190  # one panel, in the SVG's own units (it scales to the page's width)
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 26, 24
PAID_COLOUR, ORGANIC_COLOUR, RING = "#2563eb", "#059669", "#dc2626"


def trend_svg(panel: TrendPanel) -> str:
    """Both panels of the trend (paid above organic), as inline SVG elements."""
    days = pd.to_datetime(panel.series["period"]).dt.date.tolist()
    paid = ALL_METRICS[panel.paid_key]
    organic = ALL_METRICS[panel.organic_key]
    averaged = panel.averaged
    parts = [
        _panel(
            days,
            paid,
            _values(panel.series, paid.key),
            _values(averaged, paid.key) if averaged is not None else None,
            panel.unusual[0],
            panel.provisional if anomalies.settles_late(paid.key) else None,
            panel.currency,
            bars=False,
        ),
        _panel(
            days,
            organic,
            _values(panel.series, organic.key),
            _values(averaged, organic.key) if averaged is not None else None,
            panel.unusual[1],
            None,
            None,
            bars=True,
        ),
    ]
    return "\n".join(f'<div class="scroll">{part}</div>' for part in parts)


def _values(frame: pd.DataFrame | None, key: str) -> np.ndarray:
    if frame is None or key not in frame:
        return np.array([], dtype="float64")
    return pd.to_numeric(frame[key], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _panel(
    days: Sequence[object],
    metric: Metric,
    values: np.ndarray,
    average: np.ndarray | None,
    unusual: pd.DataFrame | None,
    provisional: tuple[object, object] | None,
    currency: str | None,
    *,
    bars: bool,
) -> str:
    n = len(days)
    finite = [v for v in (*values, *(average if average is not None else ())) if math.isfinite(v)]
    top = max(finite, default=0.0)
    top = top if top > 0 else 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(n, 1)

    def x(i: float) -> float:
        return LEFT + (i + 0.5) * step

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    title = f"{'Organic' if bars else 'Paid'}: {metric.label} per day"
    label = html.escape(metric.label)
    out = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{html.escape(title)}" '
        'class="chart" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="{LEFT}" y="16" class="t">{html.escape(title)}</text>',
    ]
    if provisional is not None and n:
        first, last = provisional
        inside = [i for i, d in enumerate(days) if first <= d <= last]  # type: ignore[operator]
        if inside:
            x0, x1 = x(inside[0]) - step / 2, x(inside[-1]) + step / 2
            out.append(
                f'<rect x="{x0:.1f}" y="{TOP}" width="{x1 - x0:.1f}" height="{plot_h}" '
                'fill="#94a3b8" opacity="0.18"><title>provisional: late conversions may still '
                "arrive</title></rect>"
            )
    for fraction in (0.0, 0.5, 1.0):  # the axis: 0, half and the top, in the metric's unit
        level = y(top * fraction)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{level:.1f}" y2="{level:.1f}" '
            'stroke="#e2e8f0"/>'
            f'<text x="{LEFT - 6}" y="{level + 4:.1f}" class="a" text-anchor="end">'
            f"{html.escape(_short(top * fraction, top, metric, currency))}</text>"
        )
    if bars:
        width = max(step * 0.7, 1.0)
        for i, v in enumerate(values):
            if math.isfinite(v) and v > 0:
                out.append(
                    f'<rect x="{x(i) - width / 2:.1f}" y="{y(v):.1f}" width="{width:.1f}" '
                    f'height="{TOP + plot_h - y(v):.1f}" fill="{ORGANIC_COLOUR}" opacity="0.75">'
                    f"<title>{days[i]}: {label} {html.escape(fmt_value(v, metric.unit))}"
                    "</title></rect>"
                )
    else:
        out.append(_line(values, x, y, PAID_COLOUR, ""))
    if average is not None and len(average):
        colour = ORGANIC_COLOUR if bars else PAID_COLOUR
        out.append(_line(average, x, y, colour, ' stroke-dasharray="5 3" opacity="0.8"'))
    if unusual is not None and not unusual.empty:
        where = {d: i for i, d in enumerate(days)}
        for row in unusual.itertuples():
            at = where.get(pd.Timestamp(row.date).date())
            if at is not None and math.isfinite(float(row.value)):
                out.append(
                    f'<circle cx="{x(at):.1f}" cy="{y(float(row.value)):.1f}" r="6" '
                    f'fill="none" stroke="{RING}" stroke-width="2">'
                    f"<title>unusual: {days[at]}</title></circle>"
                )
    for i in sorted({0, n // 2, n - 1}) if n else ():  # first, middle and last day
        out.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - 6}" class="a" text-anchor="middle">'
            f"{days[i]:%d %b}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _line(
    values: np.ndarray,
    x: Callable[[float], float],
    y: Callable[[float], float],
    colour: str,
    extra: str,
) -> str:
    """A polyline through the finite values; a missing value breaks it (no line to zero)."""
    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if math.isfinite(v):
            runs[-1].append(f"{x(i):.1f},{y(v):.1f}")
        elif runs[-1]:
            runs.append([])
    return "".join(
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
        f'stroke-width="2"{extra}/>'
        for run in runs
        if run
    )


def _short(number: float, top: float, metric: Metric, currency: str | None) -> str:
    """An axis label: the metric's own format; on an axis of counts that reaches 10,000, every
    label in thousands (K) or, from a million, millions (M)."""
    if metric.unit == "count" and top >= 10_000:
        return f"{number / 1e6:.1f}M" if top >= 1e6 else f"{number / 1e3:,.0f}K"
    return fmt_value(number, metric.unit, currency)
