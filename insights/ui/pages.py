"""The app's pages, for the router in insights/ui/app.py."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from insights.ui import ads_page, campaigns_page, content_page, data_page, overview

# the pages that follow the global filters (the Data page shows the whole store)
FILTERED_TITLES = frozenset({"Overview", "Campaigns", "Ads", "Content"})


def navigation() -> StreamlitPage:
    return st.navigation(
        [
            st.Page(
                overview.render,
                title="Overview",
                icon=":material/dashboard:",
                url_path="overview",
                default=True,
            ),
            st.Page(
                campaigns_page.render,
                title="Campaigns",
                icon=":material/campaign:",
                url_path="campaigns",
            ),
            st.Page(
                ads_page.render,
                title="Ads",
                icon=":material/ad_group:",
                url_path="ads",
            ),
            st.Page(
                content_page.render,
                title="Content",
                icon=":material/photo_library:",
                url_path="content",
            ),
            st.Page(data_page.render, title="Data", icon=":material/database:", url_path="data"),
        ]
    )
