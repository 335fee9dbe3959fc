"""Marketing insights dashboard: the router. Pages live in insights/ui/."""

import streamlit as st

from insights.ui.pages import navigation

st.set_page_config(page_title="Marketing insights", page_icon=":bar_chart:", layout="wide")
navigation().run()
