"""How a table column is drawn, the same way on every page: counts with thousands separators,
every number of a column to the same decimals, percents with their % sign (so the heading
does not repeat the unit), a day as '2 Dec 2026' and a date-time in the viewer's time zone."""

from __future__ import annotations

from typing import Any

import streamlit as st

# moment.js patterns of the grid: a day and a moment as insights.figures.formatting writes them
DAY_PATTERN = "D MMM YYYY"
MOMENT_PATTERN = "D MMM YYYY, HH:mm"


def viewer_zone() -> str:
    """The viewer's browser's time zone (IANA name), UTC when the browser did not say."""
    try:
        zone = st.context.timezone
    except Exception:  # no browser behind this run (a test's script run)
        zone = None
    return zone or "UTC"


def count(label: str | None = None, **options: Any) -> Any:
    """Whole numbers: '12,345'."""
    return st.column_config.NumberColumn(label, format="localized", step=1, **options)


def decimal(label: str | None = None, places: int = 2, **options: Any) -> Any:
    """Numbers to `places` decimals, all alike: '1,234.50', never '1,234.5' beside '7.25'."""
    return st.column_config.NumberColumn(
        label, format="localized", step=10**-places if places else 1, **options
    )


def percent(label: str | None = None, places: int = 2, **options: Any) -> Any:
    """A column holding numbers of percent (6.14 for 6.14%), written '6.14%'."""
    return st.column_config.NumberColumn(label, format=f"%.{places}f%%", **options)


def points(label: str | None = None, places: int = 2, **options: Any) -> Any:
    """A gap between two percents, in percentage points: '-0.12 pt'."""
    return st.column_config.NumberColumn(label, format=f"%.{places}f pt", **options)


def day(label: str | None = None, **options: Any) -> Any:
    """A calendar day: '2 Dec 2026'."""
    return st.column_config.DateColumn(label, format=DAY_PATTERN, **options)


def moment(label: str | None = None, **options: Any) -> Any:
    """A point in time, in the viewer's time zone: '2 Dec 2026, 14:43' (the zone in the
    column's help)."""
    zone = viewer_zone()
    options.setdefault("help", f"In your time zone ({zone}).")
    return st.column_config.DatetimeColumn(label, format=MOMENT_PATTERN, timezone=zone, **options)
