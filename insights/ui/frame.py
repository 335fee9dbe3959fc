"""The app's frame: what every page shares, drawn once per run before the page itself.

Streamlit keeps a widget's value only while the widget is drawn on every run; widgets drawn by
each page are new widgets on the next page, and their values are lost on a page hop. Drawn
here, in the entry file's run, the global filters are the same widgets on every page, so they
stay as the marketer set them (Streamlit's documented pattern for widgets shared by pages).
"""

from __future__ import annotations

from datetime import date

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from insights.figures import formatting
from insights.figures.filters import PRESETS, Filters
from insights.ui import context, filters
from insights.ui.pages import FILTERED_TITLES
from insights.ui.text import md


def draw(page: StreamlitPage) -> None:
    """The sidebar filters and, at the top of the page, the line of the filters in force,
    for the pages that follow the filters (and once the store holds data)."""
    st.session_state.pop(filters.CURRENT_KEY, None)
    if page.title not in FILTERED_TITLES or context.options()["bounds"] is None:
        return
    chosen = filters.sidebar_filters()
    st.caption(
        " · ".join(md(part) for part in active_filters(chosen)),
        help="The filters in the sidebar apply to every page; the link holds them.",
    )


def active_filters(chosen: Filters) -> list[str]:
    """The filters in force, as short phrases: the period, the comparison, then every narrowed
    filter with the names of what it keeps."""
    preset = st.session_state.get("f_preset", filters.DEFAULT_PRESET)
    label = PRESETS.get(preset, "Custom")
    parts = [f"{label}: {_span(chosen.since, chosen.until)}"]
    compared = chosen.comparison_range()
    if compared:
        parts.append(f"vs {_span(*compared)}")
    known = filters.choice_labels(context.options())
    for choice, values in zip(
        filters.CHOICES,
        (
            chosen.campaign_ids,
            chosen.objectives,
            chosen.ages,
            chosen.genders,
            chosen.account_ids,
            chosen.media_types,
        ),
        strict=True,
    ):
        if values:
            names = [known[choice.key].get(v, v) for v in values]
            shown = ", ".join(names[:3]) + (f" +{len(names) - 3} more" if len(names) > 3 else "")
            parts.append(f"{choice.label}: {shown}")
    return parts


def _span(since: date, until: date) -> str:
    return formatting.days(since, until)
