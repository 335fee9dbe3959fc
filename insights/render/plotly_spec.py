"""Plotly figures from plain dict specs, wrapped once with plotly's validation off.

The pages rerun on every filter change, and building a figure through the validating
`plotly.graph_objects` calls costs 10-30 ms, most of it validation: the template copied and
checked on every `update_layout(template=...)`, `make_subplots` laying out its grid, each
`add_vrect`/`add_vline`. The charts here write what those calls write (the expanded
template, the grid's axes and titles as `make_subplots` lays them out, the shapes with the
references `add_vline` and friends give them), so the figure a person sees is the same.
Specs use plotly's full nesting: `{"title": {"text": ...}}`, `{"marker": {"color": ...}}`,
never the `marker_color` shorthand or a bare string title, and named colour scales through
`colorscale`: only validation expands those. A figure built here stays unvalidated: change
its spec rather than the figure."""

from __future__ import annotations

import functools
import json
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import get_colorscale
from plotly.subplots import make_subplots

Spec = dict[str, Any]
TEMPLATE = "plotly_white"


@functools.cache
def _template_json(name: str) -> str:
    return json.dumps(pio.templates[name].to_plotly_json())


def figure(data: list[Spec], layout: Spec, template: str = TEMPLATE) -> go.Figure:
    """A figure of trace specs and a layout spec, under `template` (expanded once and copied
    per figure, so no figure shares a mutable part with another)."""
    full = {"template": json.loads(_template_json(template)), **layout}
    return go.Figure({"data": data, "layout": full}, _validate=False)


@functools.cache
def _colorscale(name: str) -> tuple[tuple[float, str], ...]:
    return tuple((float(at), str(colour)) for at, colour in get_colorscale(name))


def colorscale(name: str) -> list[list[float | str]]:
    """A named colour scale ('Blues', 'Blues_r') as the [position, colour] pairs validation
    writes: plotly.js knows only some names and none reversed with '_r'."""
    return [list(step) for step in _colorscale(name)]


@functools.lru_cache(maxsize=64)
def _grid_json(
    rows: int,
    cols: int,
    shared_xaxes: bool,
    vertical_spacing: float | None,
    horizontal_spacing: float | None,
    titled: tuple[bool, ...],
) -> str:
    # a title's place depends on the grid only: laid out once per grid with stand-in titles
    # (make_subplots writes no annotation for an empty title), the texts filled in per use
    stand_ins = [f"title {i}" if has else "" for i, has in enumerate(titled)]
    laid_out = make_subplots(
        rows=rows,
        cols=cols,
        shared_xaxes=shared_xaxes,
        vertical_spacing=vertical_spacing,
        horizontal_spacing=horizontal_spacing,
        subplot_titles=stand_ins or None,
    ).layout.to_plotly_json()
    laid_out.pop("template", None)  # the figure's own template is added by `figure`
    return json.dumps(laid_out)


def subplot_grid(
    rows: int = 1,
    cols: int = 1,
    *,
    shared_xaxes: bool = False,
    vertical_spacing: float | None = None,
    horizontal_spacing: float | None = None,
    subplot_titles: tuple[str, ...] = (),
) -> Spec:
    """The layout `make_subplots` writes for a grid (axes with their domains, anchors and
    matches, the subplot titles as annotations), computed once per grid and copied per use.
    Traces go on a cell with `cell_axes`."""
    titled = tuple(bool(t) for t in subplot_titles)
    layout: Spec = json.loads(
        _grid_json(rows, cols, shared_xaxes, vertical_spacing, horizontal_spacing, titled)
    )
    for annotation, title in zip(
        layout.get("annotations", []), [t for t in subplot_titles if t], strict=True
    ):
        annotation["text"] = title
    return layout


def axis_name(letter: str, row: int, col: int, cols: int) -> str:
    """The layout key of a grid cell's axis ('xaxis', 'yaxis3'), as make_subplots numbers
    them: row by row, the first without a number."""
    number = (row - 1) * cols + col
    return f"{letter}axis" if number == 1 else f"{letter}axis{number}"


def cell_axes(row: int, col: int, cols: int) -> Spec:
    """A trace's `xaxis`/`yaxis` for a grid cell ('x', 'y2' ...), as add_trace(row=, col=)."""
    return {
        f"{letter}axis": axis_name(letter, row, col, cols).replace("axis", "")
        for letter in ("x", "y")
    }


# The shapes add_vrect, add_vline and add_hline write: the line or band spans its axis's
# whole other side, given in that axis's domain ('x domain': 0 is its left end, 1 its right).


def _across(y: str) -> Spec:
    return {"y0": 0, "y1": 1, "yref": f"{y} domain"}


def vrect(x0: object, x1: object, x: str = "x", y: str = "y", **style: Any) -> Spec:
    """A band from x0 to x1 across the plot's height (add_vrect)."""
    return {"type": "rect", "x0": x0, "x1": x1, "xref": x, **_across(y), **style}


def vline(x_at: object, x: str = "x", y: str = "y", **style: Any) -> Spec:
    """A vertical line at x_at across the plot's height (add_vline)."""
    return {"type": "line", "x0": x_at, "x1": x_at, "xref": x, **_across(y), **style}


def hline(y_at: object, x: str = "x", y: str = "y", **style: Any) -> Spec:
    """A horizontal line at y_at across the plot's width (add_hline)."""
    spanned = {"x0": 0, "x1": 1, "xref": f"{x} domain"}
    return {"type": "line", **spanned, "y0": y_at, "y1": y_at, "yref": y, **style}
