"""The app's frame: what every page shares, drawn once per run before the page itself.

Streamlit keeps a widget's value only while the widget is drawn on every run; widgets drawn by
each page are new widgets on the next page, and their values are lost on a page hop. Drawn
here, in the entry file's run, the global filters are the same widgets on every page, so they
stay as the marketer set them (Streamlit's documented pattern for widgets shared by pages).
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

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
        " · ".join(md(part) for part in filters.active_filters(chosen)),
        help="The filters in the sidebar apply to every page; the link holds them.",
    )
