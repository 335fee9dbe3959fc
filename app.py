"""Marketing insights dashboard: the router and the frame. Pages live in insights/ui/."""

import streamlit as st

from insights.ui import frame
from insights.ui.pages import navigation

st.set_page_config(page_title="Marketing insights", page_icon=":bar_chart:", layout="wide")
page = navigation()
frame.draw(page)  # the global filters, drawn once for every page
page.run()
