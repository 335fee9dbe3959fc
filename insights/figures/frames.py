"""Where insights and reports get the page computations they build on, each computed once."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Protocol

import duckdb
import pandas as pd

from insights.figures.filters import Filters, followed

Compute = Callable[..., pd.DataFrame]  # compute(cur, filters, *extra) -> a page's frame


class FrameSource(Protocol):
    """Where insights get the page computations they build on: `source(compute, filters,
    *extra)` is `compute(cur, filters, *extra)`, possibly from a cache. Insights take a source
    rather than a cursor so that they reuse the figures the page has already computed."""

    def __call__(self, compute: Compute, filters: Filters, /, *extra: Any) -> pd.DataFrame: ...


class Frames:
    """A FrameSource over one cursor that runs each (computation, filters, arguments) once:
    what a report, the CLI or a test shares between figures and the insights on them. (The app
    passes its cache instead, which has the same call shape.) The frames it returns are shared,
    so callers must not change them in place."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self.cur = cur
        self._done: dict[tuple[Hashable, ...], pd.DataFrame] = {}

    def __call__(self, compute: Compute, filters: Filters, /, *extra: Any) -> pd.DataFrame:
        filters = followed(compute, filters)  # the filters it follows (see filters.follows)
        key = (compute, filters, *extra)
        if key not in self._done:
            self._done[key] = compute(self.cur, filters, *extra)
        return self._done[key]
